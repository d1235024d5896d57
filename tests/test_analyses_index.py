"""The analysis index (graph/analysis_index.py) is kept in step with the manifest by writers.

Writers bring it up to date as they write the manifest, so opening it reads nothing but the manifest's stamp;
a cache behind the manifest (an old store, a writer killed between its commit and the cache) is brought up to
date on read, logged; `rebuild_index` makes the same rows again; deadline follow-ups judged at write time
equal those judged over the whole store, in whatever order documents come and go.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from rdflib import Graph

from graph import analyses, analysis_index
from graph.analysis_index import AnalysisIndex, manifest_stamp, rebuild_index, store_gaps
from graph.chain import ChainGraph
from graph.gaps import find_gaps, gaps_json, unread_documents
from graph.iris import document_graph, document_iri
from graph.store import DocumentEntry, Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "chain"

FILES = {"plan": "norrvik_kvalitetsplan.pdf", "report": "norrvik_kvalitetsrapport.pdf",
         "protocol": "norrvik_protokoll.txt"}
TODAY = dt.date(2025, 3, 1)


def put(store: Store, name: str) -> None:
    source = FILES[name]
    entry = DocumentEntry(source_file=source, sha256=name, graph_file="", document=str(document_iri(source)),
                          graph=str(document_graph(source)), origin=f"/nowhere/{source}", enriched=True)
    store.put(entry, Graph().parse(FIXTURES / f"{name}.ttl"))


def world(store: Store) -> dict:
    """The reference: the gaps over the whole store loaded into one ChainGraph."""
    chain = ChainGraph(Store(store.folder).dataset())
    return gaps_json(find_gaps(chain, TODAY), unread_documents(chain))


def stored(store: Store) -> dict:
    report = store_gaps(store, TODAY)
    return gaps_json(report.gaps, report.unread)


def rows(store: Store) -> dict[str, list]:
    """Every table's rows (without row ids), sorted: what two indexes of one store must share."""
    index = AnalysisIndex(store)
    try:
        return {table: sorted(map(repr, index.db.execute(f"SELECT * FROM {table}")))  # noqa: S608
                for table in analysis_index.TABLES}
    finally:
        index.close()


@pytest.fixture()
def store(tmp_path) -> Store:
    store = Store(tmp_path / "store")
    for name in FILES:
        put(store, name)
    return store


def test_a_write_leaves_the_index_in_step_with_the_manifest(store):
    index = AnalysisIndex(store)
    meta = dict(index.db.execute("SELECT key, value FROM meta"))
    files = {f for (f,) in index.db.execute("SELECT graph_file FROM docs")}
    index.close()
    assert meta["manifest"] == manifest_stamp(store.manifest_path)
    assert files == {e.graph_file for e in store.documents().values()}
    store.remove(FILES["protocol"])
    index = AnalysisIndex(store)
    meta = dict(index.db.execute("SELECT key, value FROM meta"))
    assert meta["manifest"] == manifest_stamp(store.manifest_path)
    assert index.count() == 2
    index.close()


def test_an_index_in_step_reads_neither_manifest_nor_analyses(store, monkeypatch):
    expected = stored(store)

    def forbidden(*_args, **_kwargs):
        raise AssertionError("read at query time")

    monkeypatch.setattr(Store, "documents", forbidden)
    monkeypatch.setattr(analyses, "load_analysis", forbidden)
    monkeypatch.setattr(analysis_index, "load_chain", forbidden)
    assert stored(store) == expected


@pytest.mark.parametrize("how", ["writer killed before the cache", "stamp damaged", "cache deleted"])
def test_a_cache_behind_the_manifest_is_brought_up_to_date_on_read(store, monkeypatch, caplog, how):
    if how == "writer killed before the cache":
        monkeypatch.setattr(analysis_index, "sync_index", lambda *_: 0)
        store.remove(FILES["report"])
        monkeypatch.undo()
    elif how == "stamp damaged":
        index = AnalysisIndex(store)
        index.db.execute("UPDATE meta SET value = 'x' WHERE key = 'manifest'")
        index.close()
    else:
        analysis_index.prune(store.folder)
    with caplog.at_level(logging.INFO, logger="graph.analysis_index"):
        assert stored(store) == world(store)
    assert "behind the manifest" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="graph.analysis_index"):
        stored(store)
    assert "behind the manifest" not in caplog.text  # brought up to date once


def test_a_write_error_in_the_cache_does_not_fail_the_write(store, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(AnalysisIndex, "_sync", broken)
    with caplog.at_level(logging.ERROR, logger="graph.analysis_index"):
        store.remove(FILES["report"])
    assert "could not be brought up to date" in caplog.text
    monkeypatch.undo()
    assert stored(store) == world(store)


def test_rebuild_makes_the_same_rows(store):
    before = rows(store)
    assert rebuild_index(store) == 3
    assert rows(store) == before


@pytest.mark.parametrize("steps", [
    ["plan", "report", "protocol"],
    ["report", "plan", "protocol"],
    ["protocol", "report", "plan", "-report", "report"],
    ["plan", "report", "-plan", "plan", "-report"],
])
def test_follow_ups_judged_at_write_equal_the_whole_store(tmp_path, steps):
    store = Store(tmp_path / "store")
    for step in steps:
        if step.startswith("-"):
            store.remove(FILES[step[1:]])
        else:
            put(store, step)
        assert stored(store) == world(store), step
    incremental = rows(store)
    rebuild_index(store)
    assert rows(store) == incremental


def test_the_rebuild_index_command_makes_it_again(store, capsys):
    from app.cli import main

    before = rows(store)
    analysis_index.prune(store.folder)
    assert main(["-q", "--store", str(store.folder), "rebuild-index"]) == 0
    assert "analyses for gaps and trace: 3 documents" in capsys.readouterr().out
    index = AnalysisIndex(store)
    meta = dict(index.db.execute("SELECT key, value FROM meta"))
    index.close()
    assert meta["manifest"] == manifest_stamp(store.manifest_path)
    assert rows(store) == before
