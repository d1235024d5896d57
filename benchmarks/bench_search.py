"""Search speed and memory at 1,000, 10,000 and 100,000 passages, with the embedding model loaded.

Prints JSON (contract): {"sizes": [{"passages", "p50_ms", "p95_ms", "numpy_ms", "peak_mb"}], "embed_per_s"}.

- Synthetic passages: the corpus (corpus/, read by ingest.reader and cut by graph.passages) is split into
  sentences (search.answer.sentence_spans); each synthetic passage is 1-4 distinct corpus sentences drawn at
  random (seeded; a sentence recurs in many passages), under a random corpus section, in synthetic
  documents of 100 passages with random kommun, kind and year. Embedding 100,000 passages at ~40/s would
  take most of an hour, so the distinct corpus sentences are embedded once (passage prompt) and a synthetic
  passage's vector is the normalised sum of its sentences' vectors. The lexical index is built from the
  recombined texts as usual, through SearchIndex.update (a lookup embedder stands in for the model on
  passages; queries are embedded by the model).
- ``embed_per_s``: corpus sentences embedded per second (passage prompt, batch 32, the configured threads).
- ``p50_ms``/``p95_ms``: wall time of SearchIndex.search(query, k=10) with the real model embedding each
  query: query embedding + dense matrix product + BM25 + fusion + hit assembly. Queries are the development
  questions and corpus sentences reworded as queries, after 3 warm-up queries.
- ``numpy_ms``: median time of a plain ``matrix @ query_vector`` over the same float32 vectors.
- From search.index.MERGE_MIN_PASSAGES on (50,000) the index is searched as the product does at that size:
  through its merged, memory-mapped generation (search.vectors; merged in a child process, whose memory is
  not this process's). There the float32 matrix for ``numpy_ms`` is made after ``peak_mb`` is read.
  ``--merge-min N`` moves the threshold (``--merge-min 1000000000`` keeps every size in memory).
- Diagnostics on stderr per size: query embedding alone, retrieval alone (query vectors made beforehand)
  and the load average, since on a shared 2-core machine other processes inflate the latencies.
- ``peak_mb``: the process's peak resident memory (ru_maxrss) after that size (sizes run in increasing order,
  one index alive at a time, so the last one is the overall peak, model included).

Run: .venv/bin/python benchmarks/bench_search.py --json [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.passages import passages_of  # noqa: E402
from ingest.metadata import load_manifest  # noqa: E402
from ingest.reader import read_document  # noqa: E402
from search.answer import sentence_spans  # noqa: E402
from search.index import SearchIndex  # noqa: E402
from search.model import embed_passages, embed_queries, load_model  # noqa: E402
from search.records import DocMeta  # noqa: E402

log = logging.getLogger("bench_search")
CORPUS = ROOT / "corpus"
QUESTIONS = ROOT / "tests" / "data" / "questions.json"
PER_DOC = 100
KOMMUNER = ["Finspång", "Svenljunga", "Hallsberg", "Ljusnarsberg", "Skövde", "Jönköping", "Umeå", "Lund"]
KINDS = ["verksamhetsplan", "kvalitetsplan", "protokoll", "uppdragsbeskrivning", "kvalitetsrapport"]


def peak_mb() -> float:
    """Peak resident memory of this process in MB (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def corpus_sentences() -> tuple[list[str], list[str]]:
    """Distinct sentences (at least 3 words) and distinct sections of the corpus passages."""
    manifest = load_manifest(CORPUS / "manifest.toml")
    sentences: dict[str, None] = {}
    sections: dict[str, None] = {}
    for path in sorted(CORPUS.iterdir()):
        if path.suffix not in (".pdf", ".txt"):
            continue
        for passage in passages_of(read_document(path, known=manifest.get(path.name))):
            sections[passage.section] = None
            for start, end in sentence_spans(passage.text):
                sentence = " ".join(passage.text[start:end].split())
                if len(sentence.split()) >= 3:
                    sentences[sentence] = None
    return list(sentences), list(sections)


class LookupEmbedder:
    """Passages: the normalised sum of their sentences' vectors (precomputed); queries: the real model."""

    recipe = "bench-sentence-sums"
    with_section = True

    def __init__(self, sentence_vectors: np.ndarray) -> None:
        self.sentence_vectors = sentence_vectors
        self.parts: dict[str, list[int]] = {}  # passage text -> its sentences (for the document being added)

    def passages(self, texts: list[str]) -> np.ndarray:
        """Each passage's vector from its sentences (found by its text: the embedding text's last line)."""
        sums = np.stack([self.sentence_vectors[self.parts[text.rsplit("\n", 1)[-1]]].sum(axis=0)
                         for text in texts])
        return sums / np.linalg.norm(sums, axis=1, keepdims=True)

    def queries(self, texts: list[str]) -> np.ndarray:
        """Embed queries with the model."""
        return embed_queries(texts)


def synthetic_index(folder: Path, n: int, sentences: list[str], sections: list[str], embedder: LookupEmbedder,
                    rng: random.Random, merge_min: int | None = None) -> SearchIndex:
    """Build an index of n synthetic passages in documents of PER_DOC passages; search it as a new process
    would (a new SearchIndex over the folder)."""
    index = SearchIndex(folder, embedder=embedder, merge_min=merge_min)
    for doc_number in range(0, n, PER_DOC):
        doc_id = f"https://w3id.org/styrkedja/id/doc/bench-{doc_number // PER_DOC}"
        kommun = rng.choice(KOMMUNER)
        meta = DocMeta(doc_id, f"bench-{doc_number // PER_DOC}.txt", f"Plan {doc_number // PER_DOC}", kommun,
                       f"{kommun} kommun", rng.choice(KINDS), (rng.randint(2018, 2026),))
        passages = []
        offset = 0
        for i in range(min(PER_DOC, n - doc_number)):
            picked = rng.sample(range(len(sentences)), rng.randint(1, 4))
            text = " ".join(sentences[j] for j in picked)
            embedder.parts[text] = picked
            passages.append(_passage(doc_id, i, text, offset, rng.choice(sections)))
            offset += len(text) + 2
        index.update(doc_id, passages, meta)
        embedder.parts.clear()
    del index
    gc.collect()
    index = SearchIndex(folder, embedder=embedder, merge_min=merge_min)
    index.prepare()
    return index


def _passage(doc_id: str, i: int, text: str, offset: int, section: str):
    from search.records import IndexedPassage

    return IndexedPassage(doc_id, i, text, offset, offset + len(text), 1 + i // 10, section, "paragraph", "")


def measure(index: SearchIndex, queries: list[str]) -> dict:
    """Latency of full searches and of the plain matrix product over the same vectors."""
    for query in queries[:3]:
        index.search(query, k=10)
    times = []
    for query in queries:
        start = time.perf_counter()
        index.search(query, k=10)
        times.append((time.perf_counter() - start) * 1000)
    matrix = None if index._generation is not None else index._build().matrix
    embed_times = []
    for query in queries:
        start = time.perf_counter()
        embed_queries([query])
        embed_times.append((time.perf_counter() - start) * 1000)
    query_vectors = embed_queries(queries)
    # Retrieval alone (dense + BM25 + fusion + hits), with the query vectors already made.
    cached = {q: v for q, v in zip(queries, query_vectors, strict=True)}
    model_queries = index.embedder.queries
    index.embedder.queries = lambda texts: np.stack([cached[t] for t in texts])
    retrieval_times = []
    for query in queries:
        start = time.perf_counter()
        index.search(query, k=10)
        retrieval_times.append((time.perf_counter() - start) * 1000)
    index.embedder.queries = model_queries
    if matrix is None:  # merged: the plain product is timed by numpy_ms() once the peak was read
        return {"passages": len(index), "p50_ms": round(float(np.percentile(times, 50)), 2),
                "p95_ms": round(float(np.percentile(times, 95)), 2), "query_vectors": query_vectors}
    plain = []
    for vector in query_vectors:
        start = time.perf_counter()
        scores = matrix @ vector
        plain.append((time.perf_counter() - start) * 1000)
        del scores
    log.warning(
        "%d passages: query embedding p50 %.1f ms, retrieval without embedding p50 %.1f / p95 %.1f ms, "
        "load average %.2f (2 cores; other processes inflate the latencies)",
        len(index), np.percentile(embed_times, 50), np.percentile(retrieval_times, 50),
        np.percentile(retrieval_times, 95), os.getloadavg()[0],
    )
    return {
        "passages": len(index),
        "p50_ms": round(float(np.percentile(times, 50)), 2),
        "p95_ms": round(float(np.percentile(times, 95)), 2),
        "numpy_ms": round(float(np.median(plain)), 3),
    }


def numpy_ms(index: SearchIndex, query_vectors: np.ndarray) -> float:
    """Median time of a plain float32 ``matrix @ vector`` over a merged index's vectors."""
    generation = index._fresh_generation()
    matrix = np.asarray(generation.vectors, dtype=np.float32)
    plain = []
    for vector in query_vectors:
        start = time.perf_counter()
        scores = matrix @ vector
        plain.append((time.perf_counter() - start) * 1000)
        del scores
    return round(float(np.median(plain)), 3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the contract's JSON (the default output)")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--merge-min", type=int, default=None, help="passages from which the index is merged")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("ingest").setLevel(logging.ERROR)
    rng = random.Random(args.seed)
    load_model()
    sentences, sections = corpus_sentences()
    embed_passages(sentences[:8])  # warm-up
    start = time.perf_counter()
    sentence_vectors = embed_passages(sentences)
    embed_per_s = len(sentences) / (time.perf_counter() - start)
    questions = [q["q"] for q in json.loads(QUESTIONS.read_text(encoding="utf-8"))]
    queries = questions + [s for s in rng.sample(sentences, 40)]
    embedder = LookupEmbedder(sentence_vectors)
    sizes = []
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            index = synthetic_index(Path(tmp), n, sentences, sections, embedder, rng, args.merge_min)
            row = measure(index, queries)
            row["peak_mb"] = round(peak_mb(), 1)
            if "query_vectors" in row:
                row["numpy_ms"] = numpy_ms(index, row.pop("query_vectors"))
            del index
            gc.collect()
        sizes.append(row)
    print(json.dumps({"sizes": sizes, "embed_per_s": round(embed_per_s, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
