"""Candidate units for the plan-block classifier: the pieces of a document that could be a plan element.

A unit is a heading, a sentence of a list item or paragraph, or a table cell that holds words (a scorecard's
goal cell, an activity cell). Each unit keeps its block index and its character span in ``doc.text`` so
that an element made from it can be quoted and cited; the context fields (section, column header, the
lead-in before a list) are what :mod:`graph.plan.features` reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.plan.text import normalise, sentences, split_marker
from ingest.model import CELL_SEPARATOR, Block, BlockKind, ParsedDocument

# Unit kinds (what part of a block a unit is).
UNIT_KINDS = ("heading", "paragraph", "list_item", "cell")
# A cell needs at least this many letters-words to be a unit (numbers and codes are no plan element).
MIN_CELL_WORDS = 2
# Longest unit kept (characters); longer sentences are run-on text that the reader failed to split.
MAX_UNIT_CHARS = 600
_WORD = re.compile(r"[A-Za-zÅÄÖåäöÉéÜü]{2,}")


@dataclass
class Unit:
    """One candidate element: its text as written and where it stands."""

    text: str  # whitespace normalised, list marker removed
    kind: str  # one of UNIT_KINDS
    block: int  # index into doc.blocks
    char_start: int  # span in doc.text
    char_end: int
    page: int | None
    level: int | None = None  # headings: level
    section: list[str] = field(default_factory=list)  # headings above, outermost first
    sentence: int = 0  # index of the sentence in its block (0 = first)
    sentences: int = 1  # number of sentences in its block
    column: int | None = None  # cells: column index
    columns: int | None = None  # cells: non-empty cells in the row
    column_header: str | None = None  # cells: the table's header text for this column
    table_row: int | None = None  # cells: row index within its table
    lead_in: str | None = None  # list items and paragraphs: the block before when it ends with a colon
    marker: str | None = None  # list items: the marker as written


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow a span to its text without surrounding whitespace and list markers."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sentence_units(doc: ParsedDocument, i: int, block: Block, kind: str, lead_in: str | None) -> list[Unit]:
    """Units for the sentences of a paragraph or list item (its marker removed)."""
    marker, _rest, offset = split_marker(block.text) if kind == "list_item" else (None, block.text, 0)
    body = block.text[offset:]
    spans = sentences(body)
    out = []
    for n, (s, e) in enumerate(spans):
        start, end = _trim(block.text, offset + s, offset + e)
        text = normalise(block.text[start:end])
        if not text or _words(text) == 0 or len(text) > MAX_UNIT_CHARS:
            continue
        out.append(
            Unit(
                text=text,
                kind=kind,
                block=i,
                char_start=block.char_start + start,
                char_end=block.char_start + end,
                page=block.page,
                section=list(block.section),
                sentence=n,
                sentences=len(spans),
                lead_in=lead_in,
                marker=marker or block.marker,
            )
        )
    return out


def _table_headers(doc: ParsedDocument) -> dict[int, list[str]]:
    """Per table, the header cells: the first of its first three rows with two or more filled cells."""
    rows: dict[int, list[Block]] = {}
    for block in doc.blocks:
        if block.kind is BlockKind.TABLE_ROW and block.table is not None:
            rows.setdefault(block.table, []).append(block)
    headers = {}
    for table, blocks in rows.items():
        for block in blocks[:3]:
            cells = block.cells or block.text.split(CELL_SEPARATOR)
            if sum(1 for c in cells if c.strip()) >= 2:
                headers[table] = [c.strip() for c in cells]
                break
    return headers


def _cell_units(
    doc: ParsedDocument, i: int, block: Block, headers: dict[int, list[str]], row: int
) -> list[Unit]:
    """Units for the cells of a table row that hold words."""
    cells = block.cells if block.cells is not None else block.text.split(CELL_SEPARATOR)
    header = headers.get(block.table) if block.table is not None else None
    if header is not None and [c.strip() for c in cells] == header:
        header = None  # the header row itself
    filled = sum(1 for c in cells if c.strip())
    out = []
    pos = 0
    for col, cell in enumerate(cells):
        # Cells stand in the block text joined by the cell separator, in order.
        found = block.text.find(cell, pos) if cell else -1
        if found < 0:
            pos += len(cell) + len(CELL_SEPARATOR)
            continue
        pos = found + len(cell)
        marker, _rest, offset = split_marker(cell)  # "a) ..." in a cell: the marker is no part of the text
        start, end = _trim(block.text, found + offset, found + len(cell))
        text = normalise(block.text[start:end])
        if _words(text) < MIN_CELL_WORDS or len(text) > MAX_UNIT_CHARS:
            continue
        out.append(
            Unit(
                text=text,
                kind="cell",
                block=i,
                char_start=block.char_start + start,
                char_end=block.char_start + end,
                page=block.page,
                section=list(block.section),
                column=col,
                columns=filled,
                column_header=header[col] if header and col < len(header) else None,
                table_row=row,
                marker=marker,
            )
        )
    return out


def find_units(doc: ParsedDocument) -> list[Unit]:
    """Every candidate unit of a document, in reading order."""
    headers = _table_headers(doc)
    rows_seen: dict[int, int] = {}
    units: list[Unit] = []
    lead_in: str | None = None  # the block before a list or paragraph when it ends with a colon
    for i, block in enumerate(doc.blocks):
        if block.kind is BlockKind.HEADING:
            text = normalise(block.text)
            if _words(text) and len(text) <= MAX_UNIT_CHARS:
                start, end = _trim(doc.text, block.char_start, block.char_end)
                unit = Unit(text, "heading", i, start, end, block.page, level=block.level)
                unit.section = list(block.section)
                units.append(unit)
            lead_in = None
        elif block.kind is BlockKind.TABLE_ROW:
            key = block.table if block.table is not None else -1 - i
            row = rows_seen.get(key, 0)
            rows_seen[key] = row + 1
            units += _cell_units(doc, i, block, headers, row)
            lead_in = None
        else:
            kind = "list_item" if block.kind is BlockKind.LIST_ITEM else "paragraph"
            after_list = i > 0 and doc.blocks[i - 1].kind is BlockKind.LIST_ITEM
            units += _sentence_units(
                doc, i, block, kind, None if kind == "paragraph" and after_list else lead_in
            )
            if kind == "paragraph":
                lead_in = normalise(block.text) if block.text.rstrip().endswith(":") else None
    return units
