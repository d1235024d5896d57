"""Calibrate the goal-history threshold (search/history.py) on labelled version pairs.

Methods: plain cosine; cosine with pairs kept only when each is the other's best match (mutual); CSLS. The
labelled data are series of two versions of a plan's goals with the pairs that are one goal
(search/data/history_pairs.toml, constructed; ``--pairs FILE`` scores further series in the same format,
e.g. hand labels of real documents kept outside the repository). For each method and a grid of
thresholds the whole matching runs (kept by text, then greedy one-to-one by score),
and the *reworded* pairs it finds are scored against the labels:

- precision: reworded pairs that are one goal / reworded pairs found;
- recall: labelled pairs (not equal by text) found as reworded / labelled pairs not equal by text.

The chosen setting maximises F1 (a false "reworded" hides a dropped and an added goal; a missed one shows a
goal as dropped and added: both mislead), the middle of the best plateau. Leave-one-series-out: the threshold
is chosen on the other series and the held-out one is scored (pooled over all series); the method with the
best leave-one-series-out F1 is written.

Run: .venv/bin/python benchmarks/calibrate_history.py [--write] [--pairs FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.history import CALIBRATION_FILE, DATA, Calibration, match, match_kept  # noqa: E402

# (name, scoring method, mutual best only)
METHODS = {"cosine": ("cosine", False), "cosine-mutual": ("cosine", True), "csls": ("csls", False)}
PAIRS_FILE = DATA / "history_pairs.toml"


@dataclass
class Labelled:
    """One labelled version pair with its vectors."""

    name: str
    before: list[str]
    after: list[str]
    same: set[tuple[int, int]]
    before_vectors: np.ndarray
    after_vectors: np.ndarray


def load_series(path: Path) -> list[dict]:
    """The series of a pairs file."""
    return tomllib.loads(path.read_text("utf-8"))["series"]


def embed_series(series: list[dict], embed) -> list[Labelled]:
    """Embed every label of every series once."""
    texts = [t for s in series for t in s["before"] + s["after"]]
    vectors = np.asarray(embed(texts), dtype=np.float32)
    out, at = [], 0
    for s in series:
        nb, na = len(s["before"]), len(s["after"])
        out.append(Labelled(s["name"], s["before"], s["after"], {tuple(p) for p in s["same"]},
                            vectors[at:at + nb], vectors[at + nb:at + nb + na]))
        at += nb + na
    return out


def counts(item: Labelled, calibration: Calibration) -> tuple[int, int, int]:
    """(right reworded, reworded found, labelled pairs not equal by text) for one series."""
    found = match(item.before, item.after, item.before_vectors, item.after_vectors, calibration)
    kept = set(match_kept(item.before, item.after))
    wanted = item.same - kept
    pairs = {(i, j) for i, j, _ in found.reworded}
    return len(pairs & wanted), len(pairs), len(wanted)


def metrics(totals: tuple[int, int, int]) -> dict:
    """Precision, recall and F1 from pooled counts."""
    right, found, wanted = totals
    p = right / found if found else 1.0
    r = right / wanted if wanted else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3), "right": right,
            "found": found, "labelled": wanted}


def pooled(items: list[Labelled], calibration: Calibration) -> tuple[int, int, int]:
    """Counts summed over series."""
    sums = np.zeros(3, dtype=int)
    for item in items:
        sums += counts(item, calibration)
    return int(sums[0]), int(sums[1]), int(sums[2])


def grid(method: str) -> list[float]:
    """Candidate thresholds for a method."""
    if METHODS[method][0] == "cosine":
        return [round(float(x), 3) for x in np.arange(0.80, 0.975, 0.0025)]
    return [round(float(x), 4) for x in np.arange(-0.10, 0.2001, 0.0025)]


def calibration(method: str, threshold: float) -> Calibration:
    """The Calibration of a named method at a threshold."""
    scoring, mutual = METHODS[method]
    return Calibration(scoring, threshold, mutual=mutual)


def choose(items: list[Labelled], method: str) -> tuple[float, dict]:
    """The threshold with the best F1 on the items (the middle of the best plateau) and its metrics."""
    rows = [(t, metrics(pooled(items, calibration(method, t)))) for t in grid(method)]
    best = max(m["f1"] for _, m in rows)
    plateau = [t for t, m in rows if m["f1"] == best]
    threshold = plateau[len(plateau) // 2]
    return threshold, metrics(pooled(items, calibration(method, threshold)))


def leave_one_out(items: list[Labelled], method: str) -> dict:
    """Choose on all series but one, score the held-out one; counts pooled over held-out series."""
    sums = np.zeros(3, dtype=int)
    for k, held in enumerate(items):
        threshold, _ = choose(items[:k] + items[k + 1:], method)
        sums += counts(held, calibration(method, threshold))
    return metrics((int(sums[0]), int(sums[1]), int(sums[2])))


def per_series(items: list[Labelled], setting: Calibration) -> dict:
    """Metrics per series at one setting."""
    return {item.name: metrics(counts(item, setting)) for item in items}


def main() -> None:
    """Run the calibration; print JSON; with --write, save the chosen setting."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--write", action="store_true", help=f"write the chosen setting to {CALIBRATION_FILE.name}"
    )
    parser.add_argument("--pairs", type=Path, help="more labelled series (same format), scored separately")
    args = parser.parse_args()
    from search.model import embed_queries

    items = embed_series(load_series(PAIRS_FILE), embed_queries)
    extra = embed_series(load_series(args.pairs), embed_queries) if args.pairs else []
    results = {}
    for method in METHODS:
        threshold, measured = choose(items, method)
        held = leave_one_out(items, method)
        results[method] = {"threshold": threshold, **measured, "leave_one_series_out": held}
        if extra:
            setting = calibration(method, threshold)
            results[method]["extra_at_threshold"] = metrics(pooled(extra, setting))
            results[method]["extra_per_series"] = per_series(extra, setting)
            if len(extra) > 1:
                results[method]["extra_leave_one_series_out"] = leave_one_out(extra, method)
    method = max(METHODS, key=lambda m: (results[m]["leave_one_series_out"]["f1"], results[m]["f1"]))
    chosen = {
        "method": METHODS[method][0],
        "mutual": METHODS[method][1],
        "threshold": results[method]["threshold"],
        "measured": {k: v for k, v in results[method].items() if not k.startswith("extra")},
        "series": len(items),
        "pairs_labelled_same": sum(len(i.same) for i in items),
        "pairs_compared": sum(len(i.before) * len(i.after) for i in items),
    }
    print(json.dumps({"chosen": chosen, "by_method": results}, indent=1, ensure_ascii=False))
    if args.write:
        CALIBRATION_FILE.write_text(json.dumps(chosen, indent=1, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    main()
