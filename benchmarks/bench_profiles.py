"""`similar` and `history` from stored profiles (graph/profiles.py) on a built store: time, and the two-pass
ranking against every document scored.

    .venv/bin/python benchmarks/bench_profiles.py --store DIR [--targets 10] [--history NAME ...] [--json]

For ``--targets`` documents (spread over the manifest) it times ``similar_stored`` as the CLI runs it (the
mean-vector first pass above MEAN_CANDIDATES + GRAPH_CANDIDATES documents) and with every document scored,
and compares their top k: the same documents, and the same scores (in a store of near copies many documents
tie, and which of the tied copies is listed differs). For each ``--history`` name it times the chain of only
the organisation's plans (search.history.store_chain) and counts its documents. The store is read; the
profile cache and mean vectors are made in it when missing (copy a store you must not change).
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

log = logging.getLogger("bench_profiles")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(step):
    wall, cpu = time.perf_counter(), _cpu()
    value = step()
    return value, round(time.perf_counter() - wall, 3), round(_cpu() - cpu, 3)


def bench_similar(store, targets: int, k: int) -> dict:
    """Two-pass against exact similar for some target documents."""
    from graph.profiles import ProfileIndex
    from search.compare import similar_stored
    from search.index import SearchIndex

    entries = list(store.documents().values())
    (profiles, open_wall, open_cpu) = _timed(lambda: ProfileIndex(store))
    index = SearchIndex(store.folder / "search")
    cache = store.folder / "profiles"
    rows = []
    step = max(1, len(entries) // max(1, targets))
    for entry in entries[::step][:targets]:
        fast, wall, cpu = _timed(lambda e=entry: similar_stored(profiles, index, e.document, k, cache=cache))
        exact, exact_wall, exact_cpu = _timed(
            lambda e=entry: similar_stored(profiles, index, e.document, k, exact_up_to=10**9))
        rows.append({
            "document": entry.source_file, "wall_s": wall, "cpu_s": cpu, "exact_wall_s": exact_wall,
            "exact_cpu_s": exact_cpu,
            "same_documents": len({r.document for r in fast} & {r.document for r in exact})
            / max(1, len(exact)),
            "same_scores": [r.score for r in fast] == [r.score for r in exact],
        })
        log.info("similar %s: %.2f s (exact %.2f s), same scores %s", entry.source_file, wall, exact_wall,
                 rows[-1]["same_scores"])
    profiles.close()
    return {"documents": len(entries), "profile_index_open_s": open_wall,
            "profile_index_open_cpu_s": open_cpu, "targets": rows,
            "same_scores": sum(r["same_scores"] for r in rows) / max(1, len(rows)),
            "same_documents": sum(r["same_documents"] for r in rows) / max(1, len(rows))}


def bench_history(store, names: list[str]) -> list[dict]:
    """The chain of only an organisation's plans: time and size."""
    from graph.versions import series_for
    from search.history import store_chain

    out = []
    for name in names:
        chain, wall, cpu = _timed(lambda n=name: store_chain(store, n))
        series = series_for(chain, name)
        out.append({"query": name, "wall_s": wall, "cpu_s": cpu, "documents_read": len(chain.documents),
                    "versions": sum(len(s.versions) for s in series)})
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--targets", type=int, default=10)
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--history", nargs="*", default=[])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from graph.store import Store

    store = Store(args.store)
    result = {"similar": bench_similar(store, args.targets, args.k),
              "history": bench_history(store, args.history), "peak_mb": round(_peak_mb(), 1)}
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
