"""Lists and the lead-ins before them: what a run of list items holds.

A cue rule of graph.plan.sections. A lead-in is a paragraph ending in a colon ("har följande framkommit:",
"prioriterar två utvecklingsområden:") or a short unpunctuated subheading the reader did not see
("Åtgärder för mål 1"); the cue nearest its colon (a subheading's first cue) says what the list after it
holds, and a numbered goal it names is what the items serve. Without a lead-in the section's governing cue
decides. In a run of items, lettered items followed by numbered ones are strategies with their activities;
under an activity cue, dash items after a run opened by a dot bullet are sub-points, not activities.
"""

from __future__ import annotations

import re

from graph.plan.drafts import Draft, Reading
from graph.plan.forum_rules import forum_item
from graph.plan.lexicon import lexicon
from graph.plan.linking import activity_parent, goal_above, group_element, matching_goal, referred_goal
from graph.plan.model import GOAL_KINDS
from graph.plan.numbering import numbered_lines
from graph.plan.outline import BULLET_START, SECTION_ITEM_WORDS, Section, heading_kind, marker_kind, topic_of
from graph.plan.paragraphs import SHORT_PARAGRAPH_WORDS
from graph.plan.text import ends_with_colon, marker_of, word_count
from ingest.model import Block, BlockKind

_LISTED = (*GOAL_KINDS, "strategy", "activity", "challenge", "forum")
# "... inom tre områden, vilka ...:": a lead-in announcing areas without naming another kind.
_AREAS_LEAD_IN = re.compile(
    r"\bområden?a?\b(?![^:]*\b(?:mål|åtgärd|aktivitet|strategi|utmaning))[^:]*:\s*$", re.IGNORECASE
)


def is_subheading(r: Reading, body: list[int], i: int) -> bool:
    """A short unpunctuated paragraph with a heading cue, right before a list: a subheading the reader
    did not see ("Åtgärder för mål 1" in plain text)."""
    text = r.blocks[body[i]].text.strip()
    return (
        i + 1 < len(body)
        and r.blocks[body[i + 1]].kind is BlockKind.LIST_ITEM
        and word_count(text) <= SECTION_ITEM_WORDS
        and not re.search(r"[.!?;,]$", text)
        and heading_kind(text) in _LISTED
    )


def _lead_in_kind(text: str, context: str | None) -> str | None:
    """What the list after a lead-in holds: the cue nearest its colon (a subheading's first), "external"
    for national steering documents, else the section's cue where that names a kind of list."""
    if lexicon().external.search(text):
        kind = "external"
    elif not ends_with_colon(text):
        kind = heading_kind(text)
    else:
        kind = lexicon().lead_in.nearest_end(text)
    if _AREAS_LEAD_IN.search(text) and context in GOAL_KINDS and kind not in ("priority_area", "challenge"):
        kind = context
    if kind is None:
        kind = context if context in (*GOAL_KINDS, "activity", "challenge") else None
    return kind


def lead_in(r: Reading, body: list[int], i: int, section: Section, context: str | None) -> int:
    """A paragraph ending in a colon (or a subheading the reader missed): what follows is of the kind its
    nearest cue names; a numbered goal it names is what the list serves. Returns the next body index."""
    b = body[i]
    text = r.blocks[b].text
    kind = _lead_in_kind(text, context)
    j = i + 1
    run = []
    while j < len(body) and r.blocks[body[j]].kind is BlockKind.LIST_ITEM:
        run.append(body[j])
        j += 1
    if kind in (None, "external"):
        return j if run else i + 1
    if kind == "activity" and BULLET_START.match(text) and word_count(text) <= 6:
        # "- Nätverksträffar:": a bullet the reader took for a paragraph, with its sub-points after it.
        r.drafts.add_item("activity", b, parent=goal_above(r, section), group=topic_of(section))
    if run:
        read_list(r, run, section, kind, parent=referred_goal(r, text))
        return j
    # No list: a single short paragraph is the one element announced ("Vårt prioriterade område är:").
    if j < len(body) and r.blocks[body[j]].kind is BlockKind.PARAGRAPH and kind in (*GOAL_KINDS, "challenge"):
        nxt = r.blocks[body[j]].text
        if word_count(nxt) <= SHORT_PARAGRAPH_WORDS and not ends_with_colon(nxt):
            r.drafts.add_item(kind, body[j], parent=goal_above(r, section), group=topic_of(section))
            return j + 1
    return i + 1


def read_list(
    r: Reading, run: list[int], section: Section, kind: str | None, parent: Draft | None = None
) -> None:
    """A run of list items: lettered then numbered items are strategies with activities; else by kind.
    ``parent``: what the items serve when their lead-in says so ("Åtgärder för mål 1:")."""
    referred = parent
    kinds = [marker_kind(r.blocks[b]) for b in run]
    group = topic_of(section)
    if "letter" in kinds and "number" in kinds and kinds.index("letter") < kinds.index("number"):
        strategy: Draft | None = None
        for b, k in zip(run, kinds, strict=True):
            if k == "letter":
                strategy = strategy_item(r, b, section)
            elif strategy is not None:
                r.drafts.add_item("activity", b, parent=strategy, group=group)
        return
    if kind == "strategy":
        for b in run:
            strategy_item(r, b, section)
        return
    if kind not in (*GOAL_KINDS, "activity", "challenge", "forum"):
        return
    first = bullet(r.blocks[run[0]])
    parent = goal_above(r, section) if kind in (*GOAL_KINDS, "activity") else None
    if kind == "activity":
        parent = referred or activity_parent(r, section, run[0])
    if kind == "priority_area" and parent is not None and parent.block == section.heading:
        kind = "goal"  # the goals of a priority area listed under its heading
    if kind == "activity" and parent is None and section.heading is not None:
        parent = matching_goal(r, r.blocks[section.heading].text)
    for b in run:
        # Items with a dash after a run opened by a dot bullet are sub-points of the item before them.
        if first and first in "•●▪" and bullet(r.blocks[b]) in ("–", "-", "—") and kind == "activity":
            continue
        if kind == "forum":
            forum_item(r, b)
            continue
        if numbered_lines(r, b, section):
            continue
        r.drafts.add_item(kind, b, parent=parent, group=group)


def bullet(block: Block) -> str:
    """The bullet character of a list item ("•", "–"), from the reader's marker or the text."""
    marker = (block.marker or block.text).lstrip()
    return marker[:1]


def strategy_item(r: Reading, b: int, section: Section) -> Draft | None:
    """A list item that is a strategy (its letter kept, to pair it with a table row or a finding)."""
    marker = r.blocks[b].marker
    letter = marker_of(marker + " X") if marker else marker_of(r.blocks[b].text)
    return r.drafts.add_item(
        "strategy",
        b,
        parent=goal_above(r, section) or group_element(r, section),
        group=topic_of(section),
        letter=letter,
    )
