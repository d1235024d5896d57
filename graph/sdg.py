"""Explicit Agenda 2030 mentions in Swedish text: goals, targets and the agenda as a whole (pure).

What counts (the words are in sdg_lexicon.toml):

- a goal or target number after "mål", "målen", "delmål", "SDG" ("mål 4", "delmål 4.1", "mål 3, 4 och 5");
- a goal's name ("God utbildning för alla", its Swedish title, its English short name);
- the agenda itself ("Agenda 2030", "de 17 globala målen", "FN:s hållbarhetsmål"): scope "agenda", which
  references the scheme http://metadata.un.org/sdg, not a goal.

A plan's own goals are numbered too ("Mål 1: Ökad måluppfyllelse"), so a number is an SDG only when

1. it anchors itself: an Agenda 2030 word stands right before it ("globala mål 4", "FN:s mål 4", "SDG 4")
   or right after it ("mål 4 i Agenda 2030"), or the goal's name follows ("mål 4, God utbildning för alla");
2. or its context is Agenda 2030: a strong cue ("Agenda 2030", "globala mål", "hållbarhetsmål", "FN:s mål")
   in the same block, in the headings above it, or in nearby blocks of the same section (a list's lead-in
   included); a weak cue ("hållbar utveckling") in the same sentence;

and it is not written as a title of the plan's own ("Mål 1: Ökad måluppfyllelse": a colon or a heading-like
start followed by a title that is not the goal's name), not placed in another frame ("mål 3 i läroplanen",
"mål 2 nedan"), and a valid goal (1–17) or target of the UN list. A bare "delmål 2" is never an SDG target.
Goal names need context too: a distinctive name ("God utbildning för alla") a strong cue nearby; a name that
is an everyday phrase in school documents ("Jämställdhet", "Hälsa och välbefinnande") a strong cue in its own
block, a goal number beside it, or to stand alone as a list item or heading in an Agenda 2030 context.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.model import BlockKind, ParsedDocument

LEXICON_PATH = Path(__file__).with_name("sdg_lexicon.toml")
SDG_BASE = "http://metadata.un.org/sdg"

# Neighbourhood of a block: this many blocks of its section before it (list items not counted, so a whole list
# reaches its lead-in) and after it.
BLOCKS_BEFORE = 3
BLOCKS_AFTER = 2


@dataclass(frozen=True)
class SdgMention:
    """One explicit mention of an SDG goal, target or of Agenda 2030 as a whole."""

    goal: str | None  # "4"; None for the agenda as a whole
    target: str | None  # "4.1"; None for a goal or the agenda
    scope: str  # "goal" | "target" | "agenda"
    quote: str  # as written in the text
    char_start: int  # span in the text the units come from (a document's text)
    char_end: int

    @property
    def iri(self) -> str:
        """The UN SDG KOS IRI mentioned: …/sdg/4.1, …/sdg/4, or the scheme http://metadata.un.org/sdg."""
        code = self.target or self.goal
        return f"{SDG_BASE}/{code}" if code else SDG_BASE


@dataclass(frozen=True)
class TextUnit:
    """A block of text with where it stands: its offset in the whole text and the headings above it."""

    text: str
    char_start: int = 0
    section: tuple[str, ...] = ()
    kind: str = "paragraph"  # "heading", "paragraph", "list_item", "table_row"


@dataclass(frozen=True)
class _Lexicon:
    strong: re.Pattern
    weak: re.Pattern
    agenda: re.Pattern
    number: re.Pattern
    anchor_after: re.Pattern
    frame_after: re.Pattern
    names: dict[str, list[re.Pattern]]  # goal -> distinctive names
    generic: dict[str, list[re.Pattern]]  # goal -> everyday names
    targets: dict[str, set[str]]  # goal -> its target codes
    any_name: re.Pattern  # every name at once: a quick test before the per-goal patterns


def _alternation(patterns: Sequence[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def _name_pattern(name: str) -> re.Pattern:
    words = [re.escape(w) for w in re.findall(r"[\w-]+", name)]
    return re.compile(r"(?<!\w)" + r"[\s,]+".join(words) + r"(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    """The compiled sdg_lexicon.toml."""
    with open(LEXICON_PATH, "rb") as f:
        data = tomllib.load(f)
    flags = re.IGNORECASE
    number = (
        rf"(?P<before>{data['anchors']['before']})?"
        r"(?P<word>delmål(?:et)?|mål(?:et|en)?|sdg)\s*(?:nr\.?\s*|nummer\s+)?"
        r"(?P<nums>\d{1,2}(?:\.(?:\d{1,2}|[a-d](?!\w)))?(?![\w.,]?\d)"
        r"(?:(?:\s*,\s*|\s+och\s+|\s+samt\s+|\s*&\s*)\d{1,2}(?:\.(?:\d{1,2}|[a-d](?!\w)))?(?![\w.,]?\d))*)"
    )
    return _Lexicon(
        strong=re.compile(_alternation(data["cues"]["strong"]), flags),
        weak=re.compile(_alternation(data["cues"]["weak"]), flags),
        agenda=re.compile(r"(?<!\w)(?:" + _alternation(data["agenda"]["patterns"]) + r")(?!\w)", flags),
        number=re.compile(r"(?<![\w-])" + number, flags),
        anchor_after=re.compile(data["anchors"]["after"], flags),
        frame_after=re.compile(data["frames"]["after"], flags),
        names={code: [_name_pattern(n) for n in g["names"]] for code, g in data["goals"].items()},
        generic={code: [_name_pattern(n) for n in g.get("generic", [])] for code, g in data["goals"].items()},
        targets={code: set(g["targets"].split()) for code, g in data["goals"].items()},
        any_name=re.compile(
            "|".join(
                _name_pattern(n).pattern
                for g in data["goals"].values()
                for n in g["names"] + g.get("generic", [])
            ),
            flags,
        ),
    )


# --- units -------------------------------------------------------------------------------------------------


def units_of_document(doc: ParsedDocument) -> list[TextUnit]:
    """A parsed document's blocks as text units (offsets into doc.text)."""
    return [
        TextUnit(block.text, block.char_start, tuple(block.section), block.kind.value)
        for block in doc.blocks
        if block.text.strip()
    ]


def units_of_text(text: str) -> list[TextUnit]:
    """Plain text cut at blank lines; a short single line without final punctuation is taken as a heading."""
    units: list[TextUnit] = []
    heading: tuple[str, ...] = ()
    for match in re.finditer(r"\S(?:.*\S)?(?:\n[ \t]*\S.*)*", text):
        chunk = match.group().strip()
        if not chunk:
            continue
        is_heading = "\n" not in chunk and len(chunk) <= 80 and not re.search(r"[.!?:;,]$", chunk)
        is_item = bool(re.match(r"[-•*–]\s|\d+[.)]\s", chunk))
        if is_heading and not is_item:
            units.append(TextUnit(match.group(), match.start(), heading, BlockKind.HEADING.value))
            heading = (chunk,)
        else:
            kind = BlockKind.LIST_ITEM.value if is_item else BlockKind.PARAGRAPH.value
            units.append(TextUnit(match.group(), match.start(), heading, kind))
    return units


# --- finding -----------------------------------------------------------------------------------------------


def find_sdg_mentions_in_document(doc: ParsedDocument) -> list[SdgMention]:
    """Explicit Agenda 2030 mentions in a parsed document (offsets into doc.text)."""
    return find_sdg_mentions(units_of_document(doc))


def find_sdg_mentions_in_text(text: str) -> list[SdgMention]:
    """Explicit Agenda 2030 mentions in a plain text (paragraphs at blank lines)."""
    return find_sdg_mentions(units_of_text(text))


def find_sdg_mentions(units: Sequence[TextUnit]) -> list[SdgMention]:
    """Explicit Agenda 2030 mentions in a sequence of text units, in reading order."""
    lex = lexicon()
    mentions: list[SdgMention] = []
    for i, unit in enumerate(units):
        found: list[SdgMention] = []
        if lex.number.search(unit.text) or lex.any_name.search(unit.text):
            near = _context(units, i)
            found = _numbers(unit, near, lex) + _names(unit, near, lex)
        found = _merge_adjacent(found, unit)
        taken = [(m.char_start, m.char_end) for m in found]
        for match in lex.agenda.finditer(unit.text):
            start, end = unit.char_start + match.start(), unit.char_start + match.end()
            if not any(s < end and start < e for s, e in taken):
                found.append(SdgMention(None, None, "agenda", match.group(), start, end))
        mentions.extend(sorted(found, key=lambda m: (m.char_start, m.char_end)))
    return mentions


def _context(units: Sequence[TextUnit], i: int) -> bool:
    """Whether a strong cue stands in the unit, the headings above it, or nearby units of its section."""
    strong = lexicon().strong
    unit = units[i]
    if strong.search(unit.text) or any(strong.search(h) for h in unit.section):
        return True
    texts = []
    counted, j = 0, i - 1
    while j >= 0 and counted < BLOCKS_BEFORE and _same_section(units[j], unit):
        texts.append(units[j].text)
        counted += units[j].kind != BlockKind.LIST_ITEM.value
        j -= 1
    for j in range(i + 1, min(len(units), i + 1 + BLOCKS_AFTER)):
        if not _same_section(units[j], unit):
            break
        texts.append(units[j].text)
    return any(strong.search(t) for t in texts)


def _same_section(other: TextUnit, unit: TextUnit) -> bool:
    """Whether a unit is in the same section as another (the section's own heading counts as in it)."""
    if other.section == unit.section:
        return True
    return other.kind == BlockKind.HEADING.value and other.section + (other.text.strip(),) == unit.section


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), text.rfind("! ", 0, start))
    right = min((p for p in (text.find(". ", end), text.find("\n", end)) if p >= 0), default=len(text))
    return text[left + 1 : right]


def _numbers(unit: TextUnit, near: bool, lex: _Lexicon) -> list[SdgMention]:
    out: list[SdgMention] = []
    text = unit.text
    for match in lex.number.finditer(text):
        word = match.group("word").lower()
        after = text[match.end() :]
        anchored = bool(match.group("before")) or word == "sdg" or bool(lex.anchor_after.match(after))
        codes = re.findall(r"\d{1,2}(?:\.(?:\d{1,2}|[a-d]))?", match.group("nums"))
        named = len(codes) == 1 and _name_follows(codes[0].split(".")[0], after, lex)
        if not anchored and not named:
            if lex.frame_after.match(after) or _own_title(text, match, after):
                continue
            weak = bool(lex.weak.search(_sentence(text, match.start(), match.end())))
            if not (near or weak):
                continue
        for index, (code, (start, end)) in enumerate(zip(codes, _code_spans(match), strict=True)):
            mention = _mention(code, word, lex)
            if mention is None:
                continue
            goal, target = mention
            span_start = match.start() if index == 0 else start
            out.append(
                SdgMention(
                    goal,
                    target,
                    "target" if target else "goal",
                    text[span_start:end],
                    unit.char_start + span_start,
                    unit.char_start + end,
                )
            )
    return out


def _code_spans(match: re.Match) -> list[tuple[int, int]]:
    base = match.start("nums")
    return [
        (base + m.start(), base + m.end())
        for m in re.finditer(r"\d{1,2}(?:\.(?:\d{1,2}|[a-d]))?", match.group("nums"))
    ]


def _mention(code: str, word: str, lex: _Lexicon) -> tuple[str, str | None] | None:
    """(goal, target) for a written code, or None when it is not in the UN list (or a bare "delmål 2")."""
    goal, _, sub = code.lower().partition(".")
    goal = str(int(goal))
    if goal not in lex.targets:
        return None
    if not sub:
        return None if word.startswith("delmål") else (goal, None)
    target = f"{goal}.{sub if sub.isalpha() else int(sub)}"
    return (goal, target) if target in lex.targets[goal] else None


def _name_follows(goal: str, after: str, lex: _Lexicon) -> bool:
    """Whether the goal's own name follows its number ("mål 4, God utbildning för alla")."""
    head = re.match(r"\s*[,:.–—-]?\s*[(”\"»*]*\s*", after)
    rest = after[head.end() :] if head else after
    return any(p.match(rest) for p in lex.names.get(goal, []) + lex.generic.get(goal, []))


def _own_title(text: str, match: re.Match, after: str) -> bool:
    """ "Mål 1: Ökad måluppfyllelse": a number written as the label of a title that is not an SDG's name."""
    if re.match(r"\s*:", after):
        return True
    starts_block = not re.sub(r"^[\s\-•*–]*(?:\d+[.)]\s*)?", "", text[: match.start()])
    return starts_block and bool(re.match(r"\s*(?:[.–—-]\s*)?[A-ZÅÄÖ]", after))


def _names(unit: TextUnit, near: bool, lex: _Lexicon) -> list[SdgMention]:
    out: list[SdgMention] = []
    for goal, patterns in lex.names.items():
        for pattern in patterns:
            for m in pattern.finditer(unit.text):
                if near or _number_before(goal, unit.text[: m.start()]):
                    out.append(_name_mention(goal, m, unit))
    for goal, patterns in lex.generic.items():
        for pattern in patterns:
            for m in pattern.finditer(unit.text):
                whole = not re.sub(r"[\W\d_]+", "", unit.text[: m.start()] + unit.text[m.end() :])
                if (
                    lex.strong.search(unit.text)
                    or _number_before(goal, unit.text[: m.start()])
                    or (whole and near)
                ):
                    out.append(_name_mention(goal, m, unit))
    return _longest(out)


def _number_before(goal: str, before: str) -> bool:
    """Whether the goal's number stands right before its name ("Mål 5 – Jämställdhet")."""
    return bool(
        re.search(rf"(?:mål|sdg)\s*(?:nr\.?\s*|nummer\s+)?0?{goal}\s*[,:.–—-]?\s*[(”\"»*]*\s*$", before, re.I)
    )


def _name_mention(goal: str, match: re.Match, unit: TextUnit) -> SdgMention:
    return SdgMention(
        goal, None, "goal", match.group(), unit.char_start + match.start(), unit.char_start + match.end()
    )


def _longest(mentions: list[SdgMention]) -> list[SdgMention]:
    """Drop mentions inside a longer one (a short name inside the goal's title)."""
    return [
        m
        for m in mentions
        if not any(
            o is not m
            and o.char_start <= m.char_start
            and m.char_end <= o.char_end
            and o.char_end - o.char_start > m.char_end - m.char_start
            for o in mentions
        )
    ]


def _merge_adjacent(mentions: list[SdgMention], unit: TextUnit) -> list[SdgMention]:
    """A number and the goal's name side by side are one mention ("mål 4, God utbildning för alla")."""
    mentions = sorted(mentions, key=lambda m: (m.char_start, -m.char_end))
    out: list[SdgMention] = []
    for m in mentions:
        if out:
            prev = out[-1]
            gap = unit.text[prev.char_end - unit.char_start : m.char_start - unit.char_start]
            if (
                prev.goal == m.goal
                and m.char_start >= prev.char_end
                and re.fullmatch(r"[\s,:.–—\-()”\"»*]{0,5}", gap)
                and (prev.target is None or m.target is None)
            ):
                target = prev.target or m.target
                out[-1] = SdgMention(
                    prev.goal,
                    target,
                    "target" if target else "goal",
                    unit.text[prev.char_start - unit.char_start : m.char_end - unit.char_start],
                    prev.char_start,
                    m.char_end,
                )
                continue
            if m.char_start < prev.char_end:  # overlapping: keep the first (longest at that start)
                continue
        out.append(m)
    return out
