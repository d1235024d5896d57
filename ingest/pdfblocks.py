"""Turn ordered PDF lines and tables into blocks (pure): paragraphs, headings with levels, lists, rows."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.layout import Line, PageContent, TableFragment, body_size, typical_pitch
from ingest.model import CELL_SEPARATOR, Block, BlockKind
from ingest.toc import TocEntry, match_toc_entry

LIST_MARKER = re.compile(
    r"^(?P<marker>[•●○◦▪▫■□►▸▹‣⁃✓✔➢➤❖–—\-*]|\(?\d{1,2}[.)]|\(?[a-zåäö]\))(?=\s|$)\s*(?P<rest>.*)$"
)
# Words after a line-end hyphen that show the hyphen belongs to a compound pair ("barn- och utbildning").
_PAIR_WORDS = {"och", "eller", "samt", "till", "resp.", "respektive", "som"}
_SENTENCE_END = re.compile(r"[.!?:;]\s*[”\"')]*$")


@dataclass
class _Draft:
    lines: list[Line]
    kind: BlockKind = BlockKind.PARAGRAPH
    marker: str | None = None
    table: TableFragment | None = None


def join_lines(texts: list[str]) -> str:
    """Join the lines of a block, mending words hyphenated at the line end."""
    out = ""
    for text in texts:
        text = text.strip()
        if not out:
            out = text
            continue
        match = re.search(r"(\w)-$", out)
        first = text.split(" ", 1)[0]
        if match and first and first[0].islower() and first.casefold() not in _PAIR_WORDS:
            if match.group(1).isupper() or match.group(1).isdigit():
                out = out + text  # "SYV-" + "plan": the hyphen is part of the word
            else:
                out = out[:-1] + text  # "utveck-" + "ling"
        else:
            out = out + " " + text
    return re.sub(r"\s+", " ", out).strip()


def _starts_list(line: Line) -> re.Match[str] | None:
    return LIST_MARKER.match(line.text)


def _continues(prev: Line, line: Line) -> bool:
    """Whether a line that starts a new column or page continues the previous line's sentence."""
    return (
        not _SENTENCE_END.search(prev.text)
        and bool(line.text)
        and line.text[0].islower()
        and abs(prev.size - line.size) < 0.6
        and prev.bold == line.bold
    )


def draft_blocks(pages: list[PageContent]) -> list[_Draft]:
    """Group ordered lines into draft blocks by spacing, style, list markers and indentation."""
    all_lines = [item for page in pages for item in page.items if isinstance(item, Line)]
    pitch = typical_pitch(all_lines)
    drafts: list[_Draft] = []
    current: _Draft | None = None
    for page in pages:
        page_lines = [item for item in page.items if isinstance(item, Line)]
        for item in page.items:
            if isinstance(item, TableFragment):
                drafts.append(_Draft([], kind=BlockKind.TABLE_ROW, table=item))
                current = None
                continue
            line = item
            marker = _starts_list(line)
            if current is None or current.table is not None:
                current = _new_draft(line, marker)
                drafts.append(current)
                continue
            prev = current.lines[-1]
            if _breaks(prev, line, current, marker, pitch) or (
                _deliberate_break(prev, line, page_lines) and not _runs_on(prev, line)
            ):
                current = _new_draft(line, marker)
                drafts.append(current)
            else:
                current.lines.append(line)
    return drafts


def _runs_on(prev: Line, line: Line) -> bool:
    """Whether a line plainly carries on the previous line's sentence: same style, no sentence end before
    it, and it starts with a lower-case word (not a list marker)."""
    return (
        not _SENTENCE_END.search(prev.text)
        and line.text[:1].islower()
        and not LIST_MARKER.match(line.text)
        and abs(prev.size - line.size) < 0.6
        and prev.bold == line.bold
        and prev.italic == line.italic
    )


def _deliberate_break(prev: Line, line: Line, page_lines: list[Line]) -> bool:
    """Whether the previous line ended early although the next line's first word would have fit on it.

    Text that wraps fills its lines; a line that stops short of the column's right edge with room for the
    next word ended on purpose (a paragraph end, a list of short lines such as a web page's furniture).
    """
    if line.page != prev.page or line.top <= prev.top or not prev.text or not line.text:
        return False
    column = [x for x in page_lines if abs(x.x0 - prev.x0) < 40 and abs(x.size - prev.size) < 0.6]
    right_edge = max((x.x1 for x in column), default=prev.x1)
    char_width = (prev.x1 - prev.x0) / max(len(prev.text), 1)
    first_word = line.text.split(" ", 1)[0]
    room = right_edge - prev.x1
    # Glyph widths vary: the word must fit with half its width to spare before the break counts.
    return room > 1.5 * (len(first_word) + 1) * char_width and room > 2 * line.size


def _new_draft(line: Line, marker: re.Match[str] | None) -> _Draft:
    if marker:
        return _Draft([line], kind=BlockKind.LIST_ITEM, marker=marker.group("marker"))
    return _Draft([line])


def _breaks(prev: Line, line: Line, draft: _Draft, marker: re.Match[str] | None, pitch: dict) -> bool:
    if marker:
        return True
    if line.page != prev.page or line.top < prev.top - 1 or line.x0 > prev.x1:  # new page or new column
        return not _continues(prev, line)
    if abs(line.size - prev.size) >= 0.6:
        return True
    expected = pitch.get(round(line.size, 1), 1.4 * line.size)
    if line.top - prev.top > 1.3 * expected:
        # A wider gap ends a paragraph, unless the sentence plainly runs on across it (a stray empty line).
        return not (_runs_on(prev, line) and line.top - prev.top <= 2.2 * expected)
    if line.bold and not prev.bold:
        # An all-bold line after plain text starts a heading or an item, unless a bold phrase carries on
        # the sentence.
        if _SENTENCE_END.search(prev.text) or not line.text[:1].islower():
            return True
    elif prev.bold and not line.bold:
        # A bold heading followed by text breaks; a bold lead-in that runs on in plain text does not.
        short = len(" ".join(x.text for x in draft.lines)) < 160
        if all(x.bold for x in draft.lines) and short and not line.text[:1].islower():
            return True
    if line.italic != prev.italic and (prev.italic and all(lin.italic for lin in draft.lines)):
        return True
    first = draft.lines[0]
    if draft.kind is BlockKind.LIST_ITEM and line.x0 < first.x0 + 2:
        # List continuation lines are indented past the marker, unless the item's sentence plainly runs on
        # at the tight pitch of its own lines (numbered decisions set flush left).
        runs_on = not _SENTENCE_END.search(prev.text) and line.text[:1].islower()
        return not (runs_on and line.top - prev.top <= 1.15 * expected)
    if draft.kind is BlockKind.PARAGRAPH and line.x0 > first.x0 + 0.8 * line.size and len(draft.lines) > 1:
        return True  # an indented line after a paragraph's body
    return False


@dataclass
class HeadingStyle:
    """The visual style of a heading, used to rank heading levels."""

    size: float
    bold: bool
    italic: bool

    def key(self) -> tuple[float, bool, bool]:
        """Return a hashable key."""
        return (round(self.size, 1), self.bold, self.italic)


def _is_heading(draft: _Draft, base: float, toc: list[TocEntry]) -> bool:
    text = join_lines([line.text for line in draft.lines])
    if not text or len(draft.lines) > 4 or len(text) > 220:
        return False
    if draft.kind is BlockKind.LIST_ITEM:
        return _is_numbered_heading(draft, text, base)
    if toc and match_toc_entry(text, toc) is not None:
        return True
    size = max(line.size for line in draft.lines)
    if not any(ch.isalpha() for ch in text):
        return False
    if size >= base + 1.5 and len(text) <= 160:
        return True
    styled = all(line.bold for line in draft.lines) or all(line.italic for line in draft.lines)
    return styled and len(text) <= 110 and not _SENTENCE_END.search(text.rstrip('”"'))


_SECTION_NUMBER = re.compile(r"^\d{1,2}\.$")


def _is_numbered_heading(draft: _Draft, text: str, base: float) -> bool:
    """Whether a draft opening with a number ("1. Förvaltningens uppdrag") is a numbered heading.

    It is when set clearly larger than the body text, as an unnumbered heading would be. A bold numbered line
    at about body size stays a list item: in plans those are the numbered goals or focus areas of a list.
    """
    if not _SECTION_NUMBER.match(draft.marker or "") or len(draft.lines) > 2 or len(text) > 160:
        return False
    return max(line.size for line in draft.lines) >= base + 1.5


def to_blocks(pages: list[PageContent], toc: list[TocEntry]) -> list[Block]:
    """Turn the pages' ordered content into blocks; headings get TOC levels, else levels by style."""
    drafts = draft_blocks(pages)
    lines = [line for d in drafts for line in d.lines]
    base = body_size(lines)
    blocks: list[Block] = []
    heading_styles: list[tuple[Block, HeadingStyle]] = []
    table_ids = link_table_continuations(pages)
    first_cells: dict[int, Block] = {}  # per logical table: the last row with a first-column text
    for draft in drafts:
        if draft.table is not None:
            table_id = table_ids[id(draft.table)]
            rows = _table_blocks(draft.table, table_id)
            above = first_cells.get(table_id)
            if above is not None and rows and rows[0].cells:
                _carry_first_cell(above, rows)
            blocks.extend(rows)
            for row in rows:
                if row.cells and row.cells[0]:
                    first_cells[table_id] = row
            continue
        text = join_lines([line.text for line in draft.lines])
        page = draft.lines[0].page
        if _is_heading(draft, base, toc):
            block = Block(BlockKind.HEADING, text, page)
            entry = match_toc_entry(text, toc) if toc else None
            if entry is not None:
                block.level = entry.level
            style = HeadingStyle(
                max(line.size for line in draft.lines),
                all(line.bold for line in draft.lines),
                all(line.italic for line in draft.lines),
            )
            heading_styles.append((block, style))
            blocks.append(block)
        elif draft.kind is BlockKind.LIST_ITEM:
            match = LIST_MARKER.match(text)
            rest = match.group("rest") if match else text
            blocks.append(Block(BlockKind.LIST_ITEM, rest or text, page, marker=draft.marker))
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, text, page))
    _assign_levels(heading_styles)
    _demote_empty_headings(blocks, toc)
    return blocks


def _demote_empty_headings(blocks: list[Block], toc: list[TocEntry]) -> None:
    """A heading with nothing under it (the next block is a heading of its level or above, or the end) is
    text set in heading style — a caption after a list, a line on a cover page — unless the TOC lists it."""
    for i, block in enumerate(blocks):
        if block.kind is not BlockKind.HEADING or (toc and match_toc_entry(block.text, toc) is not None):
            continue
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        empty = following is None or (
            following.kind is BlockKind.HEADING and (following.level or 1) <= (block.level or 1)
        )
        if empty:
            block.kind = BlockKind.PARAGRAPH
            block.level = None


def _assign_levels(headings: list[tuple[Block, HeadingStyle]]) -> None:
    """Give headings without a TOC level one from their style, consistent with the TOC-matched headings."""
    rank = sorted({s.key() for _, s in headings}, key=lambda k: (-k[0], not k[1], not k[2]))
    matched: dict[tuple, Counter[int]] = {}
    for block, style in headings:
        if block.level is not None:
            matched.setdefault(style.key(), Counter())[block.level] += 1
    style_level: dict[tuple, int] = {key: counts.most_common(1)[0][0] for key, counts in matched.items()}
    if not style_level:
        for i, key in enumerate(rank):
            style_level[key] = min(i + 1, 6)
    else:
        # Unmatched styles: bigger than every matched one -> level 1; otherwise one below the nearest bigger.
        for i, key in enumerate(rank):
            if key in style_level:
                continue
            bigger = [style_level[k] for k in rank[:i] if k in style_level]
            style_level[key] = min(max(bigger) + 1, 6) if bigger else 1
    for block, style in headings:
        if block.level is None:
            block.level = style_level[style.key()]


def _compatible(a: str, b: str) -> bool:
    """Whether two cells of one row can be one cell: one is empty, or both hold the same words."""
    return not a or not b or (a == b and sum(ch.isalpha() for ch in a) >= 4)


def compact_columns(rows: list[list[str]]) -> list[list[str]]:
    """Merge the slivers of a ruling grid into the table's real columns.

    Where a table's rules do not line up from row to row, the table finder cuts it into many thin columns,
    and each row's text lands in a different sliver. Columns empty in every row are dropped, and a column is
    merged into its left neighbour when no row has different text in both (a cell split across slivers).
    """
    width = max((len(row) for row in rows), default=0)
    grid = [row + [""] * (width - len(row)) for row in rows]
    columns = [[row[j] for row in grid] for j in range(width) if any(row[j] for row in grid)]
    merged: list[list[str]] = []
    for column in columns:
        if merged and all(_compatible(a, b) for a, b in zip(merged[-1], column, strict=True)):
            merged[-1] = [a or b for a, b in zip(merged[-1], column, strict=True)]
        else:
            merged.append(column)
    return [[column[i] for column in merged] for i in range(len(grid))] if merged else [[] for _ in grid]


def join_wrapped_rows(rows: list[list[str]]) -> list[list[str]]:
    """Join a row that only continues one cell of a row above (a wrapped line the grid cut off) to that cell.

    Such a row has one non-empty cell and its text carries on the cell's sentence (it starts in lower case;
    the cell does not end one). In a later column the cell is in the row just above, a row of two or more
    filled cells; in the first column, which often spans a group of rows, it is the last first-column text
    above, however many rows of the group lie between.
    """
    out: list[list[str]] = []
    for row in rows:
        filled = [j for j, text in enumerate(row) if text]
        if out and _continues_header(out[-1], row, filled):
            out[-1] = [f"{a} {b}".strip() for a, b in zip(out[-1], row, strict=True)]
            continue
        target = _wrapped_target(out, row, filled[0]) if len(filled) == 1 else None
        if target is not None:
            j = filled[0]
            target[j] = join_lines([target[j], row[j]])
            continue
        out.append(list(row))
    return out


_YEAR = re.compile(r"^(?:19|20)\d\d(?:\s*[-–/]\s*(?:19|20)?\d\d)?$")


def _continues_header(previous: list[str], row: list[str], filled: list[int]) -> bool:
    """Whether a row of years finishes the header row above it ("Utfall | Mål" over "2016 | 2017").

    The row above has two or more filled cells; this row holds only years (or a short parenthesis such as
    "(utfall)"), each under a label of words without a number of its own.
    """
    if len(previous) != len(row) or not filled or sum(1 for text in previous if text) < 2:
        return False
    return all(
        (_YEAR.match(row[j]) or (row[j].startswith("(") and len(row[j]) <= 20))
        and previous[j]
        and not any(ch.isdigit() for ch in previous[j])
        for j in filled
    )


def _wrapped_target(out: list[list[str]], row: list[str], j: int) -> list[str] | None:
    """The row above whose cell j the lone text of ``row`` continues, or None."""
    text = row[j]
    if not text[:1].islower() or LIST_MARKER.match(text):
        return None
    candidates = out[-1:] if j else reversed(out)
    for previous in candidates:
        if len(previous) != len(row):
            return None
        if not previous[j]:
            continue
        if _SENTENCE_END.search(previous[j]):
            return None
        if j and sum(1 for cell in previous if cell) < 2:
            return None
        return previous
    return None


def _table_blocks(fragment: TableFragment, table_id: int) -> list[Block]:
    """Rows of one table fragment (its columns compacted), tagged with the logical table it belongs to."""
    blocks: list[Block] = []
    texts = join_wrapped_rows(
        compact_columns([[cell.text if cell else "" for cell in row] for row in fragment.rows])
    )
    for i, cells in enumerate(texts):
        if not any(cells):
            continue
        header = bool(fragment.bold_rows and i < len(fragment.bold_rows) and fragment.bold_rows[i] and i == 0)
        text = CELL_SEPARATOR.join(cells).strip()
        blocks.append(
            Block(BlockKind.TABLE_ROW, text, fragment.page, cells=cells, table=table_id, header=header)
        )
    return blocks


def continues_cell(above: str, text: str) -> bool:
    """Whether ``text`` carries on the cell text ``above`` (lower-case start; ``above`` ends no sentence)."""
    if not above or not text[:1].islower() or LIST_MARKER.match(text):
        return False
    return not _SENTENCE_END.search(above)


def _carry_first_cell(above: Block, rows: list[Block]) -> None:
    """Join the first-column text that opens a table's continuation on a new page to the first-column cell it
    continues on the page before (a merged cell the page break cut); the opening row keeps its other cells."""
    first = rows[0]
    assert above.cells is not None and first.cells is not None
    if not continues_cell(above.cells[0], first.cells[0]):
        return
    above.cells[0] = join_lines([above.cells[0], first.cells[0]])
    above.text = CELL_SEPARATOR.join(above.cells).strip()
    first.cells[0] = ""
    if any(first.cells):
        first.text = CELL_SEPARATOR.join(first.cells).strip()
    else:
        rows.pop(0)


def link_table_continuations(pages: list[PageContent]) -> dict[int, int]:
    """Return, for each table fragment (by id()), the logical table it belongs to across page breaks.

    A fragment at the top of a page that continues the last table of the previous page (that table ended the
    page's content, and the columns line up) belongs to the same logical table.
    """
    ids: dict[int, int] = {}
    next_id = 0
    previous_tail: TableFragment | None = None
    for page in pages:
        first = page.items[0] if page.items else None
        for item in page.items:
            if not isinstance(item, TableFragment):
                continue
            if (
                item is first
                and previous_tail is not None
                and _same_columns(previous_tail, item)
                and not (
                    item.bold_rows and item.bold_rows[0] and _first_row(item) == _first_row(previous_tail)
                )
            ):
                ids[id(item)] = ids[id(previous_tail)]
            else:
                ids[id(item)] = next_id
                next_id += 1
        last = page.items[-1] if page.items else None
        previous_tail = last if isinstance(last, TableFragment) else None
    return ids


def _first_row(fragment: TableFragment) -> list[str]:
    return [cell.text if cell else "" for cell in fragment.rows[0]] if fragment.rows else []


def _same_columns(a: TableFragment, b: TableFragment) -> bool:
    """Whether two fragments share the table's frame: the same left and right edges, and most column edges
    of the one with fewer columns at a column edge of the other (a page's rows may split a cell the other
    page's rows do not, so the edge sets need not be equal)."""
    ea, eb = a.column_edges(), b.column_edges()
    if abs(a.x0 - b.x0) >= 3 or abs(a.x1 - b.x1) >= 4 or not ea or not eb:
        return False
    fewer, more = (ea, eb) if len(ea) <= len(eb) else (eb, ea)
    matched = sum(1 for x in fewer if any(abs(x - y) <= 3 for y in more))
    return matched >= 0.75 * len(fewer)
