"""IRIs minted by Styrkedja: documents, their named graphs, passages, extracted elements, agents.

Every IRI is a pure function of stable inputs (a file's base name, an element's kind and ordinal, a name), so
re-ingesting a file gives the same IRIs and replaces exactly its own graph.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import URIRef

BASE = "https://w3id.org/styrkedja/id/"
GRAPH_BASE = "https://w3id.org/styrkedja/graph/"

# Named graphs of the shared reference data.
SKOLLAGEN_GRAPH = URIRef(GRAPH_BASE + "reference/skollagen")
SDG_GRAPH = URIRef(GRAPH_BASE + "reference/sdg")
KOMMUNER_GRAPH = URIRef(GRAPH_BASE + "reference/kommuner")
ONTOLOGY_GRAPH = URIRef(GRAPH_BASE + "ontology")


def slug(text: str) -> str:
    """Return a lowercase ASCII slug ("Barn- och utbildningsnämnden" -> "barn-och-utbildningsnamnden")."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.casefold()).strip("-") or "x"


def document_iri(source_file: str) -> URIRef:
    """The IRI of the document read from a file (by its base name, extension included)."""
    return URIRef(f"{BASE}doc/{slug(source_file)}")


def document_graph(source_file: str) -> URIRef:
    """The IRI of the named graph that holds everything extracted from one file."""
    return URIRef(f"{GRAPH_BASE}doc/{slug(source_file)}")


def passage_iri(doc: URIRef, index: int) -> URIRef:
    """The IRI of a document's passage number ``index`` (0-based, in reading order)."""
    return URIRef(f"{doc}/p/{index}")


def element_iri(doc: URIRef, kind: str, index: int) -> URIRef:
    """The IRI of an extracted element ("goal", "strategy", "activity", "meeting", "item", ...)."""
    return URIRef(f"{doc}/{kind}/{index}")


def kommun_iri(kommunkod: str) -> URIRef:
    """The IRI of a municipality, by its four-digit kommunkod."""
    return URIRef(f"{BASE}kommun/{kommunkod}")


def organisation_iri(name: str) -> URIRef:
    """The IRI of an organisation that is not a municipality (a region, a kommunalförbund, an agency)."""
    return URIRef(f"{BASE}org/{slug(name)}")


def agent_iri(scope: URIRef, kind: str, name: str) -> URIRef:
    """The IRI of a body, role or person within an organisation ("body", "role", "person")."""
    return URIRef(f"{scope}/{kind}/{slug(name)}")
