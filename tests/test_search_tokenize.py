"""The lexical tokenizer keeps references, codes and names exact, stems words and drops stop words."""

import json
from pathlib import Path

import pytest

from search.tokenize import reference_tokens, stopwords, tokenize

FIXTURE = Path(__file__).parent / "fixtures" / "search" / "tokens.json"
CASES = json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["text"][:40])
def test_tokens(case):
    tokens = tokenize(case["text"])
    missing = [t for t in case["contains"] if t not in tokens]
    assert not missing, f"{missing} not in {tokens}"
    present = [t for t in case.get("excludes", []) if t in tokens]
    assert not present, f"{present} should not be in {tokens}"


def test_query_and_passage_share_the_reference():
    question = set(tokenize("Vad säger 2 kap. 8 § om skolchefen?"))
    passage = set(tokenize("Enligt skollagen 2 kap. 8 § ska huvudmannen utse en skolchef."))
    assert {"2kap8§", "skolchef"} <= question & passage


def test_a_year_is_not_a_statute_number():
    assert reference_tokens("Planen gäller 2023 och 2024.") == []


def test_stopwords_are_loaded_from_the_data_file():
    assert {"och", "att", "som", "vem"} <= stopwords()
