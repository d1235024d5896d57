"""Plan extraction on constructed plans in other municipalities' styles (tests/fixtures/plan/cases.json)."""

from pathlib import Path

import pytest
from plan_checks import check_counts, check_elements, check_quotes, extract, load_cases

from graph.plan import KINDS

FIXTURES = Path(__file__).parent / "fixtures" / "plan"
CASES = load_cases(FIXTURES)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_counts(case):
    _doc, extraction = extract(FIXTURES, case["file"])
    check_counts(case, extraction)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_elements(case):
    _doc, extraction = extract(FIXTURES, case["file"])
    check_elements(case, extraction)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_quotes_point_into_the_text(case):
    doc, extraction = extract(FIXTURES, case["file"])
    check_quotes(doc, extraction)


def test_ids_count_per_kind_in_document_order():
    _doc, extraction = extract(FIXTURES, "namnd_plan.md")
    for kind in KINDS:
        ids = [e.id for e in extraction.of_kind(kind)]
        assert ids == [f"{kind}-{n}" for n in range(1, len(ids) + 1)]
    positions = [e.char_start for e in extraction.elements]
    assert positions == sorted(positions)


def test_actors_of_a_protocol():
    _doc, extraction = extract(FIXTURES, "protokoll.md")
    assert not extraction.elements
    persons = [label for label, _block in extraction.actors.persons]
    assert "Anna Svensson" in persons and "Per Olsson" in persons
    organisations = [label.casefold() for label, _block in extraction.actors.organisations]
    assert "barn- och utbildningsnämnden" in organisations
