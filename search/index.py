"""The search index of a store: passage vectors and BM25 tokens per document, on disk under one folder.

Layout: ``<folder>/docs/<sha256(doc id)[:24]>.npz``, one file per document, holding its passages'
vectors (float32, one row per passage) and a JSON record (document metadata, passages, their lexical
tokens and vector keys, the embedding recipe and tokenizer version). Each file is written to a temporary
file in the same folder, synced and renamed over the old one, so a crash leaves either the old or the new
version of a document, never a mix.

Vectors are keyed by a hash of exactly what was embedded (search.embedder.embedding_text: the document
line, the section and the passage text, i.e. ``Passage.content_hash``'s input plus the document line):
re-indexing a document embeds only passages whose key is not already in the index under the current
recipe (the same document first, then any document, so a renamed file costs nothing).

Two ways to search. Below ``MERGE_MIN_PASSAGES`` (the demo corpus, the tests) the dense matrix (float32) and
the BM25 index over all documents are built in memory on the first search after a change, and dense search
is exact. From that size on, searches read a merged generation instead (search.vectors: float16 vectors and
the BM25 index memory-mapped, an IVF-PQ index for dense candidates, passages read only for hits), rebuilt
when the documents changed — by ``consolidate`` (``python -m search.index FOLDER``), which a search that
finds the generation stale runs in a child process, so the searching process's memory never holds the build.
The per-document files are then never loaded by a search.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import io
import json
import logging
import os
import subprocess
import sys
import time
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from graph.passages import Passage, passages_of
from graph.store import write_atomic
from ingest.model import ParsedDocument
from search import vectors as merged
from search.embedder import WITH_SECTION, E5Embedder, Embedder, document_line, embedding_text
from search.expand import expand_query
from search.fusion import DEFAULT_FUSION, FusionConfig, fuse, top_indices
from search.records import DocMeta, Filters, Hit, IndexedPassage, doc_meta_of
from search.tokenize import TOKENIZER_VERSION, tokenize

log = logging.getLogger(__name__)

FORMAT = 2
DOCS_DIR = "docs"
QUERY_CHUNK = 64  # queries scored against the matrix at once in batch_search
# From this many passages a search reads the merged, memory-mapped generation (search.vectors) instead of
# loading every document: measured (benchmarks/bench_vectors.py, README), the in-memory path's process
# peaks at 1.40 GB with the model at 100,000 passages, and its dense scan grows linearly past ~50 ms there.
MERGE_MIN_PASSAGES = 50_000
# Bytes of a document file per passage, to guess a store's size from its files without reading them
# (float32 vectors of 384 dimensions and the passage's record).
BYTES_PER_PASSAGE = 2_400
# A search that must merge a store of this many passages (estimated) does it in a child process.
SUBPROCESS_MIN_PASSAGES = 20_000


@dataclass(frozen=True)
class UpdateStats:
    """What an update did: passages embedded anew, vectors reused, and whether the file was rewritten."""

    passages: int
    embedded: int
    reused: int
    written: bool


@dataclass
class _Doc:
    meta: DocMeta
    passages: list[IndexedPassage]
    vectors: np.ndarray  # (len(passages), dim) float32
    keys: list[str]  # vector key of each passage: hash of its embedding text
    tokens: list[str]  # lexical tokens of each passage (text and section), space-separated
    recipe: str
    # Labels of graph elements (goals, activities, ...) derived from the passages: (passage position, label).
    labels: list[tuple[int, str]] = field(default_factory=list)
    label_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    label_keys: list[str] = field(default_factory=list)


@dataclass
class _Built:
    doc_ids: list[str]
    matrix: np.ndarray  # (N, dim) float32; zero rows for documents embedded under another recipe
    row_doc: np.ndarray  # (N,) document ordinal of each row
    row_passage: np.ndarray  # (N,) passage position within its document
    bm25: Any  # bm25s.BM25 or None when there are no passages
    vocab: dict[str, int]
    label_matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    label_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # global passage row


def label_text(label: str, meta: DocMeta) -> str:
    """What is embedded for an element's label: the document line, then the label."""
    return f"{document_line(meta)}\n{label}"


def lift_by_labels(dense: np.ndarray, label_cosines: np.ndarray, label_rows: np.ndarray) -> np.ndarray:
    """A passage's dense score is the best of its own and its elements' labels' similarity to the query."""
    if label_rows.size:
        np.maximum.at(dense, label_rows, label_cosines)
    return dense


class IndexError_(Exception):
    """The index folder cannot be read or written; the message is one sentence for the user."""


def _doc_file_name(doc_id: str) -> str:
    return hashlib.sha256(doc_id.encode()).hexdigest()[:24] + ".npz"


@dataclass(frozen=True)
class PreparedUpdate:
    """A document's index entry, embedded but not written yet (prepare_update, then commit_update)."""

    doc: _Doc
    embedded: int  # vectors computed anew
    reused: int  # passages whose vector was already in the index


def write_entry(folder: str | Path, doc: _Doc) -> None:
    """Write one document's entry file atomically (callers then call search.vectors.mark_changed)."""
    folder = Path(folder) / DOCS_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise IndexError_(f"The search index folder {folder} cannot be created: {error}.") from error
    record = {
        "format": FORMAT,
        "doc": doc.meta.to_json(),
        "recipe": doc.recipe,
        "tokenizer": TOKENIZER_VERSION,
        "passages": [
            [p.index, p.text, p.char_start, p.char_end, p.page, p.section, p.kind, p.content_hash,
             p.described]
            for p in doc.passages
        ],
        "keys": doc.keys,
        "tokens": doc.tokens,
        "labels": [list(label) for label in doc.labels],
        "label_keys": doc.label_keys,
    }
    arrays = {
        "vectors": doc.vectors,
        "label_vectors": doc.label_vectors,
        "record": np.array(json.dumps(record, ensure_ascii=False)),
        "doc_id": np.array(doc.meta.doc_id),  # read alone when entries are put in doc id order
    }
    write_npz_atomic(folder / _doc_file_name(doc.meta.doc_id), arrays)


def index_file(folder: str | Path, doc_id: str) -> Path:
    """The file of an index folder that holds one document's entry."""
    return Path(folder) / DOCS_DIR / _doc_file_name(doc_id)


def prune(folder: str | Path, keep: Sequence[str] | set[str]) -> list[Path]:
    """Delete the entries of documents not in ``keep`` and leftover temporary files; return what went.

    Works on the files alone (nothing is loaded). The caller holds the store's write lock.
    """
    docs = Path(folder) / DOCS_DIR
    if not docs.is_dir():
        return []
    wanted = {_doc_file_name(doc_id) for doc_id in keep}
    leftovers = [p for p in docs.glob("*.npz") if p.name not in wanted] + list(docs.glob(".*.tmp"))
    deleted = []
    for path in leftovers:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            deleted.append(path)
    if any(path.suffix == ".npz" for path in deleted):
        merged.mark_changed(folder)
    return deleted


class SearchIndex:
    """Dense + lexical passage index of one store folder, with filtered, fused search."""

    def __init__(
        self,
        folder: str | Path,
        embedder: Embedder | None = None,
        fusion: FusionConfig = DEFAULT_FUSION,
        merge_min: int | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.fusion = fusion
        self.merge_min = MERGE_MIN_PASSAGES if merge_min is None else merge_min
        self._embedder = embedder
        self._loaded: dict[str, _Doc] | None = None  # the per-document entries, read on first need
        self._built: _Built | None = None
        self._generation: merged.Generation | None = None
        self._generation_checked = False
        self._by_hash: dict[str, tuple[str, int]] | None = None

    @property
    def _docs(self) -> dict[str, _Doc]:
        """Every document's entry, read from its file on first use (a merged generation never needs them)."""
        if self._loaded is None:
            self._loaded = {}
            self._load()
        return self._loaded

    def _fresh_generation(self) -> merged.Generation | None:
        """The merged generation to search, if a fresh one exists (checked once until this index changes)."""
        if not self._generation_checked:
            self._generation_checked = True
            self._generation = merged.open_fresh(self.folder, self.embedder.recipe)
        return self._generation

    def _backend(self) -> _Built | merged.Generation:
        """What searches read: a fresh merged generation, one made now for a large store, or memory."""
        if self._built is not None:
            return self._built
        generation = self._fresh_generation()
        if generation is None and self._wants_merge():
            recipe = self.embedder.recipe
            previous = merged.open_generation(self.folder)
            if previous is not None and previous.recipe == recipe and self._loaded is None and (
                previous.size >= SUBPROCESS_MIN_PASSAGES
            ):
                # A large store changed: answer from the previous generation now (documents added since
                # are not found yet, removed ones may still be) while a child process merges the new one.
                log.info("The search index changed; searching its previous form while it is merged again.")
                start_consolidation(self.folder, recipe)
                self._generation = previous
                return previous
            if previous is not None:
                previous.close()
            consolidate(self.folder, recipe, subprocess_from=SUBPROCESS_MIN_PASSAGES)
            self._generation_checked = False
            generation = self._fresh_generation()
        return generation if generation is not None else self._build()

    def _wants_merge(self) -> bool:
        """True when the store is large enough to be searched through a merged generation."""
        if self._loaded is not None:
            return len(self) >= self.merge_min and len(self) > 0
        if merged.has_generation(self.folder):
            return True
        return estimated_passages(self.folder) >= self.merge_min

    # ------------------------------------------------------------------------------------------- state

    @property
    def embedder(self) -> Embedder:
        """The embedder (multilingual-e5-small unless one was given); the model loads on first embedding."""
        if self._embedder is None:
            self._embedder = E5Embedder()
        return self._embedder

    def _reader(self) -> merged.Generation | None:
        """The fresh merged generation when the documents are not held in memory (reads go to it)."""
        return None if self._loaded is not None else self._fresh_generation()

    def documents(self) -> list[DocMeta]:
        """The metadata of every indexed document, in doc id order."""
        if (generation := self._reader()) is not None:
            return list(generation.metas)
        return [self._docs[doc_id].meta for doc_id in sorted(self._docs)]

    def __contains__(self, doc_id: object) -> bool:
        if (generation := self._reader()) is not None:
            return doc_id in generation.by_id
        return doc_id in self._docs

    def __len__(self) -> int:
        if (generation := self._reader()) is not None:
            return generation.size
        return sum(len(doc.passages) for doc in self._docs.values())

    def passages(self, doc_id: str) -> list[IndexedPassage]:
        """The indexed passages of one document (empty when unknown)."""
        if (generation := self._reader()) is not None:
            return generation.doc_passages(doc_id)
        doc = self._docs.get(doc_id)
        return list(doc.passages) if doc else []

    def vectors(self, doc_id: str) -> np.ndarray:
        """The passage vectors of one document, one row per passage (copy)."""
        if (generation := self._reader()) is not None:
            return generation.doc_vectors(doc_id)
        doc = self._docs.get(doc_id)
        return doc.vectors.copy() if doc else np.zeros((0, 0), dtype=np.float32)

    def all_vectors(self) -> Mapping[str, np.ndarray]:
        """Every document's passage vectors under the current recipe (for search.similar).

        From a merged generation this is a mapping that reads each document's vectors when asked.
        """
        if (generation := self._reader()) is not None:
            return _GenerationVectors(generation)
        recipe = self.embedder.recipe
        return {doc_id: doc.vectors for doc_id, doc in self._docs.items() if doc.recipe == recipe}

    # -------------------------------------------------------------------------------------- load/save

    def _load(self) -> None:
        folder = self.folder / DOCS_DIR
        if not folder.is_dir():
            return
        for path in sorted(folder.glob("*.npz")):
            if path.name.startswith("."):
                continue
            try:
                doc = _read_doc(path)
            except (OSError, ValueError, KeyError, TypeError) as error:
                log.warning(
                    "Skipping the unreadable search index file %s (%s); re-ingest its document.", path, error
                )
                continue
            self._docs[doc.meta.doc_id] = doc

    def _write(self, doc: _Doc) -> None:
        write_entry(self.folder, doc)

    # ------------------------------------------------------------------------------------ update/remove

    def update(
        self,
        doc_id: str,
        passages: Sequence[Passage | IndexedPassage],
        meta: DocMeta,
        labels: Sequence[tuple[int, str]] = (),
    ) -> UpdateStats:
        """Index (or re-index) one document's passages; only passages not seen before are embedded.

        ``labels`` are the labels of graph elements derived from the passages, as (passage position, label):
        each is embedded too, and a passage scores as the best of itself and its labels.
        """
        prepared = self.prepare_update(doc_id, passages, meta, labels)
        written = self.commit_update(prepared)
        doc = prepared.doc
        stats = UpdateStats(len(doc.passages), prepared.embedded, prepared.reused, written)
        log.debug("Indexed %s: %s", doc_id, stats)
        return stats

    def prepare_update(
        self,
        doc_id: str,
        passages: Sequence[Passage | IndexedPassage],
        meta: DocMeta,
        labels: Sequence[tuple[int, str]] = (),
    ) -> PreparedUpdate:
        """Embed what ``update`` would write, without writing (the expensive half, outside any lock)."""
        if meta.doc_id != doc_id:
            meta = replace(meta, doc_id=doc_id)
        records = [p if isinstance(p, IndexedPassage) else IndexedPassage.of(doc_id, p) for p in passages]
        records = [p if p.doc_id == doc_id else replace(p, doc_id=doc_id) for p in records]
        embedder = self.embedder
        recipe = embedder.recipe
        with_section = getattr(embedder, "with_section", WITH_SECTION)
        texts = [embedding_text(p, meta, with_section) for p in records]
        keys = [vector_key(text) for text in texts]
        old = self._docs.get(doc_id)
        found = self._reuse(keys, old, recipe)
        missing = [i for i, key in enumerate(keys) if key not in found]
        if missing:
            unique = list(dict.fromkeys(keys[i] for i in missing))
            first = {key: i for i, key in reversed(list(enumerate(keys)))}
            fresh = np.asarray(embedder.passages([texts[first[key]] for key in unique]), dtype=np.float32)
            found.update(zip(unique, fresh, strict=True))
        if records:
            vectors = np.stack([found[key] for key in keys]).astype(np.float32, copy=False)
        else:
            vectors = np.zeros((0, 0), dtype=np.float32)
        tokens = self._tokens(records, old)
        labels = [(int(row), str(text)) for row, text in labels if 0 <= int(row) < len(records)]
        label_keys = [vector_key("label\n" + label_text(text, meta)) for _, text in labels]
        known = (
            dict(zip(old.label_keys, old.label_vectors, strict=True)) if old and old.recipe == recipe else {}
        )
        todo = [i for i, key in enumerate(label_keys) if key not in known]
        if todo:
            fresh = embedder.passages([label_text(labels[i][1], meta) for i in todo])
            known.update(zip((label_keys[i] for i in todo), np.asarray(fresh, dtype=np.float32), strict=True))
        label_vectors = (
            np.stack([known[key] for key in label_keys]).astype(np.float32, copy=False)
            if labels
            else np.zeros((0, 0), dtype=np.float32)
        )
        doc = _Doc(meta, records, vectors, keys, tokens, recipe, labels, label_vectors, label_keys)
        return PreparedUpdate(doc, len({keys[i] for i in missing}), len(records) - len(missing))

    def commit_update(self, prepared: PreparedUpdate) -> bool:
        """Write a prepared entry unless the file already holds the same; return whether it was written.

        The comparison is with the file, not with this object's memory: another process may have written
        the document since this index was loaded.
        """
        doc = prepared.doc
        doc_id = doc.meta.doc_id
        path = index_file(self.folder, doc_id)
        try:
            on_disk = _read_doc(path) if path.exists() else None
        except (OSError, ValueError, KeyError, TypeError):
            on_disk = None
        unchanged = on_disk is not None and _same(on_disk, doc)
        if not unchanged:
            self._write(doc)
            merged.mark_changed(self.folder)
        held = self._docs.get(doc_id)
        if not unchanged or held is None or not _same(held, doc):
            self._docs[doc_id] = doc
            self._built = None
            self._forget_generation()
            if self._by_hash is not None:
                self._by_hash.update({key: (doc_id, i) for i, key in enumerate(doc.keys)})
        return not unchanged

    def _reuse(self, keys: list[str], old: _Doc | None, recipe: str) -> dict[str, np.ndarray]:
        """Vectors already in the index for these keys (the same document first, then any document)."""
        found: dict[str, np.ndarray] = {}
        if old is not None and old.recipe == recipe:
            found = {key: old.vectors[i] for i, key in enumerate(old.keys) if key in set(keys)}
        if len(found) < len(set(keys)) and self._docs:
            by_hash = self._hash_map(recipe)
            for key in keys:
                if key not in found and key in by_hash:
                    other, row = by_hash[key]
                    found[key] = self._docs[other].vectors[row]
        return found

    def _hash_map(self, recipe: str) -> dict[str, tuple[str, int]]:
        if self._by_hash is None:
            self._by_hash = {
                key: (doc_id, i)
                for doc_id, doc in self._docs.items()
                if doc.recipe == recipe
                for i, key in enumerate(doc.keys)
            }
        return self._by_hash

    def _tokens(self, records: list[IndexedPassage], old: _Doc | None) -> list[str]:
        known = {p.content_hash: t for p, t in zip(old.passages, old.tokens, strict=True)} if old else {}
        return [known.get(p.content_hash) or " ".join(passage_tokens(p)) for p in records]

    def remove(self, doc_id: str) -> bool:
        """Remove a document and its vectors; return False when it was not indexed."""
        doc = self._docs.pop(doc_id, None)
        path = self.folder / DOCS_DIR / _doc_file_name(doc_id)
        existed = path.exists()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        if existed:
            merged.mark_changed(self.folder)
        if doc is None and not existed:
            return False
        self._built = None
        self._forget_generation()
        self._by_hash = None
        return True

    def _forget_generation(self) -> None:
        if self._generation is not None:
            self._generation.close()
        self._generation = None
        self._generation_checked = False

    # ------------------------------------------------------------------------------------------ search

    def _build(self) -> _Built:
        if self._built is not None:
            return self._built
        started = time.perf_counter()
        recipe = self.embedder.recipe
        doc_ids = sorted(self._docs)
        dims = {self._docs[d].vectors.shape[1] for d in doc_ids if self._docs[d].vectors.size}
        dim = max(dims) if dims else 0
        total = sum(len(self._docs[d].passages) for d in doc_ids)
        # Rows are copied into one matrix and each document's vectors become a view of its rows, so the
        # vectors are held once (and the copy never needs twice their memory).
        matrix = np.zeros((total, dim), dtype=np.float32)
        row_doc, row_passage = [], []
        # Token ids as compact int arrays, the vocabulary built on the way (token strings are never all held).
        vocab: dict[str, int] = {}
        corpus_ids: list[array] = []
        label_parts: list[np.ndarray] = []
        label_rows: list[np.ndarray] = []
        start = copied = 0
        for ordinal, doc_id in enumerate(doc_ids):
            doc = self._docs[doc_id]
            n = len(doc.passages)
            usable = doc.vectors.shape == (n, dim) and doc.recipe == recipe
            if usable:
                matrix[start : start + n] = doc.vectors
                doc.vectors = matrix[start : start + n]
                copied += doc.vectors.nbytes
                if copied >= TRIM_EVERY_BYTES:  # hand the freed copies back as we go, not only at the end
                    release_free_memory()
                    copied = 0
            elif n:
                log.warning("The vectors of %s were made by another model or recipe; re-index it.", doc_id)
            if usable and doc.labels and doc.label_vectors.shape[1:] == (dim,):
                label_parts.append(doc.label_vectors)
                label_rows.append(np.array([start + row for row, _ in doc.labels], dtype=np.int64))
            start += n
            row_doc.append(np.full(n, ordinal, dtype=np.int32))
            row_passage.append(np.arange(n, dtype=np.int32))
            head = [vocab.setdefault(t, len(vocab)) for t in tokenize(document_line(doc.meta))]
            for line in doc.tokens:
                ids = array("i", (vocab.setdefault(t, len(vocab)) for t in line.split(" ") if t))
                ids.extend(head)
                corpus_ids.append(ids)
        release_free_memory()  # the per-document arrays just copied into the matrix leave freed heap behind
        bm25 = merged.bm25_index(corpus_ids, vocab)
        del corpus_ids
        self._built = _Built(
            doc_ids,
            matrix,
            np.concatenate(row_doc) if row_doc else np.zeros(0, np.int32),
            np.concatenate(row_passage) if row_passage else np.zeros(0, np.int32),
            bm25,
            vocab,
            np.concatenate(label_parts) if label_parts else np.zeros((0, dim), dtype=np.float32),
            np.concatenate(label_rows) if label_rows else np.zeros(0, np.int64),
        )
        log.debug(
            "Built the search matrix and BM25 over %d passages in %.2f s.",
            matrix.shape[0],
            time.perf_counter() - started,
        )
        return self._built

    def prepare(self) -> None:
        """Open the merged generation or build the in-memory matrix and BM25 index now (else the first search
        does it)."""
        self._backend()

    def _mask(self, built: _Built, filters: Filters | None) -> np.ndarray | None:
        if filters is None or filters.is_empty():
            return None
        ok = np.array([filters.matches(self._docs[d].meta) for d in built.doc_ids], dtype=bool)
        return ok[built.row_doc] if ok.size else np.zeros(0, dtype=bool)

    def lexical_scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage (in the built row order) for a query."""
        backend = self._backend()
        if isinstance(backend, merged.Generation):
            return backend.lexical(query_tokens(query))
        return _lexical(backend, query)

    def dense_scores(self, query_vectors: np.ndarray) -> np.ndarray:
        """Cosine similarity of query vectors (Q, dim) with every passage: (Q, N) (exact, a full scan)."""
        backend = self._backend()
        if isinstance(backend, merged.Generation):
            queries = np.asarray(query_vectors, dtype=np.float32)
            return np.stack([backend.exact_dense(q) for q in queries]) if len(queries) else np.zeros((0, 0))
        built = backend
        if built.matrix.shape[0] == 0:
            return np.zeros((len(query_vectors), 0), dtype=np.float32)
        queries = np.asarray(query_vectors, dtype=np.float32)
        dense = single_threaded_product(queries, built.matrix.T)
        if built.label_rows.size:
            label_cosines = single_threaded_product(queries, built.label_matrix.T)
            for row, cosines in zip(dense, label_cosines, strict=True):
                lift_by_labels(row, cosines, built.label_rows)
        return dense

    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        """Return the k best passages for a query (dense + BM25, fused), filtered by document metadata."""
        return self.batch_search([query], k, filters)[0]

    def batch_search(
        self, queries: Sequence[str], k: int = 10, filters: Filters | None = None
    ) -> list[list[Hit]]:
        """Search several queries at once (one embedding call); one list of hits per query, in order."""
        backend = self._backend()
        if isinstance(backend, merged.Generation):
            return self._merged_search(backend, queries, k, filters)
        built = backend
        if not queries:
            return []
        if built.matrix.shape[0] == 0:
            return [[] for _ in queries]
        query_vectors = np.asarray(self.embedder.queries(list(queries)), dtype=np.float32)
        mask = self._mask(built, filters)
        results: list[list[Hit]] = []
        for start in range(0, len(queries), QUERY_CHUNK):
            dense_rows = self.dense_scores(query_vectors[start : start + QUERY_CHUNK])
            for offset, dense in enumerate(dense_rows):
                lexical = _lexical(built, queries[start + offset])
                results.append(self._rank(built, dense, lexical, mask, k))
        return results

    def _rank(
        self, built: _Built, dense: np.ndarray, lexical: np.ndarray, mask: np.ndarray | None, k: int
    ) -> list[Hit]:
        if mask is not None:
            dense = np.where(mask, dense, -np.inf)
            lexical = np.where(mask, lexical, -np.inf)
        rows, scores = fuse(dense, lexical, k, self.fusion)
        hits = []
        for rank, (row, score) in enumerate(zip(rows, scores, strict=True), start=1):
            doc = self._docs[built.doc_ids[built.row_doc[row]]]
            hits.append(
                Hit(
                    doc.passages[built.row_passage[row]],
                    doc.meta,
                    float(score),
                    float(dense[row]),
                    float(max(lexical[row], 0.0)),
                    rank,
                )
            )
        return hits

    def passage_at(self, row: int) -> tuple[IndexedPassage, DocMeta]:
        """The passage and document of a row of the built matrix (for evaluation tools)."""
        backend = self._backend()
        if isinstance(backend, merged.Generation):
            return backend.passage(row), backend.metas[int(backend.row_doc[row])]
        doc = self._docs[backend.doc_ids[backend.row_doc[row]]]
        return doc.passages[backend.row_passage[row]], doc.meta

    def _merged_search(
        self, generation: merged.Generation, queries: Sequence[str], k: int, filters: Filters | None
    ) -> list[list[Hit]]:
        """Search a merged generation: ANN (or filtered exact) dense candidates and BM25 candidates, scored
        exactly and fused as in memory."""
        if not queries:
            return []
        if generation.size == 0:
            return [[] for _ in queries]
        query_vectors = np.asarray(self.embedder.queries(list(queries)), dtype=np.float32)
        mask = None
        if filters is not None and not filters.is_empty():
            ok = np.array([filters.matches(meta) for meta in generation.metas], dtype=bool)
            mask = ok[generation.row_doc]
        pool = max(self.fusion.pool, k)
        results = []
        for query, vector in zip(queries, query_vectors, strict=True):
            lexical = generation.lexical(query_tokens(query))
            if mask is not None:
                lexical = np.where(mask, lexical, -np.inf)
            rows = np.union1d(
                generation.dense_candidates(vector, pool, mask),
                top_indices(np.where(lexical > 0, lexical, -np.inf), pool),
            )
            # Fused over the candidate rows alone: the same ranking as over every row with -inf elsewhere
            # (both rankings' top pools lie among the candidates, rows ascend so ties break alike), without
            # arrays the size of the store per query.
            dense = generation.lifted(rows, vector)
            candidate_lexical = lexical[rows]
            found, scores = fuse(dense, candidate_lexical, k, self.fusion)
            hits = []
            for rank, (at, score) in enumerate(zip(found, scores, strict=True), start=1):
                row = int(rows[at])
                hits.append(
                    Hit(
                        generation.passage(row),
                        generation.metas[int(generation.row_doc[row])],
                        float(score),
                        float(dense[at]),
                        float(max(candidate_lexical[at], 0.0)),
                        rank,
                    )
                )
            results.append(hits)
        return results


# ------------------------------------------------------------------------------------------------ helpers


@lru_cache(maxsize=1)
def _blas_controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn (sentence-transformers)
        return None
    return ThreadpoolController()


def single_threaded_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` with BLAS limited to one thread.

    OpenBLAS worker threads keep spinning after a multi-threaded product and starve the torch threads that
    embed the next query: on 2 cores a query embedding took 27 ms alone and 76-93 ms right after a threaded
    100,000-row product, 42 ms in all with the product on one thread (12 ms).
    """
    controller = _blas_controller()
    if controller is None:
        return a @ b
    with controller.limit(limits=1, user_api="blas"):
        return a @ b


def vector_key(text: str) -> str:
    """The key of a vector: a hash of the text that was embedded."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def passage_tokens(passage: IndexedPassage) -> list[str]:
    """The lexical tokens of a passage: its text's (a table row's description's), then its section's."""
    body = tokenize(passage.described or passage.text)
    return body + (tokenize(passage.section) if passage.section else [])


def query_tokens(query: str) -> list[str]:
    """The lexical tokens a query is matched by (expanded, tokenized; repeats kept)."""
    return [t for t in tokenize(expand_query(query)) if t]


def _lexical(built: _Built, query: str) -> np.ndarray:
    n = built.matrix.shape[0]
    if built.bm25 is None:
        return np.zeros(n, dtype=np.float32)
    tokens = [t for t in query_tokens(query) if t in built.vocab]
    if not tokens:
        return np.zeros(n, dtype=np.float32)
    return np.asarray(built.bm25.get_scores(tokens), dtype=np.float32)


def _same(old: _Doc, new: _Doc) -> bool:
    return (
        old.meta == new.meta
        and old.recipe == new.recipe
        and old.passages == new.passages
        and old.tokens == new.tokens
        and old.keys == new.keys
        and old.vectors.shape == new.vectors.shape
        and old.labels == new.labels
    )


def _read_doc(path: Path) -> _Doc:
    with np.load(path, allow_pickle=False) as data:
        vectors = np.asarray(data["vectors"], dtype=np.float32)
        record = json.loads(str(data["record"]))
        label_vectors = (
            np.asarray(data["label_vectors"], dtype=np.float32)
            if "label_vectors" in data.files
            else np.zeros((0, 0), dtype=np.float32)
        )
    if record.get("format") != FORMAT:
        raise ValueError(f"format {record.get('format')} is not {FORMAT}")
    meta = DocMeta.from_json(record["doc"])
    passages = [IndexedPassage(meta.doc_id, *row) for row in record["passages"]]
    if record.get("tokenizer") == TOKENIZER_VERSION:
        tokens = list(record["tokens"])
    else:
        tokens = [" ".join(passage_tokens(p)) for p in passages]
    if len(passages) != vectors.shape[0] or len(tokens) != len(passages):
        raise ValueError("passages, vectors and tokens differ in number")
    keys = list(record["keys"])
    if len(keys) != len(passages):
        raise ValueError("passages and vector keys differ in number")
    labels = [(int(row), str(text)) for row, text in record.get("labels", [])]
    label_keys = list(record.get("label_keys", []))
    if len(labels) != len(label_keys) or (labels and label_vectors.shape[0] != len(labels)):
        raise ValueError("labels, label vectors and their keys differ in number")
    return _Doc(meta, passages, vectors, keys, tokens, record["recipe"], labels, label_vectors, label_keys)


TRIM_EVERY_BYTES = 16 * 1024 * 1024


@lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def release_free_memory() -> None:
    """Give freed heap memory back to the system (glibc keeps it otherwise, and the process's peak grows).

    Building the matrix frees one array per document; glibc's dynamic mmap threshold puts such arrays on the
    heap, where their freed space stays resident. Measured at 100,000 passages (the index alone): peak 633 MB
    without this, 491 MB with it (trimming as the matrix is filled, and before the BM25 build).
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def write_npz_atomic(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays as .npz atomically (a temporary file beside ``path``, synced, renamed over it)."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    write_atomic(path, buffer.getvalue())


def prepare_document(
    index: SearchIndex,
    doc: ParsedDocument,
    meta: DocMeta | None = None,
    labels: Sequence[tuple[int, str]] = (),
) -> PreparedUpdate:
    """Embed a parsed document's passages and labels for the index (write with SearchIndex.commit_update)."""
    meta = meta or doc_meta_of(doc)
    return index.prepare_update(meta.doc_id, passages_of(doc), meta, labels)


def index_document(
    index: SearchIndex,
    doc: ParsedDocument,
    meta: DocMeta | None = None,
    labels: Sequence[tuple[int, str]] = (),
) -> UpdateStats:
    """Index a parsed document's passages (graph.passages.passages_of) and its elements' labels."""
    meta = meta or doc_meta_of(doc)
    return index.update(meta.doc_id, passages_of(doc), meta, labels)


class _GenerationVectors(Mapping[str, np.ndarray]):
    """Document id -> passage vectors (float32), read from a merged generation when asked."""

    def __init__(self, generation: merged.Generation) -> None:
        self._generation = generation

    def __getitem__(self, doc_id: str) -> np.ndarray:
        if doc_id not in self._generation.by_id:
            raise KeyError(doc_id)
        return self._generation.doc_vectors(doc_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._generation.by_id)

    def __len__(self) -> int:
        return len(self._generation.by_id)


def estimated_passages(folder: str | Path) -> int:
    """A guess of an index folder's passages from its files' sizes (nothing is read)."""
    docs = Path(folder) / DOCS_DIR
    if not docs.is_dir():
        return 0
    with os.scandir(docs) as entries:
        total = sum(
            e.stat().st_size for e in entries if e.name.endswith(".npz") and not e.name.startswith(".")
        )
    return total // BYTES_PER_PASSAGE


def iter_documents(folder: str | Path) -> Iterator[_Doc]:
    """Read an index folder's document entries one at a time, in doc id order (unreadable ones skipped)."""
    docs = Path(folder) / DOCS_DIR
    if not docs.is_dir():
        return
    # Names are hashes of the doc ids: read the ids first (the JSON record only), then the entries in order.
    ids: list[tuple[str, Path]] = []
    for path in sorted(docs.glob("*.npz")):
        if path.name.startswith("."):
            continue
        try:
            with np.load(path, allow_pickle=False) as data:
                if "doc_id" in data.files:
                    ids.append((str(data["doc_id"]), path))
                else:
                    ids.append((json.loads(str(data["record"]))["doc"]["doc_id"], path))
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("Skipping the unreadable search index file %s (%s); re-ingest it.", path, error)
    for _, path in sorted(ids):
        try:
            yield _read_doc(path)
        except (OSError, ValueError, KeyError, TypeError, FileNotFoundError) as error:
            log.warning("Skipping the unreadable search index file %s (%s); re-ingest it.", path, error)


def consolidate(
    folder: str | Path, recipe: str, ann_min: int | None = None, subprocess_from: int | None = None
) -> None:
    """Write a fresh merged generation of an index folder unless one is already fresh.

    With ``subprocess_from``, a store estimated at that many passages or more is merged by a child process
    (``python -m search.index``), so this process's memory never holds the build. One builder at a time.
    """
    folder = Path(folder)
    ann_min = merged.ANN_MIN if ann_min is None else ann_min
    with merged.build_lock(folder):
        token = merged.change_token(folder)
        current = merged.open_generation(folder)
        if current is not None:
            fresh = current.token == token and current.recipe == recipe
            current.close()
            if fresh:
                return
        if subprocess_from is not None and estimated_passages(folder) >= subprocess_from:
            log.info("Merging the search index of %s in a child process.", folder)
            command, env = _child_command(folder, recipe, ann_min, locked=True)
            subprocess.run(command, check=True, env=env)
            return
        merged.write_generation(folder, iter_documents(folder), recipe, token, ann_min)


def _child_command(folder: Path, recipe: str, ann_min: int, locked: bool) -> tuple[list[str], dict[str, str]]:
    root = str(Path(__file__).resolve().parent.parent)
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "search.index", str(folder), "--recipe", recipe,
               "--ann-min", str(ann_min)]
    return command + (["--locked"] if locked else []), {**os.environ, "PYTHONPATH": path}


def start_consolidation(folder: str | Path, recipe: str) -> bool:
    """Start merging an index folder in a background process unless a merge is under way; True if started."""
    folder = Path(folder)
    if merged.build_in_progress(folder):
        return False
    command, env = _child_command(folder, recipe, merged.ANN_MIN, locked=False)
    subprocess.Popen(  # noqa: S603 - our own module, no shell
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return True


def _main(argv: Sequence[str] | None = None) -> int:
    """Merge an index folder's generation: ``python -m search.index FOLDER --recipe R``."""
    import argparse

    parser = argparse.ArgumentParser(description="Merge a search index folder into a memory-mapped form.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--recipe", help="the embedding recipe (default: the configured model's)")
    parser.add_argument("--ann-min", type=int, default=merged.ANN_MIN)
    parser.add_argument("--locked", action="store_true", help="the caller holds the build lock")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    recipe = args.recipe or E5Embedder().recipe
    if args.locked:
        token = merged.change_token(args.folder)
        merged.write_generation(args.folder, iter_documents(args.folder), recipe, token, args.ann_min)
    else:
        consolidate(args.folder, recipe, args.ann_min)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
