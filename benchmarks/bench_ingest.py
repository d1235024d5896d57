"""Ingestion speed on the corpus PDFs: full parse and its stages, beside pypdfium2's plain text.

Prints JSON (contract): {"files": [{"file", "pages", "pages_per_s", "pypdfium2_pages_per_s", ...}],
"peak_mb"}.
Extra fields per file: the stages of our parse (chars, tables, layout) as pages/s, and pdfplumber's
``extract_text`` as a second reference. Run: .venv/bin/python benchmarks/bench_ingest.py --json

With ``--workers N [N ...]`` it measures whole ingest runs instead (``styrkedja add`` with the model into a
new store: reading, extraction, embedding, commit), once per worker count, and prints
{"runs": [{"workers", "documents", "pages", "seconds", "docs_per_s", "pages_per_s", "peak_mb",
"peak_parent_mb", "peak_worker_mb"}]}: ``peak_mb`` is the largest sum of the resident memory of this process
and all its children at any moment (sampled every 0.2 s; it counts twice the pages a worker shares with the
child it forks to read a file, so it overstates), the others the largest single process's.
``--real-dev`` takes the files of ../shared/real-dev/docs. Run:
.venv/bin/python benchmarks/bench_ingest.py --real-dev --workers 1 2
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.pdf import parse_pdf  # noqa: E402
from ingest.reader import read_document  # noqa: E402


def best_of(fn, repeat: int) -> float:
    """Return the fastest of `repeat` timed calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def pypdfium2_text(path: Path) -> None:
    """Plain text of every page with pypdfium2 (the reference speed)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    for page in pdf:
        page.get_textpage().get_text_range()
    pdf.close()


def pdfplumber_text(path: Path) -> None:
    """Plain text of every page with pdfplumber's extract_text."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def measure(path: Path, repeat: int, with_pdfplumber: bool) -> dict:
    """Measure one PDF."""
    import pypdfium2 as pdfium

    pages = len(pdfium.PdfDocument(path))
    data = path.read_bytes()
    full = best_of(lambda: read_document(path), repeat)
    stages: dict[str, float] = {}
    best: dict[str, float] = {}
    for _ in range(repeat):
        parse_pdf(data, str(path), 10_000, stages)
        for name, seconds in stages.items():
            best[name] = min(best.get(name, seconds), seconds)
    row = {
        "file": path.name,
        "pages": pages,
        "pages_per_s": round(pages / full, 1),
        "pypdfium2_pages_per_s": round(pages / best_of(lambda: pypdfium2_text(path), repeat), 1),
    }
    for name, seconds in best.items():
        row[f"{name}_pages_per_s"] = round(pages / max(seconds, 1e-9), 1)
    if with_pdfplumber:
        row["pdfplumber_extract_text_pages_per_s"] = round(
            pages / best_of(lambda: pdfplumber_text(path), 1), 1
        )
    return row


def _rss_tree(root: int) -> tuple[float, float, float]:
    """Resident MB of ``root`` and all its descendants now: (sum, root's own, the largest descendant's)."""
    parents: dict[int, int] = {}
    rss: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text("ascii", "replace")
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry.name)
        parents[pid] = int(fields.get("PPid", "0").strip() or 0)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) / 1024 if "VmRSS" in fields else 0.0
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    others = [rss.get(pid, 0.0) for pid in tree if pid != root]
    return sum(rss.get(pid, 0.0) for pid in tree), rss.get(root, 0.0), max(others, default=0.0)


class PeakSampler:
    """Samples the memory of this process tree in a thread; keeps the peaks."""

    def __init__(self, every_s: float = 0.2):
        import threading

        self.every_s = every_s
        self.peaks = [0.0, 0.0, 0.0]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import os

        while not self._stop.is_set():
            now = _rss_tree(os.getpid())
            self.peaks = [max(peak, value) for peak, value in zip(self.peaks, now, strict=True)]
            self._stop.wait(self.every_s)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def ingest_run(paths: list[Path], workers: int) -> dict:
    """One whole ingest (the model included) of ``paths`` into a new store with ``workers`` processes."""
    import tempfile

    from app.pipeline import Services, add_files
    from graph.store import Store

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        store = Store(Path(folder) / "store")
        with PeakSampler() as sampler:
            started = time.perf_counter()
            report = add_files(store, paths, services=Services(store), workers=workers)
            seconds = time.perf_counter() - started
        pages = sum(entry.pages for entry in store.documents().values())
        documents = len(store.documents())
    if report.errors:
        print(f"bench_ingest: {len(report.errors)} files failed: {report.errors}", file=sys.stderr)
    total, parent, worker = sampler.peaks
    return {
        "workers": workers,
        "documents": documents,
        "pages": pages,
        "seconds": round(seconds, 1),
        "docs_per_s": round(documents / seconds, 3),
        "pages_per_s": round(pages / seconds, 2),
        "peak_mb": round(total, 1),
        "peak_parent_mb": round(parent, 1),
        "peak_worker_mb": round(worker, 1),
    }


def runs_main(paths: list[Path], worker_counts: list[int]) -> None:
    """Measure whole ingest runs per worker count and print JSON."""
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    runs = [ingest_run(paths, workers) for workers in worker_counts]
    print(json.dumps({"runs": runs}, indent=1))


def main() -> None:
    """Run the benchmark on the corpus (or the given) PDFs and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "pdfs", nargs="*", type=Path, help="PDFs (default: corpus/*.pdf and the two-column fixture)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON (the default; kept for the contract)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pdfplumber", action="store_true", help="skip the pdfplumber reference")
    parser.add_argument("--workers", type=int, nargs="+", help="measure whole ingest runs with these workers")
    parser.add_argument("--real-dev", nargs="?", const=ROOT.parent / "shared" / "real-dev", type=Path,
                        help="the files of DIR/docs (default ../shared/real-dev)")
    args = parser.parse_args()
    if args.workers:
        from app.pipeline import corpus_files

        paths = args.pdfs or corpus_files(args.real_dev / "docs" if args.real_dev else ROOT / "corpus")
        runs_main(paths, args.workers)
        return
    paths = args.pdfs or sorted(ROOT.glob("corpus/*.pdf")) + [
        ROOT / "tests/data/pdf/002_finspang_twocolumn.pdf"
    ]
    files = [measure(path, args.repeat, not args.no_pdfplumber) for path in paths]
    total_pages = sum(f["pages"] for f in files)
    total_time = sum(f["pages"] / f["pages_per_s"] for f in files)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "files": files,
                "total_pages_per_s": round(total_pages / total_time, 1),
                "peak_mb": round(peak_mb, 1),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
