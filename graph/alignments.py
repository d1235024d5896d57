"""Inferred links from plan statements to SDG targets, kept apart from explicit mentions (sk:Alignment nodes).

Pure graph functions: which elements of a document graph are aligned, and how an alignment is written. The
scores come from the search layer (search/alignment.py), which owns the embedding model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import PROV

from ontology import SK

# The plan elements whose statements are matched to SDG targets.
ALIGNED_CLASSES = (SK.Vision, SK.Goal, SK.PriorityArea, SK.Strategy)
METHODS = ("embedding", "keyword")


@dataclass(frozen=True)
class Alignment:
    """An inferred link: a plan element serves an SDG target, with a calibrated score."""

    element: URIRef
    target: URIRef  # http://metadata.un.org/sdg/4.1
    score: float
    method: str  # "embedding" | "keyword"


def statements_to_align(graph: Graph, document: URIRef) -> list[tuple[URIRef, str]]:
    """The (element, label) pairs of a document's visions, goals, priority areas and strategies."""
    found: dict[URIRef, str] = {}
    for cls in ALIGNED_CLASSES:
        for node in graph.subjects(RDF.type, cls):
            if (node, SK.inDocument, document) in graph and node not in found:
                label = graph.value(node, RDFS.label)
                if label:
                    found[node] = str(label)
    return sorted(found.items(), key=lambda item: str(item[0]))


def alignment_iri(element: URIRef, target: URIRef) -> URIRef:
    """The IRI of the alignment of an element to a target (stable across rebuilds)."""
    code = str(target).rstrip("/").rsplit("/", 1)[-1]
    return URIRef(f"{element}/alignment/{code}")


def add_alignments(graph: Graph, document: URIRef, alignments: Iterable[Alignment]) -> int:
    """Write alignments into a document graph (replacing earlier ones of the same element and target)."""
    count = 0
    for a in alignments:
        if a.method not in METHODS:
            raise ValueError(f"unknown alignment method {a.method!r}")
        node = alignment_iri(a.element, a.target)
        graph.remove((node, None, None))
        graph.add((node, RDF.type, SK.Alignment))
        graph.add((node, SK["from"], a.element))
        graph.add((node, SK.to, a.target))
        graph.add((node, SK.score, Literal(round(a.score, 4), datatype=XSD.decimal)))
        graph.add((node, SK.method, Literal(a.method)))
        graph.add((node, SK.inDocument, document))
        passage = graph.value(a.element, PROV.wasDerivedFrom)
        if passage is not None:
            graph.add((node, PROV.wasDerivedFrom, passage))
        count += 1
    return count
