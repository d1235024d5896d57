"""Meetings in municipal minutes (sammanträdesprotokoll, protokollsutdrag): date, body, items, people (pure).

Swedish minutes follow one genre whatever the municipality: a head (the body, "Sammanträdesdatum", "Plats och
tid", "Beslutande" with party letters, "Ersättare", "Övriga närvarande", "Utses att justera", signatures),
then paragraphs ("§ 24 Dnr BUN 2022/311 Delårsrapport") each with labelled parts ("Ärendebeskrivning",
"Beslutsunderlag", "Förslag till beslut", "Yrkanden", "Beslut" or "<body>s beslut", "Reservation", "Jäv",
"Beslutet skickas till"). The reader's blocks are split at these labels (kept as data in
``protocol_lexicon.toml``), and a small state machine assigns every part to the head or to an item. Nothing
is guessed: a meeting date that is not written (a web transcript whose page header was lost) stays None.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.dates import find_dates, parse_deadline
from ingest.model import Block, BlockKind, ParsedDocument
from ingest.transcript import parse_item_header

_LEXICON_FILE = Path(__file__).parent / "protocol_lexicon.toml"

_UPPER = "A-ZÅÄÖÉÜ"
_LOWER = "a-zåäöéüëáàçñøæ"
# What may follow a label: a colon, the end, a line break, or a capitalised word, number or bullet glyph
# ("•", "▪", and the Symbol-font bullet U+F0B7 that PDF conversions keep).
_FOLLOW = rf"(?=\s*:|\s*$|\s+[\"”«({_UPPER}0-9•▪●◦‣·\uf0a7\uf0b7–-]|\s*\n)"
# The words of a name: "Anna", "Lind-Ek", "O'Neil", "AnneLie".
_NAME_WORD = rf"[{_UPPER}][{_LOWER}]+(?:[{_UPPER}][{_LOWER}]+)?(?:[-'][{_UPPER}][{_LOWER}]+)?"
_PARTY = rf"\((?P<party>[{_UPPER}][{_UPPER}{_LOWER}]{{0,4}})\)"
_TIME = r"(?<![\d.:])(?P<h>[01]?\d|2[0-3])[.:](?P<m>[0-5]\d)(?![\d])"
_TIME_PLAIN = r"(?<![\d.:])(?:[01]?\d|2[0-3])[.:][0-5]\d(?![\d])"
# A diarienummer: an optional series prefix ("KS", "KFKS", "BUN", "Bun"), then year and number in either
# order with "/", ":", "." or "-" ("2018/1071", "2020:336", "249/2014", "2011/293-251"). After a label
# ("Dnr") any prefix goes; unlabelled, the prefix must be in capitals ("KFKS 2018/3", "BUN/2023:56") or glued
# to the number by "/" ("Bun/2023:56"), so that "Budget 2021/22" is not read as one.
_DNR_NUMBER = r"\d{1,4}(?:[/.:-]\d{1,6}){1,3}"
_DNR_CORE = (
    rf"(?:[{_UPPER}][{_UPPER}{_LOWER}]{{0,5}}\d{{0,4}}(?:[\s./-]|(?=\d)))?{_DNR_NUMBER}"
    rf"(?:[\s.-][{_UPPER}]{{2,6}}(?![\w-]))?"
)
_DNR_UNLABELLED = (
    rf"(?:[{_UPPER}]{{1,6}}\d{{0,4}}[\s./-]?|[{_UPPER}][{_UPPER}{_LOWER}]{{1,5}}/)\d{{2,4}}[/.:-]\d{{1,6}}"
    rf"(?:[/.:-]\d{{1,6}})*"
)
# A filing code written after the diarienummer ("Bun/2020:336   681"): not part of the number.
_FILING_CODE = r"(?:\s+\d{1,4}(?:\.\d{1,3}){0,3})?"
_DNR_LABEL = r"(?:Dnr|DNR|Dnr\.|Diarienr\.?|Diarienummer|Ärendenummer|Ärendenr\.?|Diarie-nr)\s*[:.]?\s*"
_DNR_LABELLED = re.compile(rf"{_DNR_LABEL}(?P<dnr>{_DNR_CORE})")
_DNR_BARE = re.compile(rf"^(?P<dnr>{_DNR_UNLABELLED}){_FILING_CODE}\s+")
_DNR_ALONE = re.compile(rf"(?P<dnr>{_DNR_UNLABELLED}){_FILING_CODE}")
_DNR_TRAILING = re.compile(rf"\s+(?:{_DNR_LABEL})?(?P<dnr>{_DNR_UNLABELLED}){_FILING_CODE}\s*$")
_DECISION_ATT = re.compile(r"(?<![\w-])(?:Beslut|BESLUT)\s*:?(?=\s+att\s)")
_DNR_PAREN = re.compile(rf"\s*\((?:{_DNR_LABEL})?(?P<dnr>{_DNR_CORE})\)\s*$")
_STRONG_ITEM = re.compile(r"(?:(?<=[.!?])\s+|^)(?=§\s*\d{1,4}\s+(?:Dnr|DNR|Diarienummer)\b)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"”«]?[A-ZÅÄÖÉÜ0-9])|\n")


# --- the data model


@dataclass
class Participant:
    """A person at the meeting, with the role the minutes give them."""

    name: str
    role: str  # "ordförande", "vice ordförande", "ledamot", "ersättare", "sekreterare", "justerare", ...
    party: str | None = None  # "S"
    block: int | None = None
    title: str | None = None  # a written title such as "förvaltningschef" (tjänstepersoner)


@dataclass
class Commission:
    """A task a decision gives ("ger förvaltningen i uppdrag att ... senast 30 juni 2024")."""

    assignee: str  # as written: "förvaltningen", "utbildningsdirektören"
    task: str  # what is to be done, as written after "att"
    text: str  # the sentence
    deadline: str | None = None  # the time as written ("30 juni 2024", "mars 2025")
    due_date: str | None = None  # ISO date: the deadline's last day
    char_start: int = 0  # offsets of the sentence in the document text (where found)
    char_end: int = 0


@dataclass
class AgendaItem:
    """One paragraph of the minutes: "§ 152 Dnr KS 249/2014 Title", with its decision."""

    number: str  # "152"
    dnr: str | None  # "KS 249/2014" as written
    title: str | None
    decision: str | None  # the decision text
    block: int | None = None
    char_start: int = 0
    char_end: int = 0
    page: int | None = None
    reservations: list[str] = field(default_factory=list)  # names (or the group) who reserved themselves
    disqualified: list[str] = field(default_factory=list)  # names who declared jäv
    commissions: list[Commission] = field(default_factory=list)  # tasks the decision gives


@dataclass
class Meeting:
    """A sitting of a body as its minutes record it."""

    date: str | None  # ISO date
    body: str | None
    place: str | None
    start_time: str | None  # "13:00"
    end_time: str | None
    items: list[AgendaItem] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    block: int | None = None
    char_start: int = 0
    char_end: int = 0
    page: int | None = None
    quoted: bool = False  # a protocol extract quoted inside another document (a memo)


# --- the lexicon


@dataclass(frozen=True)
class _Lexicon:
    item_labels: re.Pattern[str]
    head_labels: re.Pattern[str]
    kinds: dict[str, str]  # casefolded label -> kind
    decision_heading: re.Pattern[str]
    body_stem: re.Pattern[str]
    decision_sentence: re.Pattern[str]
    cues: tuple[str, ...]
    written_roles: tuple[tuple[str, str], ...]  # longest first
    title_words: frozenset[str]
    title_suffixes: tuple[str, ...]
    not_names: frozenset[str]
    particles: frozenset[str]
    parties: frozenset[str]
    name_run: re.Pattern[str]
    function_words: frozenset[str]


_ITEM_KINDS = (
    "description",
    "basis",
    "proposal",
    "motion",
    "decision",
    "send",
    "reservation",
    "jav",
    "note",
    "end",
)
_HEAD_KINDS = (
    "jav",
    "members",
    "serving",
    "substitutes",
    "officials",
    "adjusters",
    "signatures",
    "place_time",
    "place",
    "time",
    "date",
    "paragraphs",
    "end",
)
# Labels inside an item that end it (the minutes' closing), and those that are page furniture only.
_SKIP_LABELS = ("utdragsbestyrkande", "justerandes sign", "justerandes signatur", "ordförandes sign")


def _label_form(label: str) -> str:
    first, rest = label[0], label[1:]
    as_written = re.escape(first) + re.escape(rest).replace(r"\ ", r"\s+")
    capitals = re.escape(label.upper()).replace(r"\ ", r"\s+")
    return f"{as_written}|{capitals}"


def _label_pattern(labels: Iterable[str], qualifiers: Iterable[str] = ()) -> re.Pattern[str]:
    forms = "|".join(_label_form(label) for label in sorted(set(labels), key=len, reverse=True))
    quals = "|".join(re.escape(q).replace(r"\ ", r"\s+") for q in sorted(set(qualifiers), key=len)[::-1])
    qualified = rf"(?:\s+(?P<qual>{quals}))?" if quals else ""
    return re.compile(rf"(?<![\w-])(?P<label>{forms})(?![\w-]){qualified}{_FOLLOW}")


def _label_end(match: re.Match[str]) -> int:
    """Where a label ends, with its qualifier ("Beslutande på länk")."""
    qual = match.groupdict().get("qual")
    return match.end("qual") if qual else match.end("label")


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    data = tomllib.loads(_LEXICON_FILE.read_text(encoding="utf-8"))
    labels: dict[str, list[str]] = data["labels"]
    kinds = {label.casefold(): kind for kind, words in labels.items() for label in words}
    stems = "|".join(re.escape(stem) for stem in data["bodies"]["stems"])
    dh = data["decision_heading"]
    nouns = sorted(
        dh["decision_nouns"] + dh["proposal_to_nouns"] + dh["proposal_nouns"], key=len, reverse=True
    )
    noun_forms = "|".join(n.replace(" ", r"\s+") for n in nouns)
    decision_heading = re.compile(
        rf"(?P<genitive>[{_UPPER}][\w-]*(?:,?\s+(?:[{_LOWER}][\w-]*|[{_UPPER}-]{{2,}})){{0,5}}?)\s+"
        rf"(?P<noun>{noun_forms}|{noun_forms.upper()})(?![\w-])(?P<to>\s+[\w-]+)?(?:{_FOLLOW}|(?=\s+att\s))"
    )
    verbs = "|".join(re.escape(v) for v in data["bodies"]["decision_verbs"])
    decision_sentence = re.compile(
        rf"^(?:[{_UPPER}][\w-]*)(?:,?\s+[\w-]+){{0,5}}?\s+(?:{verbs})\b", re.UNICODE
    )
    roles = data["roles"]
    particles = frozenset(roles["name_particles"])
    particle = "|".join(re.escape(p) for p in roles["name_particles"])
    name_run = re.compile(rf"(?<![\w-]){_NAME_WORD}(?:\s+(?:(?:{particle})\s+)?{_NAME_WORD}){{1,3}}(?![\w-])")
    return _Lexicon(
        item_labels=_label_pattern(w for k in _ITEM_KINDS for w in labels[k]),
        head_labels=_label_pattern(
            (w for k in _HEAD_KINDS for w in labels[k]), data.get("label_qualifiers", {}).get("after", ())
        ),
        kinds=kinds,
        decision_heading=decision_heading,
        body_stem=re.compile(rf"(?:{stems})", re.IGNORECASE),
        decision_sentence=decision_sentence,
        cues=tuple(c.casefold() for c in data["cues"]["protocol"]),
        written_roles=tuple(sorted(roles["written"].items(), key=lambda kv: len(kv[0]), reverse=True)),
        title_words=frozenset(roles["title_words"]),
        title_suffixes=tuple(roles["title_suffixes"]),
        not_names=frozenset(roles["not_names"]),
        particles=particles,
        parties=frozenset(data["parties"]["known"]),
        name_run=name_run,
        function_words=frozenset(data["bodies"]["reference_words"]),
    )


# --- segments: blocks split at labels


@dataclass
class _Segment:
    block: int
    start: int  # offsets in doc.text
    end: int
    text: str  # the text after the label
    kind: str | None  # the label's kind, None for content
    label: str = ""  # the label as written
    heading: bool = False  # the block is a heading (and the segment is its start)
    level: int | None = None
    body: str | None = None  # the body named by a "<body>s beslut" label


def _boundary_ok(text: str, position: int) -> bool:
    """A label inside a block must follow a sentence end, a colon, a digit, ")" or a line break."""
    if position == 0:
        return True
    before = text[:position]
    if before.endswith("\n") or before.endswith("\t"):
        return True
    before = before.rstrip()
    return not before or before[-1] in ".!?:)" or before[-1].isdigit()


def _ocr_fold(word: str) -> str:
    """Undo the commonest OCR confusions in a word ("utbildningsnärnnden" -> "utbildningsnämnden")."""
    return word.replace("rn", "m").replace("ii", "rt")


def _genitive_body(genitive: str) -> str | None:
    """Return the body a genitive names ("Kommunstyrelsens" -> "Kommunstyrelsen")."""
    words = genitive.split()
    if words and words[0].casefold() in _lexicon().function_words:
        return None
    stem = _lexicon().body_stem
    if (
        not words
        or not words[-1].endswith("s")
        or not (stem.search(words[-1]) or stem.search(_ocr_fold(words[-1])))
    ):
        return None
    if any(ch.isdigit() for ch in genitive):
        return None
    name = " ".join(words)[:-1]
    if name.isupper():
        name = name.capitalize()
    return name[0].upper() + name[1:]


def _decision_label(text: str, position: int) -> tuple[int, str, str] | None:
    """Match "<body>s beslut" / "<body>s förslag till <body>" at a position: (end, kind, body)."""
    match = _lexicon().decision_heading.match(text, position)
    if not match:
        return None
    body = _genitive_body(match.group("genitive"))
    if body is None:
        return None
    noun = re.sub(r"\s+", " ", match.group("noun")).casefold()
    to = (match.group("to") or "").strip().casefold()
    end = match.end("noun")
    if noun == "beslut":
        return end, "decision", body
    if noun == "förslag till":
        if to == "beslut" or not to:
            return match.end("to"), "proposal", body
        if _lexicon().body_stem.search(to):
            return match.end("to"), "decision_to", body
        return None
    return end, "proposal", body


def _split_block(index: int, block: Block, pattern: re.Pattern[str], item: bool) -> list[_Segment]:
    """Split one block at the labels it holds (Markdown remnants blanked out)."""
    text = _blank_markup(block.text)
    lex = _lexicon()
    cuts: list[tuple[int, int, str, str, str | None]] = []  # start, end of label, kind, label, body
    for match in pattern.finditer(text):
        start = match.start("label")
        colon = text[_label_end(match) :].lstrip(" ").startswith(":")
        if not _boundary_ok(text, start) and not colon:
            continue  # "Justerare: Lina Kask Jäv: Olle Berg": a label with a colon stands anywhere
        label = re.sub(r"\s+", " ", match.group("label"))
        cuts.append((start, _label_end(match), lex.kinds.get(label.casefold(), "other"), label, None))
    if item:
        for start in [m.start() for m in re.finditer(rf"(?<!\S)[{_UPPER}]", text)]:
            before = text[:start].split()
            previous = before[-1].casefold() if before else ""
            if not _boundary_ok(text, start) and previous in lex.function_words:
                continue  # "enligt kommunstyrelsens beslut": a reference, not a heading
            found = _decision_label(text, start)
            if found and not any(c[0] <= start < c[1] for c in cuts):
                end, kind, body = found
                cuts.append((start, end, kind, re.sub(r"\s+", " ", text[start:end]), body))
        # "Beslut att godkänna ...": the classic list of att-clauses after the label, joined onto its line.
        for match in _DECISION_ATT.finditer(text):
            if _boundary_ok(text, match.start()) and not any(c[0] <= match.start() < c[1] for c in cuts):
                cuts.append((match.start(), match.end(), "decision", match.group().strip(), None))
    cuts.sort()
    kept: list[tuple[int, int, str, str, str | None]] = []
    for cut in cuts:
        if kept and cut[0] < kept[-1][1]:
            continue
        kept.append(cut)
    segments: list[_Segment] = []
    heading = block.kind is BlockKind.HEADING
    if not kept or kept[0][0] > 0:
        first_end = kept[0][0] if kept else len(text)
        segments.append(
            _Segment(
                index,
                block.char_start,
                block.char_start + first_end,
                text[:first_end].strip(),
                None,
                heading=heading,
                level=block.level,
            )
        )
    for n, (start, end, kind, label, body) in enumerate(kept):
        stop = kept[n + 1][0] if n + 1 < len(kept) else len(text)
        rest = text[end:stop].strip().lstrip(":").strip()
        segments.append(
            _Segment(
                index,
                block.char_start + start,
                block.char_start + stop,
                rest,
                kind,
                label,
                heading=heading and start == 0,
                level=block.level,
                body=body,
            )
        )
    return [s for s in segments if s.text or s.kind]


# --- item headers


@dataclass
class ItemHeader:
    """An agenda item's header: its paragraph number, diarienummer and title as written."""

    number: str
    dnr: str | None
    title: str | None
    toc: bool = False  # a table of contents entry ("§ 12 Skolskjuts ....... 7")
    continued: bool = False  # a continuation page ("§ 12 (forts.)")


def _clean_title(title: str | None) -> tuple[str | None, str | None]:
    """Take a diarienummer out of a title: (title, dnr)."""
    if not title:
        return None, None
    title = re.sub(r"\s+", " ", title).strip()
    dnr = None
    match = re.match(rf"^{_DNR_LABEL}(?P<dnr>{_DNR_CORE}){_FILING_CODE}", title)
    if match:
        dnr, title = match.group("dnr"), title[match.end() :]
    else:
        match = _DNR_BARE.match(title + " ")
        if match:
            dnr, title = match.group("dnr"), title[match.end() :]
    if dnr is None:
        match = _DNR_PAREN.search(title)
        labelled = None if match else _DNR_LABELLED.search(title)
        if labelled:
            dnr = labelled.group("dnr")
            title = (title[: labelled.start()] + " " + title[labelled.end() :]).strip()
        else:
            match = match or _DNR_TRAILING.search(title)
            if match:
                dnr, title = match.group("dnr"), title[: match.start()]
    title = title.strip(" \t–—-,:;")
    return title or None, dnr.strip() if dnr else None


_MARKUP = re.compile(r"\*\*|__|<br\s*/?>|<!--.*?-->", re.IGNORECASE)
_LEAD_MARK = re.compile(r"(?:#{1,6}\s+|[-•*▪●◦‣·\uf0a7\uf0b7]\s+)+")
# A body named before the paragraph sign ("BUN § 16", "Kommunstyrelsen § 45"): read only when a diarienummer
# (or, after an abbreviation, a title) follows, so that a reference alone in a list ("KF § 23") is no item.
_BODY_PREFIX = re.compile(
    rf"^(?:[{_UPPER}]{{2,8}}|[{_UPPER}][\w-]*(?:\s+(?:och\s+)?[\w-]+){{0,3}})\s+(?=§\s*\d)"
)
# A table of contents entry ends with its page ("§ 12 Skolskjuts ....... 7", "§129\tMeddelanden\t\t5").
_TOC_PAGE = re.compile(r"(?:\s*[.…·_]{4,}\s*|\t+\s*|\s{3,})(?:\d{1,3}(?:\s*[-–]\s*\d{1,3})?)?\s*$")
_FORTS = re.compile(r"(?:^|[,\s]+)\(?\s*(?:forts\.?|fortsättning|fortsätter)\s*\)?\.?\s*$", re.IGNORECASE)


def _blank_markup(text: str) -> str:
    """Markdown and HTML remnants ("## **Beslut**", "<br>") turned into as many spaces: offsets stay put."""
    text = _MARKUP.sub(lambda m: " " * len(m.group()), text)
    lead = re.match(r"^\s*", text)
    start = lead.end() if lead else 0
    marks = _LEAD_MARK.match(text, start)
    return text[:start] + " " * (marks.end() - start) + text[marks.end() :] if marks else text


def unmark(text: str) -> str:
    """Take Markdown and HTML remnants out of a line ("## **§ 12**", "Meddelanden<br>")."""
    return _blank_markup(text).strip()


def _toc_entry(text: str) -> tuple[str, bool]:
    """Cut a table-of-contents page reference off a header line: (text, whether it was one)."""
    stripped = text.rstrip()
    match = _TOC_PAGE.search(stripped)
    if not match or not match.group().strip(" \t"):
        return stripped, False
    if _DNR_TRAILING.search(stripped) and not re.search(r"[.…·_]{4,}", match.group()):
        return stripped, False  # "Bun/2020:336   681": a filing code, not a page
    return stripped[: match.start()], True


def item_header(text: str) -> ItemHeader | None:
    """Parse an agenda-item header at the start of a text ("§ 23 Title", "BUN § 16 BUN/2023:56", "§23")."""
    stripped = unmark(text)
    prefix = _BODY_PREFIX.match(stripped)
    if prefix:
        rest = item_header(stripped[prefix.end() :])
        abbreviation = prefix.group().strip().isupper()  # "BUN § 16 Riktlinjer"; a full name needs a dnr
        return rest if rest is not None and (rest.dnr or abbreviation and rest.title) else None
    if stripped.startswith("§§"):
        return None
    stripped, toc = _toc_entry(stripped)
    parsed = parse_item_header(stripped)
    if parsed is None:
        return None
    title = parsed.title
    forts = bool(title and _FORTS.search(title))
    if forts and title:
        title = _FORTS.sub("", title).strip() or None
    if parsed.dnr is None:
        if title and not re.match(rf"^(?:[{_UPPER}0-9\"”«(]|{_DNR_LABEL})", title):
            return None  # "§ 5 i kommunallagen", "§ 23–27"
        if title and re.match(r"^\d{1,4}\s*(?:[-–]|och|kap)", title):
            return None
        title, dnr = _clean_title(title)
    else:
        title, dnr = _clean_title(title)
        dnr = dnr or parsed.dnr.strip()
    return ItemHeader(parsed.number, dnr, title, toc=toc, continued=forts)


# --- people


def _is_title_word(word: str) -> bool:
    lex = _lexicon()
    word = word.casefold().strip(".,:;")
    return word in lex.title_words or (len(word) > 5 and word.endswith(lex.title_suffixes))


@dataclass
class _Name:
    name: str
    party: str | None
    start: int
    end: int  # after the party


def find_names(text: str) -> list[_Name]:
    """Find personal names ("Anna Lindqvist (S)") in a text: two to four capitalised words, party optional."""
    lex = _lexicon()
    found: list[_Name] = []
    for match in lex.name_run.finditer(text):
        words = match.group().split()
        start = match.start()
        # Drop leading words that are not names ("Ordförande", "Förvaltningschef", "Kommunhuset"), and a first
        # word glued by "/" to the word before it ("chef Musikskolan/Kulturhuset Stina Berg": a unit's name).
        glued = start > 0 and text[start - 1] == "/"
        while words and (glued or words[0] in lex.not_names or _is_title_word(words[0])):
            glued = False
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else match.end()
            words = words[1:]
        if any(w in lex.not_names or _is_title_word(w) for w in words):
            cut = next(i for i, w in enumerate(words) if w in lex.not_names or _is_title_word(w))
            words = words[:cut]
        if len(words) < 2 or words[-1] in lex.particles:
            continue
        name = " ".join(words)
        end = _name_end(text, start, words)
        party = None
        after = re.match(rf",?\s*{_PARTY}", text[end:])
        if after and (after.group("party").upper() in lex.parties or after.group("party").isupper()):
            party = after.group("party")
            if party.upper() in lex.parties:
                party = party.upper() if party.upper() != "LPO" else party
            end += after.end()
        found.append(_Name(name, party, start, end))
    return found


def _name_end(text: str, start: int, words: list[str]) -> int:
    position = start
    for word in words:
        position = text.index(word, position) + len(word)
    return position


def _role_of(text: str) -> tuple[str | None, str | None]:
    """Read a role ("vice ordförande") or a title ("förvaltningschef") from the words beside a name."""
    lex = _lexicon()
    clean = re.sub(r"[.…_]{2,}", " ", text)
    clean = re.sub(r"§+\s*[\d,\s–-]+", " ", clean)
    clean = re.sub(r"\s+", " ", clean).strip(" ,:;–-\t\n").casefold()
    if not clean:
        return None, None
    for written, role in lex.written_roles:
        if re.search(rf"(?<![\w-]){re.escape(written)}(?![\w-])", clean):
            return role, None
    words = clean.split()
    if any(_is_title_word(w) for w in words) and len(words) <= 6:
        return None, clean
    return None, None


_REPLACED = re.compile(r"(?:\bför|i\s+stället\s+för|istället\s+för|ersätter|ers\.?\s+för)\s*$", re.IGNORECASE)


def _belongs_to_previous(between: str) -> bool:
    stripped = between.lstrip(" ")
    return not stripped or stripped[0] in ",–-\t;" or stripped[0].islower() or stripped[0].isdigit()


def parse_people(text: str, default_role: str | None, block: int | None = None) -> list[Participant]:
    """Parse a list of people ("Anna Lindqvist (S), ordförande\\nBengt ... (M)") into participants."""
    names = [n for n in find_names(text)]
    people: list[Participant] = []
    kept: list[_Name] = []
    for name in names:
        if kept and _REPLACED.search(text[kept[-1].end : name.start]):
            continue  # "tjänstgörande ersättare för Henrik Moberg (M)": not present
        kept.append(name)
    for i, name in enumerate(kept):
        previous_end = kept[i - 1].end if i else 0
        next_start = kept[i + 1].start if i + 1 < len(kept) else len(text)
        before = text[previous_end : name.start]
        after = text[name.end : next_start]
        # Words between two names on one line belong to the first when they open with a comma, a dash, a
        # tab or a lowercase word ("Anna Lind (S), ordförande"); a capitalised word opens the second's label
        # ("Ordförande Lars Grönlund (C) Vice ordförande Kerstin Bergman (S)").
        prefix = before.rsplit("\n", 1)[-1]
        if i and "\n" not in before and _belongs_to_previous(before):
            prefix = ""
        if "\n" in after:
            suffix = after.split("\n", 1)[0]
        elif _belongs_to_previous(after) or i + 1 == len(kept):
            suffix = after
        else:
            suffix = ""
        party = name.party
        if party is None:
            cell = suffix.strip(" \t").split("\t", 1)[0].strip(" ,")
            if cell.upper() in _lexicon().parties and len(cell) <= 3:
                party = cell.upper()
        role, title = _role_of(suffix)
        if role is None:
            role2, title2 = _role_of(prefix)
            role, title = role2, title or title2
        if role is None:
            role = default_role
            if role == "tjänsteperson" and title and "sekreterare" in title:
                role = "sekreterare"
        if role is None:
            continue
        people.append(Participant(name.name, role, party, block, title))
    return people


# --- the meeting head


def _head_people(kind: str | None) -> str | None:
    return {
        "members": "ledamot",
        "serving": "tjänstgörande ersättare",
        "substitutes": "ersättare",
        "officials": "tjänsteperson",
        "adjusters": "justerare",
    }.get(kind or "")


_AJOURNERING = re.compile(r"\(?\s*\b(?:ajournering|paus|uppehåll)\b[^)\n]*\)?", re.IGNORECASE)


def meeting_times(text: str) -> tuple[str | None, str | None]:
    """Read the start and end times from "kl. 13.00–15.30" (breaks in between ignored)."""
    text = _AJOURNERING.sub(" ", text)
    found = [
        f"{int(m.group('h')):02d}:{m.group('m')}"
        for m in re.finditer(_TIME, text)
        if not re.match(r"[.:]\d", text[m.end() : m.end() + 2])
    ]
    if not found:
        return None, None
    return found[0], (found[-1] if len(found) > 1 else None)


def meeting_place(text: str) -> str | None:
    """Take the place out of a "Plats och tid" text: what is left without dates, times and weekdays."""
    clean = text
    for mention in sorted(find_dates(text), key=lambda m: -(m.char_start or 0)):
        if mention.char_start is not None and mention.char_end is not None:
            clean = clean[: mention.char_start] + " " + clean[mention.char_end :]
    clean = re.sub(
        rf"(?:(?:kl\.?|klockan|kl:)\s*)?{_TIME_PLAIN}(?:\s*[-–—]\s*(?:(?:kl\.?|klockan|ca)\s*)?{_TIME_PLAIN})?",
        " ",
        clean,
    )
    clean = re.sub(r"\b(?:kl\.?|klockan|ca)(?=\s|$|,)", " ", clean)
    clean = re.sub(
        r"\b(?:[Mm]åndag|[Tt]isdag|[Oo]nsdag|[Tt]orsdag|[Ff]redag|[Ll]ördag|[Ss]öndag)(?:en)?\b", " ", clean
    )
    clean = _AJOURNERING.sub(" ", clean)
    clean = re.sub(r"\(\s*\)|\bden\b", " ", clean)
    clean = re.sub(r"\s+", " ", clean)
    clean = re.sub(r"(?:\s*[,;]\s*)+", ", ", clean).strip(" ,;:–-()")
    return clean if sum(ch.isalpha() for ch in clean) >= 3 else None


def _first_date(text: str) -> str | None:
    for mention in find_dates(text):
        if mention.kind == "date" and mention.start and mention.start == mention.end:
            return mention.start
    return None


def _body_in_text(text: str) -> str | None:
    """A body named in a head line: "Barn- och utbildningsnämnden", "Kommunstyrelsens arbetsutskott"."""
    lex = _lexicon()
    line = re.sub(r"\s+", " ", text).strip()
    match = re.search(
        r"(?:protokoll(?:et)?\s+(?:fört\s+)?(?:vid|från|för)\s+|sammanträde\s+med\s+|utdrag\s+ur\s+)"
        r"(?P<gen>[\w-]+(?:\s+(?:och\s+)?[\w-]+){0,4}?s)\s+(?:sammanträde|protokoll)",
        line,
        re.IGNORECASE,
    )
    if match:
        body = _genitive_body(match.group("gen"))
        if body:
            return body
    match = re.search(
        rf"(?:sammanträde\s+med|protokoll\s+för)\s+(?P<body>(?:[\w-]+\s+(?:och\s+)?){{0,4}}?[\w-]*(?:{lex.body_stem.pattern})[\w]*)",
        line,
        re.IGNORECASE,
    )
    if match:
        body = match.group("body")
        return body[0].upper() + body[1:]
    for match in re.finditer(r"[\w-]+", line):
        word = match.group()
        if not _names_body(word) or _is_title_word(word) or word.isupper() and len(word) < 4:
            continue
        if word.endswith("s") and not word.endswith("ss"):
            continue  # a genitive: "kommunstyrelsens ordförande"
        start = _name_start(line, match.start())
        if start is None:
            continue
        body = line[start : match.end()]
        return body.capitalize() if body.isupper() else body[0].upper() + body[1:]
    return None


def _names_body(word: str) -> bool:
    """Whether a word names a body: its stem ends the word ("utbildningsnämnden", not "delegationsbeslut")."""
    return bool(re.search(rf"(?:{_lexicon().body_stem.pattern})[a-zåäö]{{0,4}}$", word, re.IGNORECASE))


def _name_start(line: str, position: int) -> int | None:
    """Walk back from a body word over "och" and lowercase words to the capitalised first word."""
    if line[position].isupper():
        return position
    words = list(re.finditer(r"\S+", line[:position]))
    for word in reversed(words[-4:]):
        token = word.group()
        if token[0].isupper():
            return word.start() if token.casefold() not in _lexicon().function_words else None
        if not (token.islower() and (token == "och" or token.endswith("-") or token.isalpha())):
            return None
    return None


@dataclass
class _Head:
    date: str | None = None
    body: str | None = None
    place: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    people: list[Participant] = field(default_factory=list)
    text: str = ""
    jav: list[tuple[str, str]] = field(default_factory=list)  # (name, paragraph number)


_PEOPLE_SECTIONS = ("members", "serving", "substitutes", "officials", "adjusters")


def _read_head(segments: list[_Segment]) -> _Head:
    """Read the meeting head: body, date, place and time, and the people present."""
    head = _Head()
    section: str | None = None
    bucket: dict[str, list[_Segment]] = {}
    order: list[tuple[str | None, _Segment]] = []
    for segment in segments:
        if segment.kind == "paragraphs":
            rest = re.sub(r"^[§\s\d,–—-]+(?:och\s+\d+)?", "", segment.text)
            if rest:
                order.append((section, _Segment(segment.block, segment.start, segment.end, rest, None)))
            continue
        if segment.kind is not None:
            section = segment.kind
        elif segment.heading and section in _PEOPLE_SECTIONS and not find_names(segment.text):
            section = None
        bucket.setdefault(section or "", []).append(segment)
        order.append((section, segment))
    head.text = "\n".join(s.text for _, s in order if _ in (None, ""))
    stacks = _stacks(order)
    for first, last in stacks:
        kind, values = order[first][0], order[last][1]
        if kind in ("place", "place_time") and values.text:
            line = values.text.split("\n", 1)[0]  # the first value is the first label's: "Plats och tid"
            bucket.setdefault(kind, []).append(_Segment(values.block, values.start, values.end, line, None))
    for kind in ("date", "place_time"):
        for segment in bucket.get(kind, []):
            head.date = head.date or _first_date(segment.text)
    if head.date is None:
        for kind, segment in order:
            if kind in (None, "", "members", "place", "time") and segment.kind is None:
                head.date = _first_date(segment.text)
                if head.date:
                    break
    for kind in ("place", "place_time", "time"):
        for segment in bucket.get(kind, []):
            start, end = meeting_times(segment.text)
            head.start_time = head.start_time or start
            head.end_time = head.end_time or end
            if kind != "time" and head.place is None:
                head.place = meeting_place(segment.text)
    for kind, segment in order:
        if kind in (None, "") and head.body is None and segment.kind is None:
            head.body = _body_in_text(segment.text)
    for kind, segment in order:
        if segment.kind == "jav" or kind == "jav":
            for name in find_names(segment.text):
                number = re.search(r"§\s*(\d{1,4})", segment.text[name.end : name.end + 20])
                if number:
                    head.jav.append((name.name, number.group(1)))
    in_stack = {position for first, last in stacks for position in range(first, last + 1)}
    for first, last in stacks:
        kinds = [kind or "" for kind, _ in order[first : last + 1]]
        head.people += _stacked_people(order[last][1].text, kinds, order[last][1].block)
    for kind, text, parts in _people_runs([entry for i, entry in enumerate(order) if i not in in_stack]):
        default = _head_people(kind)
        if default is not None:
            found = parse_people(text, default, parts[0].block)
        else:  # elsewhere in the head only a person with a written role counts ("Ordförande: Helena Hed")
            found = [p for p in parse_people(text, None, parts[0].block) if p.role]
        for person in found:  # the block that holds the name, of the lines joined
            last = person.name.split()[-1]
            person.block = next((s.block for s in parts if last in s.text), parts[0].block)
        head.people += [_politician_among_others(p) for p in found]
    return head


_OTHER_PRESENT = "övrig närvarande"


def _politician_among_others(person: Participant) -> Participant:
    """A person with a party listed among "Övriga närvarande" is no official: an other present (a substitute
    who does not serve, a councillor)."""
    if person.role == "tjänsteperson" and person.party:
        person.role = _OTHER_PRESENT
    return person


_LIST_COMMAS = 2


def _people_runs(order: list[tuple[str | None, _Segment]]) -> list[tuple[str | None, str, list[_Segment]]]:
    """The head's parts as (section, text, block). A comma-separated list broken over lines ("Eva Maria" /
    "Lindqvist, …") and a signature block ("Ordförande" / "Anna Lind") are joined into one text."""
    runs: list[tuple[str | None, str, list[_Segment]]] = []
    for kind, segment in order:
        lists = kind in ("members", "serving", "substitutes", "officials", "signatures")
        if runs and segment.kind is None and runs[-1][0] == kind and lists:
            previous = runs[-1][1]
            joined = kind == "signatures" or (
                previous.count(",") >= _LIST_COMMAS and not previous.rstrip().endswith((".", "!", "?"))
            )
            if joined:
                runs[-1] = (kind, f"{previous} {segment.text}", [*runs[-1][2], segment])
                continue
        runs.append((kind, segment.text, [segment]))
    return runs


_STACK_LABELS = 3
_STACK_PEOPLE = 2


def _stacks(order: list[tuple[str | None, _Segment]]) -> list[tuple[int, int]]:
    """Labels stacked over their values (a label column set apart from its value column): three or more
    labels in a row with no names under them, two of them people lists, and every value under the last.
    Returns (first, last) positions in ``order``."""
    stacks: list[tuple[int, int]] = []
    start: int | None = None
    for position, (_kind, segment) in enumerate(order):
        if segment.kind is None:
            start = None
            continue
        if start is None:
            start = position
        if find_names(segment.text):
            kinds = [k for k, _ in order[start : position + 1]]
            people = sum(1 for k in kinds if k in _PEOPLE_SECTIONS)
            if len(kinds) >= _STACK_LABELS and people >= _STACK_PEOPLE:
                stacks.append((start, position))
            start = None
    return stacks


_KIND_ROLE = {
    "members": "ledamot",
    "serving": "tjänstgörande ersättare",
    "substitutes": "ersättare",
    "officials": _OTHER_PRESENT,
    "adjusters": "justerare",
}


def _stacked_people(text: str, kinds: list[str], block: int) -> list[Participant]:
    """People under stacked labels: a role written beside a name wins; an official is known by a title; the
    politicians (with a party) are given the stacked people lists in order. Each list is ordered by party
    like the others, so a list ends where its first party comes back after other parties, or where a name
    already read comes again (a justerare under "Utses att justera")."""
    lists: list[str] = []
    for kind in kinds:
        if kind in _KIND_ROLE and (not lists or lists[-1] != kind):
            lists.append(kind)
    if not lists:
        return []
    current = 0
    first_party: str | None = None
    last_party: str | None = None
    seen: set[str] = set()
    people: list[Participant] = []
    for line in text.split("\n"):
        for person in parse_people(line, "", block):
            if person.party:
                party = person.party.upper()
                restart = first_party is not None and party == first_party and last_party != first_party
                if (person.name in seen or restart) and current + 1 < len(lists):
                    current += 1
                    first_party = None
                first_party = first_party or party
                last_party = party
                person.role = person.role or _KIND_ROLE[lists[current]]
            elif not person.role:
                if not person.title:
                    continue  # a bare name among the values: a signature, not a list
                person.role = "tjänsteperson"
            seen.add(person.name)
            people.append(person)
    return people


def _merge_people(people: list[Participant]) -> list[Participant]:
    """One entry per (name, role); a chair or vice chair is not listed again as ledamot."""
    by_name: dict[str, list[Participant]] = {}
    for person in people:
        by_name.setdefault(person.name, []).append(person)
    merged: list[Participant] = []
    seen: set[tuple[str, str]] = set()
    for person in people:
        roles = {p.role for p in by_name[person.name]}
        if person.role == "ledamot" and roles & {"ordförande", "vice ordförande"}:
            continue
        if person.role == "tjänsteperson" and "sekreterare" in roles:
            continue
        if (person.name, person.role) in seen:
            continue
        seen.add((person.name, person.role))
        party = person.party or next((p.party for p in by_name[person.name] if p.party), None)
        title = person.title or next((p.title for p in by_name[person.name] if p.title), None)
        merged.append(Participant(person.name, person.role, party, person.block, title))
    return merged


# --- items


@dataclass
class _ItemState:
    header: ItemHeader
    block: int
    start: int
    end: int
    level: int | None  # the header's heading level, None when it is a paragraph
    closed: bool = False
    parts: list[tuple[str | None, _Segment]] = field(default_factory=list)


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text) if s.strip()]


_NEGATED_JAV = re.compile(
    r"\b(?:ingen|inget|inga|ej|icke)\b[^.]{0,40}\bjäv|jäv\w*\s+(?:föreligger|anmäls|noteras)\s+(?:inte|ej)",
    re.IGNORECASE,
)
_NEGATED_RESERVATION = re.compile(r"\b(?:ingen|inga)\s+reservation", re.IGNORECASE)


def _named_in(sentence: str) -> list[str]:
    sentence = re.split(r"till\s+förmån\s+för|förmån\s+för|i\s+hennes\s+ställe|i\s+hans\s+ställe", sentence)[
        0
    ]
    return [n.name for n in find_names(sentence)]


def _group_subject(sentence: str) -> str | None:
    """The group that reserves itself when no name is given ("Sverigedemokraternas ledamöter")."""
    match = re.search(r"(?:^|\s)(?P<group>[A-ZÅÄÖ][\w-]*(?:\s+[\w()-]+){0,4}?)\s+reserverar\s+sig", sentence)
    if match:
        return match.group("group").strip()
    match = re.search(
        r"reserverar\s+sig\s+(?P<group>[A-ZÅÄÖ][\w-]*(?:\s+[\w()-]+){0,4}?)(?:\s+(?:mot|till)\b|[.,]|$)",
        sentence,
    )
    return match.group("group").strip() if match else None


def _reservations(parts: list[tuple[str | None, _Segment]]) -> list[str]:
    names: list[str] = []
    for kind, segment in parts:
        text = segment.text
        for sentence in _sentences(text):
            low = sentence.casefold()
            relevant = "reserver" in low or (
                kind == "reservation"
                and "reserv" not in low
                and find_names(sentence)
                and not _NEGATED_RESERVATION.search(sentence)
                and "yrkar" not in low
            )
            if not relevant or _NEGATED_RESERVATION.search(sentence):
                continue
            found = _named_in(sentence)
            if not found and "reserver" in low:
                group = _group_subject(sentence)
                found = [group] if group else []
            names += [n for n in found if n not in names]
    return names


def _disqualified(parts: list[tuple[str | None, _Segment]]) -> list[str]:
    names: list[str] = []
    for kind, segment in parts:
        for sentence in _sentences(segment.text):
            low = sentence.casefold()
            if ("jäv" not in low and kind != "jav") or _NEGATED_JAV.search(sentence):
                continue
            if kind == "jav" and "jäv" not in low and not re.search(r"deltar\s+inte|lämnar|avstår", low):
                continue
            names += [n for n in _named_in(sentence) if n not in names]
    return names


_ASIDE = re.compile(r"jäv|reserverar\s+sig|protokollsanteckning", re.IGNORECASE)


def _without_asides(text: str) -> str:
    """Drop sentences about jäv, reservations and notes that follow a decision in the same part."""
    lines = []
    for line in text.split("\n"):
        sentences = _sentences(line)
        kept = [s for s in sentences if not _ASIDE.search(s)]
        if len(kept) < len(sentences):
            line = " ".join(kept)
        if line.strip():
            lines.append(line)
    return "\n".join(lines) if lines else text


def _decision(parts: list[tuple[str | None, _Segment]]) -> str | None:
    """The decision: the text under "Beslut"/"<body>s beslut", else a body's proposal to the body above it,
    else a sentence "<Body> beslutar ..." outside the description and the proposals."""
    for wanted in ("decision", "decision_to"):
        texts = [s.text for k, s in parts if k == wanted and s.text]
        if texts:
            lines = [unmark(line) for line in "\n".join(texts).split("\n")]
            return _without_asides("\n".join(line for line in lines if line).strip()) or None
    lex = _lexicon()
    for kind, segment in parts:
        if kind in (None, "other") and segment.kind is None:
            for sentence in _sentences(segment.text):
                match = lex.decision_sentence.match(sentence)
                if match and (
                    lex.body_stem.search(match.group())
                    or re.match(r"^(?:Nämnden|Utskottet|Styrelsen)", sentence)
                ):
                    return segment.text.strip()
    return None


def _build_item(doc: ParsedDocument, state: _ItemState, lines: bool = False) -> AgendaItem:
    header = state.header
    title, dnr = header.title, header.dnr
    parts = state.parts
    # A header without a title: the title is the first short content part (continued over the lines a PDF
    # reader split it into); "Dnr ..." parts give the dnr.
    remaining: list[tuple[str | None, _Segment]] = []
    looking = title is None
    title_open = False  # the title was read from content and may go on in the next part
    title_heading = False
    for kind, segment in parts:
        if kind is None and segment.kind is None and (looking or dnr is None or title_open):
            text = segment.text
            match = re.match(
                rf"^{_DNR_LABEL}(?P<dnr>{_DNR_CORE}){_FILING_CODE}", text
            ) or _DNR_ALONE.fullmatch(text)
            if match and dnr is None:
                dnr = match.group("dnr").strip()
                text = text[match.end() :].strip(" ,:;–-")
                if not text:
                    continue
            if title_open and title and not remaining and _continues_title(title, text, title_heading, lines):
                title = f"{title} {unmark(text)}"
                continue
            title_open = False
            if looking and not remaining and _is_title(text, segment.heading):
                title, more = _clean_title(unmark(text))
                dnr = dnr or more
                looking = False
                title_open = title is not None
                title_heading = segment.heading
                continue
            cut = _leading_title(text) if looking and not remaining and state.level is not None else None
            if cut:
                title = text[:cut].strip()
                segment = _Segment(segment.block, segment.start + cut, segment.end, text[cut:].strip(), None)
        if kind is not None:
            looking = False
        title_open = False
        remaining.append((kind, segment))
    if dnr is None:
        for _kind, segment in parts:
            match = _DNR_LABELLED.search(segment.text)
            if match and segment.start - state.start < 400:
                dnr = match.group("dnr").strip()
                break
    return AgendaItem(
        number=header.number,
        dnr=dnr,
        title=title,
        decision=_decision(remaining),
        block=state.block,
        char_start=state.start,
        char_end=max(state.end, state.start),
        page=doc.blocks[state.block].page,
        reservations=_reservations(remaining),
        disqualified=_disqualified(remaining),
    )


_ABBREVIATION = re.compile(r"(?<![\w.])(?:[a-zåäö]{1,3}\.){1,3}(?=\s|$)")
_TITLE_WORDS = 20
_HEADING_TITLE_WORDS = 40
_FRAGMENT_WORDS = 6
_OPEN_END = re.compile(
    r"(?:[,–—-]|\b(?:och|eller|samt|för|av|med|till|om|i|på|inom|vid|från|mot|under|över))$"
)


def _is_sentence(text: str) -> bool:
    """Whether a text holds a sentence end ("m.fl.", "bl.a." and "t.ex." are no ends)."""
    return bool(re.search(r"[.!?](?:\s|$)", _ABBREVIATION.sub(" ", text.strip())))


def _is_title(text: str, heading: bool) -> bool:
    """Whether the first content part after a header without a title is the title: short, no sentence."""
    words = len(text.split())
    if heading:
        return words <= _HEADING_TITLE_WORDS
    return words <= _TITLE_WORDS and not re.search(r"[.!?]\s", _ABBREVIATION.sub(" ", text) + " ")


_LINE_WORDS = 20  # more words than a printed line holds
_LINES_SEEN = 20


def _reads_lines(doc: ParsedDocument) -> bool:
    """Whether the reader gave one block per printed line (paragraphs not rebuilt): among many paragraphs,
    hardly any is longer than a line. Then a title may come split into short fragments."""
    sizes = sorted(len(b.text.split()) for b in doc.blocks if b.kind is BlockKind.PARAGRAPH)
    return len(sizes) >= _LINES_SEEN and sizes[int(len(sizes) * 0.98)] < _LINE_WORDS


def _continues_title(title: str, text: str, heading: bool, lines: bool = False) -> bool:
    """Whether a part goes on with a title that a reader split over lines ("Detaljplan för" / "Norrby")."""
    text = unmark(text)
    if not text or _is_sentence(text) or len(title.split()) + len(text.split()) > _HEADING_TITLE_WORDS:
        return False
    if _OPEN_END.search(title) or re.match(r"^[a-zåäö0-9(–-]", text):
        return True
    return lines and not heading and len(text.split()) <= _FRAGMENT_WORDS


def _leading_title(text: str) -> int | None:
    """Where a title run into its text ends (transcripts): "Information från förvaltningen Förvaltningschef
    Eva Sund informerar ..." ends before the first capitalised word after lowercase words."""
    words = list(re.finditer(r"\S+", text))
    for i, word in enumerate(words[1:13], start=1):
        if word.group()[0].isupper():
            return word.start() if i >= 2 else None
    return None


def _title_end(text: str, header: ItemHeader) -> int:
    """Where an item header run into its text ends: at the first label after some title words."""
    if not header.title:
        return len(text)
    title_start = text.find(header.title.split()[0])
    lex = _lexicon()
    ends = [m.start("label") for m in lex.item_labels.finditer(text, title_start + 1)]
    ends += [m.start() for m in _DECISION_ATT.finditer(text, title_start + 1)]
    ends += [
        m.start()
        for m in re.compile(rf"(?<!\S)[{_UPPER}]").finditer(text, title_start + 1)
        if _decision_label(text, m.start())
    ]
    ends = [e for e in ends if e > title_start]
    return min(ends) if ends else len(text)


def _dnr_only(text: str) -> str | None:
    match = re.fullmatch(rf"\s*{_DNR_LABEL}(?P<dnr>{_DNR_CORE})\s*", text)
    return match.group("dnr").strip() if match else None


def _header_positions(block: Block) -> list[int]:
    """Where item headers start in a block: its start, or after a sentence end for "§ N Dnr" headers."""
    positions = [0] if item_header(block.text) else []
    for match in _STRONG_ITEM.finditer(block.text):
        if match.start() and item_header(block.text[match.end() :]):
            positions.append(match.end())
    return positions


_HEAD_PARTS = frozenset({"members", "substitutes", "adjusters", "place_time", "date", "signatures"})


def _is_protocol(
    doc: ParsedDocument, head_text: str, items: list[AgendaItem], head_kinds: Iterable[str | None] = ()
) -> bool:
    """Items make minutes when one has a decision, the head has two parts of a protocol head ("Beslutande",
    "Sammanträdesdatum", "Justerare"), or a cue ("protokoll") is in the head, title or page furniture."""
    if not items:
        return False
    if any(item.decision for item in items) or len(_HEAD_PARTS.intersection(head_kinds)) >= 2:
        return True
    haystack = " ".join(
        [head_text, doc.metadata.title or "", doc.metadata.kind or "", " ".join(doc.furniture)]
    ).casefold()
    return any(cue in haystack for cue in _lexicon().cues)


_RUNNING_HEADER_WORDS = 8


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _logical_blocks(doc: ParsedDocument) -> list[tuple[int, Block]]:
    """The blocks, a paragraph sign that the reader set apart from its number ("§" / "12") joined again."""
    out: list[tuple[int, Block]] = []
    blocks = doc.blocks
    i = 0
    while i < len(blocks):
        block = blocks[i]
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if (
            following is not None
            and unmark(block.text) == "§"
            and re.match(r"^\d{1,4}(?!\S)", unmark(following.text))
        ):
            text = doc.text[block.char_start : following.char_end]
            if not text.startswith(block.text):
                text = f"§ {following.text}"
            heading = next((b for b in (block, following) if b.kind is BlockKind.HEADING), None)
            kind = BlockKind.HEADING if heading else following.kind
            level = heading.level if heading else None
            merged = Block(kind, text, block.page, block.char_start, following.char_end, level=level)
            if item_header(merged.text):
                out.append((i, merged))
                i += 2
                continue
        split_row = _split_row_header(block, following)
        if split_row is not None:
            out.append((i, split_row))
            i += 2
            continue
        out.append((i, block))
        i += 1
    return out


def _split_row_header(block: Block, following: Block | None) -> Block | None:
    """A contents row whose paragraph sign and number fell into two rows ("§ | Meddelanden | 6", "118 |")."""
    rows = (block.kind, following.kind if following else None)
    if following is None or rows != (BlockKind.TABLE_ROW, BlockKind.TABLE_ROW):
        return None
    cells = block.text.split("\t")
    below = following.text.split("\t")
    if unmark(cells[0]) != "§" or not re.fullmatch(r"\d{1,4}", unmark(below[0])):
        return None
    text = "\t".join([f"§ {unmark(below[0])}", *cells[1:]])
    merged = Block(block.kind, text, block.page, block.char_start, following.char_end)
    return merged if item_header(merged.text) else None


_EXTRACT_CUE = re.compile(
    r"^(?:utdrag\s+ur\s+(?:sammanträdes|justerat\s+)?protokoll(?:et)?|protokollsutdrag|"
    r"(?:sammanträdes)?protokoll\s*\(?\s*utdrag\s*\)?)(?![\w-])",
    re.IGNORECASE,
)
_PROSE_WORDS = 12


def _quote_start(logical: list[tuple[int, Block]]) -> int | None:
    """Where a protocol extract quoted inside another document (a memo) begins, as a position in the list.

    The document is not itself minutes: its running prose comes before the extract ("Utdrag ur protokoll",
    "Protokollsutdrag"), and no item header precedes it.
    """
    prose = False
    for position, (_index, block) in enumerate(logical):
        text = unmark(block.text)
        if _EXTRACT_CUE.match(text):
            if not prose:
                return None
            later = any(item_header(b.text) for _, b in logical[position + 1 :])
            return position if later else None
        if item_header(block.text):
            return None
        if len(text.split()) >= _PROSE_WORDS and re.search(r"[.!?]", text):
            prose = True
    return None


# An attachment's first line: "Bilaga 1", "Bilaga A till § 30", "Bilaga till protokoll 2020-10-20".
_ATTACHMENT = re.compile(
    r"^(?:Bilaga|BILAGA)(?:\s+(?:nr\.?\s*)?(?:\d{1,3}[a-z]?|[A-Z])(?:[\s,]+(?:till|i|§)\s*.{0,80})?"
    r"|[\s,]+(?:till|§)\s*.{0,80})$"
)


@dataclass
class _Walk:
    """The state of one pass over a protocol's blocks: the head read so far and the items opened."""

    head_segments: list[_Segment] = field(default_factory=list)
    states: list[_ItemState] = field(default_factory=list)
    current: _ItemState | None = None
    pending_dnr: str | None = None
    running: set[str] = field(default_factory=set)  # short head lines: repeated later, they are page headers
    attachment: bool = False  # inside an attachment (bilaga) after the items
    columns: list[str | None] | None = None  # a head table's people columns ("BESLUTANDE | ERSÄTTARE")
    last_page: int | None = None

    def highest(self) -> int:
        """The highest paragraph number of the items read in the body (not the table of contents)."""
        body = [s.header.number for s in self.states if not s.header.toc]
        numbers = [int(n) for n in body if n.isdigit()]
        return max(numbers, default=-1)


def _open_item(walk: _Walk, index: int, block: Block, sub: Block) -> None:
    """An item header: open an item, continue one ("§ 12 (forts.)"), or skip it in an attachment."""
    lex = _lexicon()
    header = item_header(sub.text)
    assert header is not None
    title_end = _title_end(sub.text, header)
    if title_end < len(sub.text):
        header = item_header(sub.text[:title_end]) or header
    number = int(header.number) if header.number.isdigit() else None
    if walk.attachment and not header.toc and (number is None or number <= walk.highest()):
        return  # "§ 3" of an attached regulation
    walk.attachment = False
    known = next(
        (s for s in reversed(walk.states) if s.header.number == header.number and not s.header.toc), None
    )
    same = walk.current is not None and walk.current is known
    plain = header.title is None and header.dnr is None and not header.toc
    if known is not None and (header.continued or (same and plain)):
        known.closed = False  # a continuation page
        walk.current = known
        state = known
    else:
        if header.dnr is None and walk.pending_dnr:
            header.dnr = walk.pending_dnr
        state = _ItemState(
            header,
            index,
            sub.char_start,
            sub.char_start + title_end,
            block.level if block.kind is BlockKind.HEADING else None,
            closed=header.toc,  # the rows under a contents entry are the contents, not the item
        )
        walk.states.append(state)
        walk.current = state
    walk.pending_dnr = None
    if title_end < len(sub.text) and not state.closed:
        rest = Block(sub.kind, sub.text[title_end:], sub.page, sub.char_start + title_end, sub.char_end)
        _add_to_item(state, _split_block(index, rest, lex.item_labels, item=True))


def _add_content(
    walk: _Walk, logical: list[tuple[int, Block]], position: int, block: Block, sub: Block
) -> None:
    """A block (or part of one) that is not an item header: to the head, to the open item, or dropped."""
    lex = _lexicon()
    index = logical[position][0]
    if walk.current is None:
        columns = _head_columns(walk, index, block, sub)
        if columns is not None:
            walk.head_segments += columns
            return
        walk.head_segments += _split_block(index, sub, lex.head_labels, item=False)
        if len(sub.text.split()) <= _RUNNING_HEADER_WORDS:
            walk.running.add(_norm(sub.text))
        return
    page_start = block.page is not None and block.page != walk.last_page
    if _ATTACHMENT.match(unmark(sub.text)) and (page_start or block.kind is BlockKind.HEADING):
        walk.current.closed = True  # an attachment begins
        walk.attachment = True
        return
    state = walk.current
    if state.closed:
        return
    only_dnr = _dnr_only(sub.text)
    following = logical[position + 1][1] if position + 1 < len(logical) else None
    if (
        only_dnr
        and following is not None
        and item_header(following.text)
        and (state.header.dnr or state.parts)
    ):
        walk.pending_dnr = only_dnr
        return
    if (
        block.kind is BlockKind.HEADING
        and state.level is not None
        and (block.level or 1) < state.level
        and not lex.item_labels.match(block.text)
        and _decision_label(block.text, 0) is None
    ):
        state.closed = True  # an attached document begins
        return
    if _norm(sub.text) in walk.running:
        return  # the protocol's page header repeated on a later page
    _add_to_item(state, _split_block(index, sub, lex.item_labels, item=True))


def _people_label_kind(text: str) -> str | None:
    """The people kind of a cell that is nothing but a label ("BESLUTANDE", "Ersättare:"), else None."""
    match = _lexicon().head_labels.fullmatch(unmark(text).strip().rstrip(":").strip())
    if not match:
        return None
    kind = _lexicon().kinds.get(re.sub(r"\s+", " ", match.group("label")).casefold())
    return kind if kind in _PEOPLE_SECTIONS else None


def _head_columns(walk: _Walk, index: int, block: Block, sub: Block) -> list[_Segment] | None:
    """A head table whose header row names a people list per column ("BESLUTANDE | ERSÄTTARE"): each cell of
    the rows below goes to its column's list. Names that run on below the table, outside it, continue the
    first column (a table of two lists ends with the shorter; the members' list, every seat filled, is the
    longer). Returns the segments, or None when the block is not such a table."""
    if block.kind is not BlockKind.TABLE_ROW or sub is not block:
        walk.columns = None
        return None
    cells = block.text.split("\t")
    kinds = [_people_label_kind(cell) if cell.strip() else None for cell in cells]
    filled = [kind for kind, cell in zip(kinds, cells, strict=True) if cell.strip()]
    if len(cells) >= 2 and len(filled) >= 2 and all(filled):
        walk.columns = kinds
        first = next(kind for kind in kinds if kind)
        return [_Segment(index, block.char_start, block.char_end, "", first, first)]
    if walk.columns is None or len(cells) != len(walk.columns):
        walk.columns = None
        return None
    segments: list[_Segment] = []
    offset = block.char_start
    for kind, cell in zip(walk.columns, cells, strict=True):
        if kind and cell.strip():
            segments.append(_Segment(index, offset, offset + len(cell), cell.strip(), kind, kind))
        offset += len(cell) + 1
    first = next(kind for kind in walk.columns if kind)
    segments.append(_Segment(index, block.char_end, block.char_end, "", first, first))  # the run-on list
    return segments


def _pieces(block: Block) -> list[tuple[Block, bool]]:
    """A block cut at the item headers it holds: (part, is header)."""
    positions = _header_positions(block)
    cuts: list[tuple[int, int, bool]] = []
    cursor = 0
    for position in positions:
        if position > cursor:
            cuts.append((cursor, position, False))
        cuts.append((position, len(block.text), True))
        cursor = len(block.text)
    if cursor < len(block.text):
        cuts.append((cursor, len(block.text), False))
    out: list[tuple[Block, bool]] = []
    for start, end, is_header in cuts:
        if (start, end) == (0, len(block.text)):
            out.append((block, is_header))
            continue
        part = Block(
            block.kind,
            block.text[start:end],
            block.page,
            block.char_start + start,
            block.char_start + end,
            level=block.level,
        )
        out.append((part, is_header))
    return out


def extract_protocol(doc: ParsedDocument) -> list[Meeting]:
    """Return the meeting recorded in a protocol or protocol excerpt; [] for a document that is not one.

    A protocol extract quoted inside another document (a memo) gives the quoted meeting, marked ``quoted``:
    its head is read from the extract, never from the memo around it.
    """
    logical = _logical_blocks(doc)
    quote = _quote_start(logical)
    walk = _Walk()
    for position in range(quote or 0, len(logical)):
        index, block = logical[position]
        for sub, is_header in _pieces(block):
            if is_header:
                _open_item(walk, index, block, sub)
            else:
                _add_content(walk, logical, position, block, sub)
        walk.last_page = block.page
    return _meeting(doc, walk, logical[quote][0] if quote is not None else None)


def _meeting(doc: ParsedDocument, walk: _Walk, quote_block: int | None) -> list[Meeting]:
    """The meeting of a finished walk, or [] when what was read is not minutes."""
    states = walk.states
    lines = _reads_lines(doc)
    items = _merge_items([(_build_item(doc, state, lines), state.header.toc) for state in states])
    head = _read_head(walk.head_segments)
    quoted = quote_block is not None
    head_kinds = {segment.kind for segment in walk.head_segments}
    if not items or not (quoted or _is_protocol(doc, head.text, items, head_kinds)):
        return []
    for name, number in head.jav:
        for item in items:
            if item.number == number and name not in item.disqualified:
                item.disqualified.append(name)
    body = head.body or _body_from_items(states) or (None if quoted else _metadata_body(doc))
    if quoted:
        first_block = quote_block or 0
    else:
        first_block = 0 if walk.head_segments else (items[0].block or 0)
    start = doc.blocks[first_block].char_start if doc.blocks else 0
    date = head.date or (None if quoted else _furniture_date(doc) or _front_matter_date(doc))
    _place_commissions(doc, date, items)
    return [
        Meeting(
            date=date,
            body=body,
            place=head.place,
            start_time=head.start_time,
            end_time=head.end_time,
            items=items,
            participants=_merge_people(head.people),
            block=first_block,
            char_start=start,
            char_end=max(item.char_end for item in items),
            page=doc.blocks[first_block].page if doc.blocks else None,
            quoted=quoted,
        )
    ]


def _add_to_item(state: _ItemState, segments: list[_Segment]) -> None:
    """Put segments into the current item: a label opens a part; content goes to the open part."""
    current = state.parts[-1][0] if state.parts else None
    for segment in segments:
        if segment.kind is not None:
            label = segment.label.casefold()
            if label in _SKIP_LABELS:
                if len(segment.text.split()) < 4:
                    continue
                segment = _Segment(segment.block, segment.start, segment.end, segment.text, None)
            elif segment.kind == "end":
                state.closed = True
                return
            else:
                current = segment.kind
        elif segment.heading and current is not None:
            current = "other"  # an unlabelled heading ends the open part
        state.parts.append((current, segment))
        state.end = max(state.end, segment.end)


def _merge_items(items: list[tuple[AgendaItem, bool]]) -> list[AgendaItem]:
    """One item per paragraph number: the item in the body wins over its table-of-contents entry (whose title
    it may borrow); between repeated headers the richest is kept."""
    by_number: dict[str, tuple[AgendaItem, bool]] = {}
    order: list[str] = []
    for item, toc in items:
        known = by_number.get(item.number)
        if known is None:
            by_number[item.number] = (item, toc)
            order.append(item.number)
            continue
        known_item, known_toc = known
        if toc and not known_toc:
            known_item.title = known_item.title or item.title
            continue
        if known_toc and not toc:
            item.title = item.title or known_item.title
            by_number[item.number] = (item, toc)
            continue
        richness = (item.decision is not None, item.dnr is not None, item.char_end - item.char_start)
        if richness > (
            known_item.decision is not None,
            known_item.dnr is not None,
            known_item.char_end - known_item.char_start,
        ):
            by_number[item.number] = (item, toc)
    return [by_number[n][0] for n in order]


_GENERIC_BODIES = frozenset({"nämnden", "utskottet", "styrelsen", "förbundet", "beredningen", "rådet"})


def _body_from_items(states: list[_ItemState]) -> str | None:
    """The body that decides the items ("Bildnings- och sociala utskottets beslut"), most frequent first."""
    counts: dict[str, int] = {}
    for state in states:
        for kind, segment in state.parts:
            if kind in ("decision", "decision_to") and segment.kind in ("decision", "decision_to"):
                body = segment.body
                if body and len(body.split()) > 1 or (body and body.casefold() not in _GENERIC_BODIES):
                    counts[body] = counts.get(body, 0) + 1
    return max(counts, key=lambda b: counts[b]) if counts else None


def _metadata_body(doc: ParsedDocument) -> str | None:
    body = doc.metadata.body
    return body if body and _lexicon().body_stem.search(body) else None


_FRONT_MATTER_DATES = ("sammanträdesdatum", "mötesdatum", "datum", "date")


def _front_matter_date(doc: ParsedDocument) -> str | None:
    """The meeting date a Markdown conversion's front matter gives ("datum: 2023-10-24")."""
    front = getattr(doc, "front_matter", None) or {}  # absent on documents read before readers kept it
    for key in _FRONT_MATTER_DATES:
        value = front.get(key)
        if value:
            date = _first_date(str(value))
            if date:
                return date
    return None


def _furniture_date(doc: ParsedDocument) -> str | None:
    """A meeting date in a running header ("Sammanträdesprotokoll 2023-03-14"), when the header says so."""
    for text in doc.furniture:
        low = text.casefold()
        if any(cue in low for cue in ("protokoll", "sammanträde")):
            date = _first_date(text)
            if date:
                return date
    return None


# --- commissions: tasks a decision gives


@dataclass(frozen=True)
class _CommissionForms:
    patterns: tuple[re.Pattern[str], ...]
    strong_cue: re.Pattern[str]  # "senast", "före": a time right after it is the deadline
    report_cue: re.Pattern[str]  # "återrapportera", "redovisa": a time soon after, after a preposition


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _commission_forms() -> _CommissionForms:
    data = tomllib.loads(_LEXICON_FILE.read_text(encoding="utf-8"))["commission"]
    who = r"(?P<who>[^.;:\n]{2,90}?)"
    task = r"(?P<task>[^\n]+)"
    uppdrag = r"(?:i\s+uppdrag|uppdraget|ett\s+uppdrag)"
    patterns = (
        rf"(?<![\w-])(?:{_alternation(data['give_verbs'])})\s+{who}\s+{uppdrag}\s+att[\s,]+{task}",
        rf"(?<![\w-])(?:{_alternation(data['commission_verbs'])})\s+(?:{_alternation(data['commission_prepositions'])})"
        rf"\s+{who}\s+att[\s,]+{task}",
        rf"(?<![\w-])uppdrag(?:et)?\s+till\s+{who}\s+att[\s,]+{task}",
        rf"^{who}\s+(?:{_alternation(data['passive_verbs'])})\s+(?:i\s+)?(?:ett\s+)?uppdrag(?:et)?\s+att[\s,]+{task}",
    )
    strong = [
        c
        for c in data["deadline_cues"]
        if c in ("senast", "före", "innan", "till och med", "t.o.m.", "inför")
    ]
    report = [c for c in data["deadline_cues"] if c not in strong]
    return _CommissionForms(
        patterns=tuple(re.compile(p, re.IGNORECASE) for p in patterns),
        strong_cue=re.compile(
            rf"(?<![\w-])(?:{_alternation(strong)})\s+(?:den\s+|i\s+|under\s+)?$", re.IGNORECASE
        ),
        report_cue=re.compile(
            rf"(?<![\w-])(?:{_alternation(report)})(?![^.]{{60}})[^.]*?\s(?:i|till|vid|under|senast|den)\s+$",
            re.IGNORECASE,
        ),
    )


def _deadline_in(task: str, reference: dt.date | None) -> tuple[str | None, str | None, int | None]:
    """The deadline a task states ("senast 30 juni 2024"): (as written, ISO last day, where it starts)."""
    forms = _commission_forms()
    for mention in find_dates(task):
        if mention.char_start is None or mention.kind == "period" and mention.start != mention.end:
            continue
        before = task[: mention.char_start]
        if forms.strong_cue.search(before) or forms.report_cue.search(before):
            due = parse_deadline(mention.text, reference)
            end = mention.end or (due.end if due else None)
            cue = forms.strong_cue.search(before)
            return mention.text, end, cue.start() if cue else None
    return None, None, None


def find_commissions(decision: str | None, reference: dt.date | None = None) -> list[Commission]:
    """Commissions in a decision ("ger förvaltningen i uppdrag att ta fram en plan senast 30 juni 2024")."""
    found: list[Commission] = []
    for sentence in _sentences(unmark(decision or "")):
        for pattern in _commission_forms().patterns:
            match = pattern.search(sentence)
            if not match:
                continue
            who = re.sub(r"^(?:att\s+)", "", match.group("who").strip(" ,"), flags=re.IGNORECASE)
            task = match.group("task").strip()
            deadline, due, cut = _deadline_in(task, reference)
            if cut is not None:
                task = task[:cut]
            task = task.strip(" ,;.")
            if who and task:
                found.append(Commission(who, task, sentence.strip(), deadline, due))
            break
    return found


def _place_commissions(doc: ParsedDocument, meeting_date: str | None, items: list[AgendaItem]) -> None:
    """Read each item's commissions, with the meeting date for deadlines without a year, and place them."""
    reference = dt.date.fromisoformat(meeting_date) if meeting_date else None
    for item in items:
        item.commissions = find_commissions(item.decision, reference)
        for commission in item.commissions:
            words = commission.text.split()
            pattern = r"\s+".join(re.escape(w) for w in words[:8])
            match = re.compile(pattern).search(doc.text, item.char_start) if words else None
            start = (
                match.start()
                if match and match.start() < max(item.char_end, item.char_start + 1) + 2000
                else None
            )
            commission.char_start = start if start is not None else item.char_start
            commission.char_end = (
                commission.char_start + len(commission.text) if start is not None else item.char_end
            )
