"""Store load and query times on a store built from the corpus, for each RDF backend (rdflib, oxigraph).

Run: .venv/bin/python benchmarks/bench_store.py [--store DIR] [--json]
Builds the corpus into a temporary store unless --store is given. Prints JSON:
{"backends": [{"backend", "load_s", "triples", "queries": [{"query", "rows", "ms"}]}], "documents": int}
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.pipeline import build_corpus  # noqa: E402
from graph.sparql import run_query, saved_queries  # noqa: E402
from graph.store import BACKENDS, Store  # noqa: E402


def measure(store_dir: Path, backend: str, repeat: int) -> dict:
    """Load the store on one backend and time each saved query (median of `repeat` runs)."""
    os.environ["STYRKEDJA_RDF_BACKEND"] = backend
    store = Store(store_dir)
    started = time.perf_counter()
    dataset = store.dataset()
    load = time.perf_counter() - started
    rows = []
    for query in saved_queries():
        times, count = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            count = len(list(run_query(dataset, query.text)))
            times.append((time.perf_counter() - started) * 1000)
        rows.append({"query": query.name, "rows": count, "ms": round(statistics.median(times), 1)})
    return {"backend": backend, "load_s": round(load, 3), "triples": len(dataset), "queries": rows}


def main() -> None:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--store", type=Path, help="an existing store (default: build the corpus into a temp one)"
    )
    parser.add_argument("--json", action="store_true", help="JSON output (the default)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = args.store or Path(tmp) / "store"
        if args.store is None:
            build_corpus(Store(store_dir), ROOT / "corpus")
        results = [measure(store_dir, backend, args.repeat) for backend in BACKENDS]
        documents = len(Store(store_dir).documents())
    print(json.dumps({"backends": results, "documents": documents}, indent=1))


if __name__ == "__main__":
    main()
