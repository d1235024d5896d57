"""Plain-text and markdown reading (ingest/text.py, ingest/transcript.py), driven by tests/fixtures/text/."""

import tomllib
from pathlib import Path

import pytest

from ingest.model import CELL_SEPARATOR, BlockKind, IngestError, assemble, assign_sections
from ingest.text import decode_text, parse_text
from ingest.textforms import split_front_matter
from ingest.transcript import parse_item_header

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "text"
SEEDS = HERE / "data" / "seeds"


def _load(name: str) -> dict:
    return tomllib.loads((FIXTURES / name).read_text(encoding="utf-8"))


DECODE = _load("decode.toml")["case"]
PARSE = _load("parse.toml")["case"]
SEED_CASES = _load("seeds.toml")["seed"]
FRONT = _load("forms.toml")["front"]
CHECKED = ("level", "marker", "page", "cells", "table", "header")


def _bytes(case: dict) -> bytes:
    if "hex" in case:
        return bytes.fromhex(case["hex"])
    data = case["text"].encode(case["encoding"])
    return ("\ufeff".encode(case["encoding"]) if case.get("bom") else b"") + data


@pytest.mark.parametrize("case", DECODE, ids=lambda c: c["name"])
def test_decode_text(case):
    data = _bytes(case)
    if "error" in case:
        with pytest.raises(IngestError) as raised:
            decode_text(data, "seeds/brev.txt")
        assert raised.value.path == "seeds/brev.txt"
        assert "seeds/brev.txt" in str(raised.value)
        assert case["error"] in raised.value.problem
        return
    text, warnings = decode_text(data, "brev.txt")
    assert text == case["expected"]
    if case["warning"]:
        assert len(warnings) == 1 and case["warning"] in warnings[0]
    else:
        assert warnings == []


@pytest.mark.parametrize("case", PARSE, ids=lambda c: c["name"])
def test_parse_text(case):
    reading = parse_text(case["input"], markdown=case.get("markdown", False))
    blocks, warnings = reading.blocks, reading.warnings + reading.notes
    if "furniture" in case:
        assert reading.furniture == case["furniture"]
    if "front_matter" in case:
        assert reading.front_matter == case["front_matter"]
    assert [(b.kind.value, b.text) for b in blocks] == [(e["kind"], e["text"]) for e in case["blocks"]]
    for block, expected in zip(blocks, case["blocks"], strict=True):
        for key in CHECKED:
            if key in expected:
                assert getattr(block, key) == expected[key], f"{key} of {block.text!r}"
        if case.get("no_pages"):
            assert block.page is None
        if block.kind is BlockKind.TABLE_ROW:
            assert block.text == CELL_SEPARATOR.join(block.cells)
    for phrase in case.get("absent", []):
        assert not any(phrase in b.text for b in blocks), phrase
    if "warning" in case:
        assert any(case["warning"] in w for w in warnings)


@pytest.mark.parametrize("case", FRONT, ids=lambda c: c["name"])
def test_split_front_matter(case):
    assert split_front_matter(case["input"]) == (case["fields"], case["rest"])


def _parse_seed(name: str):
    raw, warnings = decode_text((SEEDS / name).read_bytes(), name)
    reading = parse_text(raw, markdown=False)
    blocks, more = reading.blocks, reading.warnings + reading.notes
    assign_sections(blocks)
    assemble(blocks)
    return blocks, warnings + more


def _find(blocks, text, kind=None, prefix=False):
    found = [
        b
        for b in blocks
        if (b.text.startswith(text) if prefix else b.text == text) and (kind is None or b.kind is kind)
    ]
    assert found, f"no block {'starting with ' if prefix else ''}{text!r}"
    return found[0]


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_every_seed_parses_cleanly(name):
    blocks, _ = _parse_seed(name)
    assert blocks
    for block in blocks:
        assert block.text.strip()
        if block.kind is BlockKind.TABLE_ROW:  # a row may end in an empty cell
            assert block.cells and all(c == c.strip() for c in block.cells)
        else:
            assert block.text == block.text.strip()
        if block.kind is BlockKind.HEADING:
            assert block.level is not None and 1 <= block.level <= 6
            assert len(block.text) <= 220
        if block.kind is BlockKind.LIST_ITEM:
            assert block.marker


@pytest.mark.parametrize("seed", SEED_CASES, ids=lambda s: s["file"][:3])
def test_seed_expectations(seed):
    blocks, _ = _parse_seed(seed["file"])
    headings = [b for b in blocks if b.kind is BlockKind.HEADING]
    if "pages" in seed:
        assert sorted({b.page for b in blocks if b.page is not None}) == seed["pages"]
    else:
        assert all(b.page is None for b in blocks)
    for phrase in seed.get("absent", []):
        assert not [b.text for b in blocks if phrase in b.text], phrase
    for spec in seed.get("headings", []) + seed.get("heading_prefixes", []):
        prefix = spec in seed.get("heading_prefixes", [])
        block = _find(headings, spec["text"], prefix=prefix)
        assert block.level == spec["level"], block.text
        if "page" in spec:
            assert block.page == spec["page"], block.text
    for spec in seed.get("sections", []):
        block = _find(blocks, spec["text"], prefix=True)
        assert block.section == spec["section"]
    for spec in seed.get("count", []):
        assert sum(1 for b in blocks if b.text == spec["text"]) == spec["n"], spec["text"]
    for text in seed.get("not_headings", []):
        block = _find(blocks, text)
        assert block.kind is not BlockKind.HEADING
    for spec in seed.get("list_items", []):
        block = _find(blocks, spec["text"], kind=BlockKind.LIST_ITEM, prefix=True)
        assert block.marker == spec["marker"]
        if "level" in spec:
            assert block.level == spec["level"]
    for spec in seed.get("table_rows", []):
        block = _find(blocks, spec["text"], kind=BlockKind.TABLE_ROW)
        assert block.cells == spec["cells"] and block.header is spec["header"]
    if "same_table" in seed:
        rows = [_find(blocks, text, kind=BlockKind.TABLE_ROW, prefix=True) for text in seed["same_table"]]
        assert len({r.table for r in rows}) == 1
    if "attached" in seed:
        title = _find(headings, seed["attached"]["title"])
        assert title.level == 1 and title.page == seed["attached"]["page"]
        later = blocks[blocks.index(title) + 1 :]
        assert later and all(b.section[:1] == [title.text] for b in later)
        assert all(b.page is not None and b.page >= title.page for b in later)


def test_transcript_items_parse():
    item = parse_item_header("Bos 152 Dnr KS 249/2014 Kulturanalys av förskoleverksamheten")
    assert item is not None
    expected = ("152", "KS 249/2014", "Kulturanalys av förskoleverksamheten")
    assert (item.number, item.dnr, item.title) == expected
    clean = parse_item_header("§ 23 Plan för systematiskt kvalitetsarbete")
    assert clean is not None and (clean.number, clean.dnr) == ("23", None)
    assert parse_item_header("Ärendebeskrivning") is None


def test_offsets_are_left_to_the_reader():
    blocks = parse_text("# Rubrik\n\nText.", markdown=True).blocks
    assert all(b.char_start == 0 and b.char_end == 0 for b in blocks)
    text, _ = assemble(blocks)
    assert text == "Rubrik\n\nText."


def test_markdown_flag_or_not_the_same_for_marked_up_text():
    raw = "# Mål\n\n- Ökad likvärdighet\n\n## Aktiviteter\n\nText."
    as_md = parse_text(raw, markdown=True).blocks
    as_txt = parse_text(raw, markdown=False).blocks
    assert [(b.kind, b.text, b.level) for b in as_md] == [(b.kind, b.text, b.level) for b in as_txt]
