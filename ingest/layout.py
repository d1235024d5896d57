"""Page layout analysis (pure): characters -> lines -> reading order -> lines ready for blocking.

The input is what any PDF backend can give: characters with boxes and font properties, in page coordinates
with ``top`` measured from the top of the page. Nothing here opens a file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

# A gap between characters wider than this many font sizes starts a new line segment (a new column or cell).
SEGMENT_GAP_EM = 1.5
# ... unless the PDF put a space character in the gap (justified text): then the gap must be this wide.
JUSTIFIED_GAP_EM = 4.0
# A gap wider than this many font sizes is a space between words.
WORD_GAP_EM = 0.25
# The share of the page height at the top and bottom where running headers and footers live.
MARGIN_SHARE = 0.11


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
    """Return (zone, text with digits masked) for a line in the top or bottom margin, else None."""
    if line.bottom <= page_height * MARGIN_SHARE:
        zone = "top"
    elif line.top >= page_height * (1 - MARGIN_SHARE):
        zone = "bottom"
    else:
        return None
    return zone, _DIGITS.sub("#", line.text.casefold())


def find_furniture(pages: list[tuple[float, list[Line]]]) -> set[tuple[str, str]]:
    """Return the margin texts (zone, masked text) that repeat across pages: running headers and footers.

    A margin text is furniture when it recurs on at least half the pages (and on two or more); a page number
    alone ("7", "Sida 7 av 21", "2 (3)") in a margin is furniture on any document of two or more pages.
    """
    counts: Counter[tuple[str, str]] = Counter()
    for height, lines in pages:
        keys = {furniture_key(line, height) for line in lines}
        counts.update(key for key in keys if key is not None)
    n_pages = len(pages)
    found = {key for key, n in counts.items() if n >= 2 and n >= 0.5 * n_pages}
    if n_pages >= 2:
        for height, lines in pages:
            for line in lines:
                key = furniture_key(line, height)
                if key is not None and _PAGE_NUMBER.match(line.text.strip()):
                    found.add(key)
    return found


def is_furniture(line: Line, page_height: float, furniture: set[tuple[str, str]]) -> bool:
    """Return whether a line is a running header, footer or page number."""
    key = furniture_key(line, page_height)
    if key is None:
        return False
    if key in furniture:
        return True
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
