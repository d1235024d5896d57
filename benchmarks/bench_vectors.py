"""Vectors at scale: a merged, memory-mapped index of synthetic passages, searched by a fresh process.

Prints JSON: {"passages", "ann_recall_at_10", "p95_ms", "exact_p95_ms", "peak_mb"} (and diagnostics).

- The store: ``passages`` synthetic passages in documents of 100, written as the index's per-document files
  (search.index.write_entry) and merged by search.index.consolidate (a child process, as a search does).
  Vectors are random unit vectors with cluster structure, not embeddings: 384 dimensions, one cluster per
  200 passages, each vector ``2·m + c + noise`` normalised (m a shared direction, as real embeddings share
  one: mean cosine of two random passages ≈ 0.75). Texts are 15–40 pseudo-words drawn from a Zipf
  distribution over 20,000 words, so the BM25 index has realistic posting lists. Element labels: none.
- The search process is fresh (``--search FOLDER``): it loads what embeds a query (search.model), opens the
  index and searches it as ``ask`` does (SearchIndex.search, k = 10, the model embedding each query text).
- ``ann_recall_at_10``: 100 query vectors (a passage's vector plus noise, normalised); the top 10 of the
  ANN path (IVF-PQ candidates, rescored exactly from the float16 vectors) against the top 10 of an exact
  scan of the same float16 vectors.
- ``p95_ms``: SearchIndex.search over the ANN path, query embedding included, 30 queries after 5 warm-up
  ones. Diagnostics: ``retrieval_p95_ms`` (the same searches with the query vectors made beforehand) and
  ``embed_p50_ms``; on a shared machine wall times mostly wait for a core (``cpu_p95_ms`` does not).
- ``peak_mb``: the search process's ru_maxrss after those searches, model included (the query encoder a
  search uses: search.query_encoder's numpy forward pass where the model folder allows, else
  sentence-transformers; ``query_encoder`` says which), measured *before* the exact timings. Diagnostics:
  ``rss_anon_mb`` and ``rss_file_mb`` at that moment (/proc/self/status: heap versus mapped files), and
  ``cpu_p95_ms``, the CPU time per search (less bent by a loaded machine than wall time).
- ``exact_p95_ms``: 10 of the same searches with the dense candidates found by a full exact scan (float16
  read and converted chunk by chunk) instead of the ANN index.

Run: .venv/bin/python benchmarks/bench_vectors.py --json [--passages 1000000] [--folder DIR]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search import vectors as merged  # noqa: E402
from search.index import SearchIndex, _Doc, consolidate, write_entry  # noqa: E402
from search.records import DocMeta, IndexedPassage  # noqa: E402
from search.tokenize import tokenize  # noqa: E402

log = logging.getLogger("bench_vectors")
DIM = 384
PER_DOC = 100
PER_CLUSTER = 200
WORDS = 20_000
QUERIES = 100
TIMED = 30
RECIPE = "bench-vectors|synthetic"
SYLLABLES = ["ka", "ru", "se", "lo", "mi", "ta", "ne", "vi", "sko", "pla", "hu", "dra", "ge", "fo", "bi",
             "ja"]


def peak_mb() -> float:
    """Peak resident memory of this process in MB (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> dict[str, float]:
    """This process's resident memory now, in MB: RssAnon (heap) and RssFile (mapped files), Linux only."""
    try:
        lines = Path("/proc/self/status").read_text(encoding="ascii").splitlines()
    except OSError:
        return {}
    fields = (line.split(":", 1) for line in lines if line.startswith(("RssAnon", "RssFile")))
    return {name: round(int(value.split()[0]) / 1024, 1) for name, value in fields}


def _words(rng: np.random.Generator) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < WORDS:
        words["".join(rng.choice(SYLLABLES, size=rng.integers(2, 5)))] = None
    return list(words)


class Synthetic:
    """Clustered unit vectors and Zipf texts, generated in order from one seed."""

    def __init__(self, passages: int, seed: int = 11) -> None:
        self.rng = np.random.default_rng(seed)
        self.passages = passages
        clusters = max(16, passages // PER_CLUSTER)
        mean = self.rng.standard_normal(DIM).astype(np.float32)
        self.mean = mean / np.linalg.norm(mean)
        centers = self.rng.standard_normal((clusters, DIM)).astype(np.float32)
        self.centers = centers / np.linalg.norm(centers, axis=1, keepdims=True)
        self.words = _words(self.rng)
        self.tokens = [" ".join(tokenize(w)) for w in self.words]
        ranks = np.arange(1, WORDS + 1, dtype=np.float64)
        self.p = (1 / ranks) / (1 / ranks).sum()

    def vectors(self, n: int) -> np.ndarray:
        """n clustered unit vectors (384 dimensions)."""
        c = self.rng.integers(0, len(self.centers), n)
        noise = 0.6 * self.rng.standard_normal((n, DIM)).astype(np.float32) / np.sqrt(DIM)
        v = 2.0 * self.mean + self.centers[c] + noise
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def texts(self, n: int) -> list[tuple[str, str]]:
        """n passage texts and their lexical tokens."""
        lengths = self.rng.integers(15, 41, n)
        picked = np.split(self.rng.choice(WORDS, size=int(lengths.sum()), p=self.p), np.cumsum(lengths)[:-1])
        words, tokens = self.words, self.tokens
        return [(" ".join([words[i] for i in ids]), " ".join([tokens[i] for i in ids if tokens[i]]))
                for ids in picked]


def build_store(folder: Path, passages: int) -> None:
    """Write ``passages`` synthetic passages as per-document entries and merge them."""
    synthetic = Synthetic(passages)
    started = time.perf_counter()
    for number, first in enumerate(range(0, passages, PER_DOC)):
        n = min(PER_DOC, passages - first)
        doc_id = f"https://w3id.org/styrkedja/id/doc/bench-{number:07d}"
        meta = DocMeta(doc_id, f"bench-{number}.txt", f"Plan {number}", "Norrvik", "Norrviks kommun",
                       "verksamhetsplan", (2020 + number % 7,))
        records, tokens, offset = [], [], 0
        for i, (text, lexical) in enumerate(synthetic.texts(n)):
            records.append(IndexedPassage(doc_id, i, text, offset, offset + len(text), 1 + i // 10, "Mål",
                                          "paragraph", f"{number}-{i}"))
            tokens.append(lexical)
            offset += len(text) + 2
        keys = [f"{number}-{i}" for i in range(n)]
        write_entry(folder, _Doc(meta, records, synthetic.vectors(n), keys, tokens, RECIPE))
        if number % 1000 == 0:
            log.info("%d passages written (%.0f s)", first + n, time.perf_counter() - started)
    merged.mark_changed(folder)
    consolidate(folder, RECIPE, subprocess_from=0)
    log.info("Store of %d passages built and merged in %.0f s.", passages, time.perf_counter() - started)


def query_vectors(generation: merged.Generation, rng: np.random.Generator) -> np.ndarray:
    """Query vectors near stored passages: a stored vector plus noise, normalised."""
    rows = np.sort(rng.choice(generation.size, QUERIES, replace=False))
    base = np.asarray(generation.vectors[rows], dtype=np.float32)
    noisy = base + 0.3 * rng.standard_normal(base.shape).astype(np.float32) / np.sqrt(DIM)
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


class _Fixed:
    """A recipe-matching embedder for the search process: the model embeds the query texts."""

    recipe = RECIPE

    def passages(self, texts):  # pragma: no cover - the store is built already
        """Not used: the store is built."""
        raise NotImplementedError

    def queries(self, texts):
        """Embed queries with the model."""
        from search.model import embed_queries

        return embed_queries(texts)


def exact_top_10(generation: merged.Generation, vectors: np.ndarray) -> list[np.ndarray]:
    """Exact top 10 rows of every query vector: one pass over the stored vectors, all queries at once."""
    best_scores = np.full((len(vectors), 10), -np.inf, dtype=np.float32)
    best_rows = np.zeros((len(vectors), 10), dtype=np.int64)
    for start in range(0, generation.size, merged.EXACT_CHUNK):
        stop = min(generation.size, start + merged.EXACT_CHUNK)
        scores = vectors @ np.asarray(generation.vectors[start:stop], dtype=np.float32).T  # (Q, chunk)
        row_bytes = generation.dim * 2
        merged.release_pages(generation.vectors, start * row_bytes, (stop - start) * row_bytes)
        top = np.argpartition(-scores, 9, axis=1)[:, :10]
        both_scores = np.concatenate([best_scores, np.take_along_axis(scores, top, 1)], axis=1)
        both_rows = np.concatenate([best_rows, top + start], axis=1)
        keep = np.argpartition(-both_scores, 9, axis=1)[:, :10]
        best_scores = np.take_along_axis(both_scores, keep, 1)
        best_rows = np.take_along_axis(both_rows, keep, 1)
    return list(best_rows)


class _Cached:
    """Query vectors made beforehand, looked up by text."""

    recipe = RECIPE

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def queries(self, texts):
        """The cached vectors of the texts."""
        return np.stack([self.vectors[t] for t in texts])


def search_process(folder: Path) -> dict:
    """Measure in this (fresh) process: model loaded, index opened, ANN searches, then exact ones."""
    from search import model
    from search.ann import CANDIDATES
    from search.model import embed_queries

    embed_queries(["uppstart"])  # loads what a search embeds queries with
    index = SearchIndex(folder, embedder=_Fixed())
    index.prepare()
    generation = index._fresh_generation()
    assert generation is not None and generation.ann is not None, "the store was not merged with an ANN index"
    rng = np.random.default_rng(5)
    vectors = query_vectors(generation, rng)
    found = []
    ann_times = []
    for vector in vectors:
        start = time.perf_counter()
        found.append(generation.dense_candidates(vector, 10, None))
        ann_times.append((time.perf_counter() - start) * 1000)
    synthetic = Synthetic(1000, seed=3)
    texts = [text[:120] for text, _ in synthetic.texts(TIMED + 5)]
    for text in texts[:5]:
        index.search(text, k=10)
    times, cpu = [], []
    for text in texts[5:]:
        start, start_cpu = time.perf_counter(), time.process_time()
        index.search(text, k=10)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    peak = peak_mb()
    resident = rss_mb()
    # Retrieval alone (the query vectors made beforehand), since query embedding on a shared machine varies.
    # One at a time, as a search embeds them (a batch would load sentence-transformers into this process).
    cached = {text: embed_queries([text])[0] for text in texts[5:]}
    embedder = index.embedder
    index._embedder = _Cached(cached)
    retrieval = []
    for text in texts[5:]:
        start = time.perf_counter()
        index.search(text, k=10)
        retrieval.append((time.perf_counter() - start) * 1000)
    index._embedder = embedder
    embed_times = []
    for text in texts[5:25]:
        start = time.perf_counter()
        embed_queries([text])
        embed_times.append((time.perf_counter() - start) * 1000)
    # Exact: after the peak was read (a full scan makes every vector resident).
    exact_times = []
    for vector in vectors[:10]:
        start = time.perf_counter()
        generation.exact_dense(vector)
        exact_times.append((time.perf_counter() - start) * 1000)
    exact_top = exact_top_10(generation, vectors)
    recall = float(np.mean([len(set(f.tolist()) & set(t.tolist())) / 10
                            for f, t in zip(found, exact_top, strict=True)]))
    kept = generation.ann
    generation.ann = None
    search_exact = []
    for text in texts[5:15]:
        start = time.perf_counter()
        index.search(text, k=10)
        search_exact.append((time.perf_counter() - start) * 1000)
    generation.ann = kept
    return {
        "passages": generation.size,
        "ann_recall_at_10": round(recall, 4),
        "p95_ms": round(float(np.percentile(times, 95)), 1),
        "exact_p95_ms": round(float(np.percentile(search_exact, 95)), 1),
        "peak_mb": round(peak, 1),
        "p50_ms": round(float(np.percentile(times, 50)), 1),
        "cpu_p95_ms": round(float(np.percentile(cpu, 95)), 1),
        "rss_anon_mb": resident.get("RssAnon"),
        "rss_file_mb": resident.get("RssFile"),
        "query_encoder": model.query_encoder_name(),
        "retrieval_p95_ms": round(float(np.percentile(retrieval, 95)), 1),
        "embed_p50_ms": round(float(np.percentile(embed_times, 50)), 1),
        "ann_dense_p95_ms": round(float(np.percentile(ann_times, 95)), 1),
        "exact_dense_p95_ms": round(float(np.percentile(exact_times, 95)), 1),
        "candidates": CANDIDATES,
        "load_average": round(os.getloadavg()[0], 2),
    }


def measure_vectors(passages: int, folder: Path) -> dict:
    """Build (or reuse) a merged synthetic store of ``passages`` in ``folder``; measure in a fresh process."""
    folder = Path(folder)
    generation = merged.open_fresh(folder, RECIPE)
    if generation is None or generation.size != passages:
        if folder.exists() and any(folder.iterdir()):
            raise SystemExit(f"{folder} holds another index; give an empty folder.")
        build_store(folder, passages)
    else:
        generation.close()
    command = [sys.executable, str(Path(__file__).resolve()), "--search", str(folder)]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the JSON (the default output)")
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, help="where the store is built (kept; reused when it matches)")
    parser.add_argument("--search", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    logging.getLogger("ingest").setLevel(logging.ERROR)
    if args.search:
        print(json.dumps(search_process(args.search)))
        return 0
    if args.folder:
        result = measure_vectors(args.passages, args.folder)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = measure_vectors(args.passages, Path(tmp) / "search")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
