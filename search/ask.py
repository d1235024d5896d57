"""Answers that cite: ranked passages, the sentences that answer, and the graph nodes each passage supports.

Shared by the command line (`styrkedja ask`) and the explorer. Extractive only: every answer is a passage as
it stands in its document, with its page; nothing is generated.

The nodes come from an rdflib Graph (the explorer's loaded Dataset) or from the store's quad index
(graph.quadstore): then one CONSTRUCT fetches just what ``passage_nodes`` reads about the hit passages, so
nothing else is loaded.

"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from graph.iris import passage_iri
from ontology import RPUBL, SDGO, SK
from search.answer import mark_answer
from search.index import SearchIndex
from search.records import Filters, Hit

# The classes a supported node is reported as, most specific first (local names are the contract's "type").
NODE_TYPES: tuple[tuple[URIRef, str], ...] = (
    (SK.PriorityArea, "PriorityArea"),
    (SK.Vision, "Vision"),
    (SK.Goal, "Goal"),
    (SK.Strategy, "Strategy"),
    (SK.Activity, "Activity"),
    (SK.Challenge, "Challenge"),
    (SK.Forum, "Forum"),
    (SK.Meeting, "Meeting"),
    (SK.AgendaItem, "AgendaItem"),
    (SK.Citation, "Citation"),
    (RPUBL.Paragraf, "Paragraf"),
    (SDGO.Target, "SdgTarget"),
    (SDGO.Goal, "SdgGoal"),
)
SDG_SCHEME = "http://metadata.un.org/sdg"

# What passage_nodes reads about a passage: the elements derived from it, what it cites, the inferred links of
# its elements, and the type and labels of each of those nodes.
NODES_QUERY = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX sk: <https://w3id.org/styrkedja/ns#>
CONSTRUCT {
  ?e prov:wasDerivedFrom ?p . ?p dcterms:references ?r . ?a sk:from ?e . ?a sk:to ?t .
  ?n rdf:type ?type . ?n rdfs:label ?label . ?n skos:prefLabel ?pref .
} WHERE {
  VALUES ?p { %s }
  {
    ?e prov:wasDerivedFrom ?p . BIND(?e AS ?n)
  } UNION {
    ?p dcterms:references ?r . BIND(?r AS ?n)
  } UNION {
    ?e prov:wasDerivedFrom ?p . ?a sk:from ?e . ?a sk:to ?t . BIND(?t AS ?n)
  }
  OPTIONAL { ?n rdf:type ?type }
  OPTIONAL { ?n rdfs:label ?label }
  OPTIONAL { ?n skos:prefLabel ?pref }
}
"""


class NodeSource(Protocol):
    """Where the nodes can be looked up without a loaded graph (graph.quadstore.QuadIndex)."""

    def construct(self, sparql: str) -> Graph:
        """Run a CONSTRUCT query; return its answer as a Graph."""
        ...


def nodes_graph(source: NodeSource, passages: Iterable[URIRef]) -> Graph:
    """The triples ``passage_nodes`` reads about these passages, fetched in one query."""
    values = " ".join(f"<{p}>" for p in dict.fromkeys(str(p) for p in passages))
    if not values:
        return Graph()
    return source.construct(NODES_QUERY % values)


@dataclass(frozen=True)
class NodeRef:
    """A graph node a passage supports: an element derived from it, a provision or SDG goal it cites."""

    iri: str
    type: str
    label: str
    relation: str  # "derived" (extracted from the passage), "references" (cited), "alignment" (inferred)


@dataclass
class Answer:
    """One ranked passage with its evidence."""

    rank: int
    score: float
    text: str
    source_file: str
    page: int | None
    document: str
    passage: str  # the passage IRI
    section: str
    title: str | None
    organisation: str | None
    kind: str | None
    answer_spans: list[tuple[int, int]] = field(default_factory=list)  # the answering sentences in ``text``
    nodes: list[NodeRef] = field(default_factory=list)


@dataclass
class AskResult:
    """A question and its answers, best first."""

    query: str
    results: list[Answer]


def node_type(graph: Graph, node: URIRef) -> str | None:
    """The contract type name of a node, or None when it is not a kind that is reported."""
    types = set(graph.objects(node, RDF.type))
    for cls, name in NODE_TYPES:
        if cls in types:
            return name
    if str(node) == SDG_SCHEME:
        return "Agenda2030"
    return None


def node_label(graph: Graph, node: URIRef) -> str:
    """A display label: Swedish rdfs:label, else any label, else skos:prefLabel, else the IRI."""
    labels = list(graph.objects(node, RDFS.label)) + list(graph.objects(node, SKOS.prefLabel))
    for label in labels:
        if getattr(label, "language", None) == "sv":
            return str(label)
    return str(labels[0]) if labels else ("Agenda 2030" if str(node) == SDG_SCHEME else str(node))


def passage_nodes(graph: Graph, passage: URIRef) -> list[NodeRef]:
    """The nodes a passage supports: elements derived from it, what it cites, and inferred SDG links."""
    found: dict[str, NodeRef] = {}
    derived = [e for e in graph.subjects(PROV.wasDerivedFrom, passage) if node_type(graph, e)]
    for element in derived:
        kind = node_type(graph, element)
        if kind in ("Citation",):
            continue
        found.setdefault(str(element), NodeRef(str(element), kind, node_label(graph, element), "derived"))
    for target in graph.objects(passage, DCTERMS.references):
        kind = node_type(graph, target) or "Reference"
        found.setdefault(str(target), NodeRef(str(target), kind, node_label(graph, target), "references"))
    for element in derived:
        for alignment in graph.subjects(SK["from"], element):
            target = graph.value(alignment, SK.to)
            if target is not None:
                kind = node_type(graph, target) or "SdgTarget"
                found.setdefault(
                    str(target), NodeRef(str(target), kind, node_label(graph, target), "alignment")
                )
    return list(found.values())


def answer_of(graph: Graph, question: str, hit: Hit, query_vector=None, embed_sentences=None) -> Answer:
    """Turn a search hit into an answer: the passage, its answering sentences and its graph nodes.

    With a query vector and a sentence embedder, the answering sentence is chosen by meaning as well as by
    shared words (see search.answer).
    """
    node = passage_iri(URIRef(hit.doc.doc_id), hit.passage.index)
    spans = mark_answer(question, hit.passage.text, query_vector, embed_sentences)
    return Answer(
        rank=hit.rank,
        score=round(hit.score, 4),
        text=hit.passage.text,
        source_file=hit.doc.source_file,
        page=hit.passage.page,
        document=hit.doc.doc_id,
        passage=str(node),
        section=hit.passage.section,
        title=hit.doc.title,
        organisation=hit.doc.organisation,
        kind=hit.doc.kind,
        answer_spans=[(s.start, s.end) for s in spans],
        nodes=passage_nodes(graph, node),
    )


def ask(
    graph: Graph | NodeSource, index: SearchIndex, question: str, k: int = 5, filters: Filters | None = None
) -> AskResult:
    """Answer one question."""
    return ask_many(graph, index, [question], k, filters)[0]


def ask_many(
    graph: Graph | NodeSource,
    index: SearchIndex,
    questions: Sequence[str],
    k: int = 5,
    filters: Filters | None = None,
) -> list[AskResult]:
    """Answer several questions with one embedding call (the model is loaded once).

    ``graph`` is a loaded graph, or the store's quad index (only the hit passages' nodes are fetched).
    """
    hits = index.batch_search(list(questions), k, filters)
    if not isinstance(graph, Graph):  # the quad index: fetch the nodes of the hit passages only
        graph = nodes_graph(graph, (passage_iri(URIRef(h.doc.doc_id), h.passage.index)
                                    for found in hits for h in found))
    # Answering sentences are marked by shared words only: on the development questions adding the model's
    # similarity marked the right sentence less often (benchmarks/eval_search.py, "answer_marking").
    return [
        AskResult(question, [answer_of(graph, question, hit) for hit in found])
        for question, found in zip(questions, hits, strict=True)
    ]


def ask_json(result: AskResult) -> dict:
    """The contract's JSON object for `ask --json` (with the answering spans and section as extensions)."""
    return {
        "query": result.query,
        "results": [
            {
                "rank": a.rank,
                "score": a.score,
                "text": a.text,
                "source_file": a.source_file,
                "page": a.page,
                "document": a.document,
                "nodes": [{"iri": n.iri, "type": n.type, "label": n.label} for n in a.nodes],
                "passage": a.passage,
                "section": a.section,
                "answer_spans": [list(span) for span in a.answer_spans],
                "node_relations": {n.iri: n.relation for n in a.nodes},
            }
            for a in result.results
        ],
    }
