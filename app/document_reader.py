"""Read one document within the limits of a shared server: pages (``STYRKEDJA_MAX_PAGES``), seconds
(``STYRKEDJA_MAX_SECONDS_PER_DOCUMENT``, default 120) and memory (``STYRKEDJA_MAX_MB_PER_DOCUMENT``, default
2048 MB more than the caller holds: a compressed stream that unpacks to gigabytes).

The reader runs in a worker process (app/worker.py) that is killed at the time limit, the same way as a user's
SPARQL query: a PDF that declares millions of pages, nests its objects deeply or draws a page for minutes
cannot hold the CLI or the explorer. A reader that crashes in its C library, or is stopped, gives an
:class:`IngestError` naming the file, like any unreadable file; nothing has been written at that point.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from app.worker import WorkerFailed, WorkerTimeout, run_in_worker, seconds_from_env
from ingest.model import DocumentMetadata, IngestError, ParsedDocument
from ingest.reader import DEFAULT_MAX_PAGES, ReadOptions, read_document

log = logging.getLogger(__name__)

ENV_SECONDS = "STYRKEDJA_MAX_SECONDS_PER_DOCUMENT"
ENV_PAGES = "STYRKEDJA_MAX_PAGES"
ENV_MEMORY = "STYRKEDJA_MAX_MB_PER_DOCUMENT"
DEFAULT_SECONDS = 120.0
DEFAULT_MEMORY_MB = 2048.0


def seconds_per_document() -> float:
    """The time limit for reading one document: $STYRKEDJA_MAX_SECONDS_PER_DOCUMENT, else 120 s."""
    return seconds_from_env(ENV_SECONDS, DEFAULT_SECONDS)


def memory_per_document() -> float:
    """How many MB reading one document may add: $STYRKEDJA_MAX_MB_PER_DOCUMENT, else 2048."""
    return seconds_from_env(ENV_MEMORY, DEFAULT_MEMORY_MB)  # a positive number, read the same way


def read_options_from_env() -> ReadOptions:
    """Read options with the page limit of $STYRKEDJA_MAX_PAGES (else the reader's default)."""
    raw = os.environ.get(ENV_PAGES, "").strip()
    try:
        pages = int(raw) if raw else DEFAULT_MAX_PAGES
    except ValueError:
        pages = 0
    if pages <= 0:
        log.warning("%s=%r is not a positive whole number; using %d", ENV_PAGES, raw, DEFAULT_MAX_PAGES)
        pages = DEFAULT_MAX_PAGES
    return ReadOptions(max_pages=pages)


@dataclass(frozen=True)
class _Refused:
    """An IngestError from the worker, in a form that pickles (IngestError's own arguments do not)."""

    path: str
    problem: str


def _read(
    path: Path, options: ReadOptions | None, known: DocumentMetadata | None
) -> ParsedDocument | _Refused:
    """The worker's work: read the document, or say why not."""
    try:
        return read_document(path, options, known)
    except IngestError as error:
        return _Refused(error.path, error.problem)
    except Exception as error:  # a library's own error on a malformed file: unreadable, said in one line
        log.debug("%s: the reader failed", path.name, exc_info=True)
        first = str(error).splitlines()[0] if str(error) else ""
        detail = f"{type(error).__name__}: {first}".rstrip(": ")
        if isinstance(error, MemoryError):
            return _Refused(str(path), f"reading the file needed more than the memory limit ({ENV_MEMORY})")
        return _Refused(str(path), f"the file could not be read ({detail})")


def read_document_limited(
    path: Path, options: ReadOptions | None = None, known: DocumentMetadata | None = None,
    seconds: float | None = None, memory_mb: float | None = None,
) -> ParsedDocument:
    """read_document in a worker process killed after ``seconds`` and held to ``memory_mb`` more memory
    (defaults: the environment's limits).

    Raises IngestError naming the file when the file cannot be read, the limit passes or the reader dies.
    """
    path = Path(path)
    limit = seconds if seconds is not None else seconds_per_document()
    if path.suffix.lower() == ".pdf":  # import the PDF libraries once, here, not in every worker
        import pdfplumber  # noqa: F401
        import pypdfium2  # noqa: F401

        import ingest.pdf  # noqa: F401
    try:
        result = run_in_worker(_read, (path, options, known), limit, what=f"reading {path.name}",
                               memory_mb=memory_mb if memory_mb is not None else memory_per_document())
    except WorkerTimeout:
        log.warning("%s: reading stopped at the time limit of %g s", path.name, limit)
        raise IngestError(
            str(path), f"reading the file took longer than {limit:g} s and was stopped ({ENV_SECONDS})"
        ) from None
    except WorkerFailed as error:
        log.warning("%s: the reader stopped without an answer (%s)", path.name, error)
        raise IngestError(
            str(path), "the file could not be read (the reader stopped without an answer)"
        ) from None
    if isinstance(result, _Refused):
        raise IngestError(result.path, result.problem)
    return result
