"""Calibrate the inferred Agenda 2030 links on hand-labelled statements (search/data/sdg_calibration.toml).

For each scoring method (raw cosine; z-score of the cosine against all 169 targets) and a grid of thresholds,
links are the targets above the threshold (at most MAX_LINKS per statement). Measured:
- precision: links whose target is among the statement's labels / all links (statements labelled "none"
  count against precision when they get a link);
- recall: labelled statements that got at least one right link / labelled statements.
The chosen setting maximises F0.5 (precision weighs twice: a wrong link misleads a skolchef more than a
missing one). Leave-one-out over the statements checks the threshold is not fitted to single statements.

Run: .venv/bin/python benchmarks/calibrate_alignment.py [--write]   (--write updates the calibration file)
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.alignment import (  # noqa: E402
    CALIBRATION_FILE,
    DATA,
    MAX_LINKS,
    Calibration,
    links_from_scores,
    score_matrix,
    sdg_targets,
)

METHODS = ("cosine", "zscore")


def evaluate(links, labels) -> dict:
    """Precision, recall, F1 and F0.5 of links against labels."""
    right = total = recalled = labelled = 0
    for found, gold in zip(links, labels, strict=True):
        total += len(found)
        hits = sum(1 for link in found if link.code in gold)
        right += hits
        if gold:
            labelled += 1
            recalled += hits > 0
    p = right / total if total else 1.0
    r = recalled / labelled if labelled else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    f05 = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
    return {
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(f1, 3),
        "f05": round(f05, 3),
        "links": total,
    }


def grid(method: str, scores_cos) -> list[float]:
    """Candidate thresholds for a method."""
    if method == "cosine":
        return [round(x, 3) for x in np.arange(0.80, 0.92, 0.005)]
    return [round(x, 2) for x in np.arange(1.5, 5.01, 0.1)]


def main() -> None:
    """Run the calibration; print JSON; with --write, save the chosen setting."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--write", action="store_true", help=f"write the chosen setting to {CALIBRATION_FILE.name}"
    )
    args = parser.parse_args()
    from search.model import embed_queries

    statements = tomllib.loads((DATA / "sdg_calibration.toml").read_text("utf-8"))["statement"]
    texts = [s["text"] for s in statements]
    labels = [set(s["targets"]) for s in statements]
    targets = sdg_targets(json.loads((ROOT / "corpus/reference/sdg.json").read_text("utf-8")))
    target_vectors = embed_queries([t.text for t in targets])  # symmetric: see search/alignment.py
    queries = embed_queries(texts)
    results = {}
    best: tuple[float, str, float] | None = None
    for method in METHODS:
        scores, cosines = score_matrix(queries, target_vectors, method)
        rows = []
        for threshold in grid(method, scores):
            links = links_from_scores(scores, cosines, targets, Calibration(method, threshold, MAX_LINKS))
            row = {"threshold": threshold} | evaluate(links, labels)
            rows.append(row)
            if best is None or row["f05"] > best[0]:
                best = (row["f05"], method, threshold)
        results[method] = max(rows, key=lambda r: r["f05"])
        # Leave-one-out: choose the threshold on n-1 statements, score the held-out one.
        held = []
        for i in range(len(texts)):
            keep = [j for j in range(len(texts)) if j != i]

            def f05_at(t, keep=keep, s=scores, c=cosines, method=method):
                links = links_from_scores(s[keep], c[keep], targets, Calibration(method, t, MAX_LINKS))
                return evaluate(links, [labels[j] for j in keep])["f05"]

            t_best = max(grid(method, scores), key=f05_at)
            held.append(links_from_scores(scores[[i]], cosines[[i]], targets, Calibration(method, t_best))[0])
        results[method]["leave_one_out"] = evaluate(held, labels)
    assert best is not None
    _, method, threshold = best
    chosen = {
        "method": method,
        "threshold": threshold,
        "max_links": MAX_LINKS,
        "measured": results[method],
        "statements": len(texts),
        "labelled": sum(1 for x in labels if x),
    }
    print(json.dumps({"chosen": chosen, "by_method": results}, indent=1))
    if args.write:
        CALIBRATION_FILE.write_text(json.dumps(chosen, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
