"""Hostile PDFs are refused or read within the page limit and the per-document time limit; the store is
unchanged after every refusal.

The time limit (STYRKEDJA_MAX_SECONDS_PER_DOCUMENT, default 120) is enforced like the query limit: the reader
runs in a worker process that is killed at the limit (app/document_reader.py, app/worker.py).
"""

from __future__ import annotations

import multiprocessing
import shutil
import time
from pathlib import Path

import hostile
import pytest

from app.cli import main
from app.document_reader import (
    memory_per_document,
    read_document_limited,
    read_options_from_env,
    seconds_per_document,
)
from app.explorer.uploads import ingest_upload
from graph.store import Store
from ingest.model import IngestError

# name -> (the PDF, what it must get: "read" within the page limit, or "refused" with these words)
CASES = {
    "declares_millions_of_pages": (hostile.declares_millions_of_pages, "read", None),
    "million_page_references": (hostile.million_page_references, "refused", "more than the limit of"),
    "nested_arrays": (hostile.nested_arrays, "read", None),
    "nested_dictionaries": (hostile.nested_dictionaries, "read", None),
    "cyclic_page_tree": (hostile.cyclic_page_tree, "refused", "could not be read"),
    "deep_page_tree": (hostile.deep_page_tree, "refused", "could not be read"),
}


@pytest.fixture
def store(small_store, tmp_path) -> Store:
    """A private copy of the small store."""
    target = tmp_path / "store"
    shutil.copytree(small_store.folder, target, ignore=shutil.ignore_patterns(".lock"))
    return Store(target)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_pdf_is_read_within_the_limits_or_refused(name, tmp_path):
    make, outcome, words = CASES[name]
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(make())
    started = time.monotonic()
    if outcome == "read":
        doc = read_document_limited(path, read_options_from_env(), seconds=30)
        assert 1 <= len(doc.pages) <= 500
    else:
        with pytest.raises(IngestError) as refused:
            read_document_limited(path, read_options_from_env(), seconds=30)
        assert words in str(refused.value) and path.name in str(refused.value)
        assert "\n" not in str(refused.value)
    assert time.monotonic() - started < 30
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("name", [n for n, case in sorted(CASES.items()) if case[1] == "refused"])
def test_cli_add_refuses_with_one_sentence_and_leaves_the_store(name, store, tmp_path, capsys):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(CASES[name][0]())
    before = hostile.snapshot(store.folder)
    status = main(["-q", "--store", str(store.folder), "add", "--no-model", str(path)])
    err = capsys.readouterr().err
    assert status == 1
    assert name in err and "Traceback" not in err
    assert hostile.snapshot(store.folder) == before


def test_a_slow_document_is_stopped_at_the_time_limit(store, tmp_path, capsys, monkeypatch):
    path = tmp_path / "langsam.pdf"
    path.write_bytes(hostile.slow_page(100_000))  # several seconds to read on any machine
    monkeypatch.setenv("STYRKEDJA_MAX_SECONDS_PER_DOCUMENT", "1")
    before = hostile.snapshot(store.folder)
    started = time.monotonic()
    status = main(["-q", "--store", str(store.folder), "add", "--no-model", str(path)])
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert status == 1
    assert "langsam.pdf" in err and "longer than 1 s" in err and "STYRKEDJA_MAX_SECONDS_PER_DOCUMENT" in err
    assert elapsed < 1 + 2 + 2, elapsed  # the limit, plus loading the store and the reference data
    assert hostile.snapshot(store.folder) == before
    assert not multiprocessing.active_children()


def test_a_slow_upload_is_stopped_and_the_store_is_unchanged(store, monkeypatch):
    monkeypatch.setenv("STYRKEDJA_MAX_SECONDS_PER_DOCUMENT", "1")
    before = hostile.snapshot(store.folder)
    outcome = ingest_upload(store, "langsam.pdf", hostile.slow_page(100_000), use_model=False)
    assert not outcome.ok and "longer than 1 s" in outcome.error
    assert hostile.snapshot(store.folder) == before


def test_uploads_keep_the_page_limit_of_the_environment(store, monkeypatch):
    monkeypatch.setenv("STYRKEDJA_MAX_PAGES", "2")
    pages = b"<< /Type /Pages /Kids [3 0 R 3 0 R 3 0 R] /Count 3 >>"
    before = hostile.snapshot(store.folder)
    outcome = ingest_upload(store, "tre_sidor.pdf", hostile.one_page(pages=pages), use_model=False)
    assert not outcome.ok and "more than the limit of 2" in outcome.error
    assert hostile.snapshot(store.folder) == before


def test_a_readable_pdf_still_goes_in(store):
    outcome = ingest_upload(store, "plan.pdf", hostile.one_page(), use_model=False)
    assert outcome.ok, outcome.error
    assert "plan.pdf" in Store(store.folder).documents()


def test_limits_come_from_the_environment(monkeypatch):
    assert seconds_per_document() == 120.0 and memory_per_document() == 2048.0
    assert read_options_from_env().max_pages == 500
    monkeypatch.setenv("STYRKEDJA_MAX_SECONDS_PER_DOCUMENT", "7.5")
    monkeypatch.setenv("STYRKEDJA_MAX_PAGES", "40")
    assert seconds_per_document() == 7.5 and read_options_from_env().max_pages == 40
    monkeypatch.setenv("STYRKEDJA_MAX_SECONDS_PER_DOCUMENT", "-3")
    monkeypatch.setenv("STYRKEDJA_MAX_PAGES", "många")
    assert seconds_per_document() == 120.0 and read_options_from_env().max_pages == 500


def test_reader_warnings_reach_the_callers_log(tmp_path, caplog):
    """Log records made in the worker are handled by the caller's loggers."""
    path = tmp_path / "plan.txt"
    path.write_bytes("Verksamhetsplan för Norrby skola\n\nMål: alla elever läser.\n".encode("latin-1"))
    with caplog.at_level("INFO"):
        read_document_limited(Path(path), seconds=30)
    assert any("plan.txt" in record.getMessage() for record in caplog.records), caplog.records


def test_a_decompression_bomb_is_held_to_the_memory_limit(store, monkeypatch):
    data = hostile.flate_bomb(600)
    assert len(data) < 1024 * 1024
    monkeypatch.setenv("STYRKEDJA_MAX_MB_PER_DOCUMENT", "256")
    before = hostile.snapshot(store.folder)
    started = time.monotonic()
    outcome = ingest_upload(store, "bomb.pdf", data, use_model=False)
    assert not outcome.ok
    assert "memory limit" in outcome.error or "stopped without an answer" in outcome.error, outcome.error
    assert time.monotonic() - started < 60
    assert hostile.snapshot(store.folder) == before
    assert not multiprocessing.active_children()
