"""Each document's mean passage vector: one matrix, the first pass of `similar` over a large store.

The mean of a document's unit passage vectors, normalised, for every document of a search index. Over a
merged, memory-mapped index (search.vectors) it is computed once per state of the index (its change token
and recipe) and cached as ``means-<key>.npy`` beside an ``ids`` list in a folder the caller names (the
store's ``profiles/``), read back memory-mapped; over a small in-memory index it is computed when asked.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Means:
    """Document ids and their unit mean vectors (one row each, zero for a document without passages)."""

    ids: list[str]
    matrix: np.ndarray

    def row(self, doc_id: str) -> np.ndarray | None:
        """One document's mean vector (None when unknown)."""
        try:
            return self.matrix[self.ids.index(doc_id)]
        except ValueError:
            return None


def unit_mean(vectors: np.ndarray) -> np.ndarray:
    """The normalised mean of a document's normalised passage vectors (zeros for none)."""
    rows = np.asarray(vectors, dtype=np.float32)
    if rows.size == 0:
        return np.zeros(rows.shape[1] if rows.ndim == 2 else 0, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    mean = (rows / np.where(norms > 0, norms, 1.0)).mean(axis=0)
    size = float(np.linalg.norm(mean))
    return mean / size if size > 0 else mean


def compute_means(vectors: Mapping[str, np.ndarray]) -> Means:
    """The unit mean vector of every document (ids sorted)."""
    ids = sorted(vectors)
    rows = [unit_mean(vectors[doc]) for doc in ids]
    dim = max((r.shape[0] for r in rows), default=0)
    matrix = np.zeros((len(ids), dim), dtype=np.float32)
    for number, row in enumerate(rows):
        if row.shape[0] == dim:
            matrix[number] = row
    return Means(ids, matrix)


def cache_key(token: str, recipe: str) -> str:
    """The cache name of an index state."""
    return hashlib.sha256(f"{token}\n{recipe}".encode()).hexdigest()[:16]


def cached_means(vectors: Mapping[str, np.ndarray], folder: Path, token: str, recipe: str) -> Means:
    """The means of an index state from the cache folder, computed and written there first when missing."""
    key = cache_key(token, recipe)
    matrix_path, ids_path = folder / f"means-{key}.npy", folder / f"means-{key}.json"
    try:
        ids = json.loads(ids_path.read_text("utf-8"))
        return Means(ids, np.load(matrix_path, mmap_mode="r"))
    except (FileNotFoundError, ValueError):
        pass
    started = time.perf_counter()
    means = compute_means(vectors)
    log.info("mean vectors of %d documents computed in %.1f s", len(means.ids), time.perf_counter() - started)
    try:
        from graph.store import write_atomic

        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("means-*"):
            old.unlink(missing_ok=True)
        with open(folder / f".means-{key}.tmp.npy", "wb") as handle:
            np.save(handle, means.matrix)
        (folder / f".means-{key}.tmp.npy").replace(matrix_path)
        write_atomic(ids_path, json.dumps(means.ids).encode("utf-8"))
    except OSError as error:  # a read-only store: computed each time
        log.info("mean vectors not cached in %s (%s)", folder, error)
    return means
