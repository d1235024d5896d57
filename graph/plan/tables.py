"""Plan tables: activity | ansvar | klart rows become activities with owners and deadlines.

A cue rule of graph.plan.sections and graph.plan.labels. A table is a plan table when its header names an
owner or a deadline column (cues.toml [table]; a combined "Ansvar/Klart" cell is split by
ingest.dates.split_owner_deadline). The activity column is the one its header names, else the first. A row
whose activity cell is lettered ("a) ...") or stands alone in a longer table is a strategy (the same text
under the same topic is the same strategy); other rows are activities of the strategy above, of the area or
goal a context column names ("Utvecklingsområde", "Mål"; a number refers to a numbered goal, an empty cell
continues the one above), else of the goal the section serves (graph.plan.linking.activity_parent).
"""

from __future__ import annotations

import re

from graph.plan.actors import parse_owners
from graph.plan.drafts import Draft, Reading
from graph.plan.lexicon import lexicon
from graph.plan.linking import activity_parent, goal_above, group_element, referred_goal
from graph.plan.model import Owner
from graph.plan.outline import Section, topic_of
from graph.plan.text import fold, marker_of, normalise, same_statement, split_marker
from ingest.dates import split_owner_deadline
from ingest.model import CELL_SEPARATOR, Block


def column_roles(header: list[str]) -> tuple[int | None, int | None, int | None]:
    """The activity, owner and deadline columns a header names (the first of each), or None."""
    act = owner = deadline = None
    for n, cell in enumerate(header):
        kinds = [k for k, p in lexicon().table.kinds if p.search(cell)]
        if "activity" in kinds and act is None:
            act = n
        if "owner" in kinds and owner is None:
            owner = n
        if "deadline" in kinds and deadline is None:
            deadline = n
    return act, owner, deadline


def context_columns(header: list[str], act: int) -> list[tuple[int, str]]:
    """Columns before or beside the activity that name what it serves: (column, "priority_area" |
    "goal"), areas first ("Utvecklingsområde | Insats", "Mål | Aktivitet")."""
    out = []
    for n, cell in enumerate(header):
        if n == act:
            continue
        kinds = [k for k, p in lexicon().table.kinds if p.search(cell)]
        if kinds and kinds[0] in ("area", "goal"):
            out.append((n, "priority_area" if kinds[0] == "area" else "goal"))
    return sorted(out, key=lambda x: x[1] != "priority_area")


def cell_offsets(block: Block) -> list[int]:
    """Where each cell of a table row starts in the row's text."""
    offsets, pos = [], 0
    for cell in block.cells or []:
        found = block.text.find(cell, pos) if cell else pos
        found = pos if found < 0 else found
        offsets.append(found)
        pos = found + len(cell)
        if block.text.startswith(CELL_SEPARATOR, pos):
            pos += len(CELL_SEPARATOR)
    return offsets


def owners_and_deadline(
    cells: list[str], owner_col: int | None, deadline_col: int | None
) -> tuple[list[Owner], str | None]:
    """A row's owners and deadline from its columns (one "Ansvar/Klart" column split in two)."""
    owners: list[Owner] = []
    deadline = None
    if owner_col is not None and owner_col < len(cells):
        if owner_col == deadline_col:
            owner_text, deadline = split_owner_deadline(cells[owner_col])
            owners = parse_owners(owner_text)
        else:
            owners = parse_owners(cells[owner_col])
    if deadline_col is not None and deadline_col != owner_col and deadline_col < len(cells):
        deadline = normalise(cells[deadline_col]) or None
    return owners, deadline


def read_table(r: Reading, rows: list[int], section: Section, strategy: Draft | None = None) -> None:
    """A plan table: activity | ansvar | klart, "Ansvar/Klart" split, letter rows are strategies.
    ``strategy``: what the rows serve when the table stands in a unit under a strategy heading."""
    header = next((b for b in rows if r.blocks[b].header), None)
    if header is None:
        return
    act, owner_col, deadline_col = column_roles(r.blocks[header].cells or [])
    if owner_col is None and deadline_col is None:
        return
    act = 0 if act is None else act
    group = topic_of(section)
    current = strategy
    above = context_columns(r.blocks[header].cells or [], act)
    row_parent: dict[int, Draft] = {}  # column -> the area or goal its cell (or one above it) names
    for b in rows:
        block = r.blocks[b]
        if block.header or not block.cells or act >= len(block.cells):
            continue
        cells = block.cells
        offsets = cell_offsets(block)
        cell = cells[act]
        if not cell.strip():
            continue
        start, end = offsets[act], offsets[act] + len(cell)
        marker, _rest, _off = split_marker(cell)
        others = [c for n, c in enumerate(cells) if n != act and c.strip()]
        if marker == "letter" or (not others and marker != "number" and strategy is None and len(rows) > 2):
            current = table_strategy(r, b, start, end, section, marker_of(cell)) or current
            continue
        owners, deadline = owners_and_deadline(cells, owner_col, deadline_col)
        for col, kind in above:
            draft = column_element(r, b, col, kind, offsets, section, row_parent.get(col))
            if draft is not None:
                row_parent[col] = draft
        parent = (
            current
            or next((row_parent[c] for c, _k in reversed(above) if c in row_parent), None)
            or activity_parent(r, section, b)
        )
        r.drafts.add_item(
            "activity", b, start, end, parent=parent, group=group, owners=owners, deadline=deadline
        )


def column_element(
    r: Reading, b: int, col: int, kind: str, offsets: list[int], section: Section, last: Draft | None
) -> Draft | None:
    """The area or goal a row's cell names: a number refers to a numbered goal ("1", "Mål 2"); the
    same text as the row above is the same element; an empty cell continues the one above."""
    cells = r.blocks[b].cells or []
    cell = cells[col] if col < len(cells) else ""
    if not cell.strip():
        return last
    number = re.fullmatch(r"\s*(?:[\wåäö]*mål\w*\s*)?(\d{1,2}(?:\.\d{1,2})?)\s*", cell, re.IGNORECASE)
    if number:
        return referred_goal(r, f" mål {number.group(1)}")
    if last is not None and fold(last.text) == fold(cell):
        return last
    start = offsets[col]
    parent = goal_above(r, section)
    return r.drafts.add_item(kind, b, start, start + len(cell), parent=parent, group=topic_of(section))


def table_strategy(
    r: Reading, b: int, start: int, end: int, section: Section, letter: str | None
) -> Draft | None:
    """The strategy a lettered (or lone) row states: one already found under the same topic that says the
    same, else a new one."""
    text = r.blocks[b].text[start:end]
    group = topic_of(section)
    for draft in reversed(r.drafts.items):
        if draft.kind != "strategy" or draft.group != group:
            continue
        if (
            letter and draft.letter == letter and same_statement(draft.text, split_marker(text)[1])
        ) or same_statement(draft.text, split_marker(text)[1]):
            return draft
    return r.drafts.add_item(
        "strategy",
        b,
        start,
        end,
        parent=goal_above(r, section) or group_element(r, section),
        group=group,
        letter=letter,
    )
