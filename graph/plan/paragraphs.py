"""Paragraphs under a heading cue: a short paragraph is the one element the heading announces.

A cue rule of graph.plan.sections, the last it tries for a block. Any sentence opening like a goal ("Målet
är att ...", cues.toml [goal_sentence]) is a goal. Under a goal, area or challenge heading a paragraph of at
most SHORT_PARAGRAPH_WORDS words is one element of that kind (a longer one is prose, unless it is a list
whose line breaks were lost); under an activity heading a bullet or short paragraph is an activity; under a
vision heading the vision is the quoted text, a "Vår vision är ..." sentence, or a single short sentence.
"""

from __future__ import annotations

import re

from graph.plan.drafts import Reading
from graph.plan.lexicon import lexicon
from graph.plan.linking import goal_above
from graph.plan.numbering import CUE_PREFIX
from graph.plan.outline import BULLET_START, Section, topic_of
from graph.plan.text import sentences, word_count

# Longest paragraph (in words) read as one element under a goal or activity heading; longer ones are prose.
SHORT_PARAGRAPH_WORDS = 30
# A paragraph under a goal heading longer than this (characters) with no sentence punctuation is a list
# whose line breaks were lost, and is split where a lower-case word meets a capitalised one.
FLATTENED_LIST_CHARS = 200
_FLAT_SPLIT = re.compile(r"(?<=[a-zåäö])\s+(?=[A-ZÅÄÖ][a-zåäö]+\s+[a-zåäö])")
_QUOTED = re.compile(r"[”\"“„«]([^”\"“„»]{8,200})[”\"“»]")
_VISION_IS = re.compile(r"\b(?:vision|verksamhetsidé)\w*\s+är\b", re.IGNORECASE)


def read_paragraph(r: Reading, b: int, section: Section, context: str | None, has_lists: bool) -> None:
    """The elements a paragraph states under its governing cue (``has_lists``: its section has list items,
    which then hold the elements instead)."""
    text = r.blocks[b].text
    group = topic_of(section)
    for s, e in sentences(text):
        if lexicon().goal_sentence.match(text[s:e]) and context != "external":
            r.drafts.add("goal", b, s, e, parent=goal_above(r, section), group=group)
    if context == "vision":
        vision_paragraph(r, b, section)
        return
    if context in ("goal", "priority_area", "challenge") and not has_lists:
        if any(d.block == b for d in r.drafts.items):
            return
        if word_count(text) <= SHORT_PARAGRAPH_WORDS:
            r.drafts.add_item(context, b, parent=goal_above(r, section), group=group)
        elif len(text) > FLATTENED_LIST_CHARS and not re.search(r"[.!?](?:\s|$)", text):
            start = 0
            for m in [*_FLAT_SPLIT.finditer(text), None]:
                end = m.start() if m else len(text)
                r.drafts.add(context, b, start, end, parent=goal_above(r, section), group=group)
                start = m.end() if m else len(text)
        return
    bullet = bool(BULLET_START.match(text))
    short = word_count(text) <= SHORT_PARAGRAPH_WORDS
    if context == "activity" and (bullet or (not has_lists and short)):
        r.drafts.add_item("activity", b, parent=goal_above(r, section), group=group)


def vision_paragraph(r: Reading, b: int, section: Section) -> None:
    """The vision a paragraph under a vision heading states: quoted text, a "vision är" sentence, or the
    paragraph itself when it is one short sentence."""
    text = r.blocks[b].text
    found = False
    for m in _QUOTED.finditer(text):
        r.drafts.add("vision", b, m.start(1), m.end(1), group=section.heading)
        found = True
    for s, e in sentences(text):
        if _VISION_IS.search(text[s:e]):
            r.drafts.add("vision", b, s, e, group=section.heading)
            found = True
            break
    if not found and word_count(text) <= 25 and len(sentences(text)) == 1:
        m = CUE_PREFIX.match(text)
        start = m.end() if m and lexicon().heading.head(m.group("cue")) == "vision" else 0
        r.drafts.add_item("vision", b, start, group=section.heading)
