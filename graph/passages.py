"""Passages: the units of search and of evidence, cut from a parsed document's blocks (pure).

Prose: runs of paragraphs and list items of one section and page, up to CHUNK_CHARS. Tables: one passage per
row (the rows that only label what follows, a table's title, its column header and its group rows, join the
first row under them), each described as a reader of the table understands it (``Passage.described``): the
labels above the row (the table's title, the goal or focus area of its row group) and its cells keyed by the
column header, "Resultatindikatorer: Gy: Total frånvaro (%); Utfall 2016: 14,6; Mål 2019: 10". A row alone
says nothing of what its numbers measure; its description is what the index embeds and tokenises.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from ingest.model import Block, BlockKind, ParsedDocument

# Passages longer than this are split at sentence ends (the embedding model reads at most 512 tokens).
MAX_PASSAGE_CHARS = 1200
# Consecutive short blocks of one section and page are joined into one passage up to this size: a list and
# the sentence that introduces it, the bullets of a slide. Alone, a list item such as "Löper över tre
# kalenderår (2021-2024)" does not say what it is about; with its lead-in it does.
CHUNK_CHARS = 1000
SECTION_SEPARATOR = " › "
LABEL_SEPARATOR = " › "  # between the labels above a table row in its description
CELL_SEPARATOR = "; "  # between a row's keyed cells in its description


@dataclass(frozen=True)
class Passage:
    """A span of a document's text with its page, section and the blocks it comes from."""

    index: int  # 0-based, in reading order within the document
    text: str  # as it stands in the document text (doc.text[char_start:char_end])
    char_start: int
    char_end: int
    page: int | None
    section: str  # the headings above, joined with " › "
    blocks: tuple[int, ...]  # indices into doc.blocks
    kind: str  # the block kind it came from: paragraph, list_item, table_row
    # Table rows: the labels above the row and its cells keyed by the column header (embedded and tokenised
    # in place of ``text``); empty for prose.
    described: str = ""

    @property
    def content_hash(self) -> str:
        """A hash of what is embedded (section and text or description), keying reused vectors and tokens."""
        return hashlib.sha256(f"{self.section}\n{self.described or self.text}".encode()).hexdigest()[:32]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"”])")
_NUMERIC = re.compile(r"^[\s\d.,:;%()+\-–−/*]*\d[\s\d.,:;%()+\-–−/*]*$")


def passages_of(doc: ParsedDocument) -> list[Passage]:
    """Cut a document into passages: runs of prose blocks of one section and page, and table rows.

    Headings are not passages of their own: they are the ``section`` of the passages under them. A prose
    block longer than CHUNK_CHARS stands alone, split at sentence ends when over MAX_PASSAGE_CHARS. A
    passage's text is the document text over its span (blocks separated as in the document).
    """
    descriptions = describe_rows(doc.blocks)
    passages: list[Passage] = []
    for group in _groups(doc, descriptions):
        first, last = doc.blocks[group[0]], doc.blocks[group[-1]]
        span_start, span_end = first.char_start, last.char_end
        text = doc.text[span_start:span_end]
        kinds = {doc.blocks[i].kind.value for i in group}
        kind = kinds.pop() if len(kinds) == 1 else "mixed"
        described = descriptions.get(group[-1], "") if kind == BlockKind.TABLE_ROW.value else ""
        pieces = _pieces(text) if len(group) == 1 and not described else [(0, len(text))]
        for start, end in pieces:
            passages.append(
                Passage(
                    index=len(passages),
                    text=text[start:end],
                    char_start=span_start + start,
                    char_end=span_start + end,
                    page=first.page,
                    section=SECTION_SEPARATOR.join(first.section),
                    blocks=tuple(group),
                    kind=kind,
                    described=described,
                )
            )
    return passages


def _groups(doc: ParsedDocument, descriptions: dict[int, str]) -> list[list[int]]:
    """Indices of the blocks each passage is made of, in reading order."""
    groups: list[list[int]] = []
    size = 0
    open_rows = False  # the last group is a run of label rows waiting for the row they label
    for index, block in enumerate(doc.blocks):
        if block.kind is BlockKind.HEADING or not block.text.strip():
            size = CHUNK_CHARS + 1  # a heading ends the run
            open_rows = False
            continue
        previous = doc.blocks[groups[-1][-1]] if groups else None
        if block.kind is BlockKind.TABLE_ROW:
            joins = (
                open_rows
                and previous is not None
                and previous.kind is BlockKind.TABLE_ROW
                and previous.page == block.page
                and previous.table == block.table
            )
            if joins:
                groups[-1].append(index)
            else:
                groups.append([index])
            open_rows = index not in descriptions  # a label row waits for the row it labels
            size = CHUNK_CHARS + 1  # rows never join prose
            continue
        open_rows = False
        fits = (
            previous is not None
            and previous.kind is not BlockKind.TABLE_ROW
            and size + len(block.text) + 2 <= CHUNK_CHARS
            and previous.page == block.page
            and previous.section == block.section
        )
        if fits:
            groups[-1].append(index)
            size += len(block.text) + 2
        else:
            groups.append([index])
            size = len(block.text)
    # A run of label rows that found no row to label is described by its own rows.
    for group in groups:
        last = doc.blocks[group[-1]]
        if last.kind is BlockKind.TABLE_ROW and group[-1] not in descriptions:
            descriptions[group[-1]] = "\n".join(_plain(doc.blocks[i]) for i in group)
    return groups


# ------------------------------------------------------------------------------------------ table rows


@dataclass
class _TableState:
    """What a reader carries down a table: its title lines, column header and the open row-group labels."""

    titles: list[str] = field(default_factory=list)
    header: list[str] | None = None
    # Open group labels: (level, text); level = (column, 0) for a lone label, (column, 1) for a label cell
    # of a row with several cells, so "UBN" above a goal row in the same column stays open under it.
    groups: list[tuple[tuple[int, int], str]] = field(default_factory=list)
    label_columns: int = 0  # leading columns whose empty cells are filled from the row group above
    width: int = 0


def describe_rows(blocks: list[Block]) -> dict[int, str]:
    """The description of every table row that states something (block index -> text).

    Rows that only label what follows (a title line, the column header, a group row such as "UBN" or a goal
    with its indicator group and no values) get no description: they are part of the rows' below.
    """
    out: dict[int, str] = {}
    tables = _tables(blocks)
    state_of: dict[int, _TableState] = {}
    for key, rows in tables.items():
        state = _start_table(blocks, rows, state_of.get(_continues(blocks, rows, tables)))
        state_of[key] = state
        marked = _own_header(blocks, rows)
        header_seen = state.header is not None and not marked
        for position, index in enumerate(rows):
            cells = _cells(blocks[index])
            filled = [c for c, cell in enumerate(cells) if cell]
            if not filled:
                continue
            if not header_seen:
                if _is_header(blocks[index], cells, position, marked):
                    state.header, header_seen = cells, True
                    continue
                if len(filled) == 1 and state.width >= 3:
                    state.titles.append(cells[filled[0]])
                    continue
                header_seen = True  # no column header above the first row that states something
            if _is_group_row(cells, filled, state.width):
                _open_group(state, cells, filled)
                continue
            leading = [c for c in filled if c < state.label_columns]
            if leading:  # a row naming its own row group closes the groups at its level first
                _close_groups(state, (leading[0], 1))
            out[index] = _describe(state, cells)
            state.groups += [((c, 1), cells[c]) for c in leading]  # ... and opens its group below
    return out


def _tables(blocks: list[Block]) -> dict[int, list[int]]:
    """Block indices of each table's rows, in reading order (keyed by the first row's index)."""
    tables: dict[int, list[int]] = {}
    current: dict[int | None, int] = {}
    previous_table: int | None = None
    for index, block in enumerate(blocks):
        if block.kind is not BlockKind.TABLE_ROW:
            previous_table = None
            continue
        same = previous_table is not None and blocks[previous_table].table == block.table
        if not same or block.table not in current:
            current[block.table] = index
            tables[index] = []
        tables[current[block.table]].append(index)
        previous_table = index
    return tables


def _continues(blocks: list[Block], rows: list[int], tables: dict[int, list[int]]) -> int | None:
    """The table this one goes on from: the one right before it, as wide, when this one has no header."""
    first = rows[0]
    if first == 0 or _own_header(blocks, rows):
        return None
    before = blocks[first - 1]
    if before.kind is not BlockKind.TABLE_ROW or before.table == blocks[first].table:
        return None
    owner = next((key for key, other in tables.items() if first - 1 in other), None)
    if owner is None or len(_cells(before)) != len(_cells(blocks[first])):
        return None
    return owner


def _own_header(blocks: list[Block], rows: list[int]) -> bool:
    return any(blocks[i].header for i in rows[:3])


def _start_table(blocks: list[Block], rows: list[int], before: _TableState | None) -> _TableState:
    """A table's state: a continued table inherits title, header and open groups; else a fresh one."""
    width = max(len(_cells(blocks[i])) for i in rows)
    state = (
        _TableState(list(before.titles), before.header, list(before.groups), before.label_columns, width)
        if before is not None
        else _TableState(width=width)
    )
    if before is None:
        state.label_columns = _label_columns([_cells(blocks[i]) for i in rows], width)
    return state


def _label_columns(rows: list[list[str]], width: int) -> int:
    """How many leading columns name a row group: often empty under a filled cell, with a value after."""
    count = 0
    for column in range(max(width - 2, 0)):
        stating = [cells for cells in rows if len(cells) > column + 1 and any(cells[column + 1 :])]
        empty = sum(1 for cells in stating if not cells[column])
        if len(stating) >= 3 and len(stating) - empty >= 1 and empty * 3 >= len(stating):
            count = column + 1
        else:
            break
    return count


def _cells(block: Block) -> list[str]:
    cells = block.cells if block.cells is not None else block.text.split("\t")
    return [" ".join(cell.split()) for cell in cells]


def _is_header(block: Block, cells: list[str], position: int, marked: bool) -> bool:
    """A column header: a row of 2+ cells the reader marked, or, in a table whose first rows hold a marked
    title line, the first row naming most of its columns with no number ("Fokusområden | Utfall 2016")."""
    filled = [cell for cell in cells if cell]
    if len(filled) < 2:
        return False
    if block.header:
        return True
    naming = len(filled) * 3 >= len(cells) * 2 and not any(_NUMERIC.match(c) for c in filled)
    return marked and position < 3 and naming


def _is_group_row(cells: list[str], filled: list[int], width: int) -> bool:
    """A row that labels the rows below (tables of 3+ columns): one cell, or leading cells and no values."""
    if width < 3:
        return False
    if len(filled) == 1:
        return True
    trailing_empty = width - 1 - filled[-1]
    numeric = any(_NUMERIC.match(cells[c]) for c in filled)
    return trailing_empty >= 2 and trailing_empty * 2 >= width and not numeric


def _open_group(state: _TableState, cells: list[str], filled: list[int]) -> None:
    """Open a group row's labels, closing those at or below its level (a wrapped lone label goes on)."""
    lone = len(filled) == 1
    if lone and state.groups:
        (column, kind), text = state.groups[-1]
        wrapped = column == filled[0] and kind == 0 and cells[filled[0]][:1].islower()
        if wrapped:
            state.groups[-1] = ((column, kind), f"{text} {cells[filled[0]]}")
            return
    _close_groups(state, (filled[0], 0 if lone else 1))
    state.groups += [((c, 0 if lone else 1), cells[c]) for c in filled]


def _close_groups(state: _TableState, level: tuple[int, int]) -> None:
    """Close the open group labels at or below a level."""
    state.groups = [(lv, text) for lv, text in state.groups if lv < level]


def _describe(state: _TableState, cells: list[str]) -> str:
    """The row as a reader understands it: the labels above it, then its cells keyed by the header."""
    labels = [*state.titles, *(text for _, text in state.groups)]
    header = state.header or []
    parts = []
    for column, cell in enumerate(cells):
        if not cell:
            continue
        key = header[column] if column < len(header) else ""
        parts.append(f"{key}: {cell}" if key and key != cell else cell)
    lines = [LABEL_SEPARATOR.join(dict.fromkeys(labels))] if labels else []
    return "\n".join([*lines, CELL_SEPARATOR.join(parts)])


def _plain(block: Block) -> str:
    return " | ".join(cell for cell in _cells(block) if cell)


# ------------------------------------------------------------------------------------------------ prose


def _pieces(text: str) -> list[tuple[int, int]]:
    """Split a long text at sentence ends into spans of at most MAX_PASSAGE_CHARS (where sentences allow)."""
    if len(text) <= MAX_PASSAGE_CHARS:
        return [(0, len(text))]
    cuts = [m.start() for m in _SENTENCE_END.finditer(text)]
    spans: list[tuple[int, int]] = []
    start = 0
    last_cut = None
    for cut in cuts:
        if cut - start > MAX_PASSAGE_CHARS and last_cut is not None and last_cut > start:
            spans.append((start, last_cut))
            start = last_cut + 1
        last_cut = cut
    spans.append((start, len(text)))
    # Strip the whitespace a cut leaves at a span's start.
    return [(s + (len(text[s:e]) - len(text[s:e].lstrip())), e) for s, e in spans if text[s:e].strip()]
