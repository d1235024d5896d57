"""Plan elements from a ParsedDocument: the rules, driven by headings, lead-ins, labels, lists and tables.

The document is read section by section (a section is a heading and the blocks up to the next heading;
in plain text, short numbered items followed by text, "2. Nämndens mål", are section headings too).
What a block is depends, in this order, on:

1. a "Syfte: / Mål: / Åtgärder:" block (a *unit*): the heading is a strategy (or the area/goal its cue
   names), "Mål:" gives goals, "Nulägesanalys:" findings, and "Åtgärder:" / "Så här gör vi:" activities
   (a label with nothing after it and headings below: each heading is an activity);
2. a plan table (header cells cue activity | ansvar | klart, or a combined "Ansvar/Klart"): letter rows
   ("a) ...") are strategies, other rows activities with owners and deadlines; a column naming an area
   ("Utvecklingsområde") or a goal ("Mål", by text or number) gives what each row serves;
3. numbered element lines ("Mål 1. ...", "Delmål 2: ...", several joined in one paragraph): the cue word
   gives the kind, the number lets "Åtgärder för mål 1" / "Aktiviteter kopplade till mål 1" refer to it;
4. a label paragraph outside a unit: "Mål: X" a goal, "Nulägesanalys: X" / "Utmaning: X" a finding,
   "Syfte: X" nothing; a goal so labelled is what the table or list after it serves;
5. a lead-in ending in a colon ("har följande framkommit:", "prioriterar två utvecklingsområden:") or a
   short unpunctuated subheading before a list: the cue nearest the colon (a subheading's first cue) says
   what the list after it holds;
6. the heading cue of the nearest heading above ("Mål", "Prioriterade områden", "Målområde: X",
   "Nämndmål: Y", "Strategier", "Aktiviteter", "Nulägesanalys", "Forum", "Roller och ansvar", "Uppdrag"):
   list items (and short paragraphs, empty subheadings) under it are elements of that kind; sections about
   follow-up ("Uppföljning", "Årshjul", "Så följer vi upp") hold no activities;
7. list numbering: letter items followed by numbered items are strategies with their activities.

Forums are meetings named in running text with a frequency or a "hålls/träffas" verb, by the noun phrase
of their meeting noun ("Förvaltningens ledningsgrupp", "Kvalitetsdialoger med nämnden", "pedagogiska
samtal"), or a group that gathers ("Skolledningen möts varje vecka"); a heading that only names the kind
("Forum för uppföljning") is a forum itself only when its sentences name none.
Headings and lead-ins that quote national steering documents (läroplan, skollag) are not the plan's own.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from graph.plan.actors import find_actors, parse_owners, subject_owner
from graph.plan.forums import sentence_forum
from graph.plan.frequency import find_frequencies
from graph.plan.lexicon import lexicon
from graph.plan.model import GOAL_KINDS, KINDS, Element, Owner, PlanExtraction
from graph.plan.text import (
    ends_with_colon,
    fold,
    marker_of,
    normalise,
    same_statement,
    sentences,
    split_marker,
    word_count,
)
from ingest.dates import find_dates, parse_deadline, split_owner_deadline
from ingest.model import CELL_SEPARATOR, Block, BlockKind, ParsedDocument

# Longest paragraph (in words) read as one element under a goal or activity heading; longer ones are prose.
SHORT_PARAGRAPH_WORDS = 30
# A paragraph under a goal heading longer than this (characters) with no sentence punctuation is a list
# whose line breaks were lost, and is split where a lower-case word meets a capitalised one.
FLATTENED_LIST_CHARS = 200
# Sentences that comment on the activities rather than name one.
_COMMENTARY = re.compile(r"^(?:det är|det finns|detta|dessa|här|nedan|ovan|se även)\b", re.IGNORECASE)
_INLINE_FIELD = re.compile(
    r"(?:[,.;(]\s*|\s+)(?P<label>ansvarig[a]?|ansvar|klart|tidplan|när|deadline)\s*:\s*(?P<value>[^.;()]+)\)?",
    re.IGNORECASE,
)
_DEADLINE_PREP = re.compile(r"(?:senast|klart|klar|till|före|innan|under|i|by)\s+$", re.IGNORECASE)
_QUOTED = re.compile(r"[”\"“„«]([^”\"“„»]{8,200})[”\"“»]")
_VISION_IS = re.compile(r"\b(?:vision|verksamhetsidé)\w*\s+är\b", re.IGNORECASE)
_FLAT_SPLIT = re.compile(r"(?<=[a-zåäö])\s+(?=[A-ZÅÄÖ][a-zåäö]+\s+[a-zåäö])")
# "Mål 1: Ökad läsförmåga", "Fokusområde 2 – Trygghet", "Mål 1. Alla elever ...": a cue word, a number,
# then the element.
_CUE_PREFIX = re.compile(
    r"^\s*(?P<cue>[\wåäöÅÄÖ -]{2,40}?)\s*"
    r"(?:(?P<num>\d{1,2}(?:\.\d{1,2})?)\s*[.:–—)]|(?:\d{1,2}|[A-Z])?\s*(?:[:–—]|\s-))\s*(?=[^\d\s])"
)
# Numbered element lines ("Mål 1. Alla elever ...", "Delmål 2: ..."), also several run together in one
# paragraph when a plain-text reader joined the lines: a capitalised cue word, a number, a separator.
_NUMBERED_CUE = re.compile(
    r"(?:^|(?<=[.!?:;]\s)|(?<=[.!?:;]))\s*(?P<cue>[A-ZÅÄÖ][\wåäö-]*)\s+(?P<num>\d{1,2}(?:\.\d{1,2})?)"
    r"\s*[.:–—)]\s+(?=[A-ZÅÄÖ0-9])"
)
# A reference to a numbered goal in a heading ("Åtgärder för mål 1", "Aktiviteter kopplade till mål 2").
_GOAL_REFERENCE = re.compile(
    r"(?<=\s)(?P<cue>[\wåäö-]*mål(?:et|område|området)?)\s+(?:nr\.?\s*|nummer\s+)?"
    r"(?P<num>\d{1,2}(?:\.\d{1,2})?)(?![\d.]\d)",
    re.IGNORECASE,
)
# A numbered list item that is a section heading of a plain-text plan ("2. Nämndens mål" followed by text):
# at most this many words.
SECTION_ITEM_WORDS = 8
# A heading numbered as a subsection ("3.1 Åtgärder för mål 1").
_SECTION_NUMBER = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})+)\.?\s+(?=\S)")
_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")
_BULLET_START = re.compile(r"^\s*[-–•]\s*")


def heading_kind(text: str) -> str | None:
    """What a heading announces: a kind of element, "roles", "mission", "plan" (strategies and activities
    together), "followup" (how the plan is followed up), or None. The earliest cue word not governed by a
    preposition decides ("mot målen" does not)."""
    lex = lexicon()
    text = _BULLET_START.sub("", text)
    if word_count(text) > 12:
        return None
    cue = lex.heading.head(text)
    if cue == "mission" and word_count(text) > 3:
        return None
    if cue == "strategy" and lex.heading.kinds_in(text) >= {"strategy", "activity"}:
        return "plan"  # "Strategier och aktiviteter": a part of the plan, not a list of strategies
    return cue


@dataclass(eq=False)
class _Draft:
    """An element before ids are given out."""

    kind: str
    text: str
    block: int
    start: int  # offsets in the block's text
    end: int
    parent: _Draft | None = None
    addresses: list[_Draft] = field(default_factory=list)
    owners: list[Owner] = field(default_factory=list)
    deadline: str | None = None
    frequency: str | None = None
    group: int | None = None  # the section heading the element belongs to (pairs challenges and strategies)
    letter: str | None = None  # list letter ("a") of a strategy
    number: str | None = None  # the number a document gives a goal ("Mål 2") to refer to it
    merged_into: _Draft | None = None


@dataclass
class _Section:
    """A structural heading (or the document start) and the blocks directly under it."""

    heading: int | None
    level: int
    body: list[int]
    parent: _Section | None = None
    children: list[_Section] = field(default_factory=list)
    cue: str | None = None
    external: bool = False

    def ancestors(self) -> list[_Section]:
        """This section's ancestors, nearest first."""
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out


class _Extractor:
    """One run of the rules over one document."""

    def __init__(self, doc: ParsedDocument, reference: dt.date | None):
        self.doc = doc
        self.blocks = doc.blocks
        self.reference = reference
        self.lex = lexicon()
        self.drafts: list[_Draft] = []
        self.heading_drafts: dict[int, _Draft] = {}
        self.consumed: set[int] = set()  # heading blocks already read as elements
        self.labels: dict[int, tuple[str, int]] = {}  # block -> (field, offset of the rest)
        for i, block in enumerate(self.blocks):
            label = self._label(block)
            if label:
                self.labels[i] = label
        self.section_items = self._section_items()
        self.root = self._sections()

    # ----------------------------------------------------------------- structure

    def _label(self, block: Block) -> tuple[str, int] | None:
        if block.kind not in (BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM):
            return None
        m = self.lex.label_re.match(block.text)
        if not m:
            return None
        if block.kind is BlockKind.HEADING and word_count(block.text[m.end() :]) > 3:
            return None
        return self.lex.labels[m.group(1).lower()], m.end()

    def _section_items(self) -> set[int]:
        """Numbered list items that are section headings of a plain-text plan ("2. Nämndens mål"): short,
        unpunctuated, followed by something other than a list item, and not alone in the document."""
        found = []
        # Under a heading that announces a list ("Fokusområden") numbered items are its items.
        listing = False
        listed = (*GOAL_KINDS, "strategy", "activity", "challenge", "forum")
        for i, block in enumerate(self.blocks):
            if block.kind is BlockKind.HEADING and not _SECTION_NUMBER.match(block.text):
                listing = heading_kind(block.text) in listed
            if block.kind is not BlockKind.LIST_ITEM or self._marker_kind(i) != "number" or listing:
                continue
            text = block.text.strip()
            nxt = self.blocks[i + 1] if i + 1 < len(self.blocks) else None
            prev = self.blocks[i - 1] if i > 0 else None
            in_list = prev is not None and prev.kind is BlockKind.LIST_ITEM
            in_list = in_list and self._marker_kind(i - 1) == "number"
            if (
                word_count(text) > SECTION_ITEM_WORDS
                or re.search(r"[.!?:;,]$", text)
                or nxt is None
                or nxt.kind is BlockKind.LIST_ITEM
                or in_list
            ):
                continue
            found.append(i)
        numbers = {marker_of(self.blocks[i].marker + " X") if self.blocks[i].marker else None for i in found}
        return set(found) if len(found) >= 2 and len(numbers) >= 2 else set()

    def _section_number(self, i: int) -> str | None:
        """The section number of a numbered section item or heading ("3", "3.1"), or None."""
        block = self.blocks[i]
        if i in self.section_items:
            return (block.marker or "1.").strip().strip(".")
        m = _SECTION_NUMBER.match(block.text)
        return m.group(1) if m else None

    def _is_structural(self, i: int) -> bool:
        block = self.blocks[i]
        if i in self.section_items:
            return True
        return (
            block.kind is BlockKind.HEADING and i not in self.labels and not _BULLET_START.match(block.text)
        )

    def _sections(self) -> _Section:
        root = _Section(None, 0, [])
        heads = [i for i in range(len(self.blocks)) if self._is_structural(i)]
        levels = {i: self.blocks[i].level or 1 for i in heads}
        # Numbered section items ("3.") and numbered headings ("3.1 ...") sit under the nearest heading
        # without a number, one level down per part of their number.
        base = 0
        for i in heads:
            number = self._section_number(i)
            if number is None:
                base = levels[i]
            elif self.section_items:
                levels[i] = base + number.count(".") + 1
        # Flat headings (plain-text readers give every heading the same level): a cue heading with nothing
        # under it adopts the same-level headings after it while their bodies are lists only.
        for n, h in enumerate(heads):
            if self._cue(self.blocks[h].text) not in (*GOAL_KINDS, "activity", "strategy", "challenge"):
                continue
            if n + 1 < len(heads) and heads[n + 1] == h + 1 and levels[heads[n + 1]] == levels[h]:
                for k in heads[n + 1 :]:
                    if levels[k] != levels[h] or self._cue(self.blocks[k].text):
                        break
                    body = self._direct_body(k, heads)
                    if any(self.blocks[b].kind is not BlockKind.LIST_ITEM for b in body):
                        break
                    levels[k] = levels[h] + 1
        stack = [root]
        for i, block in enumerate(self.blocks):
            if i in levels:
                while stack[-1].level >= levels[i] and stack[-1] is not root:
                    stack.pop()
                section = _Section(i, levels[i], [], parent=stack[-1])
                section.cue = self._cue(block.text)
                section.external = bool(self.lex.external.search(block.text))
                stack[-1].children.append(section)
                stack.append(section)
            else:
                stack[-1].body.append(i)
        # The document's title ("Åtgärdsplan efter ...") names the document, not what its sections list.
        if len(root.children) == 1 and not root.body and root.children[0].children:
            root.children[0].cue = None
        return root

    def _direct_body(self, h: int, heads: list[int]) -> list[int]:
        later = [k for k in heads if k > h]
        end = later[0] if later else len(self.blocks)
        return list(range(h + 1, end))

    def _cue(self, text: str) -> str | None:
        return heading_kind(text)

    def _context(self, section: _Section) -> tuple[str | None, _Section | None]:
        """The cue governing a section's blocks: its own or the nearest ancestor's ("external" under one)."""
        for node in [section, *section.ancestors()]:
            if node.external:
                return "external", node
            if node.cue:
                return node.cue, node
        return None, None

    # ----------------------------------------------------------------- drafts

    def _add(self, kind: str, block: int, start: int, end: int, **kw) -> _Draft | None:
        text = self.blocks[block].text
        while start < end and text[start] in " \t\n-–•:":
            start += 1
        while end > start and text[end - 1] in " \t\n:;,":
            end -= 1
        if end <= start or word_count(text[start:end]) == 0:
            return None
        draft = _Draft(kind, normalise(text[start:end]), block, start, end, **kw)
        self.drafts.append(draft)
        return draft

    def _add_item(self, kind: str, block: int, start: int | None = None, end: int | None = None, **kw):
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
            return self._add_activity(block, start, end, **kw)
        return self._add(kind, block, start, end, **kw)

    def _add_activity(self, block: int, start: int, end: int, owners=None, deadline=None, **kw):
        """Add an activity; inline "Ansvar:"/"Klart:" fields and a subject owner are read from its text."""
        text = self.blocks[block].text
        owners = list(owners or [])
        for m in _INLINE_FIELD.finditer(text, start, end):
            value = m.group("value").strip()
            if m.group("label").lower().startswith("ansvar"):
                owners = owners or parse_owners(value)
            else:
                deadline = deadline or value
            end = min(end, m.start())
        draft = self._add("activity", block, start, end, **kw)
        if draft is None:
            return None
        if not owners:
            owner = subject_owner(draft.text)
            owners = [owner] if owner else []
        draft.owners = owners
        draft.deadline = deadline or self._inline_deadline(draft.text)
        return draft

    def _inline_deadline(self, text: str) -> str | None:
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

    def _heading_element(self, h: int, kind: str, **kw) -> _Draft | None:
        if h in self.heading_drafts:
            return self.heading_drafts[h]
        draft = self._add_item(kind, h, **kw)
        if draft is not None:
            self.heading_drafts[h] = draft
            self.consumed.add(h)
        return draft

    def _goal_above(self, section: _Section) -> _Draft | None:
        """The goal-like element of the nearest heading above that is one, or that a heading refers to by
        number ("Åtgärder för mål 2")."""
        for node in [section, *section.ancestors()]:
            if node.heading is not None:
                draft = self.heading_drafts.get(node.heading)
                if draft is not None and draft.kind in GOAL_KINDS:
                    return draft
                referred = self._referred_goal(self.blocks[node.heading].text)
                if referred is not None:
                    return referred
        return None

    def _referred_goal(self, text: str) -> _Draft | None:
        """The numbered goal a heading refers to ("Åtgärder för mål 1"), if the document numbers its goals."""
        for m in _GOAL_REFERENCE.finditer(text):
            kind = self.lex.heading.head(m.group("cue"))
            numbered = [d for d in self.drafts if d.number == m.group("num") and d.kind in GOAL_KINDS]
            same = [d for d in numbered if d.kind == kind]
            if same or numbered:
                return (same or numbered)[0]
        return None

    def _sibling_goal(self, section: _Section) -> _Draft | None:
        """The one goal of a "Mål" section just before this one ("Mål" then "Åtgärder" as siblings)."""
        siblings = section.parent.children if section.parent else []
        if section not in siblings or siblings.index(section) == 0:
            return None
        if section.heading is not None and section.heading in self.heading_drafts:
            return None  # the section's own heading is an element: its own goal governs
        before = siblings[siblings.index(section) - 1]
        if before.cue not in ("goal", "priority_area") or before.heading in self.heading_drafts:
            return None
        goals = [d for d in self.drafts if d.kind in GOAL_KINDS and d.block in before.body]
        return goals[0] if len(goals) == 1 else None

    def _group_of(self, section: _Section) -> int | None:
        """The nearest heading without a cue: the topic that challenges and strategies under it share."""
        for node in [section, *section.ancestors()]:
            if node.heading is not None and not node.cue:
                return node.heading
        return section.heading

    # ----------------------------------------------------------------- walking

    def run(self) -> None:
        """Apply the rules to every section, then the forum rules."""
        self._walk(self.root)
        self._forums_in_text()

    def _walk(self, section: _Section) -> None:
        context, governing = self._context(section)
        if context != "external":
            if section.heading is not None and self._is_unit(section):
                self._unit(section)
            else:
                if section.heading is not None and section.heading not in self.consumed:
                    self._heading_itself(section, context, governing)
                self._body(section, context, governing)
        for child in section.children:
            self._walk(child)

    def _is_unit(self, section: _Section) -> bool:
        fields = {self.labels[b][0] for b in section.body if b in self.labels}
        return len(fields & {"purpose", "goal", "activity", "owner", "deadline"}) >= 2 and bool(
            fields & {"goal", "activity"}
        )

    def _heading_itself(self, section: _Section, context: str | None, governing: _Section | None) -> None:
        """A heading is an element when the heading above says what its subheadings are."""
        h = section.heading
        assert h is not None
        if section.cue:
            self._cue_prefixed(section)
            return
        if governing is None or governing is section:
            return
        body_kinds = {self.blocks[b].kind for b in section.body}
        if context in ("goal", "priority_area"):
            lists_only = body_kinds <= {BlockKind.LIST_ITEM}
            if lists_only or all(
                word_count(self.blocks[b].text) <= SHORT_PARAGRAPH_WORDS for b in section.body
            ):
                self._heading_element(h, context, parent=self._goal_above(governing), group=h)
        elif context == "strategy" and section.body and not section.children:
            self._heading_element(
                h, "strategy", parent=self._goal_above(section), group=self._group_of(governing)
            )
        elif context == "forum" and self.lex.meeting_head.search(self.blocks[h].text):
            self._forum_from_section(section)

    def _cue_prefixed(self, section: _Section) -> _Draft | None:
        """A heading "Mål 1: Ökad läsförmåga" is an element of its cue's kind (text after the colon)."""
        h = section.heading
        assert h is not None
        text = self.blocks[h].text
        m = _CUE_PREFIX.match(text)
        if not m or section.cue not in (*GOAL_KINDS, "strategy", "challenge"):
            return None
        if self.lex.heading.head(m.group("cue")) != section.cue:
            return None
        above = self._goal_above(section.parent) if section.parent else None
        return self._heading_element(
            h, section.cue, start=m.end(), parent=above, group=h, number=m.group("num")
        )

    def _body(self, section: _Section, context: str | None, governing: _Section | None) -> None:
        body = [b for b in section.body if b not in self.consumed]
        if context == "roles":
            self._roles(section)
            return
        if context == "mission" and governing is section:
            self._mission(section, body)
            return
        lists = [b for b in body if self.blocks[b].kind is BlockKind.LIST_ITEM]
        # A heading that only names the kind ("Forum för uppföljning", "Mötesforum"): the forums are the
        # meetings its sentences name; the heading itself only when they name none.
        if (
            context == "forum"
            and governing is section
            and not section.children
            and not lists
            and not any(
                sentence_forum(self.blocks[b].text[s:e], named=True)
                for b in body
                if self.blocks[b].kind is BlockKind.PARAGRAPH
                for s, e in sentences(self.blocks[b].text)
            )
        ):
            self._forum_from_section(section)
        i = 0
        while i < len(body):
            b = body[i]
            block = self.blocks[b]
            if block.kind is BlockKind.TABLE_ROW:
                rows = [
                    k
                    for k in body[i:]
                    if self.blocks[k].table == block.table and self.blocks[k].kind is BlockKind.TABLE_ROW
                ]
                self._table(rows, section)
                i += len(rows)
                continue
            if block.kind is BlockKind.PARAGRAPH and self._numbered_lines(b, section):
                i += 1
                continue
            if b in self.labels:
                self._loose_label(b, section)
                i += 1
                continue
            if block.kind is BlockKind.PARAGRAPH and (
                ends_with_colon(block.text) or self._is_subheading(body, i)
            ):
                i = self._lead_in(body, i, section, context)
                continue
            if block.kind is BlockKind.LIST_ITEM:
                run = [body[i]]
                while (
                    i + len(run) < len(body) and self.blocks[body[i + len(run)]].kind is BlockKind.LIST_ITEM
                ):
                    run.append(body[i + len(run)])
                self._list(run, section, context)
                i += len(run)
                continue
            self._paragraph(b, section, context, has_lists=bool(lists))
            i += 1

    # ----------------------------------------------------------------- rules

    def _is_subheading(self, body: list[int], i: int) -> bool:
        """A short unpunctuated paragraph with a heading cue, right before a list: a subheading the reader
        did not see ("Åtgärder för mål 1" in plain text)."""
        text = self.blocks[body[i]].text.strip()
        return (
            i + 1 < len(body)
            and self.blocks[body[i + 1]].kind is BlockKind.LIST_ITEM
            and word_count(text) <= SECTION_ITEM_WORDS
            and not re.search(r"[.!?;,]$", text)
            and heading_kind(text) in (*GOAL_KINDS, "strategy", "activity", "challenge", "forum")
        )

    def _lead_in(self, body: list[int], i: int, section: _Section, context: str | None) -> int:
        """A paragraph ending in a colon (or a subheading the reader missed): what follows is of the kind its
        nearest cue names (a subheading's: its first); a numbered goal it names is what the list serves."""
        b = body[i]
        text = self.blocks[b].text
        if self.lex.external.search(text):
            kind = "external"
        elif not ends_with_colon(text):
            kind = heading_kind(text)
        else:
            kind = self.lex.lead_in.nearest_end(text)
        # "... inom tre områden, vilka ...:": areas of the kind the heading names.
        area = re.search(
            r"\bområden?a?\b(?![^:]*\b(?:mål|åtgärd|aktivitet|strategi|utmaning))[^:]*:\s*$",
            text,
            re.IGNORECASE,
        )
        if area and context in GOAL_KINDS and kind not in ("priority_area", "challenge"):
            kind = context
        if kind is None:
            kind = context if context in (*GOAL_KINDS, "activity", "challenge") else None
        j = i + 1
        run = []
        while j < len(body) and self.blocks[body[j]].kind is BlockKind.LIST_ITEM:
            run.append(body[j])
            j += 1
        if kind in (None, "external"):
            return j if run else i + 1
        if kind == "activity" and _BULLET_START.match(text) and word_count(text) <= 6:
            # "- Nätverksträffar:": a bullet the reader took for a paragraph, with its sub-points after it.
            self._add_item("activity", b, parent=self._goal_above(section), group=self._group_of(section))
        if run:
            self._list(run, section, kind, parent=self._referred_goal(text))
            return j
        # No list: a single short paragraph is the one element announced ("Vårt prioriterade område är:").
        if (
            j < len(body)
            and self.blocks[body[j]].kind is BlockKind.PARAGRAPH
            and kind in (*GOAL_KINDS, "challenge")
        ):
            nxt = body[j]
            if word_count(self.blocks[nxt].text) <= SHORT_PARAGRAPH_WORDS and not ends_with_colon(
                self.blocks[nxt].text
            ):
                self._add_item(kind, nxt, parent=self._goal_above(section), group=self._group_of(section))
                return j + 1
        return i + 1

    def _list(
        self, run: list[int], section: _Section, kind: str | None, parent: _Draft | None = None
    ) -> None:
        """A run of list items: lettered then numbered items are strategies with activities; else by kind.
        ``parent``: what the items serve when their lead-in says so ("Åtgärder för mål 1:")."""
        referred = parent
        kinds = [self._marker_kind(b) for b in run]
        group = self._group_of(section)
        if "letter" in kinds and "number" in kinds and kinds.index("letter") < kinds.index("number"):
            strategy: _Draft | None = None
            for b, k in zip(run, kinds, strict=True):
                if k == "letter":
                    strategy = self._strategy(b, section)
                elif strategy is not None:
                    self._add_item("activity", b, parent=strategy, group=group)
            return
        if kind == "strategy":
            for b in run:
                self._strategy(b, section)
            return
        if kind not in (*GOAL_KINDS, "activity", "challenge", "forum"):
            return
        first = self._bullet(run[0])
        parent = self._goal_above(section) if kind in (*GOAL_KINDS, "activity") else None
        if kind == "activity":
            parent = referred or self._activity_parent(section, run[0])
        if kind == "priority_area" and parent is not None and parent.block == section.heading:
            kind = "goal"  # the goals of a priority area listed under its heading
        if kind == "activity" and parent is None and section.heading is not None:
            parent = self._match_goal(self.blocks[section.heading].text)
        for b in run:
            # Items with a dash after a run opened by a dot bullet are sub-points of the item before them.
            if first and first in "•●▪" and self._bullet(b) in ("–", "-", "—") and kind == "activity":
                continue
            if kind == "forum":
                self._forum_item(b)
                continue
            if self._numbered_lines(b, section):
                continue
            self._add_item(kind, b, parent=parent, group=group)

    def _bullet(self, b: int) -> str:
        """The bullet character of a list item ("•", "–"), from the reader's marker or the text."""
        marker = (self.blocks[b].marker or self.blocks[b].text).lstrip()
        return marker[:1]

    def _marker_kind(self, b: int) -> str | None:
        """The kind of a block's list marker ("letter", "number", "bullet"), from the reader or the text."""
        marker = self.blocks[b].marker
        if marker:
            return split_marker(marker + " X")[0]
        return split_marker(self.blocks[b].text)[0]

    def _strategy(self, b: int, section: _Section) -> _Draft | None:
        marker = self.blocks[b].marker
        letter = marker_of(marker + " X") if marker else marker_of(self.blocks[b].text)
        return self._add_item(
            "strategy",
            b,
            parent=self._goal_above(section) or self._group_element(section),
            group=self._group_of(section),
            letter=letter,
        )

    def _group_element(self, section: _Section) -> _Draft | None:
        """The heading the strategies under a section answer to, read as a priority area."""
        h = self._group_of(section)
        if h is None or h == section.heading and section.cue:
            return None
        node = next((n for n in [section, *section.ancestors()] if n.heading == h), None)
        if node is None or self._context(node)[0] == "external" or h == self._title():
            return None
        return self._heading_element(
            h, "priority_area", parent=self._goal_above(node.parent) if node.parent else None
        )

    def _title(self) -> int | None:
        """The document's title: its first heading when that heading holds every other one."""
        top = [c for c in self.root.children]
        return top[0].heading if len(top) == 1 else None

    def _match_goal(self, text: str) -> _Draft | None:
        for draft in self.drafts:
            if draft.kind in GOAL_KINDS and same_statement(draft.text, text):
                return draft
        return None

    def _activity_parent(self, section: _Section, b: int) -> _Draft | None:
        """What an activity at block b contributes to: a "Mål:" label goal before it in its section, the goal
        of a "Mål" section just before, or the goal above (by heading or by number)."""
        labelled = [
            d
            for d in self.drafts
            if d.kind in GOAL_KINDS and d.block in self.labels and d.block in section.body and d.block < b
        ]
        return labelled[-1] if labelled else self._sibling_goal(section) or self._goal_above(section)

    def _numbered_lines(self, b: int, section: _Section) -> bool:
        """ "Mål 1. Alla elever ...", "Åtgärd 2: ...": numbered element lines, several in a block when a
        reader joined them; the cue word gives the kind, the number lets headings refer to the element."""
        text = self.blocks[b].text
        _marker, rest, offset = split_marker(text)
        found = []
        for m in _NUMBERED_CUE.finditer(rest):
            kind = self.lex.heading.head(m.group("cue"))
            if kind in (*GOAL_KINDS, "strategy", "activity", "challenge"):
                found.append((m, kind))
        if not found or rest[: found[0][0].start()].strip():
            return False
        group = self._group_of(section)
        for n, (m, kind) in enumerate(found):
            start = offset + m.end()
            end = offset + found[n + 1][0].start() if n + 1 < len(found) else len(text)
            number = m.group("num")
            if kind == "activity":
                self._add_activity(b, start, end, parent=self._activity_parent(section, b), group=group)
            elif kind == "challenge":
                self._add(kind, b, start, end, group=group, number=number)
            else:
                self._add(kind, b, start, end, parent=self._goal_above(section), group=group, number=number)
        return True

    def _paragraph(self, b: int, section: _Section, context: str | None, has_lists: bool) -> None:
        block = self.blocks[b]
        text = block.text
        group = self._group_of(section)
        for s, e in sentences(text):
            if self.lex.goal_sentence.match(text[s:e]) and context != "external":
                self._add("goal", b, s, e, parent=self._goal_above(section), group=group)
        if context == "vision":
            self._vision_paragraph(b, section)
            return
        if context in ("goal", "priority_area", "challenge") and not has_lists:
            if any(d.block == b for d in self.drafts):
                return
            words = word_count(text)
            if words <= SHORT_PARAGRAPH_WORDS:
                self._add_item(context, b, parent=self._goal_above(section), group=group)
            elif len(text) > FLATTENED_LIST_CHARS and not re.search(r"[.!?](?:\s|$)", text):
                start = 0
                for m in [*_FLAT_SPLIT.finditer(text), None]:
                    end = m.start() if m else len(text)
                    self._add(context, b, start, end, parent=self._goal_above(section), group=group)
                    start = m.end() if m else len(text)
            return
        bullet = bool(_BULLET_START.match(text))
        short = word_count(text) <= SHORT_PARAGRAPH_WORDS
        if context == "activity" and (bullet or (not has_lists and short)):
            self._add_item("activity", b, parent=self._goal_above(section), group=group)

    def _vision_paragraph(self, b: int, section: _Section) -> None:
        text = self.blocks[b].text
        found = False
        for m in _QUOTED.finditer(text):
            self._add("vision", b, m.start(1), m.end(1), group=section.heading)
            found = True
        for s, e in sentences(text):
            if _VISION_IS.search(text[s:e]):
                self._add("vision", b, s, e, group=section.heading)
                found = True
                break
        if not found and word_count(text) <= 25 and len(sentences(text)) == 1:
            m = _CUE_PREFIX.match(text)
            start = m.end() if m and self.lex.heading.head(m.group("cue")) == "vision" else 0
            self._add_item("vision", b, start, group=section.heading)

    def _loose_label(self, b: int, section: _Section) -> None:
        """A label outside a unit: "Mål: X" a goal, "Nulägesanalys: X" a challenge; "Ansvar: X" / "Klart: Y"
        the owner or deadline of the section's activities."""
        fieldname, offset = self.labels[b]
        value = self.blocks[b].text[offset:].strip()
        if fieldname in ("goal", "challenge") and value:
            # "Mål: ..." / "Nulägesanalys: ..." before a table or list: a goal (of the section's heading) or
            # a finding; "Syfte: ..." says why, and is no element.
            parent = self._goal_above(section) if fieldname == "goal" else None
            self._add_item(fieldname, b, offset, parent=parent, group=self._group_of(section))
            return
        if fieldname not in ("owner", "deadline") or not value:
            return
        for draft in self.drafts:
            if draft.kind == "activity" and draft.block in section.body:
                if fieldname == "owner" and not draft.owners:
                    draft.owners = parse_owners(value)
                elif fieldname == "deadline" and not draft.deadline:
                    draft.deadline = value

    # ----------------------------------------------------------------- units

    def _unit(self, section: _Section) -> None:
        """A "Syfte: / Mål: / Åtgärder:" block under a heading."""
        h = section.heading
        assert h is not None
        cue = section.cue if section.cue in GOAL_KINDS else None
        above = self._goal_above(section.parent) if section.parent else None
        head = self._cue_prefixed(section) if section.cue else None
        if head is None:
            head = self._heading_element(h, cue or "strategy", parent=above, group=h)
        goals: list[_Draft] = []
        activities: list[_Draft] = []
        owners: list[Owner] = []
        deadline: str | None = None
        current: str | None = None
        waiting = False  # a label with nothing after it yet
        last_kind: BlockKind | None = None
        for b in section.body:
            block = self.blocks[b]
            if b in self.labels:
                current, offset = self.labels[b]
                rest = block.text[offset:]
                waiting = not rest.strip()
                if not waiting:
                    self._unit_content(current, b, offset, len(block.text), goals, activities, head, above)
                    if current == "owner":
                        owners = parse_owners(rest)
                    elif current == "deadline":
                        deadline = rest.strip()
                last_kind = None
                continue
            if block.kind is BlockKind.TABLE_ROW:
                continue
            if block.kind is BlockKind.LIST_ITEM:
                if current in ("goal", "activity"):
                    self._unit_content(
                        current, b, 0, len(block.text), goals, activities, head, above, item=True
                    )
                waiting = False
                last_kind = block.kind
                continue
            # A paragraph: the content of a label just opened, else the end of the field.
            if waiting and current in ("goal", "activity"):
                self._unit_content(current, b, 0, len(block.text), goals, activities, head, above)
                waiting = False
            elif last_kind is BlockKind.LIST_ITEM or not waiting:
                current = None
            last_kind = block.kind
        tables = sorted(
            {self.blocks[b].table for b in section.body if self.blocks[b].kind is BlockKind.TABLE_ROW}
        )
        for t in tables:
            self._table(
                [
                    b
                    for b in section.body
                    if self.blocks[b].table == t and self.blocks[b].kind is BlockKind.TABLE_ROW
                ],
                section,
                head,
            )
        if waiting and current == "activity":
            activities += self._headings_as_activities(section, head)
        if head is not None and head.kind == "strategy" and len(goals) == 1:
            head.parent = goals[0]
        for a in activities:
            if owners and not a.owners:
                a.owners = list(owners)
            if deadline and not a.deadline:
                a.deadline = deadline

    def _unit_content(self, fieldname, b, start, end, goals, activities, head, above, item=False) -> None:
        if fieldname == "challenge":
            self._add_item("challenge", b, start, end, group=head.block if head else None)
        elif fieldname == "goal":
            parent = above if head is None or head.kind == "strategy" else head
            draft = self._add_item("goal", b, start, end, parent=parent, group=head.block if head else None)
            if draft:
                goals.append(draft)
        elif fieldname == "activity":
            text = self.blocks[b].text
            spans = (
                [(start, end)] if item else [(start + s, start + e) for s, e in sentences(text[start:end])]
            )
            for s, e in spans:
                if not item and _COMMENTARY.match(text[s:e]):
                    continue
                draft = self._add_item("activity", b, s, e, parent=head, group=head.block if head else None)
                if draft:
                    activities.append(draft)

    def _headings_as_activities(self, section: _Section, head: _Draft | None) -> list[_Draft]:
        """After an empty "Åtgärder:", the headings that follow (unit level or below) are activities."""
        out = []
        siblings = section.parent.children if section.parent else []
        after = siblings[siblings.index(section) + 1 :] if section in siblings else []
        candidates = list(section.children) + after
        for node in candidates:
            if node.cue or self._is_unit(node) or node.heading is None:
                break
            draft = self._heading_element(node.heading, "activity", parent=head)
            if draft:
                out.append(draft)
        return out

    # ----------------------------------------------------------------- tables

    def _columns(self, header: list[str]) -> tuple[int | None, int | None, int | None]:
        act = owner = deadline = None
        for n, cell in enumerate(header):
            kinds = [k for k, p in self.lex.table.kinds if p.search(cell)]
            if "activity" in kinds and act is None:
                act = n
            if "owner" in kinds and owner is None:
                owner = n
            if "deadline" in kinds and deadline is None:
                deadline = n
        return act, owner, deadline

    def _table(self, rows: list[int], section: _Section, strategy: _Draft | None = None) -> None:
        """A plan table: activity | ansvar | klart, "Ansvar/Klart" split, letter rows are strategies."""
        header = next((b for b in rows if self.blocks[b].header), None)
        if header is None:
            return
        act, owner_col, deadline_col = self._columns(self.blocks[header].cells or [])
        if owner_col is None and deadline_col is None:
            return
        act = 0 if act is None else act
        group = self._group_of(section)
        current = strategy
        above = self._context_columns(self.blocks[header].cells or [], act)
        row_parent: dict[int, _Draft] = {}  # column -> the area or goal its cell (or one above it) names
        for b in rows:
            block = self.blocks[b]
            if block.header or not block.cells or act >= len(block.cells):
                continue
            cells = block.cells
            offsets = self._cell_offsets(block)
            cell = cells[act]
            if not cell.strip():
                continue
            start, end = offsets[act], offsets[act] + len(cell)
            marker, _rest, _off = split_marker(cell)
            others = [c for n, c in enumerate(cells) if n != act and c.strip()]
            if marker == "letter" or (
                not others and marker != "number" and strategy is None and len(rows) > 2
            ):
                current = self._table_strategy(b, start, end, section, marker_of(cell)) or current
                continue
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
            for col, kind in above:
                draft = self._column_element(b, col, kind, offsets, section, row_parent.get(col))
                if draft is not None:
                    row_parent[col] = draft
            parent = (
                current
                or next((row_parent[c] for c, _k in reversed(above) if c in row_parent), None)
                or self._activity_parent(section, b)
            )
            self._add_item(
                "activity", b, start, end, parent=parent, group=group, owners=owners, deadline=deadline
            )

    def _context_columns(self, header: list[str], act: int) -> list[tuple[int, str]]:
        """Columns before or beside the activity that name what it serves: (column, "priority_area" |
        "goal"), areas first ("Utvecklingsområde | Insats", "Mål | Aktivitet")."""
        out = []
        for n, cell in enumerate(header):
            if n == act:
                continue
            kinds = [k for k, p in self.lex.table.kinds if p.search(cell)]
            if kinds and kinds[0] in ("area", "goal"):
                out.append((n, "priority_area" if kinds[0] == "area" else "goal"))
        return sorted(out, key=lambda x: x[1] != "priority_area")

    def _column_element(
        self, b: int, col: int, kind: str, offsets: list[int], section: _Section, last: _Draft | None
    ) -> _Draft | None:
        """The area or goal a row's cell names: a number refers to a numbered goal ("1", "Mål 2"); the
        same text as the row above is the same element; an empty cell continues the one above."""
        cells = self.blocks[b].cells or []
        cell = cells[col] if col < len(cells) else ""
        if not cell.strip():
            return last
        number = re.fullmatch(r"\s*(?:[\wåäö]*mål\w*\s*)?(\d{1,2}(?:\.\d{1,2})?)\s*", cell, re.IGNORECASE)
        if number:
            return self._referred_goal(f" mål {number.group(1)}")
        if last is not None and fold(last.text) == fold(cell):
            return last
        start = offsets[col]
        parent = self._goal_above(section)
        return self._add_item(kind, b, start, start + len(cell), parent=parent, group=self._group_of(section))

    def _cell_offsets(self, block: Block) -> list[int]:
        offsets, pos = [], 0
        for cell in block.cells or []:
            found = block.text.find(cell, pos) if cell else pos
            found = pos if found < 0 else found
            offsets.append(found)
            pos = found + len(cell)
            if block.text.startswith(CELL_SEPARATOR, pos):
                pos += len(CELL_SEPARATOR)
        return offsets

    def _table_strategy(
        self, b: int, start: int, end: int, section: _Section, letter: str | None
    ) -> _Draft | None:
        text = self.blocks[b].text[start:end]
        group = self._group_of(section)
        for draft in reversed(self.drafts):
            if draft.kind != "strategy" or draft.group != group:
                continue
            if (
                letter and draft.letter == letter and same_statement(draft.text, split_marker(text)[1])
            ) or same_statement(draft.text, split_marker(text)[1]):
                return draft
        return self._add_item(
            "strategy",
            b,
            start,
            end,
            parent=self._goal_above(section) or self._group_element(section),
            group=group,
            letter=letter,
        )

    # ----------------------------------------------------------------- roles, mission, forums

    def _roles(self, section: _Section) -> None:
        """Under "Roller och ansvar": each subheading names owners, the sentences under it are their tasks."""
        if section.heading is None or section.cue:
            return
        owners = parse_owners(self.blocks[section.heading].text)
        if not owners or any(o.kind == "organisation" and " " in o.label for o in owners) and len(owners) > 3:
            return
        self.consumed.add(section.heading)
        for b in section.body:
            block = self.blocks[b]
            if block.kind not in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM):
                continue
            spans = [(0, len(block.text))] if block.kind is BlockKind.LIST_ITEM else sentences(block.text)
            for s, e in spans:
                self._add_item("activity", b, s, e, owners=list(owners), group=section.heading)

    def _mission(self, section: _Section, body: list[int]) -> None:
        """Under "Uppdrag": first statement the goal, further ones strategies, listed tasks activities."""
        goal: _Draft | None = None
        owner: list[Owner] = []
        i = 0
        while i < len(body):
            b = body[i]
            block = self.blocks[b]
            if block.kind is BlockKind.PARAGRAPH and ends_with_colon(block.text):
                j = i + 1
                while j < len(body) and self.blocks[body[j]].kind is BlockKind.LIST_ITEM:
                    self._add_item(
                        "activity", body[j], parent=goal, owners=list(owner), group=section.heading
                    )
                    j += 1
                i = max(j, i + 1)
                continue
            if block.kind is BlockKind.PARAGRAPH:
                if goal is None:
                    goal = self._add(
                        "goal", b, 0, len(block.text), parent=self._goal_above(section), group=section.heading
                    )
                    m = re.match(r"^(\S+(?:\s+\S+){0,3}?)\s+(?:ska|har|är|verkar|arbetar)\b", block.text)
                    if m:
                        owner = parse_owners(m.group(1)) if parse_owners(m.group(1)) else []
                        owner = [o for o in owner if o.kind != "person"]
                else:
                    self._add("strategy", b, 0, len(block.text), parent=goal, group=section.heading)
            elif block.kind is BlockKind.LIST_ITEM:
                self._add_item("activity", b, parent=goal, owners=list(owner), group=section.heading)
            i += 1

    def _forum_from_section(self, section: _Section) -> None:
        h = section.heading
        if h is None or h in self.consumed:
            return
        freq = None
        for b in section.body:
            found = find_frequencies(self.blocks[b].text)
            if found:
                freq = found[0][0]
                break
        self._heading_element(h, "forum", frequency=freq, group=h)
        self.consumed.update(section.body)

    def _forum_item(self, b: int) -> None:
        text = self.blocks[b].text
        found = find_frequencies(text)
        _marker, rest, offset = split_marker(text)
        end = len(text)
        if found and found[0][1] > offset:
            end = found[0][1]
        draft = self._add("forum", b, offset, end, frequency=found[0][0] if found else None)
        if draft is None:
            return

    def _forums_in_text(self) -> None:
        """Recurring meetings named in running text: a frequency with a meeting noun, or "X genomförs"."""
        # An activity that is just a meeting ("Nätverksträffar") is also a forum.
        for d in [d for d in self.drafts if d.kind == "activity" and word_count(d.text) <= 3]:
            if self.lex.meeting_head.fullmatch(d.text.split()[-1].strip(".:,")):
                self._add("forum", d.block, d.start, d.end)
        forum_blocks = {d.block for d in self.drafts if d.kind == "forum"}
        for b, block in enumerate(self.blocks):
            if (
                b in forum_blocks
                or b in self.consumed
                or block.kind is BlockKind.HEADING
                or self._under_external(b)
            ):
                continue
            text = block.text
            spans = [(0, len(text))] if block.kind is BlockKind.TABLE_ROW else sentences(text)
            for s, e in spans:
                sentence = text[s:e]
                self._forum_in_sentence(b, s, sentence)

    def _under_external(self, b: int) -> bool:
        for section in self._all_sections():
            if b in section.body:
                return self._context(section)[0] == "external"
        return False

    def _all_sections(self) -> list[_Section]:
        out, todo = [], [self.root]
        while todo:
            node = todo.pop()
            out.append(node)
            todo.extend(node.children)
        return out

    def _forum_in_sentence(self, b: int, s: int, sentence: str) -> None:
        """Add the forum a sentence names, if any."""
        found = sentence_forum(sentence)
        if found is not None:
            start, end, freq = found
            self._add("forum", b, s + start, s + end, frequency=freq)

    # ----------------------------------------------------------------- finishing

    def _merge(self) -> list[_Draft]:
        """Drop repeats: goals saying the same, identical activities and challenges, one forum per name."""
        children: dict[int, int] = {}
        for d in self.drafts:
            if d.parent is not None:
                children[id(d.parent)] = children.get(id(d.parent), 0) + 1
        kept: list[_Draft] = []
        for d in sorted(self.drafts, key=lambda x: (x.block, x.start)):
            twin = None
            for k in kept:
                if d.kind in GOAL_KINDS and k.kind in GOAL_KINDS:
                    if same_statement(d.text, k.text):
                        twin = k
                        break
                elif d.kind == k.kind and d.kind == "forum":
                    if same_statement(d.text, k.text) or (d.block == k.block and d.frequency == k.frequency):
                        twin = k
                        break
                elif d.kind == k.kind and fold(d.text) == fold(k.text) and d.block == k.block:
                    twin = k
                    break
            if twin is None:
                kept.append(d)
                continue
            # Keep the one that carries structure (children); else the first.
            if children.get(id(d), 0) > children.get(id(twin), 0):
                kept[kept.index(twin)] = d
                twin.merged_into = d
                if twin.frequency and not d.frequency:
                    d.frequency = twin.frequency
            else:
                d.merged_into = twin
                if d.frequency and not twin.frequency:
                    twin.frequency = d.frequency
        kept.sort(key=lambda x: (x.block, x.start))
        return kept

    def _pair_challenges(self, kept: list[_Draft]) -> None:
        """Findings a, b, c then strategies a, b, c under one topic: strategy i addresses finding i."""
        groups: dict[int | None, tuple[list[_Draft], list[_Draft]]] = {}
        for d in kept:
            if d.kind in ("challenge", "strategy"):
                pair = groups.setdefault(d.group, ([], []))
                (pair[0] if d.kind == "challenge" else pair[1]).append(d)
        for challenges, strategies in groups.values():
            if challenges and len(challenges) == len(strategies):
                for c, st in zip(challenges, strategies, strict=True):
                    if c.block < st.block:
                        st.addresses.append(c)
        # Failing that, the whole document: as many findings as strategies, all findings first.
        paired = {id(c) for d in kept for c in d.addresses}
        challenges = [d for d in kept if d.kind == "challenge" and id(d) not in paired]
        strategies = [d for d in kept if d.kind == "strategy" and not d.addresses]
        if challenges and len(challenges) == len(strategies) and challenges[-1].block < strategies[0].block:
            for c, st in zip(challenges, strategies, strict=True):
                st.addresses.append(c)

    def elements(self) -> list[Element]:
        """The extracted elements, merged, paired, numbered per kind in document order."""
        kept = self._merge()
        self._pair_challenges(kept)
        counters = dict.fromkeys(KINDS, 0)
        ids: dict[int, str] = {}
        for d in kept:
            counters[d.kind] += 1
            ids[id(d)] = f"{d.kind}-{counters[d.kind]}"

        def resolve(d: _Draft | None) -> str | None:
            seen = 0
            while d is not None and id(d) not in ids and seen < 10:
                d = d.merged_into
                seen += 1
            return ids.get(id(d)) if d is not None else None

        out = []
        for d in kept:
            block = self.blocks[d.block]
            start = block.char_start + d.start
            end = block.char_start + d.end
            due = None
            if d.deadline:
                mention = parse_deadline(d.deadline, self.reference)
                due = mention.end if mention else None
            parent = resolve(d.parent)
            if parent == ids[id(d)]:
                parent = None
            out.append(
                Element(
                    id=ids[id(d)],
                    kind=d.kind,
                    text=d.text,
                    block=d.block,
                    char_start=start,
                    char_end=end,
                    page=block.page if block.page is not None else self.doc.page_at(start),
                    parent=parent,
                    addresses=[a for a in (resolve(x) for x in d.addresses) if a],
                    owners=d.owners,
                    deadline=d.deadline,
                    due_date=due,
                    frequency=d.frequency,
                )
            )
        return out


def _reference(doc: ParsedDocument, reference_date: dt.date | None) -> dt.date | None:
    if reference_date is not None:
        return reference_date
    for value in (doc.metadata.date,):
        if value:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
    for mention in doc.dates:
        if mention.kind in ("period", "school_year") and mention.start:
            return dt.date.fromisoformat(mention.start)
    return None


def extract_plan(
    doc: ParsedDocument,
    reference_date: dt.date | None = None,
    embed: Callable[[Sequence[str]], np.ndarray] | None = None,
) -> PlanExtraction:
    """Extract the plan elements (visions, goals, priority areas, strategies, activities, challenges, forums)
    and the actors of a parsed document. ``reference_date`` dates deadlines written without a year (default:
    the document's date, else the start of its period); ``embed`` (texts -> L2-normalised rows) feeds the
    learned block classifier, None for its structure-only variant."""
    from graph.plan.classifier import classify_plan

    reference = _reference(doc, reference_date)
    return classify_plan(doc, rule_extraction(doc, reference), reference, embed)


def rule_extraction(doc: ParsedDocument, reference: dt.date | None) -> PlanExtraction:
    """The plan as the cue rules read it (explicit structure: units, plan tables, labels, heading cues); the
    learned classifier (graph.plan.classifier) takes it as one of its inputs."""
    extractor = _Extractor(doc, reference)
    extractor.run()
    return PlanExtraction(extractor.elements(), find_actors(doc))
