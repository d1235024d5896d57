"""Documents like a given one, by the embeddings of their passages (pure given the vectors).

Two measures over L2-normalised passage vectors:

- ``"chamfer"`` (default): for each passage of one document its best match in the other, averaged, in both
  directions (a symmetric Chamfer similarity). Documents in this domain all talk about school quality, so
  their mean vectors are alike; matching passage by passage rewards what two documents really share (the
  same kind of goal, the same statute, the same forum) and yields the matching passage pairs as evidence.
- ``"mean"``: cosine of the documents' centred mean vectors (the collection's mean subtracted first).

The graph part (shared laws, SDG targets, kinds of goals) is added by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

METHODS = ("chamfer", "mean")


@dataclass(frozen=True)
class SimilarDocument:
    """Another document's similarity to the target, with the best-matching passage pairs."""

    doc_id: str
    score: float
    pairs: tuple[tuple[int, int, float], ...]  # (target passage, other passage, cosine), best first


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def chamfer(a: np.ndarray, b: np.ndarray) -> tuple[float, np.ndarray]:
    """Symmetric mean best-match cosine of two sets of unit rows, and their cosine matrix."""
    cosines = a @ b.T
    score = 0.5 * (cosines.max(axis=1).mean() + cosines.max(axis=0).mean())
    return float(score), cosines


def best_pairs(cosines: np.ndarray, n: int) -> tuple[tuple[int, int, float], ...]:
    """The n best (row, column, cosine) pairs, each row and column used at most once."""
    order = np.argsort(-cosines, axis=None)
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    pairs = []
    for flat in order:
        i, j = divmod(int(flat), cosines.shape[1])
        if i in used_rows or j in used_cols:
            continue
        pairs.append((i, j, float(cosines[i, j])))
        used_rows.add(i)
        used_cols.add(j)
        if len(pairs) >= n:
            break
    return tuple(pairs)


def similar_documents(
    vectors: Mapping[str, np.ndarray], target: str, k: int = 10, method: str = "chamfer", pairs: int = 3
) -> list[SimilarDocument]:
    """Rank the other documents by similarity to ``target`` (passage vectors per document id), best first."""
    if method not in METHODS:
        raise ValueError(f"unknown similarity method {method!r}; use one of {', '.join(METHODS)}")
    if target not in vectors:
        raise KeyError(target)
    units = {doc: _unit_rows(m) for doc, m in vectors.items() if np.asarray(m).size}
    if target not in units:
        return []
    mine = units[target]
    results = []
    if method == "mean":
        centre = np.mean([m.mean(axis=0) for m in units.values()], axis=0)
        means = {doc: m.mean(axis=0) - centre for doc, m in units.items()}
        mine_mean = means[target]
        for doc, other in units.items():
            if doc == target:
                continue
            denominator = np.linalg.norm(mine_mean) * np.linalg.norm(means[doc])
            score = float(mine_mean @ means[doc] / denominator) if denominator > 0 else 0.0
            results.append(SimilarDocument(doc, score, best_pairs(mine @ other.T, pairs)))
    else:
        for doc, other in units.items():
            if doc == target:
                continue
            score, cosines = chamfer(mine, other)
            results.append(SimilarDocument(doc, score, best_pairs(cosines, pairs)))
    results.sort(key=lambda r: (-r.score, r.doc_id))
    return results[:k]
