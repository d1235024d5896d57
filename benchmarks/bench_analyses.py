"""How `gaps` and `trace` scale with the number of stored documents (graph/analyses.py).

Makes stores of N documents cheaply: the TriG files and analyses of template stores are copied under new
names (new document and graph IRIs, file names, and one of 290 publishers per copy), with a manifest; no
extraction runs. Then times the real command line in a fresh process each (wall time and peak memory): `gaps
--json` the first time (the analysis index is built from the analyses) and again (warm), `trace --json` of an
activity by IRI, of an Agenda 2030 goal many documents cite, and of a label (resolved over every node).

    .venv/bin/python benchmarks/bench_analyses.py --template STORE [--template STORE] --sizes 100 1000 10000 \
        --work /tmp/scale [--json]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.analyses import analysis_path, load_analysis  # noqa: E402
from graph.iris import document_graph, document_iri, slug  # noqa: E402
from graph.store import MANIFEST, STORE_FORMAT, Store  # noqa: E402

log = logging.getLogger("bench_analyses")
PUBLISHERS = 290
RUNNER = """
import resource, sys, time
from app.cli import main
started = time.perf_counter()
status = main(sys.argv[1:])
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime
print(f"{status} {seconds:.3f} {usage.ru_maxrss / 1024:.0f} {cpu:.3f}", file=sys.stderr)
"""


def templates(folders: list[Path]) -> list[tuple[dict, str, str]]:
    """(manifest entry, TriG text, analysis text) of every document of the template stores."""
    found = []
    for folder in folders:
        store = Store(folder)
        for entry in store.documents().values():
            trig = (folder / entry.graph_file).read_text("utf-8")
            path = analysis_path(folder / entry.graph_file)
            load_analysis(store, entry)  # made again (and saved) when missing or of other rules
            found.append((entry.__dict__.copy(), trig, path.read_text("utf-8")))
    return found


def make_store(parts: list[tuple[dict, str, str]], size: int, folder: Path) -> None:
    """A store of ``size`` documents copied from the templates under new names and publishers."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "graphs").mkdir(parents=True)
    shutil.copytree(ROOT / "corpus" / "reference", folder / "reference")
    documents = {}
    publisher = re.compile(r"https://w3id\.org/styrkedja/id/(?:kommun/\d{4}|org/[a-z0-9-]+)")
    for number in range(size):
        entry, trig, analysis = parts[number % len(parts)]
        name = f"s{number:05d}-{entry['source_file']}"
        old_doc, new_doc = entry["document"], str(document_iri(name))
        old_graph, new_graph = entry["graph"], str(document_graph(name))
        org = f"https://w3id.org/styrkedja/id/org/scale-{number % PUBLISHERS}"

        def move(text: str, old_doc=old_doc, new_doc=new_doc, old_graph=old_graph, new_graph=new_graph,
                 entry=entry, name=name, org=org) -> str:
            text = text.replace(old_doc, new_doc).replace(old_graph, new_graph)
            text = text.replace(f'"{entry["source_file"]}"', f'"{name}"')
            return publisher.sub(org, text)

        graph_file = f"graphs/{slug(name)}.{number:012x}.trig"
        (folder / graph_file).write_text(move(trig), "utf-8")
        analysis_path(folder / graph_file).write_text(move(analysis), "utf-8")
        documents[name] = {**entry, "source_file": name, "document": new_doc, "graph": new_graph,
                           "graph_file": graph_file, "origin": f"/scale/{name}", "aliases": {}}
    data = {"format": STORE_FORMAT, "documents": documents}
    (folder / MANIFEST).write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def run(folder: Path, *argv: str) -> dict:
    """Run the command line in a fresh process: status, seconds inside main, CPU seconds of the whole process
    (imports included; on a shared machine closer to the work than wall time), wall seconds, peak MB."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUNNER, "-q", "--store", str(folder), *argv], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    status, seconds, peak, cpu = done.stderr.strip().splitlines()[-1].split()
    return {"status": int(status), "s": float(seconds), "cpu_s": float(cpu), "wall_s": round(wall, 3),
            "peak_mb": float(peak),
            "out_kb": round(len(done.stdout) / 1024, 1)}


def measure(folder: Path, activity: str, sdg_goal: str, label: str) -> dict:
    """Times of gaps (cold index, warm) and trace (IRI, SDG goal, label) on one store."""
    return {
        "gaps_cold": run(folder, "gaps", "--json", "--today", "2026-01-15"),
        "gaps": run(folder, "gaps", "--json", "--today", "2026-01-15"),
        "gaps_text": run(folder, "gaps", "--today", "2026-01-15"),
        "trace_iri": run(folder, "trace", "--json", activity),
        "trace_sdg": run(folder, "trace", "--json", sdg_goal),
        "trace_label": run(folder, "trace", "--json", label),
    }


def main(argv: list[str] | None = None) -> int:
    """Build the stores, measure, print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", action="append", required=True, type=Path, help="a store to copy from")
    parser.add_argument("--sizes", nargs="+", type=int, default=[100, 1000, 10000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-analyses"))
    parser.add_argument("--activity", default=None, help="an activity IRI of the first copy (default: found)")
    parser.add_argument("--sdg", default="http://metadata.un.org/sdg/4")
    parser.add_argument("--label", default="Rektor")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parts = templates(args.template)
    results = []
    for size in args.sizes:
        folder = args.work / f"store-{size}"
        started = time.perf_counter()
        make_store(parts, size, folder)
        log.info("store of %d documents made in %.1f s", size, time.perf_counter() - started)
        activity = args.activity or _an_activity(folder)
        result = {"documents": size, **measure(folder, activity, args.sdg, args.label)}
        results.append(result)
        log.info("%s", json.dumps(result))
    if args.json:
        print(json.dumps({"sizes": results}, indent=1))
    else:
        for result in results:
            cells = [f"{k} {v['s']:.2f}s/cpu {v['cpu_s']:.2f}s {v['peak_mb']:.0f}MB"
                     for k, v in result.items() if isinstance(v, dict)]
            print(f"{result['documents']:>6}: " + " · ".join(cells))
    return 0


def _an_activity(folder: Path) -> str:
    for path in sorted((folder / "graphs").glob("*.analysis.json")):
        for iri, kind, _label, _doc in json.loads(path.read_text("utf-8"))["nodes"]:
            if kind == "Activity":
                return iri
    raise SystemExit("no activity in the template stores")


if __name__ == "__main__":
    sys.exit(main())
