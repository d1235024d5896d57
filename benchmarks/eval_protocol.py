"""Agenda items against the gold: precision, recall, F1 (number and dnr exact, title and decision close).

``score_protocol(gold, meetings)`` is pure (the lead calls it from eval_extraction.py). Run as a script it
prints JSON over the corpus files, the seed texts and the protocol PDF:
``.venv/bin/python benchmarks/eval_protocol.py``.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.protocol import Meeting, extract_protocol  # noqa: E402

# How close a title or a decision must be to the gold's (difflib ratio of the normalised texts).
TITLE_CLOSE = 0.85
DECISION_CLOSE = 0.8


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()


def _norm_dnr(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip().upper()


def close(a: str | None, b: str | None, threshold: float) -> bool:
    """Whether two texts are the same up to case, spacing and small differences (both missing counts)."""
    x, y = _norm(a), _norm(b)
    if not x or not y:
        return x == y
    return difflib.SequenceMatcher(None, x, y).ratio() >= threshold


def _matches(gold: dict, item: dict) -> list[str]:
    """The fields on which a predicted item differs from a gold item (empty: a match)."""
    wrong = []
    if _norm_dnr(gold.get("dnr")) != _norm_dnr(item.get("dnr")):
        wrong.append("dnr")
    if not close(gold.get("title"), item.get("title"), TITLE_CLOSE):
        wrong.append("title")
    if "decision" in gold and not close(gold.get("decision"), item.get("decision"), DECISION_CLOSE):
        wrong.append("decision")
    return wrong


def _f1(tp: int, predicted: int, gold: int) -> tuple[float, float, float]:
    precision = tp / predicted if predicted else (1.0 if not gold else 0.0)
    recall = tp / gold if gold else (1.0 if not predicted else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_protocol(gold: dict, meetings: list[Meeting]) -> dict:
    """Score extracted agenda items against a gold document's "agenda_items".

    An item is right when its number and diarienummer equal the gold's and its title and decision are close.
    Returns counts, precision/recall/F1 and the differences found (for reading, not for scoring).
    """
    gold_items = [
        {
            "number": str(g["number"]),
            "dnr": g.get("dnr"),
            "title": g.get("title"),
            **({"decision": g["decision"]} if "decision" in g else {}),
        }
        for g in gold.get("agenda_items") or []
    ]
    predicted = [
        {"number": item.number, "dnr": item.dnr, "title": item.title, "decision": item.decision}
        for meeting in meetings
        for item in meeting.items
    ]
    by_number: dict[str, list[dict]] = {}
    for item in predicted:
        by_number.setdefault(item["number"], []).append(item)
    tp = 0
    errors: list[dict] = []
    for g in gold_items:
        candidates = by_number.get(g["number"], [])
        if not candidates:
            errors.append({"number": g["number"], "missing": True})
            continue
        diffs = [_matches(g, c) for c in candidates]
        best = min(range(len(candidates)), key=lambda i: len(diffs[i]))
        if not diffs[best]:
            tp += 1
            candidates.pop(best)
        else:
            errors.append({"number": g["number"], "wrong": diffs[best], "got": candidates[best], "gold": g})
    gold_numbers = {g["number"] for g in gold_items}
    errors += [{"number": p["number"], "extra": True} for p in predicted if p["number"] not in gold_numbers]
    precision, recall, f1 = _f1(tp, len(predicted), len(gold_items))
    return {
        "gold": len(gold_items),
        "predicted": len(predicted),
        "correct": tp,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "errors": errors,
    }


def _total(scores: list[dict]) -> dict:
    tp = sum(s["correct"] for s in scores)
    predicted = sum(s["predicted"] for s in scores)
    gold = sum(s["gold"] for s in scores)
    precision, recall, f1 = _f1(tp, predicted, gold)
    return {
        "gold": gold,
        "predicted": predicted,
        "correct": tp,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def main() -> None:
    """Print the agenda-item scores over the corpus, the seed texts and the test PDFs as JSON."""
    from ingest.reader import read_document

    logging.basicConfig(level=logging.ERROR)
    golds = {
        p.name[:3]: json.loads(p.read_text(encoding="utf-8"))
        for p in (ROOT / "tests/data/gold").glob("*.json")
    }
    sets = {
        "corpus": sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in (".pdf", ".txt", ".md")),
        "seeds": sorted((ROOT / "tests/data/seeds").glob("*.txt")),
        "pdf": sorted((ROOT / "tests/data/pdf").glob("*.pdf")),
    }
    report: dict = {}
    for name, paths in sets.items():
        files = []
        for path in paths:
            gold = golds.get(path.name[:3])
            if gold is None:
                continue
            score = score_protocol(gold, extract_protocol(read_document(path)))
            files.append({"file": path.name, **score})
        report[name] = {"total": _total(files), "files": files}
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
