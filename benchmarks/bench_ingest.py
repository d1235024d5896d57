"""Ingestion speed on the corpus PDFs: full parse and its stages, beside pypdfium2's plain text.

Prints JSON (contract): {"files": [{"file", "pages", "pages_per_s", "pypdfium2_pages_per_s", ...}],
"peak_mb"}.
Extra fields per file: the stages of our parse (chars, tables, layout) as pages/s, and pdfplumber's
``extract_text`` as a second reference. Run: .venv/bin/python benchmarks/bench_ingest.py --json
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


def main() -> None:
    """Run the benchmark on the corpus (or the given) PDFs and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "pdfs", nargs="*", type=Path, help="PDFs (default: corpus/*.pdf and the two-column fixture)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON (the default; kept for the contract)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pdfplumber", action="store_true", help="skip the pdfplumber reference")
    args = parser.parse_args()
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
