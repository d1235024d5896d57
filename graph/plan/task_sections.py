"""Sections that hand out tasks: "Roller och ansvar" and "Uppdrag".

Cue rules of graph.plan.sections for two heading cues (cues.toml). Under "Roller och ansvar" each subheading
names owners (graph.plan.actors.parse_owners) and every sentence or list item under it is an activity of
theirs. Under "Uppdrag" the first statement is the goal, further statements are strategies towards it, and
listed tasks are activities, owned by whoever the goal sentence makes its subject ("Förvaltningen ska ...").
"""

from __future__ import annotations

import re

from graph.plan.actors import parse_owners
from graph.plan.drafts import Draft, Reading
from graph.plan.linking import goal_above
from graph.plan.model import Owner
from graph.plan.outline import Section
from graph.plan.text import ends_with_colon, sentences
from ingest.model import BlockKind

# Owner lists longer than this that name a multi-word organisation are a heading, not the owners of a role.
_MAX_ROLE_OWNERS = 3
# The subject of a mission's first statement ("Förvaltningen ska ...", "Nätverket arbetar ...").
_MISSION_SUBJECT = re.compile(r"^(\S+(?:\s+\S+){0,3}?)\s+(?:ska|har|är|verkar|arbetar)\b")


def read_roles(r: Reading, section: Section) -> None:
    """Under "Roller och ansvar": each subheading names owners, the sentences under it are their tasks."""
    if section.heading is None or section.cue:
        return
    owners = parse_owners(r.blocks[section.heading].text)
    named_units = any(o.kind == "organisation" and " " in o.label for o in owners)
    if not owners or (named_units and len(owners) > _MAX_ROLE_OWNERS):
        return
    r.drafts.consumed.add(section.heading)
    for b in section.body:
        block = r.blocks[b]
        if block.kind not in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM):
            continue
        spans = [(0, len(block.text))] if block.kind is BlockKind.LIST_ITEM else sentences(block.text)
        for s, e in spans:
            r.drafts.add_item("activity", b, s, e, owners=list(owners), group=section.heading)


def read_mission(r: Reading, section: Section, body: list[int]) -> None:
    """Under "Uppdrag": first statement the goal, further ones strategies, listed tasks activities."""
    goal: Draft | None = None
    owner: list[Owner] = []
    i = 0
    while i < len(body):
        b = body[i]
        block = r.blocks[b]
        if block.kind is BlockKind.PARAGRAPH and ends_with_colon(block.text):
            j = i + 1
            while j < len(body) and r.blocks[body[j]].kind is BlockKind.LIST_ITEM:
                r.drafts.add_item("activity", body[j], parent=goal, owners=list(owner), group=section.heading)
                j += 1
            i = max(j, i + 1)
            continue
        if block.kind is BlockKind.PARAGRAPH:
            if goal is None:
                goal = r.drafts.add(
                    "goal", b, 0, len(block.text), parent=goal_above(r, section), group=section.heading
                )
                owner = _mission_owners(block.text)
            else:
                r.drafts.add("strategy", b, 0, len(block.text), parent=goal, group=section.heading)
        elif block.kind is BlockKind.LIST_ITEM:
            r.drafts.add_item("activity", b, parent=goal, owners=list(owner), group=section.heading)
        i += 1


def _mission_owners(text: str) -> list[Owner]:
    """The owners a mission's goal sentence makes its subject (people excluded)."""
    m = _MISSION_SUBJECT.match(text)
    if not m:
        return []
    return [o for o in parse_owners(m.group(1)) if o.kind != "person"]
