"""Owners and deadlines in prose on real documents (../shared/real-dev): runs where that folder exists, skips
elsewhere (the documents are never committed). Scored by benchmarks/eval_owners.py on the sentences of the
gold activities, with the outside scorer's rules; the floors are a little under the levels reached, so that a
change to the role or body lexicons that breaks an owner a real document needs is caught."""

import os
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_DEV = Path(os.environ.get("STYRKEDJA_REAL_DEV", ROOT.parent / "shared" / "real-dev"))

pytestmark = pytest.mark.skipif(
    not (REAL_DEV / "gold").is_dir() or not (REAL_DEV.parent / "tools" / "score_extraction.py").is_file(),
    reason=f"no real documents at {REAL_DEV} (they are never committed; set STYRKEDJA_REAL_DEV to run this)",
)


@cache
def totals() -> dict:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from eval_owners import evaluate

    report, _results = evaluate(REAL_DEV, dev=True)
    return {group: value["total"] for group, value in report.items() if group != "with_extraction"}


def test_owners_on_real_documents():
    t = totals()["real-dev"]
    assert t["owners_n"] > 0
    assert t["owners_ok"] / t["owners_n"] >= 0.85
    assert t["false_owners"] <= max(3, t["no_owner_n"] // 15)


def test_deadlines_on_real_documents():
    t = totals()["real-dev"]
    assert t["deadlines_ok"] == t["deadlines_n"]
    assert t["false_deadlines"] <= 2


def test_hold_out_plans():
    t = totals()["holdout"]
    assert t["owners_ok"] / t["owners_n"] >= 0.8
    assert t["deadlines_ok"] / t["deadlines_n"] >= 0.8
