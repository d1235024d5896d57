"""A trace of a node many documents hold (graph/analyses.py store_trace, `trace --limit/--all/--document`).

A store of copies of one plan: every copy cites the same Agenda 2030 goal. The trace reads at most
``limit`` documents (the first by file name) and says how many hold the node; what it shows equals the trace
over a store of only those documents; without a limit, or with one above the count, it equals the whole-store
trace.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from app.cli import main
from graph.analysis_index import store_trace
from graph.chain import ChainGraph, render_trace, trace, trace_json
from graph.iris import document_graph, document_iri
from graph.store import DocumentEntry, Store, rekey

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "chain"
PLAN = "norrvik_kvalitetsplan.pdf"
GOAL = "http://metadata.un.org/sdg/4"
COPIES = [f"kopia_{n:02d}.pdf" for n in (6, 2, 5, 1, 4, 3)]  # stored out of order; read by name


def fill(folder: Path, names: list[str]) -> Store:
    store = Store(folder)
    plan = Graph().parse(FIXTURES / "plan.ttl")
    for name in names:
        graph = rekey(plan, URIRef(document_iri(PLAN)), URIRef(document_iri(name)))
        entry = DocumentEntry(source_file=name, sha256=name, graph_file="", document=str(document_iri(name)),
                              graph=str(document_graph(name)), origin=f"/nowhere/{name}", enriched=True)
        store.put(entry, graph)
    return store


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> Store:
    return fill(tmp_path_factory.mktemp("copies") / "store", COPIES)


@pytest.fixture(scope="module")
def first_two(tmp_path_factory) -> Store:
    return fill(tmp_path_factory.mktemp("two") / "store", sorted(COPIES)[:2])


def test_without_a_limit_the_trace_equals_the_whole_store(copies):
    whole = trace(ChainGraph(Store(copies.folder).dataset()), GOAL)
    result = store_trace(copies, GOAL)
    assert result.scope is None and trace_json(result) == trace_json(whole)
    assert len({s.iri.split("/activity/")[0] for s in result.down if "/activity/" in s.iri}) == len(COPIES)


@pytest.mark.parametrize(("limit", "scope"), [(2, {"documents": 6, "shown": 2}), (6, None), (100, None)])
def test_a_limit_reads_the_first_documents_and_counts_the_rest(copies, first_two, limit, scope):
    result = store_trace(copies, GOAL, limit=limit)
    assert result.scope == scope
    expected = store_trace(first_two, GOAL) if scope else store_trace(copies, GOAL)
    shown = trace_json(result)
    assert shown.pop("scope", None) == scope
    assert shown == trace_json(expected)


def test_a_document_narrows_the_trace_to_it(copies, tmp_path):
    name = COPIES[2]
    alone = fill(tmp_path / "alone", [name])
    result = store_trace(copies, GOAL, document=str(document_iri(name)))
    assert result.scope is None and trace_json(result) == trace_json(store_trace(alone, GOAL))


def run(store: Store, capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["-q", "--store", str(store.folder), "trace", GOAL, *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_command_says_what_it_left_out_and_how_to_narrow(copies, capsys):
    status, out, _ = run(copies, capsys, "--json", "--limit", "2")
    assert status == 0 and json.loads(out)["scope"] == {"documents": 6, "shown": 2}
    status, out, _ = run(copies, capsys, "--json", "--all")
    assert status == 0 and "scope" not in json.loads(out)
    status, out, _ = run(copies, capsys, "--limit", "2")
    assert "de första 2 av 6 dokument" in out and "--document" in out and "--all" in out
    status, out, _ = run(copies, capsys, "--json", "--document", COPIES[0])
    assert status == 0 and "scope" not in json.loads(out)
    status, _, err = run(copies, capsys, "--limit", "0")
    assert status != 0 and "--limit" in err
    status, _, err = run(copies, capsys, "--document", "ingen_sadan.pdf")
    assert status != 0 and "ingen_sadan.pdf" in err


def test_the_text_trace_ends_with_the_note_only_when_cut(copies):
    assert "dokument som noden finns i" in render_trace(store_trace(copies, GOAL, limit=1))
    assert "dokument som noden finns i" not in render_trace(store_trace(copies, GOAL))
