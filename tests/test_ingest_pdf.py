"""PDF ingestion against what a person sees in the test PDFs (tests/fixtures/pdf/expectations.json)."""

import difflib
import json
import re
from functools import cache
from pathlib import Path

import pytest

from ingest.model import BlockKind
from ingest.pdf import parse_pdf
from ingest.pdfblocks import join_lines

DATA = Path(__file__).parent / "data"
EXPECTATIONS = json.loads((Path(__file__).parent / "fixtures/pdf/expectations.json").read_text("utf-8"))
FILES = [name for name in EXPECTATIONS if not name.startswith("_")]


@cache
def blocks_of(name: str):
    path = DATA / "pdf" / name
    reading = parse_pdf(path.read_bytes(), str(path), max_pages=500)
    assert reading.warnings == []
    return reading.blocks


@pytest.mark.parametrize("name", FILES)
def test_headings_have_toc_levels_and_pages(name):
    headings = {b.text: b for b in blocks_of(name) if b.kind is BlockKind.HEADING}
    for text, level, page in EXPECTATIONS[name].get("headings", []):
        assert text in headings, f"heading {text!r} not found; headings: {list(headings)}"
        assert headings[text].page == page
        if level is not None:
            assert headings[text].level == level, text


@pytest.mark.parametrize("name", FILES)
def test_table_rows_keep_their_cells(name):
    rows = [(b.cells, b.page) for b in blocks_of(name) if b.kind is BlockKind.TABLE_ROW]
    for cells, page in EXPECTATIONS[name].get("table_rows", []):
        assert (cells, page) in rows, f"row {cells} on page {page} missing"
    headers = [b.cells for b in blocks_of(name) if b.kind is BlockKind.TABLE_ROW and b.header]
    for cells in EXPECTATIONS[name].get("header_rows", []):
        assert cells in headers


@pytest.mark.parametrize("name", FILES)
def test_tables_continue_across_page_breaks(name):
    table_of = {b.cells[0]: b.table for b in blocks_of(name) if b.kind is BlockKind.TABLE_ROW}
    for first, second in EXPECTATIONS[name].get("same_table", []):
        assert table_of[first] == table_of[second], (first, second)
    for first, second in EXPECTATIONS[name].get("different_table", []):
        assert table_of[first] != table_of[second], (first, second)


@pytest.mark.parametrize("name", FILES)
def test_list_items_keep_markers(name):
    items = [(b.marker, b.text, b.page) for b in blocks_of(name) if b.kind is BlockKind.LIST_ITEM]
    for marker, text, page in EXPECTATIONS[name].get("list_items", []):
        assert (marker, text, page) in items


@pytest.mark.parametrize("name", FILES)
def test_no_running_headers_footers_or_toc_in_body(name):
    blocks = blocks_of(name)
    texts = [b.text for b in blocks]
    for furniture in EXPECTATIONS[name].get("furniture", []):
        assert not any(t == furniture or t.startswith(furniture + " ") for t in texts), furniture
    assert not any(re.fullmatch(r"\d{1,3}", t) for t in texts), "a bare page number survived"
    after = EXPECTATIONS[name].get("furniture_after_page")
    if after:
        page, text = after
        assert not any(b.text == text and b.page > page for b in blocks)


def test_toc_lines_are_not_content():
    texts = [b.text for b in blocks_of("003_svenljunga_kvalitetsarbete.pdf")]
    assert not any("...." in t or ". . . ." in t for t in texts)
    assert all(b.page not in (2, 3) for b in blocks_of("003_svenljunga_kvalitetsarbete.pdf"))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _source_words_without_furniture() -> list[str]:
    """The seed text with its table of contents and running header lines left out (the PDF's furniture)."""
    lines = (DATA / "seeds/002_7b405cb9d9f15c83.txt").read_text("utf-8").splitlines()
    start = lines.index("Innehåll")
    end = next(
        i
        for i in range(start + 1, len(lines))
        if lines[i].startswith("Kvalitetsarbetets") and "\t" not in lines[i] and "..." not in lines[i]
    )
    body = lines[:start] + lines[end:]
    first_header = next(i for i, line in enumerate(body) if line.strip() == "FINSPÅNG")
    body = body[: first_header + 1] + [
        line for line in body[first_header + 1 :] if line.strip() != "FINSPÅNG"
    ]
    return _words(re.sub(r"[*#]|\]\(#\)|\[", "", "\n".join(body)))


def _block_words(name: str) -> list[str]:
    parts = [f"{b.marker} {b.text}" if b.marker else b.text for b in blocks_of(name)]
    return _words("\n".join(parts))


def _in_order_share(source: list[str], ours: list[str]) -> float:
    matcher = difflib.SequenceMatcher(None, source, ours, autojunk=False)
    return sum(m.size for m in matcher.get_matching_blocks()) / len(source)


@pytest.mark.parametrize("name", ["002_finspang_verksamhetsplan.pdf", "002_finspang_twocolumn.pdf"])
def test_source_words_in_source_order(name):
    share = _in_order_share(_source_words_without_furniture(), _block_words(name))
    assert share >= 0.98, f"{name}: {share:.3f} of the source words in order"


def test_two_column_reads_like_one_column():
    one = _block_words("002_finspang_verksamhetsplan.pdf")
    two = _block_words("002_finspang_twocolumn.pdf")
    assert _in_order_share(one, two) >= 0.99


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["utveck-", "lingsarbete"], "utvecklingsarbete"),
        (["barn-", "och utbildningsnämnden"], "barn- och utbildningsnämnden"),
        (["SYV-", "plan"], "SYV-plan"),
        (["en mening.", "Nästa"], "en mening. Nästa"),
    ],
)
def test_line_end_hyphens(lines, joined):
    assert join_lines(lines) == joined
