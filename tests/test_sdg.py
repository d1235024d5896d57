"""Explicit Agenda 2030 mentions: constructed cases both ways, offsets, the lexicon, and the dev-set gold."""

from __future__ import annotations

import json
import logging
import tomllib
from pathlib import Path

import pytest

from graph.sdg import (
    LEXICON_PATH,
    SdgMention,
    find_sdg_mentions,
    find_sdg_mentions_in_document,
    find_sdg_mentions_in_text,
    units_of_text,
)
from ingest.reader import read_document

ROOT = Path(__file__).resolve().parent.parent
CASES = json.loads((Path(__file__).parent / "fixtures/sdg/cases.json").read_text(encoding="utf-8"))["cases"]
GOLD = {
    p.name[:3]: json.loads(p.read_text(encoding="utf-8")) for p in (ROOT / "tests/data/gold").glob("*.json")
}
DEV_FILES = sorted((ROOT / "tests/data/seeds").glob("*.txt")) + sorted((ROOT / "corpus").glob("0*"))


def _pairs(mentions: list[SdgMention]) -> set[tuple[str | None, str | None]]:
    return {(m.goal, m.target) for m in mentions if m.scope != "agenda"}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case):
    mentions = find_sdg_mentions_in_text(case["text"])
    assert _pairs(mentions) == {tuple(pair) for pair in case["expect"]}
    assert any(m.scope == "agenda" for m in mentions) is case["agenda"]
    for m in mentions:
        assert case["text"][m.char_start : m.char_end] == m.quote
        assert m.scope == ("agenda" if m.goal is None else "target" if m.target else "goal")


def test_both_ways_are_covered():
    assert sum(1 for c in CASES if c["expect"]) >= 10
    assert sum(1 for c in CASES if not c["expect"]) >= 10


def test_iris():
    assert SdgMention("4", None, "goal", "mål 4", 0, 5).iri == "http://metadata.un.org/sdg/4"
    assert SdgMention("4", "4.a", "target", "4.a", 0, 3).iri == "http://metadata.un.org/sdg/4.a"
    assert SdgMention(None, None, "agenda", "Agenda 2030", 0, 11).iri == "http://metadata.un.org/sdg"


def test_number_and_name_side_by_side_are_one_mention():
    (mention,) = find_sdg_mentions_in_text(
        "Sektor utbildning arbetar främst mot mål 4, God utbildning för alla."
    )
    assert (mention.goal, mention.quote) == ("4", "mål 4, God utbildning för alla")


def test_offsets_are_in_the_whole_text():
    text = "Inledning\n\nText om skolan.\n\nAgenda 2030\n\nVi arbetar med delmål 4.1 och mål 5."
    mentions = find_sdg_mentions(units_of_text(text))
    assert [text[m.char_start : m.char_end] for m in mentions] == [m.quote for m in mentions]
    assert [m.quote for m in mentions] == ["Agenda 2030", "delmål 4.1", "mål 5"]


def test_lexicon_agrees_with_the_reference_data():
    with open(LEXICON_PATH, "rb") as f:
        goals = tomllib.load(f)["goals"]
    data = json.loads((ROOT / "corpus/reference/sdg.json").read_text(encoding="utf-8"))
    assert set(goals) == {g["code"] for g in data["goals"]}
    for goal in data["goals"]:
        entry = goals[goal["code"]]
        assert goal["short_sv"] in entry["names"] + entry["generic"]
        assert goal["short_en"] in entry["names"]
        assert entry["targets"].split() == goal["targets"]


@pytest.fixture(scope="module")
def dev_documents():
    logging.disable(logging.WARNING)
    try:
        return {path: read_document(path) for path in DEV_FILES}
    finally:
        logging.disable(logging.NOTSET)


def test_dev_set_f1_is_one(dev_documents):
    """Goal/target pairs as a set per document, against the gold, on the seed texts and the corpus files."""
    tp = fp = fn = 0
    for path, doc in dev_documents.items():
        found = _pairs(find_sdg_mentions_in_document(doc))
        gold = {(s["goal"], s["target"]) for s in GOLD[path.name[:3]]["sdg"]}
        tp, fp, fn = tp + len(found & gold), fp + len(found - gold), fn + len(gold - found)
        assert found == gold, path.name
    assert tp > 0 and fp == fn == 0


def test_document_quotes_match_the_document_text(dev_documents):
    for doc in dev_documents.values():
        for m in find_sdg_mentions_in_document(doc):
            assert doc.text[m.char_start : m.char_end] == m.quote
