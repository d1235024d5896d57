"""Regression over real documents (../shared/real-dev): runs where that folder exists, skips elsewhere.

The documents and their gold are public documents of other municipalities that are never copied into the
repository; this test reads them in place, builds every graph as `styrkedja add` does and scores it with the
outside scorer (benchmarks/eval_extraction.py --real-dev). The floors below are the levels reached when the
reading issue closed: a change that falls under them broke something a real document needs.
"""

import os
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_DEV = Path(os.environ.get("STYRKEDJA_REAL_DEV", ROOT.parent / "shared" / "real-dev"))

pytestmark = pytest.mark.skipif(
    not (REAL_DEV / "docs").is_dir() or not (REAL_DEV.parent / "tools" / "score_extraction.py").is_file(),
    reason=f"no real documents at {REAL_DEV} (they are never committed; set STYRKEDJA_REAL_DEV to run this)",
)


@cache
def report() -> dict:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from eval_extraction import evaluate_real_dev

    return evaluate_real_dev(REAL_DEV)


def test_every_real_document_lands_with_no_failed_stage():
    assert report()["failures"] == {}
    assert len(report()["per_document"]) == len(list((REAL_DEV / "gold").glob("*.json")))


def test_no_protocol_yields_plan_elements():
    counts = report()["plan_elements_in_protocols"]
    assert counts, "the protocols are read as protocols"
    assert all(n == 0 for n in counts.values()), counts


@pytest.mark.parametrize(
    ("measure", "floor"),
    [("agenda_items", 0.95), ("legal", 0.9)],
)
def test_f1_floors(measure, floor):
    assert report()["aggregate"][measure]["f1"] >= floor, report()["aggregate"][measure]


def test_agenda_items_carry_diarienummer_and_title():
    items = [scores["agenda_items"] for scores in report()["scores"].values()]
    matched = sum(i["tp"] for i in items)
    assert matched, "agenda items are found"
    assert sum(i["dnr_ok"] for i in items) / matched >= 0.9, items
    assert sum(i["title_ok"] for i in items) / matched >= 0.9, items


@pytest.mark.parametrize(("measure", "floor"), [("kind", 0.9), ("org", 1.0), ("kommunkod", 1.0)])
def test_document_metadata_floors(measure, floor):
    assert report()["aggregate"][measure] >= floor, report()["per_document"]
