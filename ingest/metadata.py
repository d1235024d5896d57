"""Document metadata, inferred from the text (title, organisation, body, kind, date, period) or a manifest.

The rules follow Swedish municipal document conventions, not any one document. They read the document's
*first page*: the letterhead and running-header lines the reader removed (furniture), Markdown front matter
(``doc.front_matter``, or opening "key: value" blocks), and the *title zone* (the first page's opening short
blocks, up to its first running text):

- the *kind* from a *form label*: a line of the furniture or the title zone that is a genre word alone,
  with at most a date, a number or a diarienummer ("TJÄNSTESKRIVELSE", "SAMMANTRÄDESPROTOKOLL 1
  2017-12-11", "Bilaga 1 Styrkort", "BESLUT"), the first one first; else a protocol's page-header words
  anywhere on the first page ("Justerandes signatur"), a genre word in the title, in the title zone, "§ 12"
  lines, the shape of a slide deck (``data/document_kinds.toml``). So a memo about a protocol stays a
  memo, a protocol quoting a plan a protocol;
- the *title* a person uses: the title zone's genre word and subject lines without labels ("Bilaga 1",
  "Version 3"), dates, diarienummer, form labels that are no part of a title ("Tjänsteskrivelse"), a
  memo's addressee (also as an address label: "Till: Barn- och utbildningsnämnden", "Till Kommunstyrelsen")
  or a letterhead above the genre word, ended by a period, a heading such as "Förslag till beslut" or a
  line in smaller type (``data/titles.toml``); a title in capitals is written as the document writes its
  words. A protocol is "<body> – protokoll <date>". Without a title zone: the first-page heading set
  largest;
- the *organisation* is the municipality or regional body named in the letterhead: "X kommun", "X stad",
  "Region X", "X kommunalförbund", "Regionförbundet X", "Kommunal utveckling X län", or "Xs kommunala …".
  Mentions are weighed by where they stand (first page, start of a block, a short block, capitals); a name
  written in capitals is written in ordinary case ("SVENLJUNGA KOMMUN" -> "Svenljunga kommun"); a place
  name alone in the letterhead ("FINSPÅNG") strengthens the matching "Finspångs kommun" found in the text;
- the *body* from front matter ("namnd:"), a decision table ("Beslutat av"), a protocol's letterhead line
  ("Kommunstyrelsens verksamhetsutskott") or decision heading, a title "Organisation – Body" or "<genre>
  <Body> <period>" ("Styrkort Välfärd skola 2019–2022"), a memo's signature ("Produktionsdirektör Välfärd
  skola": a memo's first page names its addressee, not its author; a distribution list such as "Beslutet
  skickas till" ends the signature; without a unit there, the unit above the memo's form label or after
  "Från:"), a short block on the first page ("Sektor utbildning"), the title, or the giver of an
  assignment ("Skolchefsnätverket ger följande uppdrag");
- the *date* from front matter, a form label line ("SAMMANTRÄDESPROTOKOLL 2023-10-24"), a labelled date on
  the first page ("Beslutandedatum 2025-04-01", "Sammanträdesdatum") or a date standing alone on the title
  page;
- the *period* from the title ("Verksamhetsplan 22/23" -> "2022/2023"); for plans and reports (not
  protocols, memos or decisions) else a range after a cue word ("för åren 2023–2026") or the first range
  of years in the first page's own text, never in a table; normalised to "YYYY/YYYY" (school year),
  "YYYY-YYYY" (calendar years), "YYYY" or "VT 2023"/"HT 2023".
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from ingest.dates import MONTHS, find_dates
from ingest.model import Block, BlockKind, DateMention, DocumentMetadata, IngestError, ParsedDocument

_DATA = Path(__file__).parent / "data"
_WORDS = tomllib.loads((_DATA / "organisations.toml").read_text(encoding="utf-8"))
_TITLES = tomllib.loads((_DATA / "titles.toml").read_text(encoding="utf-8"))

# How much of a document without pages counts as its first page.
HEAD_CHARS = 3000
# A block of at most this many words is a "short" block: a title, a letterhead line, a label.
SHORT_BLOCK_WORDS = 10


@dataclass(frozen=True)
class DocumentKind:
    """A document type: its notation, Swedish label and the words that name it."""

    notation: str
    label: str
    cues: tuple[str, ...]
    header_cues: tuple[str, ...]
    form_cues: tuple[str, ...] = ()
    in_title: bool = True


def _load_kinds() -> dict[str, DocumentKind]:
    data = tomllib.loads((_DATA / "document_kinds.toml").read_text(encoding="utf-8"))
    return {
        notation: DocumentKind(
            notation,
            entry["label"],
            tuple(entry["cues"]),
            tuple(entry["header_cues"]),
            tuple(entry.get("form_cues", entry["cues"])),
            entry.get("in_title", True),
        )
        for notation, entry in data.items()
    }


DOCUMENT_KINDS: dict[str, DocumentKind] = _load_kinds()

_UPPER = "A-ZÅÄÖÉÜ"
_LOWER = "a-zåäöéü"
_LETTER = f"{_UPPER}{_LOWER}"


def _words(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _clean(text: str) -> str:
    """Whitespace normalised, markdown emphasis and heading marks removed."""
    text = re.sub(r"[*_]{2,}|^#+\s*", "", text.strip())
    return re.sub(r"\s+", " ", text).strip()


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _place_case(name: str) -> str:
    """Write a place name in ordinary case: "UPPLANDS-BRO" -> "Upplands-Bro", "LILLA EDET" -> "Lilla Edet"."""
    if not _is_caps(name):
        return name
    return re.sub(rf"[{_LETTER}]+", lambda m: m.group(0).capitalize(), name.lower())


def municipality_name(place: str) -> str:
    """The municipality of a place: "Finspång" -> "Finspångs kommun", "Svenljunga" -> "Svenljunga kommun".

    Swedish adds the genitive s except after a vowel or s, x, z; a few official names are exceptions.
    """
    place = _place_case(place.strip())
    exception = _WORDS["organisation"]["exceptions"].get(place)
    if exception:
        return exception
    if place[-1].lower() in "aeiouyåäöéüsxz":
        return f"{place} kommun"
    return f"{place}s kommun"


# --- the parts of a document the rules look at ---------------------------------------------------------


@dataclass
class _View:
    """The document as the rules see it: its text, blocks, the first page and the title."""

    text: str
    blocks: list[Block]
    head_end: int  # offset where the first page (or HEAD_CHARS) ends
    body_start: int = 0  # offset where the document's own blocks start (after the letterhead lines)
    front: dict[str, str] = field(default_factory=dict)  # Markdown front matter, keys casefolded
    front_end: int = 0  # offset where the front matter read from the text ends

    def head_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.char_start < self.head_end]

    def furniture_blocks(self) -> list[Block]:
        """The letterhead and running-header lines the reader removed, one block each."""
        return [b for b in self.blocks if b.char_end <= self.body_start]

    def first_page(self) -> list[Block]:
        """The document's own blocks on its first page (no letterhead, no front matter, no table rows)."""
        return [
            b
            for b in self.blocks
            if max(self.body_start, self.front_end) <= b.char_start < self.head_end
            and b.kind is not BlockKind.TABLE_ROW
            and b.text.strip()
        ]

    def block_at(self, offset: int) -> Block | None:
        for block in self.blocks:
            if block.char_start <= offset < block.char_end:
                return block
        return None


_FRONT_PAIR = r"[A-Za-zÅÄÖåäö_]+:[ \t]*(?:\"[^\"]*\"|'[^']*'|[^\s\"']*)"
_FRONT_PAIRS = re.compile(rf"(?:{_FRONT_PAIR}\s*)+")
_FRONT_ITEM = re.compile(
    r"(?P<key>[A-Za-zÅÄÖåäö_]+):[ \t]*(?:\"(?P<q>[^\"]*)\"|'(?P<s>[^']*)'|(?P<v>[^\s\"']*))"
)


def front_matter(doc: ParsedDocument) -> tuple[dict[str, str], int]:
    """Markdown front matter ("namnd: Barn- och utbildningsnämnden"): the reader's, else the opening blocks of
    "key: value" pairs; returns the fields (keys casefolded) and the offset where those blocks end."""
    exposed = getattr(doc, "front_matter", None)
    if isinstance(exposed, dict) and exposed:
        return {str(k).casefold(): str(v) for k, v in exposed.items() if v is not None}, 0
    fields_: dict[str, str] = {}
    end = 0
    if doc.media_type != "text/markdown":
        return fields_, end
    for block in doc.blocks[:4]:
        text = block.text.strip()
        if not text or not _FRONT_PAIRS.fullmatch(text):
            break
        for m in _FRONT_ITEM.finditer(text):
            value = m.group("q") or m.group("s") or m.group("v") or ""
            fields_.setdefault(m.group("key").casefold(), value.strip())
        end = block.char_end
    return fields_, end


def _front_value(view: _View, field_name: str) -> str | None:
    """The first front matter value under one of the keys that give a field (titles.toml [front_matter])."""
    for key in _TITLES["front_matter"].get(field_name, []):
        value = view.front.get(key.casefold())
        if value:
            return value
    return None


def _view(doc: ParsedDocument) -> _View:
    if doc.pages:
        head_end = doc.pages[0].char_end
        if head_end - doc.pages[0].char_start < 40 and len(doc.pages) > 1:  # an empty cover: add page 2
            head_end = doc.pages[1].char_end
    else:
        head_end = HEAD_CHARS
    head_end = min(max(head_end, 1), len(doc.text))
    front, front_end = front_matter(doc)
    if front_end:
        head_end = min(max(head_end, front_end + HEAD_CHARS), len(doc.text)) if not doc.pages else head_end
    lines = [line for line in doc.furniture if line.strip()]
    if not lines:
        return _View(doc.text, doc.blocks, head_end, 0, front, front_end)
    # The removed running headers and letterheads are read as letterhead lines before the first page.
    letterhead: list[Block] = []
    offset = 0
    for line in lines:
        letterhead.append(Block(BlockKind.PARAGRAPH, line, None, offset, offset + len(line)))
        offset += len(line) + 2
    shift = offset
    shifted = [replace(b, char_start=b.char_start + shift, char_end=b.char_end + shift) for b in doc.blocks]
    prefix = "\n\n".join(lines) + "\n\n"
    return _View(
        prefix + doc.text,
        [*letterhead, *shifted],
        head_end + shift,
        shift,
        front,
        front_end + shift if front_end else 0,
    )


def _is_short(block: Block) -> bool:
    return len(block.text.split()) <= SHORT_BLOCK_WORDS


# --- title -----------------------------------------------------------------------------------------------

_ALL_CUES = re.compile(
    rf"(?<![{_LETTER}])(?:{_words(c for k in DOCUMENT_KINDS.values() for c in k.cues)})", re.IGNORECASE
)


def _title(view: _View) -> str | None:
    """The title: the first-page heading set largest (lowest level), unless a short block up to it names a
    document type; without headings, the first short block that names one, else of two or more words."""
    head = view.first_page()
    headings = [i for i, b in enumerate(head) if b.kind is BlockKind.HEADING and not _is_letterhead(b.text)]
    top_level = min((head[i].level or 1 for i in headings), default=None)
    main = next((i for i in headings if (head[i].level or 1) == top_level), None)
    top = head if main is None else head[: main + 1]
    for block in top:
        if _is_short(block) and _ALL_CUES.search(block.text) and not _is_letterhead(block.text):
            return _clean(block.text)
    if main is not None:
        return _clean(head[main].text)
    for block in head:
        named = len(block.text.split()) >= 2 and not _is_letterhead(block.text)
        if _is_short(block) and named and not _is_address_label(block.text):  # not "Till: Kommunstyrelsen"
            return _clean(block.text)
    return None


# --- the first page: form labels and the title zone -------------------------------------------------------

_T = _TITLES["title"]
_STOP_HEADINGS = {w.casefold() for w in _T["stop_headings"]}
_LABEL = re.compile(
    rf"^(?:{_words(_T['labels'])})\.?(?![{_LETTER}])\s*(?:nr\.?\s*)?(?:\S*\d\S*)?\s*[,:;.–-]?\s*",
    re.IGNORECASE,
)
_LABEL_WORDS = {w.casefold() for w in _T["labels"] if " " not in w}
_YEARS = re.compile(
    r"(?:(?:vt|ht|läsåret|läsår|år|åren)\s*)?\d{4}(?:\s*(?:[-–/]|till|och)\s*(?:\d{4}|\d{2}))?", re.IGNORECASE
)
_FORM_CUES = {
    k.notation: re.compile(rf"(?:{_words(k.form_cues)})(?:en|et|n|t)?", re.IGNORECASE)
    for k in DOCUMENT_KINDS.values()
    if k.form_cues
}
_HEADER_LEAD = {
    k.notation: re.compile(rf"(?:{_words(k.header_cues)})(?![{_LETTER}])", re.IGNORECASE)
    for k in DOCUMENT_KINDS.values()
    if k.header_cues
}


def _strip_labels(text: str) -> str:
    """A line without the labels that stand before a title ("Bilaga 1", "Version 3", "Dnr 2023/12")."""
    previous = None
    while previous != text:
        previous, text = text, _LABEL.sub("", text, count=1).strip()
    return text


def _is_abbreviation(word: str) -> bool:
    letters = word.strip(".,:;()")
    return letters.isalpha() and letters.isupper() and len(letters) <= 5


def _is_meta_line(text: str) -> bool:
    """A line of a document's head that is no part of its title: a date, a page number, a diarienummer."""
    words = text.split()
    has_number = any(any(c.isdigit() for c in w) for w in words)
    return has_number and all(
        any(c.isdigit() for c in w) or _is_abbreviation(w) or not any(c.isalpha() for c in w) for w in words
    )


DATELINE_WORDS = 2  # at most this many words beside a date make a dateline ("Ekvik, 2018-11-19")


def _is_dateline(text: str) -> bool:
    """A line that gives a date with at most a place, a sender or a date label beside it ("13 maj 2019",
    "Utskicksdatum 2021-02-01", "Ekvik, den 3 maj 2024"): a letter's dateline, never part of a title."""
    mentions = [m for m in find_dates(text) if m.kind == "date" and m.char_start is not None]
    if not mentions:
        return False
    rest = text
    for m in sorted(mentions, key=lambda m: -(m.char_start or 0)):
        rest = rest[: m.char_start] + " " + rest[m.char_end :]
    words = [w for w in re.split(r"[\s,;:–-]+", rest) if any(c.isalpha() for c in w)]
    return len([w for w in words if w.casefold() != "den"]) <= DATELINE_WORDS


def form_label(text: str) -> str | None:
    """The kind a line names when it is a genre word alone, with at most a date, a number or a diarienummer
    ("TJÄNSTESKRIVELSE", "SAMMANTRÄDESPROTOKOLL 1 2017-12-11", "Bilaga 1 Styrkort"), or that a line opens
    with a protocol's page-header words ("Justerandes signatur"); else None."""
    text = _strip_labels(_clean(text))
    dropped = _LABEL_WORDS | MONTHS.keys()  # labels, numbers and dates around the genre word
    words = [
        w
        for w in re.split(r"[\s|•·,;:()]+", text)
        if w and not any(c.isdigit() for c in w) and w.casefold().strip(".") not in dropped
    ]
    if len(words) > 1:
        words = [w for w in words if not _is_abbreviation(w)]
    rest = " ".join(words)
    if rest:
        for notation, pattern in _FORM_CUES.items():
            if pattern.fullmatch(rest):
                return notation
    for notation, pattern in _HEADER_LEAD.items():
        if pattern.match(text):
            return notation
    return None


def _title_zone(view: _View) -> list[Block]:
    """The first page's opening blocks, up to its first running text (a block of more than a few words)."""
    zone: list[Block] = []
    for block in view.first_page():
        if len(block.text.split()) > SHORT_BLOCK_WORDS:
            break
        zone.append(block)
    return zone


def _recase(title: str, text: str) -> str:
    """A title set in capitals written in ordinary case, each word as the document mostly writes it."""
    def recase(match: re.Match[str]) -> str:
        word = match.group(0).lower()
        pattern = rf"(?<![{_LETTER}./@]){re.escape(word)}(?![{_LETTER}]|\.[a-z])"  # not in a web address
        found = re.findall(pattern, text, re.IGNORECASE)
        mixed = [w for w in found if not (w.isupper() and len(w) > 1)]
        if mixed:
            return max(set(mixed), key=lambda w: (mixed.count(w), w.islower()))
        return match.group(0) if len(word) <= 4 else word  # an abbreviation ("SKIS") stays in capitals

    out = re.sub(rf"[{_LETTER}]+", recase, title)
    return out[:1].upper() + out[1:]


def _zone_title(view: _View, zone: list[Block], kind: str | None) -> str | None:
    """The title a person uses, from the title zone: the genre word and subject lines, without the labels,
    dates, diarienummer and form labels ("Tjänsteskrivelse") around them, ended by a period or a heading
    such as "Förslag till beslut"; a memo's addressee ("Kommunstyrelsen") before its subject is left out."""
    parts: list[str] = []
    after_heading = False
    for block in zone:
        text = _strip_labels(_clean(block.text)).strip(" :–-")
        if not text:
            continue
        label = form_label(text)
        in_title = label is not None and DOCUMENT_KINDS[label].in_title
        stop = text.casefold().rstrip(":") in _STOP_HEADINGS or text.endswith(":")
        if label is not None and not in_title and parts and (_is_caps(text) or not stop):
            parts, after_heading = [], False  # what stood above the form label was a letterhead
            continue
        if stop:
            break
        if _YEARS.fullmatch(text):
            if parts:
                parts.append(text)
                break
            continue
        letterhead = _is_letterhead(text) and not in_title and (not parts or not _is_caps(text))
        skip = (
            _is_meta_line(text)
            or _is_address_label(text)  # "Till: Barn- och skolnämnden" addresses the memo, is no title
            or letterhead
            or (label is not None and (not DOCUMENT_KINDS[label].in_title or label == "protokoll"))
            or (kind == "tjansteskrivelse" and _body_line(text) is not None)
        )
        if skip:
            if parts:
                break
            continue
        words = text.split()
        limit = SHORT_BLOCK_WORDS if not parts else _T["max_block_words"]
        if len(words) > limit or (parts and "," in text):
            break
        if sum(len(p.split()) for p in parts) + len(words) > _T["max_words"]:
            break
        names_genre = label is not None or _ALL_CUES.match(text)
        if parts and names_genre and all(_body_line(p) or _is_letterhead(p) for p in parts):
            parts, after_heading = [], False  # a body or organisation above the genre word is a letterhead
        below_heading = after_heading and (len(words) > 3 or text.endswith("."))
        if parts and (below_heading or any(m.kind == "date" for m in find_dates(text))):
            break  # below the title's heading only a short line goes on with it; a date line does not
        parts.append(text)
        after_heading = after_heading or block.kind is BlockKind.HEADING
        if any(normalise_period(m) for m in find_dates(text)):
            break  # a period ends a title ("Verksamhetsplan 2024–2026")
    while parts and not form_label(parts[0]) and not _ALL_CUES.search(parts[0]) and (
        _is_dateline(parts[0]) or _is_letterhead(parts[0]) or _body_line(parts[0]) is not None
    ):  # a dateline above the title ("13 maj 2019", "Utskicksdatum 2021-02-01"), a letterhead, a body
        parts.pop(0)
    if not parts or all(_is_letterhead(p) for p in parts):
        return None
    title = " ".join(parts)
    return _recase(title, view.text) if _is_caps(title) else title


# --- organisation ----------------------------------------------------------------------------------------

_NOT_NAMES = {w.lower() for w in _WORDS["organisation"]["not_names"]}
_FIRST_WORDS = _WORDS["organisation"]["name_first_words"]
_NAME = rf"[{_UPPER}][{_LETTER}]+(?:-[{_UPPER}][{_LETTER}]+)?"
_TWO_WORD = rf"(?:(?i:{_words(_FIRST_WORDS)})\s+)?{_NAME}"
_SEP = r"[\s~|•·]+"

# (pattern, how to write the organisation from the match)
_ORG_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"(?i:kommunal\s+utveckling){_SEP}(?P<name>{_NAME}[sS]){_SEP}(?i:län)\b"),
     "Kommunal utveckling {name} län"),
    (re.compile(rf"(?i:regionförbundet){_SEP}(?P<name>{_NAME})(?:{_SEP}(?P<lan>(?i:län)))?\b"),
     "Regionförbundet {name}{lan}"),
    (re.compile(rf"(?<![{_LETTER}])(?i:region){_SEP}(?P<name>{_NAME})(?:{_SEP}(?P<lan>(?i:län)))?\b"),
     "Region {name}{lan}"),
    (re.compile(rf"(?P<name>{_NAME}[sS]){_SEP}(?P<word>(?i:kommunalförbund|kommunförbund))\b"),
     "{name} {word}"),
    (re.compile(rf"(?i:kommunalförbundet){_SEP}(?P<name>{_NAME})\b"), "Kommunalförbundet {name}"),
    (re.compile(rf"(?<![{_LETTER}-])(?P<name>{_TWO_WORD}){_SEP}(?P<word>(?i:kommun|stad))(?:s)?\b"),
     "{name} {word}"),
]
# "Nackas kommunala skolor": a place's genitive before the adjective (graph/organisations.py resolves it).
_GENITIVE_ORG = re.compile(rf"(?<![{_LETTER}-])(?P<name>{_TWO_WORD}s)\s+(?i:kommunala|kommunalt)\b")
_ORG_PATTERNS.append((_GENITIVE_ORG, "{name} kommun"))


def _is_letterhead(text: str) -> bool:
    """A block that only names the organisation ("SVENLJUNGA KOMMUN", "FINSPÅNG")."""
    clean = _clean(text)
    if any(p.fullmatch(clean) for p, _ in _ORG_PATTERNS):
        return True
    return _is_caps(clean) and len(clean.split()) == 1


def _org_label(template: str, match: re.Match[str]) -> str | None:
    """Write an organisation from a match, in ordinary case; None when the "name" is a common word."""
    groups = match.groupdict()
    name = groups["name"]
    if name.split()[0].lower() in _NOT_NAMES or name.lower() in _NOT_NAMES:
        return None
    word = groups.get("word") or ""
    values = {
        "name": _place_case(name),
        "lan": " län" if groups.get("lan") else "",
        "word": word.lower() if _is_caps(word) else word,
    }
    return template.format(**values)


def _inside_longer(view: _View, match: re.Match[str]) -> bool:
    """True when another organisation pattern matches a longer span around this match."""
    lo, hi = max(0, match.start() - 40), min(len(view.text), match.end() + 40)
    return any(
        m.start() <= match.start() and match.end() <= m.end() and m.span() != match.span()
        for p, _ in _ORG_PATTERNS
        for m in p.finditer(view.text, lo, hi)
    )


def _organisation(view: _View) -> str | None:
    """The organisation with the most weight: early, at a block's start, in a short block or in capitals."""
    scores: dict[str, float] = {}
    genitive_only: set[str] = set()
    named: set[str] = set()
    first_seen: dict[str, int] = {}
    labels: dict[str, str] = {}
    for pattern, template in _ORG_PATTERNS:
        for match in pattern.finditer(view.text):
            label = _org_label(template, match)
            if label is None or _inside_longer(view, match):
                continue
            weight = 1.0
            if match.start() < view.head_end:
                weight += 3
            block = view.block_at(match.start())
            if block is not None:
                if match.start() - block.char_start < 80:
                    weight += 4
                if _is_short(block):
                    weight += 3
            if _is_caps(match.group(0)):
                weight += 2
            key = label.casefold()
            if pattern is _GENITIVE_ORG:
                genitive_only.add(key)
            else:
                genitive_only.discard(key)
                named.add(key)
            scores[key] = scores.get(key, 0) + weight
            first_seen[key] = min(first_seen.get(key, match.start()), match.start())
            labels.setdefault(key, label)
    if not scores:
        return None
    for key in genitive_only - named:  # "Nackas kommun" (from "Nackas kommunala") is "Nacka kommun" if named
        base = re.fullmatch(r"(.+)s (kommun|stad)", key)
        if base and f"{base.group(1)} {base.group(2)}" in scores:
            scores[f"{base.group(1)} {base.group(2)}"] += scores.pop(key)
    # A place name alone in a letterhead ("FINSPÅNG") strengthens the municipality it names.
    for block in view.head_blocks():
        clean = _clean(block.text)
        if _is_caps(clean) and len(clean.split()) == 1 and len(clean) > 2:
            key = municipality_name(clean).casefold()
            if key in scores:
                scores[key] += 10
    best = max(scores, key=lambda k: (scores[k], -first_seen[k]))
    return labels[best]


# --- body ------------------------------------------------------------------------------------------------

_HEADS = _words(_WORDS["body"]["heads"])
_GENITIVE_HEADS = _words(h + "s" if not h.endswith("e") else h + "s" for h in _WORDS["body"]["heads"])
_BODY_LABEL = re.compile(rf"(?im)^\s*(?:{_words(_WORDS['body']['labels'])})\s*[:\t]\s*(?P<value>[^\t\n]+)")
# "Barn- och utbildningsnämnden", "Bildnings- och sociala utskottet", "Kommunstyrelsen", "SKIS-nätverket"
_BODY_PHRASE = (
    rf"(?:[{_LETTER}]+-?\s+(?:och|&)\s+)?(?:(?:[{_LOWER}]+|[{_UPPER}][{_LOWER}]+[ae])\s+[{_LETTER}-]*?"
    rf"|[{_LETTER}][{_LETTER}-]*?)(?:{{heads}})"
)
_BODY_NOMINATIVE = re.compile(
    rf"(?<![{_LETTER}-])(?P<body>{_BODY_PHRASE.format(heads=_HEADS)})(?![{_LETTER}])", re.IGNORECASE
)
_BODY_DECISION = re.compile(
    rf"(?<![{_LETTER}-])(?P<body>{_BODY_PHRASE.format(heads=_GENITIVE_HEADS)})"
    rf"\s+(?:beslut|förslag till beslut)(?![{_LETTER}])"
)
_BODY_PREFIXED = re.compile(
    rf"(?<![{_LETTER}-])(?P<body>(?:{_words(_WORDS['body']['prefixes'])})\s+(?:för\s+)?[{_LOWER}][{_LOWER}-]+"
    rf"(?:\s+och\s+[{_LOWER}]+)?)(?![{_LETTER}])",
    re.IGNORECASE,
)
_BODY_ASSIGNER = re.compile(
    rf"(?<![{_LETTER}-])(?P<body>[{_UPPER}][{_LETTER}-]*(?:{_HEADS}))\s+(?:ger|lämnar)\s+(?:\w+\s+){{0,2}}uppdrag"
)
_BODY_OWNED = re.compile(
    rf"(?<![{_LETTER}-])(?P<body>(?:[{_LETTER}]+-?\s+(?:och|&)\s+)?[{_UPPER}][{_LOWER}-]*(?:{_GENITIVE_HEADS}|s)"
    rf"\s+[{_LOWER}-]*(?:{_words(_WORDS['body']['owned_heads'])})(?:et|en|n)?)(?![{_LETTER}])"
)
_TITLE_SPLIT = re.compile(r"\s+[–—-]\s+")
_ROLE_ENDINGS = tuple(_TITLES["signature"]["role_endings"])
_NOT_BODY_WORDS = {w.casefold() for w in _TITLES["title"]["not_body_words"]}


def _body_line(text: str) -> str | None:
    """The body a short line names as a whole ("Kommunstyrelsens verksamhetsutskott", "Sektor lärande"),
    also after the organisation's name ("JÖNKÖPINGS KOMMUN Barn- och utbildningsnämnden"); else None."""
    clean = _clean(text)
    for pattern, _ in _ORG_PATTERNS:
        m = pattern.match(clean)
        if m and m.end() < len(clean):
            clean = clean[m.end() :].strip(" ,–-|")
            break
    if not clean or len(clean.split()) > SHORT_BLOCK_WORDS:
        return None
    for pattern in (_BODY_OWNED, _BODY_PREFIXED, _BODY_NOMINATIVE):
        m = pattern.fullmatch(clean)
        if m and _good_body(m.group("body")):
            return _body_case(m.group("body"))
    return None


# Address and distribution labels of a memo or letter: the addressee ("Till: Kommunstyrelsen"), the sender
# ("Från:"), copies and distribution lists ("Beslutet skickas till", "Expedieras till", "Sändlista").
# A line that opens with one, followed by a colon or by nothing, names no title and no signing unit.
_ADDRESS_WORDS = ("till", "från", "kopia", "kopia till", "för kännedom", "mottagare", "sändlista",
                  "expediering", "utdrag till", "protokollsutdrag till", "delges")
_ADDRESS_LABEL = re.compile(rf"(?i:{_words(_ADDRESS_WORDS)})(?:\s*:|$)")
# "Beslutet skickas till …", "Expedieras till …", "Beslutet ska sändas till …", with or without a colon
_DISTRIBUTION_LEAD = re.compile(
    rf"(?i:(?:beslutet|protokollet|utdraget)\s+(?:ska\s+|skall\s+)?)?"
    rf"(?i:skickas|sänds|sändas|skickas\s+för\s+kännedom|expedieras|delges)\s+(?i:till)(?![{_LETTER}])"
)
_SENDER = re.compile(r"(?i:från)\s*:\s*(?P<value>.+)")


def _is_address_label(text: str) -> bool:
    """A line that addresses or distributes the document ("Till: Barn- och skolnämnden", "Till
    Kommunstyrelsen", "Beslutet skickas till", "Expedieras till: rektorerna", "Sändlista"), not a sentence."""
    clean = _clean(text)
    if _ADDRESS_LABEL.match(clean):
        return True
    if _DISTRIBUTION_LEAD.match(clean) and not clean.endswith("."):  # a list, not "Beslutet skickas till KF."
        return True
    addressee = re.fullmatch(r"(?i:till)\s+(?P<body>.+)", clean)  # "Till Kommunstyrelsen", no colon
    return addressee is not None and _body_line(addressee.group("body")) is not None


def _is_role(word: str) -> bool:
    return word.casefold().endswith(_ROLE_ENDINGS)


def _is_person(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() and w[1:].islower() for w in words)


_SIGNED_UNIT = re.compile(
    rf"(?<![{_LETTER}])[{_LETTER}]*(?i:{_words(_ROLE_ENDINGS)})\s+"
    rf"(?P<unit>[{_UPPER}][{_LOWER}-]+(?:\s+[{_LOWER}][{_LOWER}-]+){{0,3}})(?![{_LETTER}])(?P<next>\s+[{_UPPER}])?"
)


def _signed_unit(line: str) -> str | None:
    """The unit after a role in a signature line ("Produktionsdirektör Välfärd skola"), not a person."""
    for m in _SIGNED_UNIT.finditer(line):
        unit = m.group("unit")
        if not unit[0].isupper():
            continue
        if len(unit.split()) == 1 and m.group("next") and m.group("next").strip():
            continue  # "Skolchef Anna Svensson": a first name, not a unit
        return unit
    return None


def _signature_body(view: _View) -> str | None:
    """The unit in a memo's signature: "Produktionsdirektör Välfärd skola" on one line, or a unit standing
    under the signers' role lines or cells ("Rektor" / "Grundskoleförvaltningen"), the first after page 1;
    a distribution list ("Beslutet skickas till") ends the signature: what follows it are recipients."""
    blocks = [b for b in view.blocks if b.char_start >= view.head_end and b.text.strip()]
    previous_roles = False
    for block in blocks:
        lines = block.cells if block.kind is BlockKind.TABLE_ROW and block.cells else [block.text]
        lines = [_clean(line) for line in lines if line.strip()]
        if lines and _is_address_label(lines[0]):
            return None
        for line in lines:
            unit = _signed_unit(line) if len(line.split()) <= 16 else None
            if unit and _good_body(unit):
                return _body_case(unit)
        if previous_roles and lines:
            first = lines[0]
            words = first.split()
            if first[:1].isupper() and not _is_person(first) and len(words) <= 5 and _good_body(first):
                return _body_case(first)
        previous_roles = bool(lines) and all(len(x.split()) <= 3 and _is_role(x.split()[-1]) for x in lines)
    return None


def _sender_body(view: _View) -> str | None:
    """The unit a memo's head names as its sender: a body line above its form label ("SJÖVIKS KOMMUN" /
    "Utbildningsförvaltningen" / "TJÄNSTESKRIVELSE"), or after "Från:"; lines below the label address it."""
    above: str | None = None
    for block in [*view.furniture_blocks(), *_title_zone(view)]:
        text = _clean(block.text)
        sender = _SENDER.fullmatch(text)
        if sender and _body_line(sender.group("value")):
            return _body_line(sender.group("value"))
        if form_label(text):
            return above
        if above is None and not _is_address_label(text):
            above = _body_line(text)
    return None


def _title_body(title: str, zone_title: bool) -> str | None:
    """The body in a title of the form "<genre> <Name> [period]" ("Styrkort Välfärd skola 2019–2022")."""
    if not zone_title:
        return None
    m = _ALL_CUES.match(title)
    if not m:
        return None
    rest = title[m.end() :]
    rest = re.sub(rf"^[{_LOWER}]*", "", rest).strip(" –-,:")  # the rest of the genre word ("-en")
    rest = _YEARS.sub("", rest).strip(" –-,:")
    words = rest.split()
    if not words or len(words) > 5 or not words[0][:1].isupper() or any(c.isdigit() for c in rest):
        return None
    if words[0].casefold() in _NOT_BODY_WORDS:  # "Uppdragsbeskrivning för nätverket …"
        return None
    if any(p.fullmatch(rest) for p, _ in _ORG_PATTERNS):
        return None
    return _body_case(rest)


def _body_case(text: str) -> str:
    """A body's name in ordinary case, with the hyphen Swedish writes in "Barn- och utbildningsnämnden"."""
    text = _clean(text).rstrip(".,;:")
    if _is_caps(text):
        text = text.lower()
    # "Barn och utbildningsnämnden": the first word is part of the compound after "och" ("Bildnings- och
    # sociala utskottet" too); "Kultur och fritid" is a name of its own
    compound = rf"(?:[{_LOWER}]+\s+)?[{_LOWER}]*(?:{_HEADS}|{_words(_WORDS['body']['owned_heads'])})"
    text = re.sub(rf"^([{_LETTER}]+)\s+(och|&)\s(?={compound}(?:\s|$))", r"\1- \2 ", text)
    return text[:1].upper() + text[1:]


def _good_body(text: str) -> bool:
    words = text.split()
    if not words or words[0].casefold() in _NOT_BODY_WORDS:  # "för nätverket" is no body's name
        return False
    return len(words) <= 8 and not any(ch.isdigit() for ch in text)


def _body(
    view: _View, title: str | None, organisation: str | None, kind: str | None, zone_title: bool = False
) -> str | None:
    """The issuing body: front matter, decision label, a protocol's letterhead, protocol decision,
    "Org – Body" title, "<genre> <Body>" title, first-page block, a memo's signature, assigner."""
    front = _front_value(view, "body")
    if front and _good_body(front):
        return _body_case(front)
    head_text = view.text[: view.head_end]
    for block in view.head_blocks():  # "Beslutat av | Barn- och utbildningsnämnden" as a table row
        cells = block.cells or []
        if block.kind is BlockKind.TABLE_ROW and len(cells) >= 2:
            m = _BODY_LABEL.match(f"{cells[0]}\t{cells[1]}")
            if m and _good_body(m.group("value")):
                return _body_case(m.group("value"))
    m = _BODY_LABEL.search(head_text)
    if m and _good_body(m.group("value")):
        return _body_case(m.group("value"))
    if kind == "protokoll":  # the meeting body heads a protocol's first page
        for block in [*view.furniture_blocks(), *_title_zone(view)]:
            body = _body_line(block.text)
            if body:
                return body
        for m in _BODY_DECISION.finditer(view.text):
            body = m.group("body")
            if body[0].isupper():
                return _body_case(body[:-1])  # genitive to nominative: "utskottets" -> "utskottet"
    if title and organisation:
        parts = _TITLE_SPLIT.split(title)
        names_org = len(parts) == 2 and organisation.casefold().startswith(parts[0].casefold())
        if names_org and _good_body(parts[1]):
            return _body_case(parts[1])
    body = _title_body(title, zone_title) if title else None
    if body:
        return body
    if kind == "tjansteskrivelse":  # a memo names its addressee on the first page, its author at the end
        return _signature_body(view) or _sender_body(view)  # or in its letterhead, above the form label
    for block in view.head_blocks():
        if not _is_short(block) or block.kind is BlockKind.TABLE_ROW:
            continue
        for pattern in (_BODY_PREFIXED, _BODY_NOMINATIVE):
            m = pattern.fullmatch(_clean(block.text))
            if m:
                return _body_case(m.group("body"))
    if title:
        for pattern in (_BODY_NOMINATIVE, _BODY_PREFIXED):
            for m in pattern.finditer(title):
                if _good_body(m.group("body")) and not _is_caps(m.group("body")):
                    return _body_case(m.group("body"))
    m = _BODY_ASSIGNER.search(view.text)
    if m:
        return _body_case(m.group("body"))
    return None


# --- kind ------------------------------------------------------------------------------------------------


def _cue_pattern(cues: Iterable[str]) -> re.Pattern[str] | None:
    cues = list(cues)
    return re.compile(rf"(?<![{_LETTER}])(?:{_words(cues)})", re.IGNORECASE) if cues else None


_HEADER_CUES = {k.notation: _cue_pattern(k.header_cues) for k in DOCUMENT_KINDS.values()}
_TITLE_CUES = {k.notation: _cue_pattern(k.cues) for k in DOCUMENT_KINDS.values()}


_PROTOCOL_ITEM = re.compile(r"(?m)^§\s*\d+[a-z]?(?!\S)")


def _header_kind(head_text: str) -> str | None:
    for notation, pattern in _HEADER_CUES.items():
        if pattern and pattern.search(head_text):
            return notation
    return None


def _title_kind(title: str | None) -> str | None:
    best: tuple[int, int, str] | None = None
    for rank, (notation, pattern) in enumerate(_TITLE_CUES.items()):
        m = pattern.search(title) if pattern and title else None
        if m and (best is None or (m.start(), rank) < best[:2]):
            best = (m.start(), rank, notation)
    return best[2] if best else None


def kind_from_text(title: str | None, head_text: str = "") -> str | None:
    """The document type named by a page header or a title (a notation of DOCUMENT_KINDS), or None.

    A first page with a line that opens with a paragraph number ("§ 152") is a protocol.
    """
    kind = _header_kind(head_text) or _title_kind(title)
    if kind:
        return kind
    return "protokoll" if _PROTOCOL_ITEM.search(head_text) else None


def _zone_cue(zone: list[Block]) -> str | None:
    """The kind named first by a genre word in the title zone ("Bilaga 1 Affärsplan för ...")."""
    text = " ".join(_clean(b.text) for b in zone)
    return _title_kind(text) if text else None


def _kind(view: _View, title: str | None) -> str | None:
    """The kind: a form label of the letterhead or title zone, the first first; then a protocol's page-header
    words anywhere on the first page, a genre word in the title, in the title zone, or "§ 12" lines."""
    zone = _title_zone(view)
    for block in [*view.furniture_blocks(), *zone]:
        kind = form_label(block.text)
        if kind:
            return kind
    head_text = view.text[max(view.front_end, 0) : view.head_end]
    kind = _header_kind(head_text) or _title_kind(title) or _zone_cue(zone)
    if kind:
        return kind
    return "protokoll" if _PROTOCOL_ITEM.search(head_text) else None


def _looks_like_slides(doc: ParsedDocument) -> bool:
    """A slide deck: several pages, few words a page, and most pages open with a heading."""
    if len(doc.pages) < 4:
        return False
    words = [len(doc.text[p.char_start : p.char_end].split()) for p in doc.pages]
    opening = 0
    for page in doc.pages:
        first = next((b for b in doc.blocks if b.page == page.number and b.text.strip()), None)
        opening += first is not None and first.kind is BlockKind.HEADING
    return sorted(words)[len(words) // 2] <= 90 and opening >= 0.6 * len(doc.pages)


# --- date and period -------------------------------------------------------------------------------------

_DATE_LABELS = _WORDS["date"]["labels"]
_DATE_LABEL = re.compile(rf"(?<![{_LETTER}])(?P<label>{_words(_DATE_LABELS)})(?![{_LETTER}])", re.IGNORECASE)


def _full_date(mentions: list[DateMention]) -> str | None:
    for mention in mentions:
        if mention.kind == "date" and mention.start:
            return mention.start
    return None


def _date(view: _View) -> str | None:
    """The date on a form label line ("SAMMANTRÄDESPROTOKOLL 2023-10-24"), else a labelled decision/meeting
    date on the first page, else a date standing alone on the title page."""
    for block in [*view.furniture_blocks(), *_title_zone(view)]:
        if form_label(block.text):
            date = _full_date(find_dates(block.text))
            if date:
                return date
    head_text = view.text[: view.head_end]
    found: list[tuple[int, int, str]] = []
    for m in _DATE_LABEL.finditer(head_text):
        window = head_text[m.end() : m.end() + 60]
        mentions = [d for d in find_dates(window) if d.char_start is not None and d.char_start <= 25]
        date = _full_date(mentions)
        if date:
            found.append((_DATE_LABELS.index(m.group("label").lower()), m.start(), date))
    if found:
        return min(found)[2]
    for block in view.head_blocks():
        if len(block.text.split()) <= 4:
            date = _full_date(find_dates(block.text))
            if date:
                return date
    return None


_PERIOD_CUES = re.compile(
    rf"(?<![{_LETTER}])(?:{_words(_WORDS['period']['cues'])})(?![{_LETTER}])", re.IGNORECASE
)


def normalise_period(mention: DateMention) -> str | None:
    """A period as "2022/2023" (school year), "2023-2026" (calendar years), "2025", "VT 2023"; else None."""
    if not mention.start or not mention.end:
        return None
    y1, y2 = mention.start[:4], mention.end[:4]
    if mention.kind == "school_year":
        return f"{y1}/{y2}"
    if mention.kind == "period" and mention.start[5:] == "01-01" and mention.end[5:] == "12-31":
        return y1 if y1 == y2 else f"{y1}-{y2}"
    if mention.kind == "term":
        return f"{'VT' if mention.start[5:7] == '01' else 'HT'} {y1}"
    return None


def _front_date(view: _View) -> str | None:
    """An ISO date given in Markdown front matter ("datum: 2023-10-24")."""
    value = _front_value(view, "date")
    return value if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None


def _period(view: _View, title: str | None, kind: str | None = None) -> str | None:
    """The period in the title; for other kinds than protocols and memos, else a range of years or a school
    year after a cue word on the first page, else the first range of years in the first page's own text
    (never a table's column of years)."""
    if title:
        for mention in find_dates(title):
            period = normalise_period(mention)
            if period:
                return period
    if kind in ("protokoll", "tjansteskrivelse", "beslut"):
        return None
    prose = "\n\n".join(b.text for b in view.blocks if b.kind is not BlockKind.TABLE_ROW)
    for cue in _PERIOD_CUES.finditer(prose):
        window = prose[cue.end() : cue.end() + 40]
        for mention in find_dates(window):
            if mention.char_start is not None and mention.char_start > 25:
                break
            several_years = mention.start and mention.end and mention.start[:4] != mention.end[:4]
            if mention.kind in ("school_year", "period") and several_years:
                return normalise_period(mention)
    text = "\n\n".join(b.text for b in view.first_page())
    for mention in find_dates(text):
        several_years = mention.start and mention.end and mention.start[:4] != mention.end[:4]
        if mention.kind in ("school_year", "period") and several_years:
            return normalise_period(mention)
    return None


# --- the whole -------------------------------------------------------------------------------------------


def infer_metadata(doc: ParsedDocument) -> DocumentMetadata:
    """Infer title, organisation, body, kind, date and period from a parsed document's text."""
    view = _view(doc)
    plain_title = _title(view)
    kind = _kind(view, plain_title)
    zone_title = _zone_title(view, _title_zone(view), kind)
    plain_kind = _title_kind(plain_title)
    if zone_title and plain_kind and DOCUMENT_KINDS[plain_kind].in_title and not _ALL_CUES.search(zone_title):
        zone_title = None  # the largest heading names the genre, the opening lines do not
    title = _front_value(view, "title") or zone_title or plain_title
    if title != plain_title and kind != "protokoll":
        kind = _kind(view, title)
    if kind is None and _looks_like_slides(doc):
        kind = "presentation"
    organisation = _front_value(view, "organisation") or _organisation(view)
    body = _body(view, title, organisation, kind, zone_title is not None and title == zone_title)
    date = _front_date(view) or _date(view)
    if kind == "protokoll" and (body or date):  # "<body> – protokoll <date>", not the page header
        title = f"{body} – protokoll{' ' + date if date else ''}" if body else f"Protokoll {date}"
    elif title and len(title.split()) == 1 and (body or date) and title.casefold() != (body or "").casefold():
        # a genre word alone ("Kallelse"): "<body> – kallelse <date>"
        title = f"{body} – {title.lower()}" if body else title
        title += f" {date}" if date else ""
    meta = DocumentMetadata(
        title=title,
        organisation=organisation,
        body=body,
        kind=kind,
        date=date,
        period=_period(view, title, kind),
    )
    meta.inferred = [
        f.name
        for f in fields(meta)
        if f.name not in ("source", "inferred") and getattr(meta, f.name) is not None
    ]
    return meta


_MERGED = ("title", "organisation", "body", "kind", "date", "period", "source")


def merge_metadata(known: DocumentMetadata | None, inferred: DocumentMetadata) -> DocumentMetadata:
    """Combine manifest and inferred metadata: the manifest's fields win; ``inferred`` names the rest."""
    if known is None:
        values = {name: getattr(inferred, name) for name in _MERGED}
        return DocumentMetadata(**values, inferred=list(inferred.inferred))
    merged = DocumentMetadata()
    names: list[str] = []
    for name in _MERGED:
        value = getattr(known, name)
        if value is None:
            value = getattr(inferred, name)
            if value is not None and name in inferred.inferred:
                names.append(name)
        setattr(merged, name, value)
    merged.inferred = names
    return merged


_MANIFEST_FIELDS = {"title", "organisation", "body", "kind", "date", "period", "source"}


def load_manifest(path: Path) -> dict[str, DocumentMetadata]:
    """Read a TOML manifest (one table per file name); raise IngestError naming the file and the problem."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IngestError(str(path), "the manifest does not exist") from None
    except UnicodeDecodeError:
        raise IngestError(str(path), "the manifest is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise IngestError(str(path), f"the manifest is not valid TOML ({error})") from None
    manifest: dict[str, DocumentMetadata] = {}
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise IngestError(str(path), f"entry '{name}' must be a table such as [\"{name}\"], not a value")
        unknown = sorted(set(entry) - _MANIFEST_FIELDS)
        if unknown:
            raise IngestError(
                str(path),
                f"entry '{name}' has unknown field(s) {', '.join(unknown)}; "
                f"allowed: {', '.join(sorted(_MANIFEST_FIELDS))}",
            )
        for key, value in entry.items():
            if not isinstance(value, str):
                raise IngestError(str(path), f"entry '{name}': field '{key}' must be a string")
        if "kind" in entry and entry["kind"] not in DOCUMENT_KINDS:
            raise IngestError(
                str(path),
                f"entry '{name}': kind '{entry['kind']}' is not one of {', '.join(DOCUMENT_KINDS)}",
            )
        if "date" in entry and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["date"]):
            raise IngestError(
                str(path), f"entry '{name}': date '{entry['date']}' is not an ISO date (YYYY-MM-DD)"
            )
        manifest[name] = DocumentMetadata(**entry)
    return manifest
