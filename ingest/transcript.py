"""Web transcripts of scanned protocols: one OCR'd page per line, wrapped in a hosting website's furniture.

A transcript starts with the page's title and the website's furniture ("Storlek: px", "Transkript"); then each
page of the scanned document is one long line, opened by the transcript's page number and the document's own
page header ("3 ~LJUSNARSBERGS ~KOMMUN SAMMANTRÄDESPROTOKOLL 17 (26) UTSKOTT ..."). This module turns the page
lines into blocks: page headers become page numbers, signature boxes are dropped, and each page is split into
paragraphs at the conventions of Swedish protocols and memos (the "§ 152 Dnr ..." item header and headings
such as "Ärendebeskrivning", "Beslutsunderlag", "Bildnings- och sociala utskottets beslut"). A page whose
header belongs to another document (an attached letter) starts a new document with a level-1 heading.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ingest.model import Block, BlockKind, Reading
from ingest.textlexicon import CAPITALISED, is_web_junk, lexicon, strip_furniture

# Paragraphs longer than this (the OCR lost the paragraph breaks) are split at sentence ends into pieces of
# about TARGET_PARAGRAPH characters.
MAX_PARAGRAPH = 1000
TARGET_PARAGRAPH = 700
# A "sentence" this short is a term or label introducing the next one; never split after it.
_TERM_WORDS = 3
# How far into a page its header may reach.
_HEADER_WINDOW = 220
_MAX_HEADER_TOKENS = 12
_SIGNATURE_RATIO = 0.8
_MIN_LETTERHEAD_LETTERS = 8
# An item title runs from the diarienummer to the next heading, if that is this close.
_MAX_TITLE_WORDS = 16

_PAGE_START = re.compile(r"^(?P<n>\d{1,3})\s+(?=\S)")
_PAGE_OF_TOTAL = re.compile(
    r"(?<![\d-])(?:(?:Sida|Sid|SIDA|SID|s\.)\s*)?(?P<p>\d{1,3})\s*"
    r"(?:[({\[]\s*(?P<tot>\d{1,3})\s*[)}\]|1l]|\s+(?:av|AV|/)\s+(?P<tot2>\d{1,3})(?!\d))"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{4}\s\d{2}\s\d{2}|\d{1,2}/\d{1,2}")
_DATE_LABEL = re.compile(
    r"\s*(?:Sammanträdesdatum|Sammanträdesdag|Datum|Mötesdatum)\s*:?\s*(?:\d{4}-\d{2}-\d{2})"
)
_CAPS_TOKEN = re.compile(r"^[~|!.,:;\-–]*[A-ZÅÄÖÉÜ][A-ZÅÄÖÉÜ\-]*[~|!.,:;\-–]*$")
_ITEM_HEADER = re.compile(
    r"(?<!\S)(?P<sym>§{1,2}|[^\s\w]{1,2}|[A-Za-z]{1,3}\d?)\s*(?P<num>\d{1,4})\s+"
    r"(?P<dnr>(?:Dnr|DNR|Dnr\.|Diarienr|Diarienummer|Dnr:)\s*[:.]?\s*(?:[A-ZÅÄÖ]{1,6}\s*)?\d[\d./:-]*\d)"
)
_CLEAN_ITEM_HEADER = re.compile(rf"(?:^|(?<=[.!?]\s))§\s*(?P<num>\d{{1,4}})\s+(?={CAPITALISED})")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"”«]?[A-ZÅÄÖÉÜ0-9])")
_TITLE_WORD = re.compile(r"^(?:[A-ZÅÄÖÉÜ][a-zåäöéü]+-?|[a-zåäöéü]{2,}-?|i)$")


@dataclass
class ProtocolItem:
    """The header of an agenda item: "§ 152 Dnr KS 249/2014 Kulturanalys av förskoleverksamheten"."""

    number: str  # the paragraph number as written ("152")
    dnr: str | None  # the diarienummer as written ("KS 249/2014")
    title: str | None


def parse_item_header(text: str) -> ProtocolItem | None:
    """Parse an agenda-item heading ("§ 152 Dnr KS 249/2014 Title", OCR variants like "Bos 152 Dnr ...")."""
    match = _ITEM_HEADER.match(text.strip())
    if match:
        dnr = re.sub(r"^(?:Dnr|DNR|Dnr\.|Diarienr|Diarienummer|Dnr:)\s*[:.]?\s*", "", match.group("dnr"))
        title = text.strip()[match.end() :].strip() or None
        return ProtocolItem(match.group("num"), dnr, title)
    match = re.match(r"^§\s*(?P<num>\d{1,4})\s*(?P<title>.*)$", text.strip())
    if match:
        return ProtocolItem(match.group("num"), None, match.group("title").strip() or None)
    return None


def is_transcript(lines: list[str]) -> bool:
    """Return whether a text is a web transcript: site furniture, or long lines opened by page numbers."""
    junk = sum(1 for line in lines[:40] if line.strip() and is_web_junk(line))
    if junk >= 2:
        return True
    numbered = [(int(m.group("n")), line) for line in lines if (m := _PAGE_START.match(line))]
    if len(numbered) < 2 or any(b != a + 1 for (a, _), (b, _) in zip(numbered, numbered[1:], strict=False)):
        return False
    return any(
        len(line) > 400 or _page_header(_PAGE_START.sub("", line, count=1)) is not None
        for _, line in numbered
    )


def _signature(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalpha())


def _similar(a: str, b: str) -> bool:
    return bool(a) and bool(b) and difflib.SequenceMatcher(None, a, b).ratio() >= _SIGNATURE_RATIO


def _headerish(token: str) -> bool:
    core = token.strip("~|!.,:;()[]{}-–")
    if not core:
        return True
    if _DATE.fullmatch(core) or core.isdigit():
        return True
    if len(core) <= 2:
        return True
    return core[0].isupper()


@dataclass
class _Header:
    end: int  # where the page body starts
    letterhead: str  # the header text before the page numbers, as written
    signature: str


def _page_header(text: str) -> _Header | None:
    """Find a protocol page header ("KOMMUN SAMMANTRÄDESPROTOKOLL 15 (26) UTSKOTT") at a page's start."""
    for match in _PAGE_OF_TOTAL.finditer(text[:_HEADER_WINDOW]):
        prefix = text[: match.start()]
        tokens = prefix.split()
        if len(tokens) > _MAX_HEADER_TOKENS:
            break
        if not all(_headerish(t) for t in tokens) or sum(ch.isalpha() for ch in prefix) < 4:
            continue
        page, total = int(match.group("p")), int(match.group("tot") or match.group("tot2"))
        if total == 0 or page > total:
            continue
        return _Header(_consume_header_tail(text, match.end()), prefix.strip(), _signature(prefix))
    return None


def _consume_header_tail(text: str, end: int) -> int:
    """Skip what follows the page numbers in a header: the body in capitals ("UTSKOTT") and a date label."""
    lex = lexicon()
    count = 0
    while count < 6:
        match = re.match(r"\s+(\S+)", text[end:])
        if not match:
            break
        token = match.group(1)
        core = token.strip("~|!.,:;-–")
        if (
            not _CAPS_TOKEN.match(token)
            or (len(core) < 4 and core != "OCH")
            or core.casefold() in lex.heading_keys
        ):
            break
        end += match.end()
        count += 1
    date = _DATE_LABEL.match(text[end:])
    if date:
        end += date.end()
    return end


def _letterhead(text: str) -> tuple[int, str, str] | None:
    """Find a letterhead in capitals at a page's start ("r I REGIONFÖRBUNDET ÖRE BRO"): end, text, key."""
    tokens = list(re.finditer(r"\S+", text[:_HEADER_WINDOW]))
    i = 0
    while i < len(tokens) and i < 3 and len(tokens[i].group().strip("~|!.,:;-–")) <= 2:
        i += 1
    start = i
    while i < len(tokens) and _CAPS_TOKEN.match(tokens[i].group()) and len(tokens[i].group()) >= 2:
        i += 1
    if i == start:
        return None
    letters = _signature(" ".join(t.group() for t in tokens[start:i]))
    if len(letters) < _MIN_LETTERHEAD_LETTERS:
        return None
    return tokens[i - 1].end(), text[: tokens[i - 1].end()].strip(), letters


@dataclass
class _Heading:
    start: int
    end: int
    kind: str  # "item" | "section" | "sub"


def _item_headings(body: str) -> list[_Heading]:
    found = []
    for match in _ITEM_HEADER.finditer(body):
        sym = match.group("sym")
        if sym.isalpha() and sym.islower():
            continue
        found.append(_Heading(match.start(), match.end(), "item"))
    for match in _CLEAN_ITEM_HEADER.finditer(body):
        if not any(h.start <= match.start() < h.end for h in found):
            found.append(_Heading(match.start(), match.end(), "item"))
    return found


def _decision_start(body: str, genitive_start: int) -> int | None:
    """Walk back from a genitive ("utskottets") over the body's name to its capitalised first word."""
    words = list(re.finditer(r"\S+", body[:genitive_start]))
    start = genitive_start
    if body[genitive_start].isupper():
        return start
    for word in reversed(words[-5:]):
        token = word.group()
        if token[0].isupper():
            return word.start()
        if not (token.islower() or token.endswith("-")):
            return None
    return None


def _section_headings(body: str) -> list[_Heading]:
    lex = lexicon()
    found = [_Heading(m.start(), m.end(), "section") for m in lex.heading_in_text.finditer(body)]
    found += [_Heading(m.start(), m.end(), "sub") for m in lex.subheading_in_text.finditer(body)]
    for match in lex.decision_in_text.finditer(body):
        genitive = match.group("genitive").casefold()
        if not any(stem in genitive for stem in lex.decision_stems):
            continue
        start = _decision_start(body, match.start("genitive"))
        if start is None:
            continue
        before = body[:start].rstrip()
        if before and before[-1] not in ".!?:)" and not before.endswith(tuple("0123456789")):
            continue
        found.append(_Heading(start, match.end(), "section"))
    return found


def _non_overlapping(headings: list[_Heading]) -> list[_Heading]:
    kept: list[_Heading] = []
    for heading in sorted(headings, key=lambda h: (h.start, -(h.end - h.start))):
        if kept and heading.start < kept[-1].end:
            continue
        kept.append(heading)
    return kept


def split_long(text: str, limit: int = MAX_PARAGRAPH, target: int = TARGET_PARAGRAPH) -> list[str]:
    """Split a paragraph longer than ``limit`` at sentence ends into pieces of about ``target`` characters."""
    if len(text) <= limit:
        return [text]
    sentences: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if sentences and len(sentences[-1].split()) <= _TERM_WORDS:
            sentences[-1] = f"{sentences[-1]} {sentence}"  # "Genomlysningsfas. Denna fas ...": keep together
        else:
            sentences.append(sentence)
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        if current and len(current) + 1 + len(sentence) > target:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        if pieces and len(current) < target // 4:
            pieces[-1] = f"{pieces[-1]} {current}"
        else:
            pieces.append(current)
    return pieces


@dataclass
class _Document:
    """One of the documents that run together in a transcript."""

    signatures: list[str] = field(default_factory=list)
    base: int = 0  # the level of the document's own title heading (0: none)
    item_level: int | None = None
    section_level: int | None = None


class _TranscriptParser:
    """Build blocks page by page, keeping track of the document each page belongs to."""

    def __init__(self, title_level: int):
        self.blocks: list[Block] = []
        self.base = title_level
        self.doc = _Document(base=title_level)
        self.docs = [self.doc]
        self.pages_seen = 0
        # Page letterheads ("~ LJUSNARSBERGS ~ KOMMUN SAMMANTRÄDESPROTOKOLL"): page furniture, not content,
        # but they name the organisation and the kind of document, so they are handed to metadata inference.
        self.letterheads: dict[str, None] = {}

    def _level_for(self, kind: str) -> int:
        doc = self.doc
        if kind == "item":
            doc.item_level = doc.base + 1
            doc.section_level = None
            return doc.item_level
        if kind == "section":
            doc.section_level = (doc.item_level or doc.base) + 1
            return doc.section_level
        return (doc.section_level or doc.item_level or doc.base) + 1

    def _paragraphs(self, text: str, page: int | None) -> None:
        text = strip_furniture(re.sub(r"\s+", " ", text)).strip()
        if not text or not any(ch.isalnum() for ch in text):
            return
        for piece in split_long(text):
            self.blocks.append(Block(BlockKind.PARAGRAPH, piece, page))

    def segment(self, body: str, page: int | None) -> None:
        """Split a page body into paragraphs and headings."""
        items = _item_headings(body)
        sections = _section_headings(body)
        headings = _non_overlapping(items + sections)
        position = 0
        for index, heading in enumerate(headings):
            self._paragraphs(body[position : heading.start], page)
            end = heading.end
            if heading.kind == "item":
                end = self._item_title_end(
                    body, heading, headings[index + 1] if index + 1 < len(headings) else None
                )
            text = re.sub(r"\s+", " ", body[heading.start : end]).strip().rstrip(":")
            self.blocks.append(
                Block(BlockKind.HEADING, text, page, level=min(self._level_for(heading.kind), 6))
            )
            position = end
        self._paragraphs(body[position:], page)

    @staticmethod
    def _item_title_end(body: str, heading: _Heading, following: _Heading | None) -> int:
        """Extend an item header over its title when the next heading follows closely."""
        if following is None or following.kind == "item":
            return heading.end
        between = body[heading.end : following.start]
        if len(between.split()) <= _MAX_TITLE_WORDS and not re.search(r"[.!?]\s", between + " "):
            return following.start
        return heading.end

    def _new_document(self, body: str, page: int | None, letterhead: tuple[int, str, str]) -> None:
        """Start an attached document: its title (the words before its first heading) becomes level 1."""
        self.doc = _Document(signatures=[letterhead[2]], base=1)
        self.docs.append(self.doc)
        first = min((h.start for h in _section_headings(body)), default=None)
        preface_end = first if first is not None and first <= _HEADER_WINDOW * 2 else None
        title = None
        if preface_end is not None:
            title = _trailing_title(body[:preface_end])
        if title is not None:
            t_start, t_end = title
            self.blocks.append(Block(BlockKind.HEADING, body[t_start:t_end].strip(), page, level=1))
            self._paragraphs(body[:t_start], page)
            self.segment(body[t_end:], page)
        else:
            self.blocks.append(Block(BlockKind.HEADING, letterhead[1], page, level=1))
            self.segment(body[letterhead[0] :], page)

    def add_page(self, number: int | None, text: str) -> None:
        """Parse one page line."""
        self.pages_seen += 1
        header = _page_header(text)
        if header is not None:
            known = any(_similar(header.signature, s) for d in self.docs for s in d.signatures)
            if not known and self.pages_seen > 1 and self.doc.signatures:
                self.doc = _Document(signatures=[header.signature], base=1)
                self.docs.append(self.doc)
            elif not known:
                self.doc.signatures.append(header.signature)
            if header.letterhead:
                self.letterheads.setdefault(header.letterhead)
            self.segment(text[header.end :], number)
            return
        letterhead = _letterhead(text)
        if letterhead is not None:
            if any(_similar(letterhead[2], s) for s in self.doc.signatures):
                self.segment(text[letterhead[0] :], number)  # a running header of the current document
                return
            if self.pages_seen > 1 or self.doc.signatures:
                self._new_document(text, number, letterhead)
                return
            self.doc.signatures.append(letterhead[2])
        self.segment(text, number)


def _trailing_title(preface: str) -> tuple[int, int] | None:
    """Find the title at the end of an attached document's preface: the last run of clean words."""
    words = list(re.finditer(r"\S+", preface))
    run: list[re.Match[str]] = []
    for word in reversed(words):
        if not _TITLE_WORD.match(word.group()) or len(run) >= 10:
            break
        run.insert(0, word)
    while run and not run[0].group()[0].isupper():
        run.pop(0)
    if not run:
        return None
    return run[0].start(), run[-1].end()


def parse_transcript(lines: list[str]) -> Reading:
    """Parse the lines of a web transcript (Läs-mer list already removed) into blocks and warnings."""
    title: str | None = None
    seen_junk = False
    pages: list[tuple[int | None, list[str]]] = []
    expected: int | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if is_web_junk(line):
            seen_junk = True
            continue
        match = _PAGE_START.match(line)
        number = int(match.group("n")) if match else None
        starts_page = match is not None and (number == expected or (expected is None and number <= 3))
        if title is None and not seen_junk and not pages and not starts_page and len(line) <= 200:
            title = line
            continue
        if starts_page and match is not None:
            pages.append((number, [line[match.end() :]]))
            expected = (number or 0) + 1
        elif pages:
            pages[-1][1].append(line)
        else:
            pages.append((None, [line]))
    parser = _TranscriptParser(title_level=1 if title else 0)
    if title:
        parser.blocks.append(Block(BlockKind.HEADING, title, None, level=1))
    for number, texts in pages:
        parser.add_page(number, texts[0])
        for more in texts[1:]:
            parser.segment(more, number)
    notes = []
    if pages:
        notes.append(
            f"read as a web transcript of a scanned document ({len(pages)} pages): page headers, "
            "signature boxes and the website's furniture were removed; OCR errors are kept as written"
        )
    return Reading(parser.blocks, [], list(parser.letterheads), notes)
