"""Plan extraction on constructed plans in other municipalities' styles (tests/fixtures/plan/cases.json)."""

import json
from pathlib import Path

import pytest

from graph.plan import KINDS, extract_plan
from graph.plan.text import fold, normalise
from ingest.reader import read_document

FIXTURES = Path(__file__).parent / "fixtures" / "plan"
CASES = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))["cases"]


def _extract(name: str):
    doc = read_document(str(FIXTURES / name))
    return doc, extract_plan(doc)


def _find(extraction, kind: str, text: str):
    hits = [e for e in extraction.elements if e.kind == kind and fold(e.text) == fold(text)]
    assert hits, f"no {kind} {text!r} in {[(e.kind, e.text) for e in extraction.elements]}"
    return hits[0]


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_counts(case):
    _doc, extraction = _extract(case["file"])
    for kind in KINDS:
        if kind in case.get("ignore", []):
            continue
        found = [e.text for e in extraction.of_kind(kind)]
        assert len(found) == case["counts"].get(kind, 0), (kind, found)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_elements(case):
    _doc, extraction = _extract(case["file"])
    for want in case["elements"]:
        got = _find(extraction, want["kind"], want["text"])
        if "parent" in want:
            parent = extraction.get(got.parent) if got.parent else None
            assert parent is not None and fold(parent.text) == fold(want["parent"]), (want["text"], parent)
        if "addresses" in want:
            assert sorted(fold(extraction.get(a).text) for a in got.addresses) == sorted(
                fold(t) for t in want["addresses"]
            )
        if "owners" in want:
            assert [[o.label, o.kind] for o in got.owners] == want["owners"], want["text"]
        for key in ("deadline", "due_date", "frequency"):
            if key in want:
                assert getattr(got, key) == want[key], (want["text"], key)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_quotes_point_into_the_text(case):
    doc, extraction = _extract(case["file"])
    for e in extraction.elements:
        assert normalise(doc.text[e.char_start : e.char_end]) == e.text
        assert doc.blocks[e.block].char_start <= e.char_start < e.char_end <= doc.blocks[e.block].char_end
        assert e.parent is None or extraction.get(e.parent) is not None


def test_ids_count_per_kind_in_document_order():
    _doc, extraction = _extract("namnd_plan.md")
    for kind in KINDS:
        ids = [e.id for e in extraction.of_kind(kind)]
        assert ids == [f"{kind}-{n}" for n in range(1, len(ids) + 1)]
    positions = [e.char_start for e in extraction.elements]
    assert positions == sorted(positions)


def test_actors_of_a_protocol():
    _doc, extraction = _extract("protokoll.md")
    assert not extraction.elements
    persons = [label for label, _block in extraction.actors.persons]
    assert "Anna Svensson" in persons and "Per Olsson" in persons
    organisations = [label.casefold() for label, _block in extraction.actors.organisations]
    assert "barn- och utbildningsnämnden" in organisations
