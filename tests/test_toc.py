"""Tables of contents (ingest/toc.py), driven by tests/fixtures/toc/cases.json."""

import json
from pathlib import Path

import pytest

from ingest.toc import TocEntry, is_toc_title, match_toc_entry, parse_toc_line, toc_levels

CASES = json.loads((Path(__file__).parent / "fixtures" / "toc" / "cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["is_toc_title"], ids=lambda c: c["line"])
def test_is_toc_title(case):
    assert is_toc_title(case["line"]) is case["expected"]


@pytest.mark.parametrize("case", CASES["parse_toc_line"], ids=lambda c: c["line"] or "(empty)")
def test_parse_toc_line(case):
    found = parse_toc_line(case["line"])
    assert (list(found) if found is not None else None) == case["expected"]


@pytest.mark.parametrize("case", CASES["toc_levels"], ids=lambda c: c["name"])
def test_toc_levels(case):
    items = [(title, page, x) for title, page, x in case["items"]]
    entries = toc_levels(items)
    assert [e.level for e in entries] == case["expected"]
    assert [(e.title, e.page) for e in entries] == [(t, p) for t, p, _ in items]


@pytest.mark.parametrize("case", CASES["match_toc_entry"], ids=lambda c: c["text"][:40])
def test_match_toc_entry(case):
    entries = [TocEntry(title, i + 1, 1) for i, title in enumerate(case["entries"])]
    found = match_toc_entry(case["text"], entries)
    assert (found.title if found is not None else None) == case["expected"]


def test_match_returns_the_entry_with_its_level():
    entries = toc_levels([("1 Inledning", 3, None), ("1.1 Bakgrund", 3, None)])
    found = match_toc_entry("1.1 BAKGRUND", entries)
    assert found is entries[1] and found.level == 2
