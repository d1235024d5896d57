"""What names a document in its passages' embedded and indexed text: the document line, measured.

Every passage is embedded (and its BM25 tokens extended) with a line naming its document,
search.embedder.document_line: "organisation – title". This asks the development questions (the 99 of
tests/data/questions.json, benchmarks/questions/constructed.json and blind.json) of the corpus and the seed
texts, each alone and with the constructed distractor documents (benchmarks/questions/distractors), under
other document lines: none, the title alone, the organisation alone, the organisation and the document kind.
The line is swapped for the run (search.embedder.document_line and search.index.document_line are replaced in
this process; each variant indexes into its own folder, so vectors are embedded anew). The variant is chosen
on the development sources by the mean of hit@1, hit@5 and MRR, and replaces the product's line only when it
beats it by ADOPT_MARGIN there; ``--real-dev`` also scores every variant on real-dev for the record (not for
choosing).

Run: .venv/bin/python benchmarks/eval_doc_line.py [--variants org_title,none,...] [--real-dev [DIR]]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import search.embedder  # noqa: E402
import search.index  # noqa: E402
from benchmarks import eval_search as es  # noqa: E402
from benchmarks import train_rerank as tr  # noqa: E402
from search.fusion import DEFAULT_FUSION  # noqa: E402
from search.records import DocMeta  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache" / "search"
PRODUCT = "org_title"
ADOPT_MARGIN = 0.01  # as benchmarks/train_rerank.py: one question's rank moves the objective by ~0.002


def _joined(*parts: str | None) -> str:
    return " – ".join(part for part in parts if part)


VARIANTS: dict[str, Callable[[DocMeta], str]] = {
    "org_title": lambda meta: _joined(meta.organisation, meta.title),  # the product's line
    "none": lambda meta: "",
    "title": lambda meta: meta.title or "",
    "org": lambda meta: meta.organisation or "",
    "org_kind": lambda meta: _joined(meta.organisation, meta.kind),
}


def objective(results: dict[str, dict]) -> float:
    """Mean over sources of the mean of hit@1, hit@5 and MRR of the fused ranking."""
    return statistics.mean((r["hit@1"] + r["hit@5"] + r["mrr"]) / 3 for r in results.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help="comma-separated, of " + ", ".join(VARIANTS))
    parser.add_argument("--real-dev", nargs="?", type=Path, const=ROOT.parent / "shared" / "real-dev",
                        default=None, metavar="DIR", help="also score every variant on DIR's questions")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    questions = [q for path in tr.QUESTION_FILES for q in json.loads(path.read_text("utf-8"))]
    embedder = es.E5Embedder()
    out: dict = {"questions": len(questions), "variants": {}}
    with tempfile.TemporaryDirectory() as tmp:
        sources = dict(es.SOURCES)
        sources.update({f"{name}+distractors": es.with_distractors(folder, Path(tmp) / f"{name}+distractors")
                        for name, folder in es.SOURCES.items()})
        for variant in args.variants.split(","):
            search.embedder.document_line = search.index.document_line = VARIANTS[variant]
            work = Path(tmp) / "index" / variant
            dev = {name: es.Run(name, questions, work / name, embedder, folder, cache=CACHE)
                   .report(DEFAULT_FUSION)["fused"] for name, folder in sources.items()}
            row: dict = {"development": dev, "objective": round(objective(dev), 4)}
            if args.real_dev is not None:
                real_questions = json.loads((args.real_dev / "questions.json").read_text("utf-8"))
                run = es.Run("real-dev", real_questions, work / "real-dev", embedder, args.real_dev / "docs",
                             cache=CACHE)
                row["real_dev"] = run.report(DEFAULT_FUSION)["fused"]
            out["variants"][variant] = row
            logging.warning("%s: development objective %.4f", variant, row["objective"])
    scores = {v: row["objective"] for v, row in out["variants"].items()}
    best = max(scores, key=scores.get)
    out["best"] = best
    beats = PRODUCT not in scores or scores[best] >= scores[PRODUCT] + ADOPT_MARGIN
    out["chosen"] = best if beats else PRODUCT
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
