"""Forms that text takes when it was converted from a PDF: front matter, page comments, cell line breaks and
page furniture repeated at every page break (pure functions on strings; ingest/text.py applies them).

A PDF→Markdown conversion opens with YAML front matter (``namnd: "…"``, ``datum: "…"``), may mark pages with
``<!-- sida 3 -->``, writes a cell's lines as ``a<br>b`` and repeats each page's header and footer (the
letterhead, "SAMMANTRÄDESPROTOKOLL <date>", a page number, the signature box) as ordinary lines. Those
repeated lines are found by repetition alone: lines repeated in runs at many page breaks, never by the wording
of one document.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

_FRONT_OPEN = re.compile(r"^-{3}\s*$")
_FRONT_CLOSE = re.compile(r"^(?:-{3}|\.{3})\s*$")
_FRONT_FIELD = re.compile(r"^(?P<key>[A-Za-zÅÄÖåäö_][\wåäöÅÄÖ-]*)\s*:\s*(?P<value>.*?)\s*$")
_MAX_FRONT_LINES = 60
_HTML_PAGE = re.compile(r"^\s*<!--\s*(?:sida|sid\.?|page|s\.)\s*(?P<p>\d{1,4})\s*-->\s*$", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PIPE_ROW = re.compile(r"^\s*\|(?P<inner>.*)\|\s*$")
_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)
_CONJUNCTIONS = frozenset({"och", "eller", "samt", "till", "respektive", "resp", "som", "men"})
_CELL_MARKER = re.compile(r"^(?:[-*•▪–—]|\d{1,3}[.)]|[a-zåäö]\))$")

# Page furniture: a repeated line is repeated at least this often.
FURNITURE_MIN_REPEATS = 3
# A line is furniture when it stands in this share of the runs of repeated lines (the page breaks).
FURNITURE_RUN_SHARE = 0.4
_MIN_KEY_LETTERS = 4
# Running headers and footers of paged text: among the first or last EDGE_LINES lines of EDGE_PAGE_SHARE of
# the pages.
EDGE_LINES = 4
EDGE_PAGE_SHARE = 0.5
_NUMBERISH_MAX_CHARS = 24


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split YAML front matter (``---`` / ``key: value`` lines / ``---``) from the start of a text.

    Returns the fields (flat ``key: value`` pairs, quotes removed) and the text without the front matter;
    a text without front matter comes back unchanged with no fields.
    """
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or not _FRONT_OPEN.match(lines[start]):
        return {}, text
    fields: dict[str, str] = {}
    for end in range(start + 1, min(len(lines), start + 1 + _MAX_FRONT_LINES)):
        line = lines[end]
        if _FRONT_CLOSE.match(line):
            if not fields:
                return {}, text
            return fields, "\n".join(lines[end + 1 :])
        if not line.strip() or line.lstrip().startswith("#") or line.startswith((" ", "\t", "- ")):
            continue  # comments, nested values and list entries are not flat fields
        match = _FRONT_FIELD.match(line)
        if match is None:
            return {}, text
        fields[match.group("key")] = _unquote(match.group("value"))
    return {}, text


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].replace('\\"', '"')
    return value


def html_page_number(line: str) -> int | None:
    """Return N for a page-marker comment line ``<!-- sida N -->`` (or ``page N``), else None."""
    match = _HTML_PAGE.match(line)
    return int(match.group("p")) if match else None


def drop_html_comments(text: str) -> str:
    """Remove HTML comments from a text, except page-marker comments (``<!-- sida 3 -->``)."""
    if "<!--" not in text:
        return text
    return _HTML_COMMENT.sub(lambda m: m.group() if html_page_number(m.group()) is not None else "", text)


# --- pipe-table cells with <br> line breaks


def pipe_cells(line: str) -> list[str] | None:
    """Split a markdown pipe-table row into raw cells (escaped pipes kept), or None if it is not a row."""
    match = _PIPE_ROW.match(line)
    if match is None:
        return None
    return [cell.replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", match.group("inner"))]


def cell_lines(cell: str) -> list[str]:
    """Split a cell at its ``<br>`` breaks into its non-empty lines, a lone list marker joined to its text."""
    lines: list[str] = []
    for part in _BR.split(cell):
        part = re.sub(r"\s+", " ", part).strip()
        if not part:
            continue
        if lines and _CELL_MARKER.match(lines[-1]):
            lines[-1] = f"{lines[-1]} {part}"
        else:
            lines.append(part)
    return lines


def join_cell_lines(lines: Sequence[str]) -> str:
    """Join a cell's lines: a wrapped line (next starts in lower case, or a hyphen break) joins the previous
    one; other lines stay lines of their own (names, labels, values)."""
    text = ""
    for line in lines:
        if not text:
            text = line
        elif text.endswith("-") and len(text) > 1 and text[-2].isalnum() and line[:1].isalnum():
            conjunction = line.split()[0].strip(",.") in _CONJUNCTIONS
            text = f"{text} {line}" if conjunction else f"{text}{line}"  # as ingest.text.join_lines does
        elif line[:1].islower():
            text = f"{text} {line}"
        else:
            text = f"{text}\n{line}"
    return text


@dataclass
class PipeRow:
    """How one pipe row is read: as rows of cells, or as plain lines of text (a text box)."""

    rows: list[list[list[str]]] = field(default_factory=list)  # each row: cells, each cell: its lines
    lines: list[str] | None = None  # a box of text in one cell: its lines


def read_pipe_row(cells: list[str]) -> PipeRow:
    """Read the cells of a pipe row whose cells may hold ``<br>`` lines.

    Identical neighbouring cells are one cell (a conversion that doubled a text box). A row with one
    non-empty cell of several lines is a text box: its lines are text, not a table. Columns whose cells have
    the same number of lines are parallel (labels beside values): the row is one row per line.
    """
    split = [cell_lines(cell) for cell in cells]
    deduped: list[list[str]] = []
    for lines in split:
        if lines and deduped and deduped[-1] == lines:
            continue
        deduped.append(lines)
    filled = [lines for lines in deduped if lines]
    if len(filled) == 1 and len(filled[0]) >= 2:
        return PipeRow(lines=filled[0])
    counts = {len(lines) for lines in split if len(lines) >= 2}
    single = [lines for lines in split if len(lines) == 1]
    if len(counts) == 1 and not single and sum(1 for lines in split if lines) >= 2:
        n = counts.pop()
        return PipeRow(rows=[[[lines[i]] if lines else [] for lines in split] for i in range(n)])
    return PipeRow(rows=[split])


# --- page furniture by repetition


def line_key(text: str) -> str:
    """Return the comparison key of a line: its words, case-folded; numbers and dates left out."""
    return " ".join(word.casefold() for word in _WORD.findall(text))


def is_numberish(text: str) -> bool:
    """Return whether a line holds no words, only a number, a date or a page count ("4", "2020-12-14")."""
    stripped = text.strip()
    return (
        bool(stripped)
        and len(stripped) <= _NUMBERISH_MAX_CHARS
        and any(ch.isdigit() for ch in stripped)
        and not any(ch.isalpha() for ch in stripped)
    )


def _canonical_keys(keys: Counter[str]) -> dict[str, str]:
    """Map an abbreviated key to the key it abbreviates ("justerandes sign" -> "justerandes signatur"): the
    same words but the last, which the longer key's last word starts with (and which is not rarer)."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for key in keys:
        words = key.split()
        if words:
            groups.setdefault(tuple(words[:-1]), []).append(key)
    mapping: dict[str, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        by_last = sorted((key.split()[-1], key) for key in members)
        lasts = [last for last, _ in by_last]
        for short in members:
            last = short.split()[-1]
            if len(last) < 3:
                continue
            for i in range(bisect.bisect_right(lasts, last), len(lasts)):
                if not lasts[i].startswith(last):
                    break
                long = by_last[i][1]
                if keys[long] >= keys[short]:
                    mapping[short] = long
    return mapping


@dataclass
class PageFurniture:
    """What the repetition finder decided: lines to drop, page numbers from the breaks, the texts dropped."""

    drop: set[int] = field(default_factory=set)
    pages: list[int] | None = None  # the page of every line, when page breaks were found
    furniture: list[str] = field(default_factory=list)


def _runs(members: Sequence[bool], blank: Sequence[bool]) -> list[list[int]]:
    """Maximal runs of member lines; blank lines neither break a run nor belong to it."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, (member, empty) in enumerate(zip(members, blank, strict=True)):
        if empty:
            continue
        if member:
            current.append(i)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _line_keys(parts: list[str] | None) -> list[str] | None:
    """The keys of a line's parts ("" for a number), or None when a part has too few letters to compare."""
    if parts is None:
        return None
    keys = []
    for part in parts:
        if not part.strip():
            continue
        key = "" if is_numberish(part) else line_key(part)
        if key and sum(ch.isalpha() for ch in key) < _MIN_KEY_LETTERS:
            return None
        keys.append(key)
    return keys


def find_page_furniture(parts: Sequence[list[str] | None], blank: Sequence[bool]) -> PageFurniture:
    """Find the page furniture of a text without page breaks, by repetition at page breaks.

    ``parts`` holds, for each line, the texts to compare: the line itself, the lines of a table row's cells,
    or None for a line that can never be furniture (a heading, a list item, an item "§ 12"). A key repeated
    at least FURNITURE_MIN_REPEATS times is a candidate; consecutive candidate lines form runs (page breaks:
    a footer, then the next page's header). A key standing in at least FURNITURE_RUN_SHARE of the runs is
    furniture; a line is furniture when all its parts are furniture, numbers, or words of furniture (a
    letterhead written in another order). Each run holding furniture is a page break.
    """
    keys, merged, canonical = _keyed(parts, blank)
    repeated = {k for k, n in merged.items() if n >= FURNITURE_MIN_REPEATS}
    runs = [
        run
        for run in _runs([_member(ks, repeated, set()) for ks in keys], blank)
        if sum(1 for i in run if any(k in repeated for k in keys[i] or [])) >= 2
    ]
    if len(runs) < FURNITURE_MIN_REPEATS:
        return PageFurniture()
    in_runs: Counter[str] = Counter()
    for run in runs:
        in_runs.update({k for i in run for k in keys[i] or [] if k})
    threshold = max(FURNITURE_MIN_REPEATS, FURNITURE_RUN_SHARE * len(runs))
    furniture = {k for k, n in in_runs.items() if n >= threshold}
    if not furniture or not _at_page_breaks(runs, keys, blank, furniture):
        return PageFurniture()
    words = _furniture_words(furniture, canonical)
    members = [_member(ks, furniture, words) for ks in keys]
    content = [not empty and not m for m, empty in zip(members, blank, strict=True)]
    first_content = next((i for i, c in enumerate(content) if c), len(content))
    last_content = max((i for i, c in enumerate(content) if c), default=-1)
    result = PageFurniture()
    breaks: list[int] = []
    for run in _runs(members, blank):
        exact = any(k in furniture for i in run for k in keys[i] or [])
        at_edge = run[-1] < first_content or run[0] > last_content
        if not exact and not at_edge:
            for i in run:
                content[i] = True
            continue
        result.drop.update(run)
        breaks.append(run[0])
    result.furniture = _written_forms(result.drop, keys, parts, furniture)
    result.pages = _pages_from_breaks(len(parts), breaks, content)
    return result


def _keyed(
    parts: Sequence[list[str] | None], blank: Sequence[bool]
) -> tuple[list[list[str] | None], Counter[str], dict[str, str]]:
    """The keys of every line (abbreviations mapped to their full form), how often each stands alone, and
    the abbreviations."""
    keys: list[list[str] | None] = []
    counts: Counter[str] = Counter()
    for line_parts, empty in zip(parts, blank, strict=True):
        line_keys = None if empty else _line_keys(line_parts)
        keys.append(line_keys)
        if line_keys is not None and len(line_keys) == 1:
            counts.update(k for k in line_keys if k)
    canonical = _canonical_keys(counts)
    merged: Counter[str] = Counter()
    for key, n in counts.items():
        merged[canonical.get(key, key)] += n
    keys = [[canonical.get(k, k) for k in ks] if ks is not None else None for ks in keys]
    return keys, merged, canonical


def _furniture_words(furniture: set[str], canonical: dict[str, str]) -> set[str]:
    """The words of the furniture keys and of their abbreviations ("sign" beside "signatur")."""
    keys = furniture | {short for short, long in canonical.items() if long in furniture}
    return {w for k in keys for w in k.split()}


def _member(ks: list[str] | None, allowed: set[str], words: set[str]) -> bool:
    """Whether a line is all furniture: allowed keys, numbers, or (given ``words``) words of furniture."""
    if not ks:
        return False
    return all(k == "" or k in allowed or (bool(words) and set(k.split()) <= words) for k in ks)


def _written_forms(
    drop: set[int], keys: list[list[str] | None], parts: Sequence[list[str] | None], furniture: set[str]
) -> list[str]:
    """Each furniture line once (first dropped first), in its most frequent written form."""
    forms: dict[str, Counter[str]] = {}
    for i in sorted(drop):
        for k, text in zip(keys[i] or [], [p for p in parts[i] or [] if p.strip()], strict=False):
            if k in furniture:
                forms.setdefault(k, Counter())[" ".join(text.split())] += 1
    return [counts.most_common(1)[0][0] for counts in forms.values()]


def find_edge_furniture(
    parts: Sequence[list[str] | None], blank: Sequence[bool], pages: Sequence[int | None]
) -> PageFurniture:
    """Find the running headers and footers of a text with known pages (form feeds), by repetition.

    A key among the first or last EDGE_LINES lines of at least half the pages (and of at least two) is
    furniture; each page loses the furniture lines (and page numbers) that open and close it.
    """
    keys, _, canonical = _keyed(parts, blank)
    by_page: dict[int, list[int]] = {}
    for i, (page, empty) in enumerate(zip(pages, blank, strict=True)):
        if not empty and page is not None:
            by_page.setdefault(page, []).append(i)
    if len(by_page) < FURNITURE_MIN_REPEATS:
        return PageFurniture()
    at_edges: Counter[str] = Counter()
    for lines in by_page.values():
        edge = lines[:EDGE_LINES] + lines[-EDGE_LINES:]
        at_edges.update({k for i in edge for k in keys[i] or [] if k})
    threshold = max(2, EDGE_PAGE_SHARE * len(by_page))
    furniture = {k for k, n in at_edges.items() if n >= threshold}
    if not furniture:
        return PageFurniture()
    words = _furniture_words(furniture, canonical)
    result = PageFurniture()
    for lines in by_page.values():
        for order in (lines, lines[::-1]):
            for i in order:
                if not _member(keys[i], furniture, words):
                    break
                result.drop.add(i)
    result.furniture = _written_forms(result.drop, keys, parts, furniture)
    return result


# --- layout-preserving text (pdftotext -layout): columns set apart by runs of spaces

_SEGMENT = re.compile(r"\S+(?: {1,2}\S+)*")
_COLUMN_GAP = re.compile(r"\S {3,}\S")
COLUMN_TOLERANCE = 2


def has_column_gap(line: str) -> bool:
    """Return whether a line holds a gap of three or more spaces between words (a column boundary)."""
    return bool(_COLUMN_GAP.search(line.rstrip()))


def page_columns(lines: Sequence[str]) -> list[int]:
    """The column starts of a page of layout text: clustered starts of the segments of its lines with gaps."""
    return _column_starts([_segments(line) for line in lines if has_column_gap(line)])


def _segments(line: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in _SEGMENT.finditer(line)]


def layout_rows(block: Sequence[str], columns: Sequence[int] | None = None) -> list[list[str] | None]:
    """Split a block of consecutive layout lines into cells at their column gaps.

    A block with fewer than two lines with gaps is text (None for every line). Otherwise the column starts
    (``columns``: the page's, so that the blocks of one table share them; by default the block's own) are
    clustered starts of text segments; every line from the first line with a gap on is a row with a cell
    per column the block uses, and the first (a segment goes to the nearest column); the lines before the
    first line with a gap stay text.
    """
    gapped = [has_column_gap(line) for line in block]
    if sum(gapped) < 2:
        return [None] * len(block)
    segments = [_segments(line) for line in block]
    if columns is None:
        columns = _column_starts([segs for segs, gap in zip(segments, gapped, strict=True) if gap])
    if len(columns) < 2:
        return [None] * len(block)
    first = gapped.index(True)
    rows: list[list[str]] = []
    for segs in segments[first:]:
        cells = [""] * len(columns)
        for start, text in segs:
            column = min(range(len(columns)), key=lambda c: abs(columns[c] - start))
            cells[column] = f"{cells[column]} {text}".strip()
        rows.append(cells)
    used = [c for c in range(len(columns)) if c == 0 or any(row[c] for row in rows)]
    if sum(1 for c in used if any(row[c] for row in rows)) < 2:
        return [None] * len(block)
    return [None] * first + [[row[c] for c in used] for row in rows]


PROSE_MIN_ROWS = 4
PROSE_MIN_WORDS = 3.5
PROSE_LOWER_SHARE = 0.5
PROSE_SINGLE_SHARE = 0.3


def is_prose_columns(rows: Sequence[list[str]]) -> bool:
    """Return whether rows split at column gaps are a page set in columns of running text, not a table.

    Running text in columns: several rows, long cells of mostly lower-case words, and many rows with text in
    one column only (the columns' lines do not share baselines); a table's rows fill several cells.
    """
    cells = [cell for row in rows for cell in row if cell]
    if len(rows) < PROSE_MIN_ROWS or not cells:
        return False
    words = [word for cell in cells for word in cell.split()]
    lettered = [word for word in words if word[:1].isalpha()]
    lower = sum(1 for word in lettered if word[:1].islower())
    single = sum(1 for row in rows if sum(1 for cell in row if cell) == 1)
    return (
        len(words) / len(cells) >= PROSE_MIN_WORDS
        and bool(lettered)
        and lower >= PROSE_LOWER_SHARE * len(lettered)
        and single >= PROSE_SINGLE_SHARE * len(rows)
    )


def _column_starts(lines: list[list[tuple[int, str]]]) -> list[int]:
    """Cluster the segment starts of lines into column starts supported by at least two lines."""
    starts = sorted({start for segs in lines for start, _ in segs})
    clusters: list[list[int]] = []
    for start in starts:
        if clusters and start - clusters[-1][-1] <= COLUMN_TOLERANCE:
            clusters[-1].append(start)
        else:
            clusters.append([start])
    columns = []
    for cluster in clusters:
        support = sum(1 for segs in lines if any(cluster[0] <= s <= cluster[-1] for s, _ in segs))
        if support >= 2 or not columns:
            columns.append(cluster[0])
    return columns


def _at_page_breaks(
    runs: list[list[int]], keys: list[list[str] | None], blank: Sequence[bool], furniture: set[str]
) -> bool:
    """Whether the runs of repeated lines are page breaks, not a repeated pattern of content ("Ansvar:
    Rektor" / "Klart: VT24" under every activity): most of them hold a page number, or the document opens
    with the furniture (its first page's letterhead)."""
    numbered = sum(1 for run in runs if any(keys[i] == [""] for i in run))
    if numbered >= FURNITURE_RUN_SHARE * len(runs) and numbered >= FURNITURE_MIN_REPEATS:
        return True
    first = next((i for i, empty in enumerate(blank) if not empty), None)
    opening = next((run for run in runs if run[0] == first), [])
    return any(k in furniture for i in opening for k in keys[i] or [])


def _pages_from_breaks(n: int, breaks: list[int], content: list[bool]) -> list[int]:
    """Number the pages: a break with content since the previous break starts a new page."""
    pages: list[int] = []
    page, seen_content = 1, False
    starts = set(breaks)
    for i in range(n):
        if i in starts and seen_content:
            page += 1
            seen_content = False
        if content[i]:
            seen_content = True
        pages.append(page)
    return pages
