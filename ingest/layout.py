"""Page layout analysis (pure): characters -> lines -> reading order -> lines ready for blocking.

The input is what any PDF backend can give: characters with boxes and font properties, in page coordinates
with ``top`` measured from the top of the page. Nothing here opens a file.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# A gap between characters wider than this many font sizes starts a new line segment (a new column or cell).
SEGMENT_GAP_EM = 1.5
# ... unless the PDF put a space character in the gap (justified text): then the gap must be this wide.
JUSTIFIED_GAP_EM = 4.0
# A gap wider than this many font sizes is a space between words.
WORD_GAP_EM = 0.25
# The share of the page height at the top and bottom where running headers and footers live.
MARGIN_SHARE = 0.11
# The wider band of letterheads and contact blocks, which often run on just inside the margin band.
FORM_MARGIN_SHARE = 0.16


@dataclass(frozen=True, slots=True)
class Char:
    """One character on a page."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False
    italic: bool = False
    baseline: float | None = None  # y of the glyph origin, top-down; rows are grouped on it

    @property
    def base(self) -> float:
        """Return the baseline, or the bottom of the box when the backend gives none."""
        return self.bottom if self.baseline is None else self.baseline


@dataclass
class Line:
    """A run of characters on one baseline with no wide gap: a line of a column, a cell or a heading."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # dominant font size
    bold: bool  # all letters bold
    italic: bool  # all letters italic
    page: int
    bold_prefix: int = 0  # number of leading characters that are bold (a bold lead-in)

    @property
    def height(self) -> float:
        """Return the line's height."""
        return self.bottom - self.top


@dataclass
class TableCell:
    """A cell's bounding box and text."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str = ""


@dataclass
class TableFragment:
    """A ruled table (or the part of one on a single page) found by the table finder."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    rows: list[list[TableCell | None]]
    bold_rows: list[bool] = field(default_factory=list)

    def column_edges(self) -> list[float]:
        """Return the left x of each column, rounded, for matching fragments across pages."""
        edges = sorted({round(cell.x0) for row in self.rows for cell in row if cell is not None})
        return edges


@dataclass
class PageContent:
    """One page: its lines in reading order, with the tables placed among them."""

    number: int
    width: float
    height: float
    items: list[Line | TableFragment]
    has_images: bool = False


def _dominant(values: list[float]) -> float:
    return Counter(round(v, 1) for v in values).most_common(1)[0][0] if values else 0.0


def group_rows(chars: list[Char]) -> list[list[Char]]:
    """Group characters (spaces included) into rows sharing a baseline, each row sorted left to right."""
    ordered = sorted(chars, key=lambda c: (c.base, c.x0))
    rows: list[list[Char]] = []
    baseline = -1e9
    for char in ordered:
        tolerance = max(1.0, 0.25 * char.size)
        if rows and abs(char.base - baseline) <= tolerance:
            rows[-1].append(char)
        elif char.text.strip():
            rows.append([char])
            baseline = char.base
    for row in rows:
        row.sort(key=lambda c: c.x0)
    return rows


def build_lines(chars: list[Char], page: int, gutter: float | None = None) -> list[Line]:
    """Group characters into line segments: same baseline, no wide gap, never across a column gutter.

    Space characters in the PDF mark word breaks; where a PDF positions words without spaces, a gap wider
    than WORD_GAP_EM does.
    """
    lines: list[Line] = []
    for row in group_rows(chars):
        segment: list[tuple[Char, bool]] = []
        prev: Char | None = None
        for char, space in _spaced(row):
            if prev is not None:
                size = max(prev.size, char.size, 1.0)
                gap = char.x0 - prev.x1
                at_gutter = gutter is not None and prev.x1 - 1 <= gutter <= char.x0 + 1 and gap > 0.3 * size
                # A wide gap with a space character in it is justified text, not a new column or cell.
                if gap > (JUSTIFIED_GAP_EM if space else SEGMENT_GAP_EM) * size or at_gutter:
                    lines.append(_make_line(segment, page))
                    segment = []
                elif gap > WORD_GAP_EM * size:
                    space = True
            segment.append((char, space and bool(segment)))
            prev = char
        if segment:
            lines.append(_make_line(segment, page))
    return lines


def _make_line(segment: list[tuple[Char, bool]], page: int) -> Line:
    text = "".join((" " if space else "") + char.text for char, space in segment).strip()
    chars = [char for char, _ in segment]
    letters = [c for c in chars if c.text.isalnum()]
    bold_prefix = 0
    for c in chars:
        if c.bold or not c.text.isalnum():
            bold_prefix += 1
        else:
            break
    return Line(
        text=text,
        x0=min(c.x0 for c in chars),
        x1=max(c.x1 for c in chars),
        top=min(c.top for c in chars),
        bottom=max(c.bottom for c in chars),
        size=_dominant([c.size for c in letters or chars]),
        bold=bool(letters) and all(c.bold for c in letters),
        italic=bool(letters) and all(c.italic for c in letters),
        page=page,
        bold_prefix=bold_prefix,
    )


def find_gutter(chars: list[Char], page_height: float) -> float | None:
    """Return the x of a gutter between two text columns, or None for single-column text.

    Rows of characters are tested at each candidate x: a row is *closed* there when characters sit tight
    across x (running text crosses it). A gutter is an x where almost no row is closed, with at least three
    rows of text on each side, and the text on each side at least a quarter of the text width.
    """
    body = [
        c
        for c in chars
        if c.text.strip() and page_height * MARGIN_SHARE < c.top < page_height * (1 - MARGIN_SHARE)
    ]
    rows = [row for row in group_rows(body) if len(row) > 1]
    if len(rows) < 6:
        return None
    left = min(row[0].x0 for row in rows)
    right = max(row[-1].x1 for row in rows)
    width = right - left
    if width <= 0:
        return None
    spans = []  # per row: its extent and its open gaps
    for row in rows:
        spans.append((row[0].x0, max(c.x1 for c in row), _open_gaps(row)))
    candidates: list[tuple[int, float]] = []
    x = left + 0.25 * width
    while x <= left + 0.75 * width:
        closed = lefts = rights = 0
        for x0, x1, gaps in spans:
            if x1 <= x:
                lefts += 1
            elif x0 >= x:
                rights += 1
            elif any(g0 <= x <= g1 for g0, g1 in gaps):
                lefts += 1
                rights += 1
            else:
                closed += 1
        if lefts >= 3 and rights >= 3 and closed <= 0.1 * len(spans):
            candidates.append((min(lefts, rights) - 5 * closed, x))
        x += 1.0
    if not candidates:
        return None
    best = max(score for score, _ in candidates)
    if best < 3:
        return None
    xs = [x for score, x in candidates if score == best]
    gutter = (xs[0] + xs[-1]) / 2
    left_width = max((min(x1, gutter) - x0 for x0, x1, _ in spans if x0 < gutter), default=0)
    right_width = max((x1 - max(x0, gutter) for x0, x1, _ in spans if x1 > gutter), default=0)
    if left_width < 0.25 * width or right_width < 0.25 * width:
        return None
    return gutter


def _open_gaps(row: list[Char]) -> list[tuple[float, float]]:
    """Return the gaps in a row wide enough to be a gutter (a space character in a gap marks a word break)."""
    gaps: list[tuple[float, float]] = []
    prev: Char | None = None
    for char, space in _spaced(row):
        if prev is not None:
            gap = char.x0 - prev.x1
            size = max(prev.size, char.size, 1.0)
            if gap > (JUSTIFIED_GAP_EM if space else 0.8) * size:
                gaps.append((prev.x1, char.x0))
        prev = char
    return gaps


def _spaced(row: list[Char]) -> Iterator[tuple[Char, bool]]:
    """The visible characters of a row, each with whether a space character stood just before it."""
    space = False
    for char in row:
        if not char.text.strip():
            space = True
            continue
        yield char, space
        space = False


def reading_order(
    lines: list[Line], tables: list[TableFragment], gutter: float | None
) -> list[Line | TableFragment]:
    """Order a page's lines and tables as a person reads them, column by column between full-width items."""
    items: list[Line | TableFragment] = []
    if gutter is None:
        items = sorted([*lines, *tables], key=lambda item: (round(item.top, 0), item.x0))
        return items
    spanning: list[Line | TableFragment] = list(tables)
    columns: list[Line] = []
    for line in lines:
        if line.x0 < gutter - 3 and line.x1 > gutter + 3:
            spanning.append(line)
        else:
            columns.append(line)
    spanning.sort(key=lambda item: item.top)
    pending = sorted(columns, key=lambda line: line.top)
    for anchor in spanning:
        above = [line for line in pending if line.top < anchor.top]
        pending = [line for line in pending if line.top >= anchor.top]
        items.extend(_by_column(above, gutter))
        items.append(anchor)
    items.extend(_by_column(pending, gutter))
    return items


def _by_column(lines: list[Line], gutter: float) -> list[Line]:
    left = sorted((line for line in lines if line.x1 <= gutter + 3), key=lambda line: line.top)
    right = sorted((line for line in lines if line.x1 > gutter + 3), key=lambda line: line.top)
    return left + right


# --- running headers and footers ---------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^(?:(?:sida|page|s\.)\s*)?[-–(]?\s*\d{1,4}\s*(?:(?:av|of|/)\s*\d{1,4}|\(\s*\d{1,4}\s*\))?\s*[-–)]?$",
    re.IGNORECASE,
)


def furniture_key(line: Line, page_height: float) -> tuple[str, str] | None:
    """Return (zone, text with digits masked) for a line in the top or bottom margin, else None.

    The zones are "top" and "bottom": the margin bands, and the strips just inside them where a letterhead
    of several lines runs on (see :func:`in_margin_band`).
    """
    if line.bottom <= page_height * FORM_MARGIN_SHARE:
        zone = "top"
    elif line.top >= page_height * (1 - FORM_MARGIN_SHARE):
        zone = "bottom"
    else:
        return None
    return zone, _DIGITS.sub("#", line.text.casefold())


def in_margin_band(line: Line, page_height: float) -> bool:
    """Return whether a line lies in the narrow top or bottom margin band (not the strips inside it)."""
    return line.bottom <= page_height * MARGIN_SHARE or line.top >= page_height * (1 - MARGIN_SHARE)


def find_furniture(pages: list[tuple[float, list[Line]]]) -> set[tuple[str, str]]:
    """Return the margin texts (zone, masked text) that repeat across pages: running headers and footers.

    A margin text is furniture when it recurs on at least half the pages (and on two or more); one seen in
    the strips just inside the margin bands must recur on most pages (70 %, three or more). A page number
    alone ("7", "Sida 7 av 21", "2 (3)") in a margin band is furniture on any document of two or more pages.
    """
    counts: Counter[tuple[str, str]] = Counter()
    inside: set[tuple[str, str]] = set()
    for height, lines in pages:
        keys: set[tuple[str, str]] = set()
        for line in lines:
            key = furniture_key(line, height)
            if key is not None:
                keys.add(key)
                if not in_margin_band(line, height):
                    inside.add(key)
        counts.update(keys)
    n_pages = len(pages)
    found = {
        key
        for key, n in counts.items()
        if n >= 2 and n >= 0.5 * n_pages and (key not in inside or (n >= 3 and n >= 0.7 * n_pages))
    }
    if n_pages >= 2:
        for height, lines in pages:
            for line in lines:
                key = furniture_key(line, height)
                if key is not None and in_margin_band(line, height) and _PAGE_NUMBER.match(line.text.strip()):
                    found.add(key)
    return found


def is_furniture(line: Line, page_height: float, furniture: set[tuple[str, str]]) -> bool:
    """Return whether a line is a running header, footer or page number."""
    key = furniture_key(line, page_height)
    if key is None:
        return False
    if key in furniture:
        return True
    if not in_margin_band(line, page_height):
        return False
    # A margin line that is a known footer text followed by a page number ("Svenljunga kommun Sida 3 av 21").
    return any(key[0] == zone and key[1].startswith(text) for zone, text in furniture if len(text) > 3)


def body_size(lines: list[Line]) -> float:
    """Return the most common font size of the text, weighted by characters."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[round(line.size, 1)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def typical_pitch(lines: list[Line]) -> dict[float, float]:
    """Return, per font size, the median distance between the tops of consecutive lines in a paragraph."""
    pitches: dict[float, list[float]] = {}
    for prev, line in zip(lines, lines[1:], strict=False):
        if prev.page != line.page or round(prev.size, 1) != round(line.size, 1):
            continue
        delta = line.top - prev.top
        if 0.8 * line.size < delta < 2.5 * line.size:
            pitches.setdefault(round(line.size, 1), []).append(delta)
    # The lower quartile: line pitch inside paragraphs, not the wider gaps between paragraphs and list items.
    return {size: sorted(values)[len(values) // 4] for size, values in pitches.items()}


# --- furniture a reader recognises on one page --------------------------------------------------------------

# Small type: at most this share of the document's body size.
SMALL_TYPE_SHARE = 0.85
_FORM_DATA = Path(__file__).parent / "data" / "pdf_furniture.toml"


@lru_cache(maxsize=1)
def _form_labels() -> tuple[frozenset[str], frozenset[str]]:
    """Return the contact-block labels and the signature-box labels (data/pdf_furniture.toml)."""
    data = tomllib.loads(_FORM_DATA.read_text("utf-8"))
    return frozenset(data["contact_labels"]), frozenset(data["signature_labels"])


def _label_key(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip().rstrip(":.").strip()


def _in_form_band(line: Line, page_height: float) -> bool:
    return line.bottom <= page_height * FORM_MARGIN_SHARE or line.top >= page_height * (1 - FORM_MARGIN_SHARE)


def form_furniture(lines: list[Line], page_height: float, body: float) -> set[int]:
    """Return the ids of a page's lines that are a contact block or signature boxes, known by their form.

    A row of small type in the top or bottom margin band is a contact block when two or more of its parts are
    contact labels (POSTADRESS, TELEFON, ...); the small type in the band adjoining it (the addresses and
    numbers under the labels) belongs to the block. A row of small type holding a signature-box label
    ("Justerandes signatur", "Utdragsbestyrkande") is furniture. Nothing here needs a second page.
    """
    contact, signature = _form_labels()
    small = [
        line for line in lines if _in_form_band(line, page_height) and line.size <= SMALL_TYPE_SHARE * body
    ]
    found: set[int] = set()
    for row in group_line_rows(small):
        parts = [_label_key(part) for line in row for part in re.split(r"\s{2,}|\t", line.text)]
        words = [_label_key(word) for line in row for word in line.text.split()]
        contacts = sum(1 for part in parts if part in contact) or sum(1 for word in words if word in contact)
        if contacts >= 2:
            top, bottom = min(x.top for x in row), max(x.bottom for x in row)
            reach = 3 * max(x.size for x in row)
            found.update(
                id(x) for x in small if x.top < bottom + reach and x.bottom > top - reach
            )
        elif any(part in signature for part in parts):
            found.update(id(x) for x in row)
    return found


# --- rows: one visual line drawn in pieces, or the rows of an unruled table ---------------------------------

# Segments starting within this many points of each other are in the same column.
COLUMN_TOLERANCE = 4.0


def group_line_rows(lines: list[Line]) -> list[list[Line]]:
    """Group line segments that share a baseline (a visual row), rows top-down, segments left to right."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda x: (x.bottom, x.x0)):
        if rows:
            last = rows[-1]
            ref = last[0]
            if abs(line.bottom - ref.bottom) <= 0.3 * max(line.size, ref.size, 1.0) and line.page == ref.page:
                last.append(line)
                continue
        rows.append([line])
    for row in rows:
        row.sort(key=lambda x: x.x0)
    return rows


def merge_segments(row: list[Line]) -> Line:
    """Join the segments of one visual row into one line ("§ 1" + "Dnr KFKS 2018/3")."""
    if len(row) == 1:
        return row[0]
    first = row[0]
    longest = max(row, key=lambda x: len(x.text))
    return Line(
        text=" ".join(x.text for x in row),
        x0=min(x.x0 for x in row),
        x1=max(x.x1 for x in row),
        top=min(x.top for x in row),
        bottom=max(x.bottom for x in row),
        size=longest.size,
        bold=all(x.bold for x in row),
        italic=all(x.italic for x in row),
        page=first.page,
        bold_prefix=first.bold_prefix,
    )


def _starts(row: list[Line]) -> list[float]:
    return [x.x0 for x in row[1:]]


def _aligned(a: list[Line], b: list[Line]) -> bool:
    """Whether two multi-segment rows share a column (a later segment of each starts at the same x)."""
    return any(abs(x - y) <= COLUMN_TOLERANCE for x in _starts(a) for y in _starts(b))


def _column_starts(rows: list[list[Line]]) -> list[float]:
    starts: list[float] = []
    for x in sorted(seg.x0 for row in rows for seg in row):
        if not starts or x - starts[-1] > COLUMN_TOLERANCE:
            starts.append(x)
    return starts


def _column_of(x: float, starts: list[float]) -> int:
    index = 0
    for i, start in enumerate(starts):
        if start <= x + COLUMN_TOLERANCE:
            index = i
    return index


def _row_table(rows: list[list[Line]], page: int) -> TableFragment:
    """An unruled table from aligned rows: cells by column start; a wrapped cell's lines joined."""
    starts = _column_starts([row for row in rows if len(row) > 1])
    cells_rows: list[list[TableCell | None]] = []
    bold_rows: list[bool] = []
    for row in rows:
        cells: list[list[Line]] = [[] for _ in starts]
        for seg in row:
            cells[_column_of(seg.x0, starts)].append(seg)
        if len(row) == 1 and cells_rows:  # a wrapped cell: its next line, under the cell it continues
            column = _column_of(row[0].x0, starts)
            cell = cells_rows[-1][column]
            if cell is not None and cell.text:
                cell.text = f"{cell.text} {row[0].text}"
                cell.bottom = row[0].bottom
                continue
        table_cells: list[TableCell | None] = []
        for segs in cells:
            if segs:
                table_cells.append(
                    TableCell(
                        min(s.x0 for s in segs),
                        min(s.top for s in segs),
                        max(s.x1 for s in segs),
                        max(s.bottom for s in segs),
                        " ".join(s.text for s in segs),
                    )
                )
            else:
                table_cells.append(None)
        cells_rows.append(table_cells)
        bold_rows.append(all(seg.bold for seg in row))
    segments = [seg for row in rows for seg in row]
    return TableFragment(
        page,
        min(s.x0 for s in segments),
        min(s.top for s in segments),
        max(s.x1 for s in segments),
        max(s.bottom for s in segments),
        cells_rows,
        bold_rows,
    )


def structure_rows(lines: list[Line], gutter: float | None) -> tuple[list[Line], list[TableFragment]]:
    """Read a page's visual rows as a person does: a lone row drawn in pieces is one line; two or more rows
    whose pieces line up in columns, or a row whose later cell wraps onto lines under it, are an unruled
    table.

    Pages with a column gutter are left as they are: there, pieces of a row belong to different columns.
    """
    if gutter is not None or not lines:
        return lines, []
    rows = group_line_rows(lines)
    out: list[Line] = []
    tables: list[TableFragment] = []
    run: list[list[Line]] = []

    def close() -> None:
        multi = [row for row in run if len(row) > 1]
        if len(multi) >= 2 or (multi and len(run) > len(multi)):  # aligned rows, or a row with a wrapped cell
            tables.append(_row_table(run, run[0][0].page))
        else:
            out.extend(merge_segments(row) for row in run)
        run.clear()

    for row in rows:
        size = max(x.size for x in row)
        last_multi = next((r for r in reversed(run) if len(r) > 1), None)
        near = bool(run) and row[0].top - max(x.bottom for x in run[-1]) < 1.2 * size
        if len(row) > 1:
            if last_multi is not None and near and _aligned(last_multi, row):
                run.append(row)
                continue
            close()
            run.append(row)
        elif last_multi is not None and near and _continues_cell(row[0], last_multi, run[-1]):
            run.append(row)
        else:
            close()
            out.append(row[0])
    close()
    return out, tables


def _continues_cell(line: Line, header: list[Line], previous: list[Line]) -> bool:
    """Whether a lone segment under a table row is the next line of one of the row's cells (not the first)."""
    starts = [x.x0 for x in header]
    column = next((i for i, x in enumerate(starts) if abs(line.x0 - x) <= COLUMN_TOLERANCE), None)
    under = any(abs(p.x0 - line.x0) <= COLUMN_TOLERANCE for p in previous)
    return column is not None and column > 0 and under
