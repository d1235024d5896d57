"""Passages: the units of search and of evidence, cut from a parsed document's blocks (pure)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ingest.model import BlockKind, ParsedDocument

# Passages longer than this are split at sentence ends (the embedding model reads at most 512 tokens).
MAX_PASSAGE_CHARS = 1200
# Consecutive short blocks of one section and page are joined into one passage up to this size: a list and
# the sentence that introduces it, a table and its rows, the bullets of a slide. Alone, a list item such as
# "Löper över tre kalenderår (2021-2024)" does not say what it is about; with its lead-in it does.
CHUNK_CHARS = 1000
SECTION_SEPARATOR = " › "


@dataclass(frozen=True)
class Passage:
    """A span of a document's text with its page, section and the blocks it comes from."""

    index: int  # 0-based, in reading order within the document
    text: str  # as it stands in the document text (doc.text[char_start:char_end])
    char_start: int
    char_end: int
    page: int | None
    section: str  # the headings above, joined with " › "
    blocks: tuple[int, ...]  # indices into doc.blocks
    kind: str  # the block kind it came from: paragraph, list_item, table_row

    @property
    def content_hash(self) -> str:
        """A hash of what is embedded (section and text), keying vectors so unchanged passages are reused."""
        return hashlib.sha256(f"{self.section}\n{self.text}".encode()).hexdigest()[:32]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"”])")


def passages_of(doc: ParsedDocument) -> list[Passage]:
    """Cut a document into passages: runs of blocks of one section and page, up to CHUNK_CHARS.

    Headings are not passages of their own: they are the ``section`` of the passages under them. A block
    longer than CHUNK_CHARS stands alone, split at sentence ends when over MAX_PASSAGE_CHARS. A passage's text
    is the document text over its span (blocks separated as in the document).
    """
    passages: list[Passage] = []
    for group in _groups(doc):
        first, last = doc.blocks[group[0]], doc.blocks[group[-1]]
        span_start, span_end = first.char_start, last.char_end
        text = doc.text[span_start:span_end]
        kinds = {doc.blocks[i].kind.value for i in group}
        kind = kinds.pop() if len(kinds) == 1 else "mixed"
        for start, end in _pieces(text) if len(group) == 1 else [(0, len(text))]:
            passages.append(
                Passage(
                    index=len(passages),
                    text=text[start:end],
                    char_start=span_start + start,
                    char_end=span_start + end,
                    page=first.page,
                    section=SECTION_SEPARATOR.join(first.section),
                    blocks=tuple(group),
                    kind=kind,
                )
            )
    return passages


def _groups(doc: ParsedDocument) -> list[list[int]]:
    """Indices of the blocks each passage is made of, in reading order."""
    groups: list[list[int]] = []
    size = 0
    for index, block in enumerate(doc.blocks):
        if block.kind is BlockKind.HEADING or not block.text.strip():
            size = CHUNK_CHARS + 1  # a heading ends the run
            continue
        previous = doc.blocks[groups[-1][-1]] if groups else None
        joins = (
            previous is not None
            and size + len(block.text) + 2 <= CHUNK_CHARS
            and previous.page == block.page
            and previous.section == block.section
        )
        if joins:
            groups[-1].append(index)
            size += len(block.text) + 2
        else:
            groups.append([index])
            size = len(block.text)
    return groups


def _pieces(text: str) -> list[tuple[int, int]]:
    """Split a long text at sentence ends into spans of at most MAX_PASSAGE_CHARS (where sentences allow)."""
    if len(text) <= MAX_PASSAGE_CHARS:
        return [(0, len(text))]
    cuts = [m.start() for m in _SENTENCE_END.finditer(text)]
    spans: list[tuple[int, int]] = []
    start = 0
    last_cut = None
    for cut in cuts:
        if cut - start > MAX_PASSAGE_CHARS and last_cut is not None and last_cut > start:
            spans.append((start, last_cut))
            start = last_cut + 1
        last_cut = cut
    spans.append((start, len(text)))
    # Strip the whitespace a cut leaves at a span's start.
    return [(s + (len(text[s:e]) - len(text[s:e].lstrip())), e) for s, e in spans if text[s:e].strip()]
