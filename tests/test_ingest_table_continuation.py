"""Tables continued on the next page: one logical table, and a first-column cell the page break cut is whole.

Constructed ruled tables are drawn with fpdf2 from tests/fixtures/table_continuation/cases.json and read back
with ingest.pdf; the frame test and the cell test are checked on their own with data from the same file.
"""

import json
from pathlib import Path

import pytest

from ingest.layout import TableCell, TableFragment
from ingest.model import BlockKind
from ingest.pdf import parse_pdf
from ingest.pdfblocks import _same_columns, continues_cell

fpdf = pytest.importorskip("fpdf", reason="fpdf2 (dev dependency) draws the constructed PDFs")

CASES = json.loads((Path(__file__).parent / "fixtures/table_continuation/cases.json").read_text("utf-8"))
COLUMNS = [60, 200, 420, 520]  # the column edges of a drawn table (points)
ROW_HEIGHT = 22


def _draw_table(pdf, top: float, rows: list, columns: list[float], split: float | None) -> None:
    """A ruled table: a null first column is merged with the row above (no rule across it)."""
    bottom = top + ROW_HEIGHT * len(rows)
    pdf.set_line_width(0.8)
    for x in columns:
        pdf.line(x, top, x, bottom)
    if split is not None:  # one more column edge in the last column of these rows only
        pdf.line(split, top, split, bottom)
    pdf.line(columns[0], top, columns[-1], top)
    pdf.line(columns[0], bottom, columns[-1], bottom)
    pdf.set_font("Helvetica", size=9)
    for i, row in enumerate(rows):
        y = top + ROW_HEIGHT * i
        if i:
            pdf.line(columns[0] if row[0] is not None else columns[1], y, columns[-1], y)
        for x, text in zip(columns, row, strict=False):
            if text:
                pdf.text(x + 3, y + 14, text)


def draw(case: dict, path: Path) -> Path:
    """Draw a case's pages (a filler of indicator rows first where asked) into a PDF."""
    pdf = fpdf.FPDF(unit="pt", format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    for page in case["pages"]:
        pdf.add_page()
        filler = [[None, f"Indikator {i + 1}", str(50 + i)] for i in range(page.get("filler", 0))]
        if filler:
            filler[0][0] = "Fokusområde i början"
        _draw_table(pdf, 60, filler + page["rows"], page.get("columns", COLUMNS), page.get("split"))
    path.write_bytes(bytes(pdf.output()))
    return path


def rows_of(case: dict, tmp_path: Path):
    """The table rows read from a drawn case."""
    path = draw(case, tmp_path / "table.pdf")
    reading = parse_pdf(path.read_bytes(), str(path), max_pages=10)
    return [b for b in reading.blocks if b.kind is BlockKind.TABLE_ROW]


@pytest.mark.parametrize("case", CASES["documents"], ids=lambda c: c["name"])
def test_a_table_continued_on_the_next_page_reads_as_one(case, tmp_path):
    rows = rows_of(case, tmp_path)
    seen = [(b.page, b.cells) for b in rows]
    for page, cells in case["expect"]["rows"]:
        assert (page, cells) in seen, f"{cells} on page {page} not in {seen}"
    texts = [cell for b in rows for cell in b.cells]
    for text in case["expect"].get("absent", []):
        assert text not in texts
    table_of = {b.cells[0]: b.table for b in rows}
    for first, second in case["expect"].get("same_table", []):
        assert table_of[first] == table_of[second], (first, second)


def _fragment(spec: dict) -> TableFragment:
    x0, x1 = spec["x"]
    cells = [TableCell(x, 0, x + 10, 10, "t") for x in spec["edges"]]
    return TableFragment(1, x0, 0, x1, 10, [cells])


@pytest.mark.parametrize("case", CASES["same_columns"], ids=lambda c: c["name"])
def test_fragments_share_a_frame(case):
    assert _same_columns(_fragment(case["a"]), _fragment(case["b"])) is case["expected"]
    assert _same_columns(_fragment(case["b"]), _fragment(case["a"])) is case["expected"]


@pytest.mark.parametrize("above, text, expected", CASES["continues_cell"])
def test_a_cell_is_continued_only_by_a_lower_case_start_after_an_unfinished_text(above, text, expected):
    assert continues_cell(above, text) is expected
