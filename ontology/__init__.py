"""The Styrkedja vocabulary: namespaces, the OWL/SKOS file, the SHACL shapes (imports nothing of the project).

Use ``SK.Activity``, ``SK["from"]`` (``from`` is a Python keyword) and ``DOCTYPE.protokoll``; a misspelt term
raises AttributeError. ``ONTOLOGY_PATH`` and ``SHAPES_PATH`` point at the Turtle files beside this module.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

from ontology.sk import DOCTYPE, SK

HERE = Path(__file__).parent
ONTOLOGY_PATH = HERE / "styrkedja.ttl"
SHAPES_PATH = HERE / "shapes.ttl"

ONTOLOGY_IRI = "https://w3id.org/styrkedja/ns"
DOCTYPE_SCHEME = "https://w3id.org/styrkedja/doctype"

RPUBL = Namespace("http://rinfo.lagrummet.se/ns/2008/11/rinfo/publ#")
OA = Namespace("http://www.w3.org/ns/oa#")
SDG = Namespace("http://metadata.un.org/sdg/")  # goals and targets: SDG["4"], SDG["4.1"]
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")  # the UN SDG KOS classes: SDGO.Goal, SDGO.Target
LAGEN = Namespace("https://lagen.nu/")  # statute provisions: LAGEN["2010:800#K4P3"]
# OMG BMM 1.3 metaclasses, named by the normative XMI file (OMG publishes no RDF for BMM).
BMM = Namespace("https://www.omg.org/spec/BMM/20141108/BMM.xmi#")
SKS = Namespace("https://w3id.org/styrkedja/shapes#")  # the SHACL shapes in shapes.ttl

# The document types of the interface contract, as skos:notation values.
DOCUMENT_TYPES = (
    "verksamhetsplan",
    "kvalitetsplan",
    "uppdragsbeskrivning",
    "presentation",
    "protokoll",
    "tjansteskrivelse",
    "affarsplan",
    "styrkort",
    "arsbokslut",
    "kvalitetsrapport",
    "namndbudget",
    "intern_kontrollplan",
    "beslut",
    "annat",
)

PREFIXES = {
    "sk": SK._NS,
    "skdt": DOCTYPE._NS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "org": ORG,
    "foaf": FOAF,
    "skos": SKOS,
    "rpubl": RPUBL,
    "oa": OA,
    "sdg": SDG,
    "sdgo": SDGO,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the contract's prefixes (sk, dcterms, prov, org, foaf, skos, rpubl, oa, ...); return the graph."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def load_ontology() -> Graph:
    """Return a new graph holding the vocabulary (classes, properties, document-type concepts)."""
    return bind_prefixes(Graph().parse(ONTOLOGY_PATH, format="turtle"))


def load_shapes() -> Graph:
    """Return a new graph holding the SHACL shapes for one document's named graph."""
    return Graph().parse(SHAPES_PATH, format="turtle")


__all__ = [
    "BMM",
    "DOCTYPE",
    "DOCTYPE_SCHEME",
    "DOCUMENT_TYPES",
    "LAGEN",
    "OA",
    "ONTOLOGY_IRI",
    "ONTOLOGY_PATH",
    "ORG",
    "PREFIXES",
    "RPUBL",
    "SDG",
    "SDGO",
    "SHAPES_PATH",
    "SK",
    "SKS",
    "bind_prefixes",
    "load_ontology",
    "load_shapes",
]
