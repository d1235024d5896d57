"""Check one document's named graph against shapes.ttl (pyshacl), ontology and reference data mixed in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from ontology import load_ontology, load_shapes


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result, flattened to strings."""

    shape: str  # IRI of the (property) shape that failed, e.g. https://w3id.org/styrkedja/shapes#Passage-text
    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str


@dataclass(frozen=True)
class ValidationReport:
    """Whether a graph conforms, with its violations and pyshacl's own text report."""

    conforms: bool
    violations: tuple[Violation, ...]
    text: str

    @property
    def failed_shapes(self) -> frozenset[str]:
        """Return the IRIs of the shapes that produced a result."""
        return frozenset(v.shape for v in self.violations)


def _value(graph: Graph, node: URIRef, predicate: URIRef) -> str | None:
    """Return one object of node/predicate as a string, or None."""
    obj = graph.value(node, predicate)
    return None if obj is None else str(obj)


def violations(report: Graph) -> tuple[Violation, ...]:
    """Read the validation results of a SHACL report graph, sorted by shape and focus node."""
    found = []
    for result in report.subjects(SH.sourceShape, None):
        found.append(
            Violation(
                shape=str(report.value(result, SH.sourceShape)),
                focus=str(report.value(result, SH.focusNode)),
                path=_value(report, result, SH.resultPath),
                value=_value(report, result, SH.value),
                message=_value(report, result, SH.resultMessage) or "",
                severity=str(report.value(result, SH.resultSeverity)),
            )
        )
    return tuple(sorted(found, key=lambda v: (v.shape, v.focus, v.value or "")))


def validate_document_graph(
    graph: Graph,
    reference: Iterable[Graph] = (),
    ontology: Graph | None = None,
    shapes: Graph | None = None,
) -> ValidationReport:
    """Validate one document's graph; the ontology and any reference graphs are mixed in, never changed."""
    from pyshacl import validate  # imported here: pyshacl is slow to import and only needed to validate

    extra = Graph()
    for part in (ontology if ontology is not None else load_ontology(), *reference):
        for triple in part:
            extra.add(triple)
    conforms, report, text = validate(
        graph,
        shacl_graph=shapes if shapes is not None else load_shapes(),
        ont_graph=extra,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,  # warnings (an unknown publisher) are reported, but the graph conforms
    )
    return ValidationReport(bool(conforms), violations(report), str(text))
