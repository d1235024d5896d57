"""Parallel ingest (app/parallel.py): the map in worker processes, the merge in order; the same store as one
worker's; a broken file (or a dying worker) fails that file only; the progress report; the CLI options."""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

import numpy as np
import pytest
from rdflib.compare import isomorphic

from app.parallel import likely_unread, threads_per_worker
from app.pipeline import Services, add_files, build_corpus
from app.progress import IngestProgress, clock, rate_and_left
from graph.store import Store

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

# Constructed documents in the genre (no text from real documents).
PLAN = """# Verksamhetsplan 2025 för barn- och utbildningsnämnden i Ekdala kommun

## Mål 1: Alla elever ska nå kunskapskraven i alla ämnen

Strategi: Vi stärker det kollegiala lärandet i matematik.

Aktivitet: Rektorerna genomför lektionsbesök varje termin. Ansvarig: rektor. Klart: 2025-12-31.
"""
PROTOCOL = """# Protokoll barn- och utbildningsnämnden Ekdala kommun 2025-03-12

§ 12 Uppföljning av verksamhetsplanen

Nämnden beslutar att godkänna uppföljningen av målen för grundskolan.
"""
REPORT = """# Kvalitetsrapport 2025 för förskolan i Ekdala kommun

## Mål: Alla barn ska känna sig trygga i förskolan

Resultatet av enkäten visar att tryggheten har ökat sedan förra året.
"""


def _files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in [("ekdala_plan.md", PLAN), ("ekdala_protokoll.md", PROTOCOL),
                       ("ekdala_rapport.md", REPORT)]:
        path = folder / name
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


def _entries(store: Store) -> dict[str, dict]:
    """The manifest without what differs between runs by design (graph file names, times)."""
    found = {}
    for name, entry in store.documents().items():
        fields = dict(vars(entry))
        fields.pop("graph_file")
        fields.pop("added")
        found[name] = fields
    return found


def assert_same_store(one: Store, other: Store) -> None:
    """Same manifest, and per document an isomorphic graph (same IRIs).

    What the store derives from a graph at commit (its analysis) is computed in the caller in both runs.
    """
    assert _entries(one) == _entries(other)
    for name in one.documents():
        assert isomorphic(one.document_graph(name), other.document_graph(name)), name


def vectors(store: Store) -> dict[str, dict[str, np.ndarray]]:
    """Every array of every search index entry, by entry file."""
    found = {}
    for path in sorted((store.folder / "search" / "docs").glob("*.npz")):
        with np.load(path, allow_pickle=False) as arrays:
            found[path.name] = {key: arrays[key] for key in arrays.files}
    return found


@pytest.fixture(scope="module")
def sequential_corpus(tmp_path_factory) -> Store:
    """The demo corpus built by one worker, without the model."""
    store = Store(tmp_path_factory.mktemp("one") / "store")
    assert build_corpus(store, CORPUS, services=Services(store, use_model=False)).ok
    return store


def test_two_workers_build_the_store_one_worker_builds(sequential_corpus, tmp_path):
    store = Store(tmp_path / "store")
    report = build_corpus(store, CORPUS, services=Services(store, use_model=False), workers=2)
    assert report.ok and len(report.added) == 5
    assert report.added == sorted(report.added)  # merged in the files' order
    assert_same_store(sequential_corpus, store)
    again = build_corpus(store, CORPUS, services=Services(store, use_model=False), workers=2)
    assert again.unchanged == report.added and not again.added


@pytest.mark.model
def test_two_workers_give_the_same_vectors_and_links(model_store, tmp_path):
    store = Store(tmp_path / "store")
    report = build_corpus(store, CORPUS, services=Services(store), workers=2)
    assert report.ok and not report.partial
    assert_same_store(model_store, store)  # inferred Agenda 2030 links included
    ours, theirs = vectors(store), vectors(model_store)
    assert ours.keys() == theirs.keys() and ours
    for name, arrays in theirs.items():
        assert ours[name].keys() == arrays.keys()
        for key, array in arrays.items():
            if array.dtype.kind == "f":  # one torch thread per worker against two: sums in another order
                np.testing.assert_allclose(ours[name][key], array, atol=1e-5, err_msg=f"{name} {key}")
            else:
                np.testing.assert_array_equal(ours[name][key], array, err_msg=f"{name} {key}")


def test_a_broken_file_fails_alone_and_is_named(tmp_path, caplog):
    paths = _files(tmp_path / "in")
    broken = tmp_path / "in" / "trasig.pdf"
    broken.write_bytes(b"%PDF-1.7\n this is no PDF at all\n")
    store = Store(tmp_path / "store")
    with caplog.at_level(logging.ERROR):
        report = add_files(store, [paths[0], broken, *paths[1:]], services=Services(store, False), workers=2)
    assert report.added == [path.name for path in paths]
    assert len(report.errors) == 1 and "trasig.pdf" in str(report.errors[0])
    assert "trasig.pdf" in caplog.text  # the worker's refusal reaches the caller's log


class _Dies:
    """Unpickled in a worker, it ends that process at once (a crash in a C library, the OOM killer)."""

    def __reduce__(self):
        return os._exit, (3,)


def test_a_dying_worker_fails_its_file_only(tmp_path):
    paths = _files(tmp_path / "in")
    store = Store(tmp_path / "store")
    manifest = {paths[1].name: _Dies()}  # what the map of this file is given kills its worker
    report = add_files(store, paths, manifest, services=Services(store, False), workers=2)
    assert report.added == [paths[0].name, paths[2].name]
    assert [Path(error.path).name for error in report.errors] == [paths[1].name]
    assert "died" in str(report.errors[0])


def test_the_same_bytes_twice_in_one_run_become_one_document_with_two_names(tmp_path):
    paths = _files(tmp_path / "in")
    copy = tmp_path / "in" / "ekdala_plan_kopia.md"
    copy.write_bytes(paths[0].read_bytes())
    one, two = Store(tmp_path / "one"), Store(tmp_path / "two")
    first = add_files(one, [*paths, copy], services=Services(one, False))
    second = add_files(two, [*paths, copy], services=Services(two, False), workers=2)
    assert first.aliased == second.aliased == [copy.name]
    assert_same_store(one, two)


def test_unchanged_and_stored_bytes_are_not_mapped_ahead(tmp_path):
    paths = _files(tmp_path / "in")
    store = Store(tmp_path / "store")
    add_files(store, paths[:1], services=Services(store, False))
    copy = tmp_path / "in" / "kopia.md"
    copy.write_bytes(paths[1].read_bytes())
    guesses = likely_unread(store, [*paths, copy], force=False, use_model=False)
    assert guesses == [True, False, False, True]
    assert likely_unread(store, paths, force=True, use_model=False) == [False, False, False]
    assert likely_unread(store, paths, force=False, use_model=True) == [False, False, False]  # not enriched


@pytest.mark.parametrize(
    ("workers", "cores", "threads"), [(1, 2, 2), (2, 2, 1), (4, 2, 1), (2, 8, 2), (3, 7, 2)]
)
def test_threads_per_worker(workers, cores, threads):
    assert threads_per_worker(workers, cores) == threads


@pytest.mark.parametrize(("done", "total", "pages", "seconds", "per_s", "left"), [
    (0, 10, 0, 0.0, 0.0, None),
    (2, 10, 40, 4.0, 10.0, 16.0),
    (10, 10, 100, 20.0, 5.0, 0.0),
])
def test_rate_and_time_left(done, total, pages, seconds, per_s, left):
    assert rate_and_left(done, total, pages, seconds) == (per_s, left)


@pytest.mark.parametrize(("seconds", "text"), [(None, "?"), (0, "0:00"), (75.4, "1:15"), (3725, "1:02:05")])
def test_clock(seconds, text):
    assert clock(seconds) == text


def test_progress_logs_lines_when_not_a_terminal(caplog):
    progress = IngestProgress(2, "build", stream=io.StringIO(), tty=False)
    with caplog.at_level(logging.INFO, logger="app.progress"):
        progress("a.pdf", 10)
        progress("b.pdf", 0)
    progress.close()
    lines = [record.getMessage() for record in caplog.records]
    assert lines[0].startswith("build: 1/2 documents,") and "pages/s" in lines[0] and "left" in lines[0]
    assert lines[1].startswith("build: 2/2 documents,") and lines[1].endswith("0:00 left")


def test_progress_draws_a_bar_on_a_terminal(caplog):
    stream = io.StringIO()
    progress = IngestProgress(2, "add", stream=stream, tty=True)
    with caplog.at_level(logging.INFO, logger="app.progress"):
        progress("a.pdf", 10)
    progress.close()
    assert "pages/s" in stream.getvalue() and "1/2" in stream.getvalue()
    assert not caplog.records


def test_cli_add_with_workers(tmp_path, capsys):
    from app.cli import main

    paths = _files(tmp_path / "in")
    folder = str(tmp_path / "store")
    assert main(["-q", "--store", folder, "add", "--no-model", "--workers", "2", *map(str, paths)]) == 0
    assert "3 added" in capsys.readouterr().out
    assert sorted(Store(folder).documents()) == sorted(path.name for path in paths)


def test_cli_refuses_zero_workers(tmp_path, capsys):
    from app.cli import main

    paths = _files(tmp_path / "in")
    assert main(["--store", str(tmp_path / "store"), "add", "--workers", "0", str(paths[0])]) == 1
    assert "--workers" in capsys.readouterr().err
