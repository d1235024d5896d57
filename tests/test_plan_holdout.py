"""Plan extraction on hold-out plans (tests/fixtures/plan_holdout/cases.json): styles the rules were not
written from, checked the same way as tests/test_plan_extract.py checks the development fixtures."""

from pathlib import Path

import pytest
from plan_checks import check_counts, check_elements, check_quotes, extract, load_cases

FIXTURES = Path(__file__).parent / "fixtures" / "plan_holdout"
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
