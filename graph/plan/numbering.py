"""Numbered elements: "Mål 1. Alla elever ...", "Delmål 2: ...", and headings "Mål 1: Ökad läsförmåga".

A cue rule of graph.plan.sections (and of lists and labels): a capitalised cue word, a number and a
separator open an element of the cue's kind (word lists in cues.toml); several such lines in one paragraph
(a plain-text reader joined them) are several elements. The number is kept on the draft so that headings
and table cells can refer to the goal by it ("Åtgärder för mål 1", graph.plan.linking.referred_goal).
"""

from __future__ import annotations

import re

from graph.plan.drafts import Draft, Reading
from graph.plan.lexicon import lexicon
from graph.plan.linking import activity_parent, goal_above
from graph.plan.model import GOAL_KINDS
from graph.plan.outline import Section, topic_of
from graph.plan.text import split_marker

# "Mål 1: Ökad läsförmåga", "Fokusområde 2 – Trygghet", "Mål 1. Alla elever ...": a cue word, a number,
# then the element.
CUE_PREFIX = re.compile(
    r"^\s*(?P<cue>[\wåäöÅÄÖ -]{2,40}?)\s*"
    r"(?:(?P<num>\d{1,2}(?:\.\d{1,2})?)\s*[.:–—)]|(?:\d{1,2}|[A-Z])?\s*(?:[:–—]|\s-))\s*(?=[^\d\s])"
)
# Numbered element lines ("Mål 1. Alla elever ...", "Delmål 2: ..."), also several run together in one
# paragraph when a plain-text reader joined the lines: a capitalised cue word, a number, a separator.
NUMBERED_CUE = re.compile(
    r"(?:^|(?<=[.!?:;]\s)|(?<=[.!?:;]))\s*(?P<cue>[A-ZÅÄÖ][\wåäö-]*)\s+(?P<num>\d{1,2}(?:\.\d{1,2})?)"
    r"\s*[.:–—)]\s+(?=[A-ZÅÄÖ0-9])"
)
_NUMBERED_KINDS = (*GOAL_KINDS, "strategy", "activity", "challenge")


def numbered_lines(r: Reading, b: int, section: Section) -> bool:
    """Read "Mål 1. Alla elever ...", "Åtgärd 2: ..." lines of block b (several when a reader joined them);
    whether the block was such lines."""
    text = r.blocks[b].text
    _marker, rest, offset = split_marker(text)
    found = []
    for m in NUMBERED_CUE.finditer(rest):
        kind = lexicon().heading.head(m.group("cue"))
        if kind in _NUMBERED_KINDS:
            found.append((m, kind))
    if not found or rest[: found[0][0].start()].strip():
        return False
    group = topic_of(section)
    for n, (m, kind) in enumerate(found):
        start = offset + m.end()
        end = offset + found[n + 1][0].start() if n + 1 < len(found) else len(text)
        number = m.group("num")
        if kind == "activity":
            r.drafts.add_activity(b, start, end, parent=activity_parent(r, section, b), group=group)
        elif kind == "challenge":
            r.drafts.add(kind, b, start, end, group=group, number=number)
        else:
            r.drafts.add(kind, b, start, end, parent=goal_above(r, section), group=group, number=number)
    return True


def cue_prefixed(r: Reading, section: Section) -> Draft | None:
    """A heading "Mål 1: Ökad läsförmåga" is an element of its cue's kind (the text after the separator)."""
    h = section.heading
    assert h is not None
    m = CUE_PREFIX.match(r.blocks[h].text)
    if not m or section.cue not in (*GOAL_KINDS, "strategy", "challenge"):
        return None
    if lexicon().heading.head(m.group("cue")) != section.cue:
        return None
    above = goal_above(r, section.parent) if section.parent else None
    return r.drafts.heading_element(
        h, section.cue, start=m.end(), parent=above, group=h, number=m.group("num")
    )
