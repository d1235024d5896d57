"""Passages: the units of search and of evidence, cut from a parsed document's blocks (pure)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ingest.model import BlockKind, ParsedDocument

# Passages longer than this are split at sentence ends (the embedding model reads at most 512 tokens).
MAX_PASSAGE_CHARS = 1200
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
    """Cut a document into passages: one per paragraph, list item or table row; long ones split at sentences.

    Headings are not passages of their own: they are the ``section`` of the passages under them.
    """
    passages: list[Passage] = []
    for block_index, block in enumerate(doc.blocks):
        if block.kind is BlockKind.HEADING or not block.text.strip():
            continue
        section = SECTION_SEPARATOR.join(block.section)
        for start, end in _pieces(block.text):
            passages.append(
                Passage(
                    index=len(passages),
                    text=block.text[start:end],
                    char_start=block.char_start + start,
                    char_end=block.char_start + end,
                    page=block.page,
                    section=section,
                    blocks=(block_index,),
                    kind=block.kind.value,
                )
            )
    return passages


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
