"""PDF layout as a person reads it, on PDFs drawn from tests/fixtures/pdf_layout/cases.json with fpdf2.

Each document is drawn item by item (text, position, size, weight) into tmp_path; the test reads it with
ingest.pdf and checks the blocks, list items, table rows and furniture a reader would see.
"""

import json
from pathlib import Path

import pytest

from ingest.model import BlockKind
from ingest.pdf import effective_size, parse_pdf
from ingest.pdfblocks import compact_columns, join_wrapped_rows

fpdf = pytest.importorskip("fpdf", reason="fpdf2 (dev dependency) draws the constructed PDFs")

CASES = json.loads((Path(__file__).parent / "fixtures/pdf_layout/cases.json").read_text("utf-8"))
DOCUMENTS = {case["name"]: case for case in CASES["documents"]}


def _draw_text(pdf, x: float, y: float, text: str, size: float, bold: bool, scaled: bool) -> None:
    """Draw one line; 'scaled' sets the font at size 1 and scales it with the matrix (as many writers do)."""
    from fpdf.drawing_primitives import Transform

    pdf.set_font("Helvetica", "B" if bold else "", size=1 if scaled else size)
    if scaled:
        with pdf.transform(Transform.scaling(size, size)):
            pdf.text(x / size, y / size, text)
    else:
        pdf.text(x, y, text)


def draw(case: dict, path: Path) -> Path:
    """Draw a case's pages into a PDF file and return its path."""
    pdf = fpdf.FPDF(unit="pt", format="A4")
    pdf.core_fonts_encoding = "windows-1252"  # the bullet "•" is in cp1252
    scaled = case.get("scaled", False)
    for page in case["pages"]:
        pdf.add_page()
        for item in page:
            bold = item.get("bold", False)
            for i, text in enumerate(item.get("lines", [item.get("text")])):
                y = item["y"] + i * item.get("pitch", 0)
                _draw_text(pdf, item["x"], y, text, item["size"], bold, scaled)
    path.write_bytes(bytes(pdf.output()))
    return path


def read(name: str, tmp_path: Path):
    """Draw the named case and read it back."""
    path = draw(DOCUMENTS[name], tmp_path / f"{name}.pdf")
    return parse_pdf(path.read_bytes(), str(path), max_pages=50)


def _in_order(wanted: list[tuple[str | None, str]], blocks) -> list[str]:
    """Return the wanted (kind, text) pairs not found in reading order."""
    missing = []
    position = 0
    for kind, text in wanted:
        found = next(
            (
                i
                for i in range(position, len(blocks))
                if blocks[i].text == text and (kind is None or blocks[i].kind is BlockKind(kind))
            ),
            None,
        )
        if found is None:
            missing.append(f"{kind}: {text}")
        else:
            position = found + 1
    return missing


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_blocks_in_reading_order(name, tmp_path):
    reading = read(name, tmp_path)
    expect = DOCUMENTS[name]["expect"]
    seen = [(b.kind.value, b.text) for b in reading.blocks]
    assert _in_order(expect.get("blocks", []), reading.blocks) == [], seen


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_nothing_a_reader_skips_is_content(name, tmp_path):
    reading = read(name, tmp_path)
    expect = DOCUMENTS[name]["expect"]
    texts = [b.text for b in reading.blocks]
    for text in expect.get("absent", []):
        assert text not in texts, (text, texts)
    for part in expect.get("absent_in", []):
        assert not any(part in t for t in texts), (part, texts)
    for text in expect.get("furniture", []):
        assert any(text in f for f in reading.furniture), (text, reading.furniture)


@pytest.mark.parametrize("name", [n for n, c in DOCUMENTS.items() if "list_items" in c["expect"]])
def test_bullets_are_markers_of_their_items(name, tmp_path):
    items = [[b.marker, b.text] for b in read(name, tmp_path).blocks if b.kind is BlockKind.LIST_ITEM]
    assert items == DOCUMENTS[name]["expect"]["list_items"]


@pytest.mark.parametrize("name", [n for n, c in DOCUMENTS.items() if "table_rows" in c["expect"]])
def test_unruled_rows_are_table_rows(name, tmp_path):
    rows = [b.cells for b in read(name, tmp_path).blocks if b.kind is BlockKind.TABLE_ROW]
    assert rows == DOCUMENTS[name]["expect"]["table_rows"]


@pytest.mark.parametrize("case", CASES["compact_columns"], ids=lambda c: c["name"])
def test_compact_columns(case):
    assert compact_columns(case["rows"]) == case["expected"]


@pytest.mark.parametrize("case", CASES["join_wrapped_rows"], ids=lambda c: c["name"])
def test_join_wrapped_rows(case):
    assert join_wrapped_rows(case["rows"]) == case["expected"]


def test_effective_size_scales_the_nominal_size_by_the_matrix():
    assert effective_size(1.0, 12.0, 0.0, 0.0, 12.0) == pytest.approx(12.0)
    assert effective_size(11.0, 1.0, 0.0, 0.0, 1.0) == pytest.approx(11.0)
    assert effective_size(10.0, 0.0, 0.0, 0.0, 0.0) == pytest.approx(10.0)  # a degenerate matrix: nominal
