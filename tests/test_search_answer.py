"""Marking the answering sentence(s) of a passage."""

import json
from pathlib import Path

import numpy as np
import pytest

from search.answer import mark_answer, sentence_spans

FIXTURE = Path(__file__).parent / "fixtures" / "search" / "answers.json"
CASES = json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["question"][:40])
def test_marked_sentence(case):
    text = case["text"]
    spans = mark_answer(case["question"], text)
    marked = " ".join(text[s.start : s.end] for s in spans)
    assert case["marked"] in marked
    if "not_marked" in case:
        assert case["not_marked"] not in marked


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Planen gäller t.ex. förskolan. Den följs upp bl.a. i maj.", 2),
        ("Enligt 4 kap. 3 § ska huvudmannen följa upp. Det görs årligen.", 2),
        ("1. Huvudman tar fram en plan\tStrateg dec 22", 2),
        ("Mål 2023. Nästa mål gäller 2024.", 2),
        ("En rad\nen annan rad", 2),
        ("", 0),
    ],
)
def test_sentence_spans(text, sentences):
    spans = sentence_spans(text)
    assert len(spans) == sentences
    assert all(text[s:e].strip() == text[s:e] and text[s:e] for s, e in spans)


def test_dense_similarity_can_decide():
    text = "Första meningen handlar om ekonomi. Andra meningen handlar om läsning."
    vectors = {"Första meningen handlar om ekonomi.": [1.0, 0.0],
               "Andra meningen handlar om läsning.": [0.0, 1.0]}
    spans = mark_answer("Vad gäller?", text, query_vector=np.array([0.0, 1.0]),
                        embed_sentences=lambda xs: np.array([vectors[x] for x in xs]))
    assert [text[s.start : s.end] for s in spans] == ["Andra meningen handlar om läsning."]
