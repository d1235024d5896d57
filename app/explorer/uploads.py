"""Uploads from the Dokument view: checked, stored under ``<store>/uploads/`` with a safe name, then ingested.

A failed upload leaves the store as it was: the file is checked before anything is written; if reading or
extraction fails, the saved file is removed again (or the previous file of that name put back) and nothing
reaches the graph, the manifest or the search index.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graph.store import Store, write_atomic
from ingest.model import IngestError

log = logging.getLogger("app.explorer")

ALLOWED_SUFFIXES = (".pdf", ".txt", ".md")
MAX_MB_ENV = "STYRKEDJA_UPLOAD_MAX_MB"
DEFAULT_MAX_MB = 25.0
UPLOADS = "uploads"
NAME_LIMIT = 120


def max_upload_mb() -> float:
    """The largest upload in MB: $STYRKEDJA_UPLOAD_MAX_MB, else 25."""
    value = os.environ.get(MAX_MB_ENV, "").strip()
    try:
        return float(value) if value else DEFAULT_MAX_MB
    except ValueError:
        log.warning("%s=%r is not a number; using %s MB", MAX_MB_ENV, value, DEFAULT_MAX_MB)
        return DEFAULT_MAX_MB


def safe_name(name: str) -> str:
    """A safe base name for a file: no folders, no control or shell characters, no leading dot, ≤120 chars.

    Letters (å, ä, ö included), digits, ".", "-" and "_" are kept; anything else becomes "_".
    """
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^\w.-]+", "_", stem, flags=re.UNICODE).strip("._-") or "dokument"
    suffix = re.sub(r"[^a-z0-9]", "", suffix.casefold())
    stem = stem[: NAME_LIMIT - len(suffix) - 1]
    return f"{stem}.{suffix}" if suffix else stem


def check_upload(name: str, data: bytes, max_mb: float | None = None) -> str | None:
    """Why an upload is refused (one Swedish sentence), or None when it may be ingested."""
    limit = max_mb if max_mb is not None else max_upload_mb()
    suffix = Path(safe_name(name)).suffix.casefold()
    if suffix not in ALLOWED_SUFFIXES:
        allowed = ", ".join(ALLOWED_SUFFIXES)
        return f"{name}: filtypen {suffix or '(ingen)'} kan inte läsas in; tillåtna typer är {allowed}."
    if not data:
        return f"{name}: filen är tom."
    if len(data) > limit * 1024 * 1024:
        return f"{name}: filen är {len(data) / 1024 / 1024:.1f} MB; största tillåtna storlek är {limit:g} MB."
    if suffix == ".pdf" and not data[:1024].lstrip().startswith(b"%PDF-"):
        return f"{name}: filen heter .pdf men är ingen PDF-fil."
    if suffix in (".txt", ".md") and b"\x00" in data[:65536]:
        return f"{name}: filen ser inte ut att vara text (den innehåller binära data)."
    return None


@dataclass
class UploadOutcome:
    """What an upload did: ok, the stored name, the status ("added"/"replaced"/"unchanged") or the error."""

    ok: bool
    name: str
    status: str | None = None
    error: str | None = None
    steps: list[str] = field(default_factory=list)
    failed_stages: list[str] = field(default_factory=list)  # stored, but these extraction stages failed


Progress = Callable[[str, float], None]


def ingest_upload(store: Store, name: str, data: bytes, progress: Progress | None = None,
                  index=None, use_model: bool = True, max_mb: float | None = None) -> UploadOutcome:
    """Check, save and ingest one uploaded file; on any failure the store is left as it was."""
    from app.document_reader import read_options_from_env
    from app.pipeline import Services, ingest_file, load_context

    def step(text: str, share: float) -> None:
        outcome.steps.append(text)
        if progress:
            progress(text, share)

    stored = safe_name(name)
    outcome = UploadOutcome(ok=False, name=stored)
    problem = check_upload(name, data, max_mb)
    if problem:
        outcome.error = problem
        return outcome
    target = store.folder / UPLOADS / stored
    previous = target.read_bytes() if target.is_file() else None
    step("Sparar filen", 0.1)
    write_atomic(target, data)
    try:
        step("Läser dokumentet och bygger grafen", 0.3)
        services = Services(store, use_model=use_model)
        status, doc, failures = ingest_file(store, target, load_context(store),
                                            options=read_options_from_env(), force=True, services=services)
    except IngestError as error:  # named by the stored name only: the page never shows the server's folders
        _restore(target, previous)
        outcome.error = f"{stored}: {error.problem}"
        return outcome
    except Exception as error:  # a bug in one extraction must not break the app or the store
        log.exception("%s: upload failed", stored)
        _restore(target, previous)
        outcome.error = f"{stored}: kunde inte läsas in ({type(error).__name__}: {error})."
        return outcome
    if doc is not None and index is not None and not hasattr(services, "index_document"):
        step("Indexerar för sökning", 0.8)
        try:
            from search.index import index_document

            index_document(index, doc)
        except Exception:  # the graph has it; the explorer indexes it again when it next loads the index
            log.exception("%s: stored, but not indexed for search", stored)
    step("Klart", 1.0)
    outcome.ok, outcome.status = True, status
    outcome.failed_stages = [failure.stage for failure in failures]
    return outcome


def _restore(target: Path, previous: bytes | None) -> None:
    if previous is None:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
    else:
        write_atomic(target, previous)


def remove_document(store: Store, source_file: str, index=None) -> str:
    """Remove a document from the store and the search index (and its uploaded file); return its IRI."""
    from app.pipeline import remove_document as remove_stored

    with store.lock():  # the graph, manifest entry, index entry and uploaded file go together
        removal = remove_stored(store, source_file)  # one name: the document stays while it has another
        if index is not None:
            for iri in (removal.document, removal.renamed_from):
                if iri:
                    index.remove(iri)
        origin = Path(removal.origin)
        uploads = (store.folder / UPLOADS).resolve()
        if origin.parent.resolve() == uploads:
            with contextlib.suppress(FileNotFoundError):
                origin.unlink()
    return removal.document or removal.renamed_from or (removal.kept.document if removal.kept else "")
