"""The consolidated, memory-mapped form of a large search index: one generation folder per rebuild.

The per-document ``.npz`` files (search.index) stay the unit of update. Above a size (search.index
MERGE_MIN_PASSAGES) searches read a *generation* merged from them instead of loading them:

    <index>/merged/CURRENT            the name of the current generation (replaced atomically)
    <index>/merged/<gen>/meta.json    documents (metadata, first row, passage count), recipe, shapes
    <index>/merged/<gen>/vectors.f16  passage vectors, float16, (N, dim), memory-mapped
    <index>/merged/<gen>/labels.f16   element label vectors, float16, (L, dim); label_rows.i64 their passage
    <index>/merged/<gen>/row_doc.i32, row_passage.i32   each row's document ordinal and passage position
    <index>/merged/<gen>/passages.jsonl + offsets.i64   each row's passage record, read only for hits
    <index>/merged/<gen>/bm25/        the bm25s index, saved as .npy and loaded with mmap
    <index>/merged/<gen>/ann.faiss    the IVF-PQ index over passages and labels (search.ann), when large

A generation is written into a temporary folder, synced and renamed, then CURRENT is replaced: a reader sees
the old generation or the new one, never a mix; readers hold their generation's files open, so a rebuild
that deletes an old generation does not disturb them. Every change to the per-document files writes a new
random token to ``<index>/CHANGED`` (after the file); a generation records the token it saw before reading
the files, so it is fresh exactly when the token is unchanged.

Dense scores of a generation are exact cosines of the float16 vectors (rounding moves a cosine by < 1e-3),
computed for the ANN candidates and the BM25 candidates only; the fusion (search.fusion) is the same.

What a search process holds resident (the peak memory target is one process with the model at 10⁶
passages): the rows a query scores are read with ``pread`` into a small array, never faulted in through the
memory map (a page fault maps the 64 KB around it: 100 ANN searches through the map made 600 MB of vector
pages resident at 10⁶); an exact scan reads through the map and lets go of each chunk's pages after it, and
so are the pages of the bm25s arrays a query touched (``MADV_DONTNEED``: they stay in the page cache, shared,
not in the process). The memory maps remain for callers that want a view (benchmarks, tests).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import mmap
import os
import shutil
import time
import uuid
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import numpy as np

from search.embedder import document_line
from search.records import DocMeta, IndexedPassage
from search.tokenize import TOKENIZER_VERSION, tokenize

log = logging.getLogger(__name__)

FORMAT = 1
MERGED_DIR = "merged"
CURRENT = "CURRENT"
CHANGED = "CHANGED"
DTYPE = np.float16
ANN_MIN = 20_000  # rows (passages + labels) from which a generation gets an ANN index
EXACT_CHUNK = 65_536  # rows converted to float32 at once by an exact scan
FILTERED_EXACT_MAX = 20_000  # a filter leaving at most this many rows is searched exactly (f16 read: ~10 ms)
OVERSAMPLE = 4  # a filtered ANN search asks for this many times the candidates


class IndexedDoc(Protocol):
    """What a generation is built from: one document's entry (search.index._Doc)."""

    meta: DocMeta
    passages: list[IndexedPassage]
    vectors: np.ndarray
    tokens: list[str]
    recipe: str
    labels: list[tuple[int, str]]
    label_vectors: np.ndarray


# ------------------------------------------------------------------------------------------ change token


def mark_changed(folder: str | Path) -> None:
    """Record that the per-document files changed (call after each write or deletion of one)."""
    path = Path(folder) / CHANGED
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{CHANGED}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(uuid.uuid4().hex, encoding="ascii")
    os.replace(tmp, path)


def change_token(folder: str | Path) -> str:
    """The current change token of an index folder ("" before any change was recorded)."""
    try:
        return (Path(folder) / CHANGED).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return ""


# ----------------------------------------------------------------------------------------------- writing


def bm25_index(corpus_ids: list[array], vocab: dict[str, int]) -> Any:
    """A bm25s index over token-id lists (None when empty); used in memory and in the merged copy."""
    if not corpus_ids or not vocab:
        return None
    import bm25s

    # bm25s sets its own logger to DEBUG when imported; its index-building chatter is not for our users.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    bm25 = bm25s.BM25()
    bm25.index((corpus_ids, vocab), show_progress=False)
    return bm25


class _Writer:
    """Streams documents into a temporary generation folder."""

    def __init__(self, folder: Path, recipe: str) -> None:
        self.folder = folder
        self.recipe = recipe
        self.dim = 0
        self.rows = 0
        self.pending_zero_rows = 0
        self.vectors = open(folder / "vectors.f16", "wb")  # noqa: SIM115 - closed in finish()
        self.labels = open(folder / "labels.f16", "wb")  # noqa: SIM115
        self.passages = open(folder / "passages.jsonl", "wb")  # noqa: SIM115
        self.offsets = array("q", [0])
        self.row_doc = array("i")
        self.row_passage = array("i")
        self.label_rows = array("q")
        self.label_count = 0
        self.vocab: dict[str, int] = {}
        self.corpus_ids: list[array] = []
        self.docs: list[dict[str, Any]] = []

    def add(self, doc: IndexedDoc) -> None:
        n = len(doc.passages)
        usable = doc.recipe == self.recipe and doc.vectors.ndim == 2 and doc.vectors.shape[0] == n and n > 0
        if usable and not self.dim:
            self.dim = int(doc.vectors.shape[1])
            self._write_zeros(self.pending_zero_rows)
        usable = usable and doc.vectors.shape[1] == self.dim
        if usable:
            self.vectors.write(np.ascontiguousarray(doc.vectors, dtype=DTYPE).tobytes())
        elif n:
            log.warning("The vectors of %s were made by another model or recipe.", doc.meta.doc_id)
            self._write_zeros(n)
        start, ordinal = self.rows, len(self.docs)
        for p in doc.passages:
            record = [p.index, p.text, p.char_start, p.char_end, p.page, p.section, p.kind, p.content_hash,
                      p.described]
            line = json.dumps(record, ensure_ascii=False).encode() + b"\n"
            self.passages.write(line)
            self.offsets.append(self.offsets[-1] + len(line))
        self.row_doc.extend([ordinal] * n)
        self.row_passage.extend(range(n))
        head = [self.vocab.setdefault(t, len(self.vocab)) for t in tokenize(document_line(doc.meta))]
        for line in doc.tokens:
            ids = array("i", (self.vocab.setdefault(t, len(self.vocab)) for t in line.split(" ") if t))
            ids.extend(head)
            self.corpus_ids.append(ids)
        if usable and doc.labels and doc.label_vectors.ndim == 2 and doc.label_vectors.shape[1] == self.dim:
            order = sorted(range(len(doc.labels)), key=lambda i: doc.labels[i][0])
            self.labels.write(np.ascontiguousarray(doc.label_vectors[order], dtype=DTYPE).tobytes())
            self.label_rows.extend(start + doc.labels[i][0] for i in order)
            self.label_count += len(order)
        self.docs.append({"meta": doc.meta.to_json(), "start": start, "count": n})
        self.rows += n

    def _write_zeros(self, n: int) -> None:
        if not self.dim:
            self.pending_zero_rows += n
            return
        if n:
            self.vectors.write(np.zeros((n, self.dim), dtype=DTYPE).tobytes())
        self.pending_zero_rows = 0

    def finish(self, token: str, ann_min: int) -> dict[str, Any]:
        if not self.dim and self.rows:  # no usable vectors at all
            self.dim = 1
            self._write_zeros(self.rows)
        for handle in (self.vectors, self.labels, self.passages):
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        _write_array(self.folder / "offsets.i64", self.offsets)
        _write_array(self.folder / "row_doc.i32", self.row_doc)
        _write_array(self.folder / "row_passage.i32", self.row_passage)
        _write_array(self.folder / "label_rows.i64", self.label_rows)
        bm25 = bm25_index(self.corpus_ids, self.vocab)
        self.corpus_ids.clear()
        if bm25 is not None:
            bm25.save(str(self.folder / "bm25"), show_progress=False)
        del bm25
        ann = None
        total = self.rows + self.label_count
        if total >= ann_min and self.dim > 1:
            from search.ann import build as build_ann

            passages = _memmap(self.folder / "vectors.f16", (self.rows, self.dim))
            labels = _memmap(self.folder / "labels.f16", (self.label_count, self.dim))

            def rows(start: int, stop: int) -> np.ndarray:
                head = passages[start : min(stop, self.rows)]
                if stop <= self.rows:
                    return head
                tail = labels[max(start - self.rows, 0) : stop - self.rows]
                return np.concatenate([head, tail]) if len(head) else tail

            params = build_ann(rows, total, self.dim, self.folder / "ann.faiss")
            ann = {"nlist": params.nlist, "m": params.m, "nprobe": params.nprobe}
        meta = {
            "format": FORMAT,
            "token": token,
            "recipe": self.recipe,
            "tokenizer": TOKENIZER_VERSION,
            "dim": self.dim,
            "passages": self.rows,
            "labels": self.label_count,
            "dtype": "float16",
            "ann": ann,
            "docs": self.docs,
        }
        data = json.dumps(meta, ensure_ascii=False).encode()
        with open(self.folder / "meta.json", "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return meta


def _write_array(path: Path, values: array) -> None:
    with open(path, "wb") as handle:
        values.tofile(handle)
        handle.flush()
        os.fsync(handle.fileno())


def _memmap(path: Path, shape: tuple[int, ...], dtype: Any = DTYPE) -> np.ndarray:
    if not int(np.prod(shape)):
        return np.zeros(shape, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r", shape=shape)


@contextlib.contextmanager
def build_lock(folder: str | Path) -> Iterator[None]:
    """Hold the lock under which a generation is built (one builder at a time per index folder)."""
    merged = Path(folder) / MERGED_DIR
    merged.mkdir(parents=True, exist_ok=True)
    with open(merged / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_in_progress(folder: str | Path) -> bool:
    """True when another process holds the build lock of an index folder."""
    lock = Path(folder) / MERGED_DIR / ".lock"
    if not lock.exists():
        return False
    with open(lock, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def write_generation(
    folder: str | Path, docs: Iterable[IndexedDoc], recipe: str, token: str, ann_min: int | None = None
) -> Path:
    """Write a new generation from ``docs`` (in doc id order) and make it current; return its folder.

    ``token`` is the change token read *before* the documents were read. Generations other than the new one
    and the one before it are deleted.
    """
    ann_min = ANN_MIN if ann_min is None else ann_min
    merged = Path(folder) / MERGED_DIR
    merged.mkdir(parents=True, exist_ok=True)
    name = f"g{time.time_ns():x}{os.getpid():x}"
    tmp = merged / f".tmp-{name}"
    tmp.mkdir()
    started = time.perf_counter()
    try:
        writer = _Writer(tmp, recipe)
        for count, doc in enumerate(docs, start=1):
            writer.add(doc)
            if count % 1000 == 0:
                log.info("Merging the search index: %d documents, %d passages.", count, writer.rows)
        meta = writer.finish(token, ann_min)
        _fsync_dir(tmp)
        final = merged / name
        os.replace(tmp, final)
        _fsync_dir(merged)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    previous = _current_name(merged)
    pointer_tmp = merged / f".{CURRENT}.{name}.tmp"
    pointer_tmp.write_text(name, encoding="ascii")
    os.replace(pointer_tmp, merged / CURRENT)
    _fsync_dir(merged)
    for old in merged.iterdir():
        if old.name not in (name, previous, CURRENT, ".lock") and not old.name.startswith(f".{CURRENT}."):
            if old.name.startswith(".tmp-") and time.time() - old.stat().st_mtime < 3600:
                continue  # another builder may still be writing it
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    log.info(
        "Merged the search index: %d passages, %d labels, ANN %s, in %.1f s.",
        meta["passages"], meta["labels"], "yes" if meta["ann"] else "no", time.perf_counter() - started,
    )
    return final


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _current_name(merged: Path) -> str | None:
    try:
        return (merged / CURRENT).read_text(encoding="ascii").strip() or None
    except FileNotFoundError:
        return None


def has_generation(folder: str | Path) -> bool:
    """True when an index folder has a merged generation (fresh or not)."""
    return _current_name(Path(folder) / MERGED_DIR) is not None


# ----------------------------------------------------------------------------------------------- reading


@dataclass
class Generation:
    """An open generation: memory-mapped vectors, the bm25s index, the ANN index, passages read on demand."""

    path: Path
    token: str
    recipe: str
    dim: int
    metas: list[DocMeta]
    starts: np.ndarray  # first row of each document
    counts: np.ndarray  # passages of each document
    vectors: np.ndarray  # (N, dim) float16 memmap
    label_vectors: np.ndarray  # (L, dim) float16 memmap
    label_rows: np.ndarray  # (L,) int64, ascending: the passage row of each label
    row_doc: np.ndarray  # (N,) int32
    row_passage: np.ndarray  # (N,) int32
    offsets: np.ndarray  # (N + 1,) int64 into passages.jsonl
    bm25: Any
    ann: Any  # search.ann.AnnIndex or None
    _passages: BinaryIO
    by_id: dict[str, int]
    _vector_file: BinaryIO | None = None  # vectors.f16, read with pread (see the module docstring)
    _label_file: BinaryIO | None = None  # labels.f16

    @property
    def size(self) -> int:
        """Passages (rows)."""
        return int(self.row_doc.shape[0])

    def close(self) -> None:
        """Close the passage and vector files (the memory maps go with the object)."""
        self._passages.close()
        for handle in (self._vector_file, self._label_file):
            if handle is not None:
                handle.close()

    def vectors_of(self, rows: np.ndarray) -> np.ndarray:
        """Passage vectors of some rows (float16, in the given order), read from the file, not the map."""
        return _read_rows(self._vector_file, self.vectors, rows, self.dim)

    def label_vectors_of(self, ids: np.ndarray) -> np.ndarray:
        """Label vectors of some label ids (float16), read from the file."""
        return _read_rows(self._label_file, self.label_vectors, ids, self.dim)

    # -- passages

    def passage(self, row: int) -> IndexedPassage:
        """The passage record of a row."""
        start, stop = int(self.offsets[row]), int(self.offsets[row + 1])
        self._passages.seek(start)
        record = json.loads(self._passages.read(stop - start))
        return IndexedPassage(self.metas[int(self.row_doc[row])].doc_id, *record)

    def doc_passages(self, doc_id: str) -> list[IndexedPassage]:
        """The passages of one document (empty when unknown)."""
        ordinal = self.by_id.get(doc_id)
        if ordinal is None:
            return []
        start = int(self.starts[ordinal])
        return [self.passage(row) for row in range(start, start + int(self.counts[ordinal]))]

    def doc_vectors(self, doc_id: str) -> np.ndarray:
        """One document's passage vectors as float32 (a copy)."""
        ordinal = self.by_id.get(doc_id)
        if ordinal is None:
            return np.zeros((0, 0), dtype=np.float32)
        start = int(self.starts[ordinal])
        rows = np.arange(start, start + int(self.counts[ordinal]), dtype=np.int64)
        return self.vectors_of(rows).astype(np.float32)

    # -- scores

    def lexical(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every row for query tokens (unknown tokens dropped, repeats kept)."""
        if self.bm25 is None:
            return np.zeros(self.size, dtype=np.float32)
        vocab = self.bm25.vocab_dict
        ids = [vocab[t] for t in tokens if t in vocab]
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        try:
            return np.asarray(self.bm25.get_scores(ids), dtype=np.float32)
        finally:
            for name in ("data", "indices"):
                release_pages(self.bm25.scores.get(name))

    def lifted(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Exact dense scores of some rows: the best of the passage's and its labels' cosines."""
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0 or self.dim == 0:
            return np.zeros(rows.size, dtype=np.float32)
        order = np.argsort(rows)
        sorted_rows = rows[order]
        scores = self.vectors_of(sorted_rows).astype(np.float32) @ query
        if self.label_rows.size:
            low = np.searchsorted(self.label_rows, sorted_rows, "left")
            high = np.searchsorted(self.label_rows, sorted_rows, "right")
            has = np.flatnonzero(high > low)
            if has.size:
                spans = high[has] - low[has]
                pairs = zip(low[has], high[has], strict=True)
                label_ids = np.concatenate([np.arange(a, b) for a, b in pairs])
                cosines = self.label_vectors_of(label_ids).astype(np.float32) @ query
                owner = np.repeat(has, spans)
                np.maximum.at(scores, owner, cosines)
        out = np.empty_like(scores)
        out[order] = scores
        return out

    def exact_dense(self, query: np.ndarray) -> np.ndarray:
        """Exact lifted dense score of every row (a full scan, float16 converted chunk by chunk)."""
        out = np.empty(self.size, dtype=np.float32)
        for start in range(0, self.size, EXACT_CHUNK):
            stop = min(self.size, start + EXACT_CHUNK)
            out[start:stop] = np.asarray(self.vectors[start:stop], dtype=np.float32) @ query
            release_pages(self.vectors, start * self.dim * 2, (stop - start) * self.dim * 2)
        for start in range(0, self.label_rows.size, EXACT_CHUNK):
            stop = min(self.label_rows.size, start + EXACT_CHUNK)
            cosines = np.asarray(self.label_vectors[start:stop], dtype=np.float32) @ query
            release_pages(self.label_vectors, start * self.dim * 2, (stop - start) * self.dim * 2)
            np.maximum.at(out, self.label_rows[start:stop], cosines)
        return out

    def dense_candidates(self, query: np.ndarray, pool: int, mask: np.ndarray | None) -> np.ndarray:
        """Rows holding (about) the ``pool`` best dense scores, among the rows the mask allows."""
        if self.size == 0 or self.dim == 0:
            return np.zeros(0, dtype=np.int64)
        allowed = None if mask is None else np.flatnonzero(mask)
        if allowed is not None and allowed.size <= FILTERED_EXACT_MAX:
            return _top(allowed, self.lifted(allowed, query), pool)
        if self.ann is None:
            scores = self.exact_dense(query)
            if mask is not None:
                scores = np.where(mask, scores, -np.inf)
            return _top(np.arange(self.size), scores, pool)
        from search.ann import CANDIDATES

        want = max(CANDIDATES, 2 * pool) * (OVERSAMPLE if mask is not None else 1)
        ids = self.ann.search(query, want)
        rows = ids.copy()
        is_label = ids >= self.size
        rows[is_label] = self.label_rows[ids[is_label] - self.size]
        rows = np.unique(rows)
        if mask is not None:
            rows = rows[mask[rows]]
            if rows.size < pool:  # the filter is too selective for the candidates: scan what it allows
                return _top(allowed, self.lifted(allowed, query), pool)
        return _top(rows, self.lifted(rows, query), pool)


def _read_rows(handle: BinaryIO | None, mapped: np.ndarray, rows: np.ndarray, dim: int) -> np.ndarray:
    """Some rows of a float16 (N, dim) file, in the given order; runs of consecutive rows are read at once."""
    rows = np.asarray(rows, dtype=np.int64)
    if handle is None or rows.size == 0 or dim == 0:
        return np.array(mapped[rows], dtype=DTYPE) if rows.size else np.zeros((0, dim), dtype=DTYPE)
    out = np.empty((rows.size, dim), dtype=DTYPE)
    row_bytes = dim * out.itemsize
    flat = memoryview(out).cast("B")
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    firsts = np.concatenate(([0], breaks)).tolist()
    lasts = np.concatenate((breaks, [rows.size])).tolist()
    fd = handle.fileno()
    for first, last in zip(firsts, lasts, strict=True):
        _pread_into(fd, flat[first * row_bytes : last * row_bytes], int(rows[first]) * row_bytes)
    return out


def _pread_into(fd: int, target: memoryview, offset: int) -> None:
    """Fill ``target`` from a file at ``offset`` (pread until full; a short file is an error)."""
    done = 0
    while done < len(target):
        got = os.preadv(fd, [target[done:]], offset + done)
        if got <= 0:
            raise OSError(f"the vector file ended at byte {offset + done}")
        done += got


def release_pages(array: Any, start: int = 0, length: int | None = None) -> None:
    """Let go of the pages of a memory-mapped array this process touched (they stay in the page cache);
    ``start`` and ``length`` in bytes from the array's start narrow it (rounded inwards to whole pages)."""
    handle = getattr(array, "_mmap", None)
    if not isinstance(handle, mmap.mmap) or not hasattr(mmap, "MADV_DONTNEED"):
        return
    base = int(getattr(array, "offset", 0)) % mmap.ALLOCATIONGRANULARITY  # the array's start within the map
    first = base + start
    last = len(handle) if length is None else min(len(handle), first + length)
    first = -(-first // mmap.PAGESIZE) * mmap.PAGESIZE if start else 0
    last = last if last == len(handle) else last // mmap.PAGESIZE * mmap.PAGESIZE
    if last > first:
        with contextlib.suppress(OSError, ValueError):
            handle.madvise(mmap.MADV_DONTNEED, first, last - first)


def _top(rows: np.ndarray, scores: np.ndarray, pool: int) -> np.ndarray:
    if rows.size <= pool:
        return rows
    part = np.argpartition(-scores, pool - 1)[:pool]
    return rows[part]


def open_generation(folder: str | Path, attempts: int = 3) -> Generation | None:
    """Open the current generation of an index folder (None when there is none)."""
    merged = Path(folder) / MERGED_DIR
    for attempt in range(attempts):
        name = _current_name(merged)
        if name is None:
            return None
        try:
            return _open(merged / name)
        except FileNotFoundError:  # replaced and deleted while we opened it: read CURRENT again
            if attempt == attempts - 1:
                raise
    return None


def _open(path: Path) -> Generation:
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise FileNotFoundError(f"{path}: format {meta.get('format')} is not {FORMAT}")
    n, labels, dim = int(meta["passages"]), int(meta["labels"]), int(meta["dim"])
    passages = open(path / "passages.jsonl", "rb")  # noqa: SIM115 - closed by Generation.close
    bm25 = None
    if (path / "bm25").is_dir():
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        bm25 = bm25s.BM25.load(str(path / "bm25"), mmap=True, show_progress=False)
    ann = None
    if meta.get("ann"):
        from search.ann import AnnIndex

        ann = AnnIndex(path / "ann.faiss", meta["ann"]["nprobe"])
    docs = meta["docs"]
    metas = [DocMeta.from_json(d["meta"]) for d in docs]
    vector_file = open(path / "vectors.f16", "rb") if n and dim else None  # noqa: SIM115 - closed by close()
    label_file = open(path / "labels.f16", "rb") if labels and dim else None  # noqa: SIM115
    return Generation(
        path=path,
        token=meta["token"],
        recipe=meta["recipe"],
        dim=dim,
        metas=metas,
        starts=np.array([d["start"] for d in docs], dtype=np.int64),
        counts=np.array([d["count"] for d in docs], dtype=np.int64),
        vectors=_memmap(path / "vectors.f16", (n, dim)),
        label_vectors=_memmap(path / "labels.f16", (labels, dim)),
        label_rows=_memmap(path / "label_rows.i64", (labels,), np.int64),
        row_doc=_memmap(path / "row_doc.i32", (n,), np.int32),
        row_passage=_memmap(path / "row_passage.i32", (n,), np.int32),
        offsets=_memmap(path / "offsets.i64", (n + 1,), np.int64),
        bm25=bm25,
        ann=ann,
        _passages=passages,
        by_id={m.doc_id: i for i, m in enumerate(metas)},
        _vector_file=vector_file,
        _label_file=label_file,
    )


def open_fresh(folder: str | Path, recipe: str) -> Generation | None:
    """The current generation when it is fresh (no change since) and made under ``recipe``, else None."""
    token = change_token(folder)
    generation = open_generation(folder)
    if generation is None:
        return None
    if generation.token != token or generation.recipe != recipe:
        generation.close()
        return None
    return generation
