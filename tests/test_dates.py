"""Swedish dates, periods and deadlines (ingest/dates.py), driven by tests/fixtures/dates/cases.json."""

import datetime as dt
import json
from pathlib import Path

import pytest

from ingest.dates import find_dates, parse_deadline, split_owner_deadline

CASES = json.loads((Path(__file__).parent / "fixtures" / "dates" / "cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["find_dates"], ids=lambda c: c["text"])
def test_find_dates(case):
    found = find_dates(case["text"], default_year=case.get("default_year"))
    assert [[d.text, d.kind, d.start, d.end] for d in found] == case["expected"]
    for d in found:
        assert case["text"][d.char_start : d.char_end] == d.text


@pytest.mark.parametrize("case", CASES["parse_deadline"], ids=lambda c: c["text"] or "(empty)")
def test_parse_deadline(case):
    reference = dt.date.fromisoformat(case["reference"]) if case.get("reference") else None
    found = parse_deadline(case["text"], reference)
    if case["expected"] is None:
        assert found is None
        return
    assert [found.text, found.kind, found.end] == case["expected"]
    assert case["text"][found.char_start : found.char_end] == found.text


@pytest.mark.parametrize("case", CASES["split_owner_deadline"], ids=lambda c: c["cell"] or "(empty)")
def test_split_owner_deadline(case):
    assert list(split_owner_deadline(case["cell"])) == case["expected"]


def test_offsets_in_longer_text():
    text = "Sektorn analyserade under läsåret 19/20 resultat; planen gäller 2023–2026 (Dnr KS 249/2014)."
    found = find_dates(text)
    assert [(d.text, d.kind) for d in found] == [("läsåret 19/20", "school_year"), ("2023–2026", "period")]
    assert all(text[d.char_start : d.char_end] == d.text for d in found)
