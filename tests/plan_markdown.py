"""Constructed Markdown plans read as the store reads them, for the tests of the plan rule modules."""

import tempfile
from pathlib import Path

from graph.plan.drafts import Drafts, Reading
from graph.plan.outline import read_outline
from ingest.model import ParsedDocument
from ingest.reader import read_document


def read_markdown(text: str) -> ParsedDocument:
    """A Markdown text parsed by the reader (written to a temporary file first)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.md"
        path.write_text(text, encoding="utf-8")
        return read_document(path)


def reading_of(text: str) -> Reading:
    """A fresh run of the cue rules over a Markdown text: its outline and no drafts yet."""
    doc = read_markdown(text)
    return Reading(read_outline(doc.blocks), Drafts(doc.blocks))


def block_index(reading: Reading, start: str) -> int:
    """The index of the first block whose text starts with ``start``."""
    return next(i for i, b in enumerate(reading.blocks) if b.text.startswith(start))


def section_of(reading: Reading, heading_start: str):
    """The section whose heading starts with ``heading_start``."""
    return next(
        s
        for s in reading.outline.sections()
        if s.heading is not None and reading.blocks[s.heading].text.startswith(heading_start)
    )


def kinds_and_texts(drafts) -> list[tuple[str, str]]:
    """(kind, text) of each draft or element, in order."""
    return [(d.kind, d.text) for d in drafts]
