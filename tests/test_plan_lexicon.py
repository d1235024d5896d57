"""Plan lexicons: frequencies, owner cells, heading cues, role words (tests/fixtures/plan/lexicon.json)."""

import json
from pathlib import Path

import pytest

from graph.plan import find_frequency, heading_kind, parse_owners
from graph.plan.lexicon import lexicon

CASES = json.loads((Path(__file__).parent / "fixtures" / "plan" / "lexicon.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("text", "expected"), CASES["frequencies"])
def test_frequency(text, expected):
    found = find_frequency(text)
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize(("cell", "expected"), CASES["owners"])
def test_owners(cell, expected):
    assert [[o.label, o.kind] for o in parse_owners(cell)] == expected


@pytest.mark.parametrize(("heading", "expected"), CASES["headings"])
def test_heading_kind(heading, expected):
    assert heading_kind(heading) == expected


@pytest.mark.parametrize(("word", "is_role"), CASES["roles"])
def test_role_words(word, is_role):
    m = lexicon().role.fullmatch(word)
    assert (m is not None and word.casefold() not in lexicon().not_roles) == is_role
