"""Store load and query times: the rdflib Dataset (each backend) against the on-disk quad index, and how a
cold `styrkedja sparql` grows with the number of documents.

Run: .venv/bin/python benchmarks/bench_store.py [--store DIR] [--copies 1,10,100] [--json]
Builds the corpus into a temporary store unless --store is given. ``--copies`` makes scratch stores holding
that many copies of every document of the store (each copy's TriG file under new document and graph IRIs;
nothing is extracted again) and measures each. Prints JSON:
{"documents": int,
 "backends": [{"backend", "load_s", "triples", "queries": [{"query", "rows", "ms"}]}],
 "index": {"rebuild_s", "open_s", "quads", "queries": [{"query", "rows", "ms"}]},
 "cold": [{"documents", "quads", "store_mb", "rebuild_s", "sparql_s", "sparql_cpu_s", "ask_query_s",
           "ask_query_cpu_s", "dataset_load_s"}]}
where ``sparql_s`` is the wall time of a whole `styrkedja sparql @graph/queries/documents.rq` process (median
of --repeat), ``sparql_cpu_s`` its CPU time (user + system, the figure that does not depend on how busy the
machine is), ``ask_query_*`` the same for ``ASK { ?d a sk:Document }`` (an answer that does not grow
with the store: the start-up cost alone) and ``dataset_load_s`` what loading the same store as an rdflib
Dataset takes (what every command paid before the index; measured up to --max-dataset documents).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.pipeline import build_corpus  # noqa: E402
from graph.iris import document_graph, document_iri  # noqa: E402
from graph.sparql import NAMESPACES, run_query, saved_queries  # noqa: E402
from graph.store import BACKENDS, Store  # noqa: E402

COLD_QUERY = ROOT / "graph" / "queries" / "documents.rq"
ASK_QUERY = "ASK { ?d a sk:Document }"


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
    os.environ.pop("STYRKEDJA_RDF_BACKEND", None)
    return {"backend": backend, "load_s": round(load, 3), "triples": len(dataset), "queries": rows}


def measure_index(store_dir: Path, repeat: int) -> dict:
    """Rebuild the quad index, open it as a command does, and time each saved query on it."""
    started = time.perf_counter()
    Store(store_dir).rebuild_index()
    rebuild = time.perf_counter() - started
    started = time.perf_counter()
    index = Store(store_dir).quads()
    opened = time.perf_counter() - started
    rows = []
    for query in saved_queries():
        times, count = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            count = len(list(index.query(query.text, NAMESPACES)))
            times.append((time.perf_counter() - started) * 1000)
        rows.append({"query": query.name, "rows": count, "ms": round(statistics.median(times), 1)})
    return {"rebuild_s": round(rebuild, 2), "open_s": round(opened, 4), "quads": len(index), "queries": rows}


def copied_store(source: Path, target: Path, copies: int) -> Store:
    """A scratch store with ``copies`` copies of every document of ``source`` under new names and IRIs."""
    if target.exists():
        shutil.rmtree(target)
    (target / "graphs").mkdir(parents=True)
    if (source / "reference").is_dir():
        shutil.copytree(source / "reference", target / "reference")
    documents = {}
    for entry in Store(source).documents().values():
        text = (source / entry.graph_file).read_text("utf-8")
        for k in range(copies):
            name = f"k{k:05d}_{entry.source_file}"
            new = replace(entry, source_file=name, document=str(document_iri(name)),
                          graph=str(document_graph(name)), graph_file=f"graphs/{name}.trig", aliases={})
            copy = (text.replace(entry.graph, new.graph).replace(entry.document, new.document)
                    .replace(f'"{entry.source_file}"', f'"{name}"'))
            (target / new.graph_file).write_text(copy, "utf-8")
            documents[name] = new
    store = Store(target)
    store._write_manifest(documents)
    return store


def folder_mb(folder: Path) -> float:
    """The size of a folder's files in MB."""
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6, 1)


def cold_sparql(store_dir: Path, query: str, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of a whole `styrkedja sparql` process on the store."""
    walls, cpus = [], []
    command = [sys.executable, "-m", "app.cli", "-q", "--store", str(store_dir), "sparql", query]
    env = {**os.environ, "STYRKEDJA_SPARQL_TIMEOUT_S": "300"}  # a busy machine must not cut the measurement
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=env)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def measure_cold(source: Path, scratch: Path, copies: int, repeat: int, max_dataset: int) -> dict:
    """Cold-start figures on a store of ``copies`` copies of each document of ``source``."""
    store = copied_store(source, scratch, copies) if copies > 1 else Store(source)
    started = time.perf_counter()
    index = store.rebuild_index()
    rebuild = time.perf_counter() - started
    wall, cpu = cold_sparql(store.folder, f"@{COLD_QUERY}", repeat)
    ask_wall, ask_cpu = cold_sparql(store.folder, ASK_QUERY, repeat)
    documents = len(store.documents())
    load = None
    if documents <= max_dataset:
        started = time.perf_counter()
        Store(store.folder).dataset()
        load = round(time.perf_counter() - started, 2)
    return {"documents": documents, "quads": len(index), "store_mb": folder_mb(store.folder),
            "rebuild_s": round(rebuild, 2), "sparql_s": round(wall, 3), "sparql_cpu_s": round(cpu, 3),
            "ask_query_s": round(ask_wall, 3), "ask_query_cpu_s": round(ask_cpu, 3), "dataset_load_s": load}


def main() -> None:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--store", type=Path, help="an existing store, copied (default: build the corpus into a temp one)"
    )
    parser.add_argument("--json", action="store_true", help="JSON output (the default)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--copies", default="1", help="copy counts for cold starts (1,10,100)")
    parser.add_argument("--max-dataset", type=int, default=2000,
                        help="load the rdflib Dataset for comparison only up to this many documents")
    parser.add_argument("--no-backends", action="store_true", help="skip the rdflib Dataset per backend")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / "store"
        if args.store is None:
            build_corpus(Store(store_dir), ROOT / "corpus")
        else:  # a copy: the index is rebuilt in it
            shutil.copytree(args.store, store_dir, ignore=shutil.ignore_patterns("search", "quads", ".lock"))
        results = [] if args.no_backends else [measure(store_dir, b, args.repeat) for b in BACKENDS]
        index = measure_index(store_dir, args.repeat)
        cold = []
        for n in args.copies.split(","):
            scratch = Path(tmp) / f"copies-{n}"
            cold.append(measure_cold(store_dir, scratch, int(n), args.repeat, args.max_dataset))
            print(json.dumps(cold[-1]), file=sys.stderr, flush=True)  # progress: each size as it is done
            shutil.rmtree(scratch, ignore_errors=True)
        documents = len(Store(store_dir).documents())
    out = {"documents": documents, "backends": results, "index": index, "cold": cold}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
