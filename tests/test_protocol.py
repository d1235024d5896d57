"""Meetings from municipal minutes: constructed protocols of several municipalities, the corpus protocol."""

from __future__ import annotations

import json
import sys
import tomllib
from dataclasses import asdict
from pathlib import Path

import pytest

from graph.protocol import (
    Meeting,
    extract_protocol,
    item_header,
    meeting_place,
    meeting_times,
    parse_people,
)
from ingest.reader import read_document

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "protocol"
CASES = tomllib.loads((FIXTURES / "cases.toml").read_text(encoding="utf-8"))
PROTOCOLS = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".md"))
GOLD = json.loads((ROOT / "tests/data/gold/004_10e405f53db58f35.json").read_text(encoding="utf-8"))

sys.path.insert(0, str(ROOT))
from benchmarks.eval_protocol import score_protocol  # noqa: E402

_SPAN_KEYS = ("block", "char_start", "char_end", "page")


def _project(meeting: Meeting) -> dict:
    """A meeting without provenance offsets (those are tested separately)."""
    data = asdict(meeting)
    for key in _SPAN_KEYS:
        data.pop(key)
    for item in data["items"]:
        for key in _SPAN_KEYS:
            item.pop(key)
    for person in data["participants"]:
        person.pop("block")
    return data


@pytest.fixture(scope="module")
def documents():
    """The fixture protocols, read once."""
    return {path.name: read_document(path) for path in PROTOCOLS}


@pytest.mark.parametrize("path", PROTOCOLS, ids=lambda p: p.stem)
def test_fixture_protocols(path, documents):
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["meetings"]
    assert [_project(m) for m in extract_protocol(documents[path.name])] == expected


@pytest.mark.parametrize("path", PROTOCOLS, ids=lambda p: p.stem)
def test_spans_quote_the_text(path, documents):
    doc = documents[path.name]
    for meeting in extract_protocol(doc):
        assert 0 <= meeting.char_start < meeting.char_end <= len(doc.text)
        for item in meeting.items:
            assert meeting.char_start <= item.char_start < item.char_end <= meeting.char_end
            quoted = doc.text[item.char_start : item.char_end]
            assert item.number in quoted
            assert doc.blocks[item.block].char_start <= item.char_start < doc.blocks[item.block].char_end
            if item.decision:
                first_line = item.decision.split("\n")[0][:40]
                assert first_line in " ".join(quoted.split())
        for person in meeting.participants:
            assert person.name.split()[-1] in doc.blocks[person.block].text


def test_fixture_items_score_full_marks(documents):
    """The scorer agrees with the expected outputs (and so each fixture scores F1 = 1)."""
    for path in PROTOCOLS:
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["meetings"]
        gold = {"agenda_items": [item for meeting in expected for item in meeting["items"]]}
        score = score_protocol(gold, extract_protocol(documents[path.name]))
        assert score["f1"] == 1.0, (path.name, score["errors"])


@pytest.mark.parametrize(
    "path",
    [ROOT / "corpus/004_10e405f53db58f35.txt", ROOT / "tests/data/seeds/004_10e405f53db58f35.txt"],
    ids=["corpus", "seed"],
)
def test_corpus_protocol_matches_gold(path):
    meetings = extract_protocol(read_document(path))
    score = score_protocol(GOLD, meetings)
    assert score["f1"] == 1.0, score["errors"]
    assert meetings[0].date is None  # the transcript lost its page header's date: never guessed
    assert meetings[0].body == GOLD["body"]


def test_corpus_protocol_pdf_matches_gold():
    meetings = extract_protocol(read_document(ROOT / "tests/data/pdf/004_ljusnarsberg_protokoll.pdf"))
    assert score_protocol(GOLD, meetings)["f1"] == 1.0
    item = meetings[0].items[0]
    assert item.page == 1


@pytest.mark.parametrize("name", ["000", "001", "002", "003"])
def test_other_seed_documents_are_not_protocols(name):
    path = next((ROOT / "tests/data/seeds").glob(f"{name}_*.txt"))
    assert extract_protocol(read_document(path)) == []


@pytest.mark.parametrize("case", CASES["header"], ids=lambda c: c["text"])
def test_item_headers(case):
    header = item_header(case["text"])
    if case.get("none"):
        assert header is None
        return
    assert header is not None
    assert (header.number, header.dnr, header.title) == (case["number"], case.get("dnr"), case.get("title"))


@pytest.mark.parametrize("case", CASES["place_time"], ids=lambda c: c["text"])
def test_place_and_time(case):
    assert meeting_times(case["text"]) == (case.get("start"), case.get("end"))
    if "place" in case:
        assert meeting_place(case["text"]) == case["place"]


@pytest.mark.parametrize("case", CASES["people"], ids=lambda c: c["text"][:40])
def test_people_lists(case):
    people = parse_people(case["text"], case.get("default"))
    assert [[p.name, p.role, p.party or ""] for p in people] == case["expected"]


def test_score_protocol_counts_exact_numbers_and_dnr():
    meetings = extract_protocol(read_document(ROOT / "corpus/004_10e405f53db58f35.txt"))
    wrong_dnr = {"agenda_items": [dict(GOLD["agenda_items"][0], dnr="KS 249/2015")]}
    assert score_protocol(wrong_dnr, meetings)["f1"] == 0.0
    close_title = {
        "agenda_items": [dict(GOLD["agenda_items"][0], title="Kulturanalys av förskoleverksamhet")]
    }
    assert score_protocol(close_title, meetings)["f1"] == 1.0
    other = {"agenda_items": [dict(GOLD["agenda_items"][0], number="153")]}
    score = score_protocol(other, meetings)
    assert (score["correct"], score["precision"], score["recall"]) == (0, 0.0, 0.0)
    assert score_protocol({"agenda_items": []}, [])["f1"] == 1.0
