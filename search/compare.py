"""Documents like a given one: by the embeddings of their passages and by what they share in the graph.

The embedding part (search/similar.py, passage-to-passage Chamfer similarity) finds documents that talk alike;
the graph part says what they share: the same paragraphs of law cited, the same Agenda 2030 goals and targets
(mentioned or inferred), the same kinds of plan elements, the same roles made responsible. The score combines
both (GRAPH_WEIGHT), and the answer lists what is shared, so a consultant sees why two plans are alike.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
from rdflib import Graph, URIRef

from graph.profiles import FEATURES, Features, features, overlap
from search.index import SearchIndex
from search.similar import best_pairs, chamfer, similar_documents

GRAPH_WEIGHT = 0.4  # share of the graph overlap in the combined score (the rest: embedding similarity)
# A large store is ranked in two passes: the documents whose mean vectors are nearest the target's, and
# those sharing the most with it in the graph, get the exact Chamfer score; the rest are not scored.
MEAN_CANDIDATES = 300
GRAPH_CANDIDATES = 100
_NONE: frozenset[str] = frozenset()


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


def _pairs(index: SearchIndex, document: str, other: str, pairs) -> list[dict]:
    """The best passage pairs of two documents as JSON-ready dicts."""
    passages_a, passages_b = index.passages(document), index.passages(other)
    return [
        {
            "this": passages_a[i].text,
            "other": passages_b[j].text,
            "cosine": round(c, 3),
            "this_page": passages_a[i].page,
            "other_page": passages_b[j].page,
        }
        for i, j, c in pairs
    ]


def _combined(doc: str, embedding: float, graph_score: float, shared: dict, meta) -> Similar:
    return Similar(
        document=doc,
        source_file=meta.source_file if meta else doc,
        title=meta.title if meta else None,
        score=round((1 - GRAPH_WEIGHT) * embedding + GRAPH_WEIGHT * graph_score, 4),
        embedding=round(embedding, 4),
        graph=round(graph_score, 4),
        shared=shared,
    )


def similar(graph: Graph, index: SearchIndex, document: str, k: int = 5) -> list[Similar]:
    """The k documents most like ``document`` (an IRI), best first, over the whole store's graph with every
    document scored (the reference :func:`similar_stored` is tested against)."""
    vectors = index.all_vectors()
    if document not in vectors:
        return []
    metas = {meta.doc_id: meta for meta in index.documents()}
    mine = features(graph, URIRef(document))
    by_embedding = similar_documents(vectors, document, k=len(vectors))
    results = []
    for found in by_embedding:
        score_graph, shared = overlap(mine, features(graph, URIRef(found.doc_id)))
        result = _combined(found.doc_id, found.score, score_graph, shared, metas.get(found.doc_id))
        result.passages = _pairs(index, document, found.doc_id, found.pairs)
        results.append(result)
    results.sort(key=lambda r: -r.score)
    return results[:k]


def _unit(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def _one_blas_thread():
    """A context in which BLAS runs on one thread (nothing changes without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn (sentence-transformers)
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def candidates(
    means_ids: list[str], means: np.ndarray, target: str, graph_scores: Mapping[str, float],
    mean_candidates: int = MEAN_CANDIDATES, graph_candidates: int = GRAPH_CANDIDATES,
) -> set[str]:
    """The documents worth an exact score: nearest by mean vector, and sharing most in the graph."""
    chosen: set[str] = set()
    where = {doc: row for row, doc in enumerate(means_ids)}
    if target in where and means.size:
        cosines = np.asarray(means, dtype=np.float32) @ np.asarray(means[where[target]], dtype=np.float32)
        cosines[where[target]] = -np.inf
        take = min(mean_candidates, len(means_ids))
        top = np.argpartition(-cosines, take - 1)[:take] if take else []
        chosen.update(means_ids[int(i)] for i in top if np.isfinite(cosines[int(i)]))
    ranked = sorted(graph_scores.items(), key=lambda item: (-item[1], item[0]))
    chosen.update(doc for doc, _ in ranked[:graph_candidates])
    chosen.discard(target)
    return chosen


class Profiles(Protocol):
    """Stored graph features (graph.profiles.ProfileIndex): keys of every document, labels when asked."""

    def keys(self) -> Mapping[str, Mapping[str, Collection[str]]]:
        """Every document's feature keys by kind."""
        ...

    def features(self, documents: Iterable[str] | None = None) -> Mapping[str, Features]:
        """Some documents' features (keys with labels)."""
        ...


@dataclass
class StaticProfiles:
    """Profiles held in memory (features by document IRI)."""

    by_document: dict[str, Features]

    def keys(self) -> dict[str, dict[str, list[str]]]:
        """Every document's feature keys by kind."""
        return {doc: {name: list(found) for name, found in f.items()} for doc, f in self.by_document.items()}

    def features(self, documents: Iterable[str] | None = None) -> dict[str, Features]:
        """Some documents' features."""
        wanted = self.by_document if documents is None else set(documents)
        return {doc: self.by_document[doc] for doc in wanted if doc in self.by_document}


def _sets(kinds: Mapping[str, Collection[str]]) -> dict[str, set[str]]:
    return {name: set(found) for name, found in kinds.items()}


def overlap_score(a: Mapping[str, AbstractSet[str]], b: Mapping[str, AbstractSet[str]]) -> float:
    """The score of graph.profiles.overlap from feature keys alone (kinds as sets)."""
    scores = []
    for name in FEATURES:
        left, right = a.get(name) or _NONE, b.get(name) or _NONE
        if not left and not right:
            continue
        scores.append(len(left & right) / len(left | right))
    return sum(scores) / len(scores) if scores else 0.0


def similar_stored(
    profiles: Profiles,
    index: SearchIndex,
    document: str,
    k: int = 5,
    cache: Path | None = None,
    exact_up_to: int = MEAN_CANDIDATES + GRAPH_CANDIDATES,
) -> list[Similar]:
    """The k documents most like ``document`` (an IRI), best first, from the stored profiles (graph.profiles)
    and the search index: every document scored exactly in a store of at most ``exact_up_to`` documents,
    else only the candidates (:func:`candidates`) of a first pass on the documents' mean vectors
    (search.means, cached in ``cache``). Labels and passage pairs are read for the k answers only."""
    from search.means import cached_means, compute_means

    vectors = index.all_vectors()
    if document not in vectors:
        return []
    mine_rows = np.asarray(vectors[document])
    if not mine_rows.size:
        return []
    mine = _unit(mine_rows)
    keys = {doc: _sets(kinds) for doc, kinds in profiles.keys().items()}
    mine_keys = keys.get(document, {})
    graph_scores = {doc: overlap_score(mine_keys, found) for doc, found in keys.items() if doc != document}
    others = [doc for doc in vectors if doc != document]
    if len(others) > exact_up_to:
        if isinstance(vectors, dict) or cache is None:
            means = compute_means(vectors)
        else:
            from search.vectors import change_token

            means = cached_means(vectors, cache, change_token(index.folder), index.embedder.recipe)
        wanted = candidates(means.ids, means.matrix, document, graph_scores)
        others = [doc for doc in others if doc in wanted]
    scored = []
    with _one_blas_thread():  # many small products: threads only add overhead (40 times slower, 2 busy cores)
        for doc in others:
            rows = np.asarray(vectors[doc])
            if not rows.size:
                continue
            score, _ = chamfer(mine, _unit(rows))
            scored.append((doc, score))
    scored.sort(key=lambda item: (-item[1], item[0]))  # the embedding order first (ties: by IRI) ...
    metas = {meta.doc_id: meta for meta in index.documents()}
    results = [_combined(doc, score, graph_scores.get(doc, 0.0), {}, metas.get(doc)) for doc, score in scored]
    results.sort(key=lambda r: -r.score)  # ... then the combined score (stable, as similar does)
    results = results[:k]
    labels = profiles.features([document, *(r.document for r in results)])
    for result in results:
        _, result.shared = overlap(labels.get(document, {}), labels.get(result.document, {}))
        _, cosines = chamfer(mine, _unit(np.asarray(vectors[result.document])))
        result.passages = _pairs(index, document, result.document, best_pairs(cosines, 3))
    return results


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
