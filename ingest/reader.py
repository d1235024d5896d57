"""Read one file of any supported type into a ParsedDocument (the I/O edge of ingestion)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.dates import find_dates
from ingest.metadata import infer_metadata, merge_metadata
from ingest.model import (
    BLOCK_SEPARATOR,
    DEFAULT_MAX_PAGES,
    DocumentMetadata,
    IngestError,
    ParsedDocument,
    Reading,
)
from ingest.text import decode_text, parse_text
from ingest.transcript import is_transcript

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".pdf": "application/pdf", ".txt": "text/plain", ".md": "text/markdown"}


@dataclass(frozen=True)
class ReadOptions:
    """Settings for reading files."""

    max_pages: int = DEFAULT_MAX_PAGES  # a PDF with more pages is refused (STYRKEDJA_MAX_PAGES)


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def reread_if_transcript(reading: Reading) -> Reading:
    """Re-read a PDF that is a printed web transcript of a scanned protocol with the transcript rules.

    Such a PDF carries the transcript's own page markers ("3 ~LJUSNARSBERGS ~KOMMUN SAMMANTRÄDESPROTOKOLL
    17 (26)") and the hosting site's furniture; the layout reader keeps both as text, the transcript rules
    turn the markers into page boundaries and drop the furniture.
    """
    texts = [block.text for block in reading.blocks]
    if not is_transcript(texts):
        return reading
    again = parse_text(BLOCK_SEPARATOR.join(texts), markdown=False)
    again.warnings[:0] = reading.warnings
    again.furniture[:0] = [text for text in reading.furniture if text not in again.furniture]
    again.notes[:0] = reading.notes
    return again


def read_document(
    path: str | Path, options: ReadOptions | None = None, known: DocumentMetadata | None = None
) -> ParsedDocument:
    """Parse one file; raise IngestError naming the file and the problem when it cannot be read.

    ``known`` is what a manifest says about the file; it wins over what is inferred from the text.
    """
    path = Path(path)
    options = options or ReadOptions()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            str(path), f"unsupported file type '{suffix or '(none)'}'; Styrkedja reads .pdf, .txt and .md"
        )
    if not path.is_file():
        raise IngestError(str(path), "no such file")
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(str(path), "the file is empty")
    digest = sha256_bytes(data)
    if suffix == ".pdf":
        from ingest.pdf import parse_pdf  # pdfplumber is imported only when a PDF is read

        reading = reread_if_transcript(parse_pdf(data, str(path), max_pages=options.max_pages))
    else:
        if data[:5] == b"%PDF-":
            raise IngestError(str(path), "the file is a PDF but is named as text; rename it to .pdf")
        raw, decode_warnings = decode_text(data, str(path))
        reading = parse_text(raw, markdown=suffix == ".md")
        reading.warnings[:0] = decode_warnings
    blocks, warnings = reading.blocks, reading.warnings
    from ingest.model import assemble, assign_sections

    assign_sections(blocks)
    text, pages = assemble(blocks)
    if not text.strip():
        raise IngestError(str(path), "no text could be read from the file")
    doc = ParsedDocument(
        source_file=path.name,
        media_type=SUPPORTED_SUFFIXES[suffix],
        sha256=digest,
        text=text,
        pages=pages,
        blocks=blocks,
        warnings=warnings,
        furniture=reading.furniture,
        notes=reading.notes,
        front_matter=reading.front_matter,
    )
    doc.dates = find_dates(text)
    doc.metadata = merge_metadata(known, infer_metadata(doc))
    for warning in warnings:
        log.warning("%s: %s", path.name, warning)
    for note in reading.notes:
        log.info("%s: %s", path.name, note)
    return doc


@dataclass
class ReadOutcome:
    """The result of reading one file in a batch: a document or an error."""

    path: Path
    document: ParsedDocument | None = None
    error: IngestError | None = None


def read_many(
    paths: Iterable[str | Path],
    options: ReadOptions | None = None,
    manifest: dict[str, DocumentMetadata] | None = None,
) -> Iterator[ReadOutcome]:
    """Read files one by one; a file that fails yields its error and the rest are still read."""
    manifest = manifest or {}
    for path in paths:
        path = Path(path)
        try:
            yield ReadOutcome(path, document=read_document(path, options, manifest.get(path.name)))
        except IngestError as error:
            log.error("%s", error)
            yield ReadOutcome(path, error=error)
        except Exception as exc:  # a reader bug must not stop the batch; report it like a bad file
            log.exception("%s: unexpected error", path)
            problem = f"could not be read ({type(exc).__name__}: {exc})"
            yield ReadOutcome(path, error=IngestError(str(path), problem))
