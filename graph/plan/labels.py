"""Label blocks: "Syfte: / Mål: / Åtgärder: / Ansvar: / Klart:" fields (label words in cues.toml [labels]).

A cue rule of graph.plan.sections, the first it tries. A section whose body holds at least two such fields,
one of them goals or activities, is a *unit* (:func:`read_unit`): its heading is a strategy (or the area or
goal its cue names), "Mål:" gives goals, "Nulägesanalys:" findings, "Åtgärder:" / "Så här gör vi:"
activities (a label with nothing after it and headings below: each heading is an activity), and the unit's
"Ansvar:" and "Klart:" are the owners and deadline of its activities. A label outside a unit
(:func:`loose_label`): "Mål: X" a goal, "Nulägesanalys: X" a finding, "Syfte: X" nothing, "Ansvar: X" /
"Klart: Y" the owner or deadline of the section's activities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.plan.actors import parse_owners
from graph.plan.drafts import Draft, Reading
from graph.plan.linking import goal_above
from graph.plan.model import GOAL_KINDS, Owner
from graph.plan.numbering import cue_prefixed
from graph.plan.outline import Outline, Section, topic_of
from graph.plan.tables import read_table
from graph.plan.text import sentences
from ingest.model import BlockKind

# Sentences that comment on the activities rather than name one.
_COMMENTARY = re.compile(r"^(?:det är|det finns|detta|dessa|här|nedan|ovan|se även)\b", re.IGNORECASE)


def is_unit(outline: Outline, section: Section) -> bool:
    """Whether a section is a unit: two or more label fields, goals or activities among them."""
    fields = {outline.labels[b][0] for b in section.body if b in outline.labels}
    return len(fields & {"purpose", "goal", "activity", "owner", "deadline"}) >= 2 and bool(
        fields & {"goal", "activity"}
    )


@dataclass
class _Unit:
    """What a unit has given so far: its heading's element, the goal above it, its goals and activities,
    and the owners and deadline its fields name."""

    head: Draft | None
    above: Draft | None
    goals: list[Draft] = field(default_factory=list)
    activities: list[Draft] = field(default_factory=list)
    owners: list[Owner] = field(default_factory=list)
    deadline: str | None = None


def read_unit(r: Reading, section: Section) -> None:
    """A "Syfte: / Mål: / Åtgärder:" block under a heading."""
    h = section.heading
    assert h is not None
    cue = section.cue if section.cue in GOAL_KINDS else None
    above = goal_above(r, section.parent) if section.parent else None
    head = cue_prefixed(r, section) if section.cue else None
    if head is None:
        head = r.drafts.heading_element(h, cue or "strategy", parent=above, group=h)
    unit = _Unit(head, above)
    current, waiting = _read_fields(r, section, unit)
    for t in sorted({r.blocks[b].table for b in section.body if r.blocks[b].kind is BlockKind.TABLE_ROW}):
        rows = [b for b in section.body if r.blocks[b].table == t and r.blocks[b].kind is BlockKind.TABLE_ROW]
        read_table(r, rows, section, head)
    if waiting and current == "activity":
        unit.activities += headings_as_activities(r, section, head)
    if head is not None and head.kind == "strategy" and len(unit.goals) == 1:
        head.parent = unit.goals[0]
    for a in unit.activities:
        if unit.owners and not a.owners:
            a.owners = list(unit.owners)
        if unit.deadline and not a.deadline:
            a.deadline = unit.deadline


def _read_fields(r: Reading, section: Section, unit: _Unit) -> tuple[str | None, bool]:
    """Read a unit's body field by field; the field open at the end and whether it is still empty."""
    current: str | None = None
    waiting = False  # a label with nothing after it yet
    last_kind: BlockKind | None = None
    for b in section.body:
        block = r.blocks[b]
        if b in r.outline.labels:
            current, offset = r.outline.labels[b]
            rest = block.text[offset:]
            waiting = not rest.strip()
            if not waiting:
                _content(r, unit, current, b, offset, len(block.text))
                if current == "owner":
                    unit.owners = parse_owners(rest)
                elif current == "deadline":
                    unit.deadline = rest.strip()
            last_kind = None
            continue
        if block.kind is BlockKind.TABLE_ROW:
            continue
        if block.kind is BlockKind.LIST_ITEM:
            if current in ("goal", "activity"):
                _content(r, unit, current, b, 0, len(block.text), item=True)
            waiting = False
            last_kind = block.kind
            continue
        # A paragraph: the content of a label just opened, else the end of the field.
        if waiting and current in ("goal", "activity"):
            _content(r, unit, current, b, 0, len(block.text))
            waiting = False
        elif last_kind is BlockKind.LIST_ITEM or not waiting:
            current = None
        last_kind = block.kind
    return current, waiting


def _content(
    r: Reading, unit: _Unit, fieldname: str, b: int, start: int, end: int, item: bool = False
) -> None:
    """The elements a field's text (or list item) gives: a finding, a goal, or activities (one a sentence
    in running text, commentary skipped)."""
    head = unit.head
    group = head.block if head else None
    if fieldname == "challenge":
        r.drafts.add_item("challenge", b, start, end, group=group)
    elif fieldname == "goal":
        parent = unit.above if head is None or head.kind == "strategy" else head
        draft = r.drafts.add_item("goal", b, start, end, parent=parent, group=group)
        if draft:
            unit.goals.append(draft)
    elif fieldname == "activity":
        text = r.blocks[b].text
        spans = [(start, end)] if item else [(start + s, start + e) for s, e in sentences(text[start:end])]
        for s, e in spans:
            if not item and _COMMENTARY.match(text[s:e]):
                continue
            draft = r.drafts.add_item("activity", b, s, e, parent=head, group=group)
            if draft:
                unit.activities.append(draft)


def headings_as_activities(r: Reading, section: Section, head: Draft | None) -> list[Draft]:
    """After an empty "Åtgärder:", the headings that follow (unit level or below) are activities."""
    out = []
    siblings = section.parent.children if section.parent else []
    after = siblings[siblings.index(section) + 1 :] if section in siblings else []
    for node in list(section.children) + after:
        if node.cue or is_unit(r.outline, node) or node.heading is None:
            break
        draft = r.drafts.heading_element(node.heading, "activity", parent=head)
        if draft:
            out.append(draft)
    return out


def loose_label(r: Reading, b: int, section: Section) -> None:
    """A label outside a unit: "Mål: X" a goal, "Nulägesanalys: X" a challenge; "Ansvar: X" / "Klart: Y"
    the owner or deadline of the section's activities."""
    fieldname, offset = r.outline.labels[b]
    value = r.blocks[b].text[offset:].strip()
    if fieldname in ("goal", "challenge") and value:
        # "Mål: ..." / "Nulägesanalys: ..." before a table or list: a goal (of the section's heading) or a
        # finding; "Syfte: ..." says why, and is no element.
        parent = goal_above(r, section) if fieldname == "goal" else None
        r.drafts.add_item(fieldname, b, offset, parent=parent, group=topic_of(section))
        return
    if fieldname not in ("owner", "deadline") or not value:
        return
    for draft in r.drafts.items:
        if draft.kind == "activity" and draft.block in section.body:
            if fieldname == "owner" and not draft.owners:
                draft.owners = parse_owners(value)
            elif fieldname == "deadline" and not draft.deadline:
                draft.deadline = value
