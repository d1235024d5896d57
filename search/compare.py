"""Documents like a given one: by the embeddings of their passages and by what they share in the graph.

The embedding part (search/similar.py, passage-to-passage Chamfer similarity) finds documents that talk alike;
the graph part says what they share: the same paragraphs of law cited, the same Agenda 2030 goals and targets
(mentioned or inferred), the same kinds of plan elements, the same roles made responsible. The score combines
both (GRAPH_WEIGHT), and the answer lists what is shared, so a consultant sees why two plans are alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS

from ontology import SK
from search.ask import node_label
from search.index import SearchIndex
from search.similar import similar_documents

GRAPH_WEIGHT = 0.4  # share of the graph overlap in the combined score (the rest: embedding similarity)
FEATURES = ("laws", "sdg", "kinds", "roles")
ELEMENT_KINDS = {
    SK.Vision: "vision",
    SK.Goal: "mål",
    SK.PriorityArea: "prioriterat område",
    SK.Strategy: "strategi",
    SK.Activity: "aktivitet",
    SK.Challenge: "utmaning",
    SK.Forum: "forum",
    SK.Meeting: "sammanträde",
}


@dataclass
class Similar:
    """Another document, how alike it is, and what the two share."""

    document: str
    source_file: str
    title: str | None
    score: float
    embedding: float
    graph: float
    shared: dict[str, list[str]] = field(default_factory=dict)
    passages: list[dict] = field(default_factory=list)  # best matching passage pairs


def features(graph: Graph, document: URIRef) -> dict[str, dict[str, str]]:
    """A document's graph features by kind: IRI (or key) -> display label."""
    out: dict[str, dict[str, str]] = {name: {} for name in FEATURES}
    for node in graph.subjects(SK.inDocument, document):
        for target in graph.objects(node, DCTERMS.references):
            key = "sdg" if str(target).startswith("http://metadata.un.org/sdg") else "laws"
            out[key][str(target)] = node_label(graph, target)
        types = set(graph.objects(node, RDF.type))
        for cls, name in ELEMENT_KINDS.items():
            if cls in types:
                out["kinds"][name] = name
        if SK.Alignment in types:
            target = graph.value(node, SK.to)
            if target is not None:
                out["sdg"][str(target)] = node_label(graph, target)
        for agent in graph.objects(node, SK.responsible):
            label = graph.value(agent, RDFS.label)
            if label:
                out["roles"][str(label).casefold()] = str(label)
    return out


def overlap(a: dict[str, dict[str, str]], b: dict[str, dict[str, str]]) -> tuple[float, dict[str, list[str]]]:
    """Mean Jaccard overlap over the feature kinds either document has, and the shared labels per kind."""
    scores, shared = [], {}
    for name in FEATURES:
        left, right = set(a[name]), set(b[name])
        if not left and not right:
            continue
        common = left & right
        scores.append(len(common) / len(left | right))
        if common:
            shared[name] = sorted(a[name][key] for key in common)
    return (sum(scores) / len(scores) if scores else 0.0), shared


def similar(graph: Graph, index: SearchIndex, document: str, k: int = 5) -> list[Similar]:
    """The k documents most like ``document`` (an IRI), best first."""
    vectors = index.all_vectors()
    if document not in vectors:
        return []
    metas = {meta.doc_id: meta for meta in index.documents()}
    mine = features(graph, URIRef(document))
    by_embedding = similar_documents(vectors, document, k=len(vectors))
    results = []
    for found in by_embedding:
        score_graph, shared = overlap(mine, features(graph, URIRef(found.doc_id)))
        meta = metas.get(found.doc_id)
        passages_a, passages_b = index.passages(document), index.passages(found.doc_id)
        pairs = [
            {
                "this": passages_a[i].text,
                "other": passages_b[j].text,
                "cosine": round(c, 3),
                "this_page": passages_a[i].page,
                "other_page": passages_b[j].page,
            }
            for i, j, c in found.pairs
        ]
        results.append(
            Similar(
                document=found.doc_id,
                source_file=meta.source_file if meta else found.doc_id,
                title=meta.title if meta else None,
                score=round((1 - GRAPH_WEIGHT) * found.score + GRAPH_WEIGHT * score_graph, 4),
                embedding=round(found.score, 4),
                graph=round(score_graph, 4),
                shared=shared,
                passages=pairs,
            )
        )
    results.sort(key=lambda r: -r.score)
    return results[:k]


def similar_json(document: str, source_file: str, results: list[Similar]) -> dict:
    """JSON for `similar --json`."""
    return {
        "document": document,
        "source_file": source_file,
        "similar": [
            {
                "document": r.document,
                "source_file": r.source_file,
                "title": r.title,
                "score": r.score,
                "embedding": r.embedding,
                "graph": r.graph,
                "shared": r.shared,
                "passages": r.passages,
            }
            for r in results
        ],
    }
