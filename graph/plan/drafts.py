"""Draft elements: what the cue rules find, before duplicates are merged and ids given out.

Every rule module (graph.plan.labels, tables, numbering, lists, paragraphs, task_sections, forum_rules)
adds its elements through :class:`Drafts`, which cuts a span of a block to the element as written: list
markers, a goal's long trailing parenthesis, and an activity's inline "Ansvar: X" / "Klart: Y" fields are
taken off; an activity's owners come from those fields, else from the subject of its sentence
(graph.plan.actors.subject_owner), its deadline from the field, else a single date after a deadline word
("utvärdera i september"). :class:`Reading` is what one run of the rules shares: the outline
(graph.plan.outline) and the drafts so far. graph.plan.merge turns the drafts into elements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.plan.actors import parse_owners, subject_owner
from graph.plan.model import GOAL_KINDS, Owner
from graph.plan.outline import Outline
from graph.plan.text import normalise, split_marker, word_count
from ingest.dates import find_dates
from ingest.model import Block

# "..., ansvar: rektor", "(klart: VT24)": a field written inside an activity's text.
INLINE_FIELD = re.compile(
    r"(?:[,.;(]\s*|\s+)(?P<label>ansvarig[a]?|ansvar|klart|tidplan|när|deadline)\s*:\s*(?P<value>[^.;()]+)\)?",
    re.IGNORECASE,
)
# The word before a date that makes it a deadline ("senast", "klart", "under", "i").
_DEADLINE_PREP = re.compile(r"(?:senast|klart|klar|till|före|innan|under|i|by)\s+$", re.IGNORECASE)
_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")


@dataclass(eq=False)
class Draft:
    """An element before ids are given out (offsets in its block's text)."""

    kind: str
    text: str
    block: int
    start: int
    end: int
    parent: Draft | None = None
    addresses: list[Draft] = field(default_factory=list)
    owners: list[Owner] = field(default_factory=list)
    deadline: str | None = None
    frequency: str | None = None
    group: int | None = None  # the section heading the element belongs to (pairs challenges and strategies)
    letter: str | None = None  # list letter ("a") of a strategy
    number: str | None = None  # the number a document gives a goal ("Mål 2") to refer to it
    merged_into: Draft | None = None


@dataclass
class Drafts:
    """The drafts of one document in the order the rules found them, the headings read as elements, and the
    blocks already read (no other rule reads them again)."""

    blocks: list[Block]
    items: list[Draft] = field(default_factory=list)
    by_heading: dict[int, Draft] = field(default_factory=dict)
    consumed: set[int] = field(default_factory=set)

    def add(self, kind: str, block: int, start: int, end: int, **kw) -> Draft | None:
        """Add the element a span of a block states (edge punctuation trimmed); None for an empty span."""
        text = self.blocks[block].text
        while start < end and text[start] in " \t\n-–•:":
            start += 1
        while end > start and text[end - 1] in " \t\n:;,":
            end -= 1
        if end <= start or word_count(text[start:end]) == 0:
            return None
        draft = Draft(kind, normalise(text[start:end]), block, start, end, **kw)
        self.items.append(draft)
        return draft

    def add_item(
        self, kind: str, block: int, start: int | None = None, end: int | None = None, **kw
    ) -> Draft | None:
        """Add an element from a block (or part of it) with its list marker removed."""
        text = self.blocks[block].text
        start = 0 if start is None else start
        end = len(text) if end is None else end
        _marker, _rest, offset = split_marker(text[start:end])
        start += offset
        if kind in GOAL_KINDS:
            paren = _TRAILING_PAREN.search(text[start:end])
            if paren and word_count(paren.group(1)) >= 4 and paren.start() > 0:
                end = start + paren.start()
        if kind == "activity":
            return self.add_activity(block, start, end, **kw)
        return self.add(kind, block, start, end, **kw)

    def add_activity(
        self,
        block: int,
        start: int,
        end: int,
        owners: list[Owner] | None = None,
        deadline: str | None = None,
        **kw,
    ) -> Draft | None:
        """Add an activity; inline "Ansvar:"/"Klart:" fields and a subject owner are read from its text."""
        text = self.blocks[block].text
        owners = list(owners or [])
        for m in INLINE_FIELD.finditer(text, start, end):
            value = m.group("value").strip()
            if m.group("label").lower().startswith("ansvar"):
                owners = owners or parse_owners(value)
            else:
                deadline = deadline or value
            end = min(end, m.start())
        draft = self.add("activity", block, start, end, **kw)
        if draft is None:
            return None
        if not owners:
            owner = subject_owner(draft.text)
            owners = [owner] if owner else []
        draft.owners = owners
        draft.deadline = deadline or inline_deadline(draft.text)
        return draft

    def heading_element(self, h: int, kind: str, **kw) -> Draft | None:
        """The element a heading states (added once; the heading is then read)."""
        if h in self.by_heading:
            return self.by_heading[h]
        draft = self.add_item(kind, h, **kw)
        if draft is not None:
            self.by_heading[h] = draft
            self.consumed.add(h)
        return draft


def inline_deadline(text: str) -> str | None:
    """A single date in an activity's text after a deadline word ("utvärdera i september")."""
    mentions = find_dates(text)
    if len(mentions) != 1 or mentions[0].char_start is None:
        return None
    mention = mentions[0]
    if mention.kind not in ("month", "term", "date", "period") or re.fullmatch(r"\d{4}", mention.text):
        return None
    before = text[: mention.char_start]
    if not _DEADLINE_PREP.search(before) or re.search(r"\bfrån\s+$", before, re.IGNORECASE):
        return None
    return mention.text


@dataclass
class Reading:
    """One run of the cue rules over one document: the outline it reads and the drafts found so far."""

    outline: Outline
    drafts: Drafts

    @property
    def blocks(self) -> list[Block]:
        """The document's blocks."""
        return self.outline.blocks
