"""Per-document analyses (graph/analyses.py): the stored path answers gaps and trace as the whole store does.

The reference implementation is the old path: graph.chain.ChainGraph over the whole store's Dataset, with
graph.gaps.find_gaps and graph.chain.trace. The new path reads the stored analyses and only the documents a
trace touches. They are compared on constructed fixtures (tests/fixtures/chain) and on the demo corpus.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from graph import analyses
from graph.analyses import (
    DocumentAnalysis,
    analyse_document,
    analysis_path,
    load_analysis,
    reference_graph,
)
from graph.analysis_index import AnalysisIndex, store_gaps, store_trace
from graph.chain import ChainError, ChainGraph, trace, trace_json
from graph.gaps import KINDS, find_gaps, gaps_json, render_gaps, unread_documents
from graph.iris import document_graph, document_iri
from graph.store import REPOSITORY_REFERENCE, DocumentEntry, Store
from ontology import SK

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "chain"
FILES = {"plan": "norrvik_kvalitetsplan.pdf", "report": "norrvik_kvalitetsrapport.pdf",
         "protocol": "norrvik_protokoll.txt"}
DAYS = (dt.date(2019, 6, 1), dt.date(2024, 6, 1), dt.date(2025, 3, 1), dt.date(2031, 1, 1))


def fixture_graph(name: str) -> Graph:
    return Graph().parse(FIXTURES / f"{name}.ttl")


def put(store: Store, name: str, graph: Graph, enriched: bool = True) -> DocumentEntry:
    source = FILES[name]
    entry = DocumentEntry(source_file=source, sha256=name, graph_file="", document=str(document_iri(source)),
                          graph=str(document_graph(source)), origin=f"/nowhere/{source}", enriched=enriched)
    store.put(entry, graph)
    return entry


@pytest.fixture()
def fixture_store(tmp_path) -> Store:
    store = Store(tmp_path / "store")
    for name in FILES:
        put(store, name, fixture_graph(name))
    return store


def world_gaps(store: Store, today: dt.date, **options) -> dict:
    """The reference: gaps over the whole store loaded into one ChainGraph (as `gaps` did before)."""
    chain = ChainGraph(Store(store.folder).dataset())
    unenriched = [e.document for e in store.documents().values() if not e.enriched]
    gaps = find_gaps(chain, today, unenriched=unenriched, **options)
    return gaps_json(gaps, unread_documents(chain, document=options.get("document")))


def stored_gaps(store: Store, today: dt.date, **options) -> dict:
    report = store_gaps(store, today, **options)
    return gaps_json(report.gaps, report.unread)


def queries(chain: ChainGraph) -> list[str]:
    """Every node, every passage, every label, a few label parts and an unknown label and IRI."""
    labels = sorted({n.label for n in chain.nodes.values() if n.label})
    words = ["plan", "läs", "Rektor", "mål", "4 kap", "ingen-sådan-etikett", "https://example.org/nothing"]
    return list(chain.nodes) + list(chain.passages) + labels + words


def trace_or_error(run, node: str):
    try:
        return trace_json(run(node))
    except ChainError as error:
        return str(error)


def assert_same_traces(store: Store, nodes: list[str]) -> None:
    chain = ChainGraph(Store(store.folder).dataset())
    differ = [n for n in nodes if trace_or_error(lambda q: trace(chain, q), n)
              != trace_or_error(lambda q: store_trace(store, q), n)]
    assert differ == []


# --- the analysis of one document -------------------------------------------------------------------------


def test_an_analysis_round_trips_through_json():
    analysis = analyse_document(fixture_graph("plan"), reference_graph(REPOSITORY_REFERENCE))
    again = DocumentAnalysis.decode(analysis.encode())
    assert again == analysis
    assert json.loads(analysis.encode())["version"] == analyses.rules_version()
    kinds = {g.kind for g in analysis.gaps}
    assert "deadline_passed" not in kinds and {"activity_without_owner", "goal_without_activity"} <= kinds
    assert {c.iri.rsplit("/", 2)[-2] for c in analysis.deadlines} == {"activity"}  # dated, judged later
    assert analysis.documents[0].source_file == "norrvik_kvalitetsplan.pdf"


def test_the_report_keeps_only_passages_that_could_follow_up():
    analysis = analyse_document(fixture_graph("report"), reference_graph(REPOSITORY_REFERENCE))
    assert analysis.follow_ups and all(len(f) == 3 for f in analysis.follow_ups)
    every = len(list(fixture_graph("report").subjects(SK.text, None)))
    assert len(analysis.follow_ups) <= every


# --- written with the graph, swept with it, made again when stale ------------------------------------------


def test_put_writes_the_analysis_beside_the_graph_and_remove_sweeps_it(fixture_store):
    entry = fixture_store.documents()[FILES["plan"]]
    path = analysis_path(fixture_store.folder / entry.graph_file)
    assert path.exists() and path.name.endswith(".analysis.json")
    fixture_store.remove(FILES["plan"])
    assert not path.exists()
    graphs = (fixture_store.folder / "graphs").iterdir()
    assert all(p.name.endswith((".trig", ".analysis.json", ".profile.json")) for p in graphs)
    gaps = stored_gaps(fixture_store, dt.date(2025, 3, 1))["gaps"]
    assert gaps and all("kvalitetsplan" not in g["document"] for g in gaps)


def test_a_replaced_document_is_answered_from_its_new_analysis(fixture_store):
    before = stored_gaps(fixture_store, dt.date(2025, 3, 1))
    graph = fixture_graph("plan")
    plan = URIRef(document_iri(FILES["plan"]))
    graph.add((URIRef(f"{plan}/activity/2"), SK.responsible, URIRef(f"{plan}/role/rektor")))
    graph.add((URIRef(f"{plan}/role/rektor"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
               Literal("Rektor")))
    put(fixture_store, "plan", graph)
    after = stored_gaps(fixture_store, dt.date(2025, 3, 1))
    owners = [g["node"] for g in after["gaps"] if g["kind"] == "activity_without_owner"]
    assert f"{plan}/activity/2" not in owners
    assert len(after["gaps"]) == len(before["gaps"]) - 1
    assert after == world_gaps(fixture_store, dt.date(2025, 3, 1))


def test_a_stale_or_missing_analysis_is_made_again_and_logged(fixture_store, caplog):
    entry = fixture_store.documents()[FILES["plan"]]
    path = analysis_path(fixture_store.folder / entry.graph_file)
    fresh = json.loads(path.read_bytes())
    stale = dict(fresh, version="0.old", gaps=[])
    path.write_text(json.dumps(stale), "utf-8")
    with caplog.at_level(logging.INFO, logger="graph.analyses"):
        analysis = load_analysis(fixture_store, entry)
    assert analysis.version == analyses.rules_version() and analysis.gaps
    assert "other rules" in caplog.text
    assert json.loads(path.read_bytes())["version"] == analyses.rules_version()  # written back
    path.unlink()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="graph.analyses"):
        assert load_analysis(fixture_store, entry).to_json() == fresh
    assert "no analysis stored" in caplog.text


def test_an_index_of_other_rules_is_rebuilt(fixture_store, monkeypatch):
    expected = stored_gaps(fixture_store, dt.date(2025, 3, 1))
    monkeypatch.setattr(analyses, "rules_version", lambda: "9.other")
    assert stored_gaps(fixture_store, dt.date(2025, 3, 1)) == expected
    index = AnalysisIndex(fixture_store)
    assert {v for (v,) in index.db.execute("SELECT version FROM docs")} == {"9.other"}
    index.close()


# --- the same answers as the whole-store path ------------------------------------------------------------


@pytest.mark.parametrize("today", DAYS)
def test_gaps_equal_the_whole_store_path_on_the_fixtures(fixture_store, today):
    assert stored_gaps(fixture_store, today) == world_gaps(fixture_store, today)


def test_filters_equal_the_whole_store_path_on_the_fixtures(fixture_store):
    today = dt.date(2025, 3, 1)
    for kind in KINDS:
        expected = world_gaps(fixture_store, today, kinds=[kind])
        assert stored_gaps(fixture_store, today, kinds=[kind]) == expected
    for entry in fixture_store.documents().values():
        expected = world_gaps(fixture_store, today, document=entry.document)
        assert stored_gaps(fixture_store, today, document=entry.document) == expected
    with pytest.raises(ValueError):
        store_gaps(fixture_store, today, kinds=["no_such_kind"])


def test_the_follow_up_is_found_in_a_later_document_only(fixture_store):
    plan = str(document_iri(FILES["plan"]))
    passed = {g["node"] for g in stored_gaps(fixture_store, dt.date(2025, 3, 1))["gaps"]
              if g["kind"] == "deadline_passed"}
    assert passed == {f"{plan}/activity/2"}  # activity/1 is followed up by the later report
    fixture_store.remove(FILES["report"])
    passed = {g["node"] for g in stored_gaps(fixture_store, dt.date(2025, 3, 1))["gaps"]
              if g["kind"] == "deadline_passed"}
    assert passed == {f"{plan}/activity/1", f"{plan}/activity/2"}


def test_unenriched_documents_get_no_inferred_link_gaps(tmp_path):
    store = Store(tmp_path / "store")
    for name in FILES:
        put(store, name, fixture_graph(name), enriched=name != "plan")
    today = dt.date(2025, 3, 1)
    assert stored_gaps(store, today) == world_gaps(store, today)
    assert not [g for g in stored_gaps(store, today)["gaps"] if g["kind"] == "sdg_without_activity"]


def test_the_text_report_equals_the_whole_store_path(fixture_store):
    today = dt.date(2025, 3, 1)
    chain = ChainGraph(Store(fixture_store.folder).dataset())
    old = render_gaps(find_gaps(chain, today), chain, unread_documents(chain))
    report = store_gaps(fixture_store, today)
    assert render_gaps(report.gaps, None, report.unread, report.sources, report.pages) == old
    assert "(s. " in old


def test_traces_equal_the_whole_store_path_on_the_fixtures(fixture_store):
    chain = ChainGraph(Store(fixture_store.folder).dataset())
    assert_same_traces(fixture_store, queries(chain))


def test_an_unknown_node_is_a_chain_error(fixture_store):
    with pytest.raises(ChainError, match="no node has that label"):
        store_trace(fixture_store, "ingen-sådan-etikett")
    with pytest.raises(ChainError, match="no such node"):
        store_trace(fixture_store, "https://example.org/nothing")


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory) -> Store:
    """The demo corpus built without the model (enriched documents come from the model_store tests)."""
    from app.pipeline import build_corpus

    store = Store(tmp_path_factory.mktemp("analyses-corpus") / "store")
    assert build_corpus(store, ROOT / "corpus").ok
    return store


@pytest.mark.parametrize("today", DAYS)
def test_gaps_equal_the_whole_store_path_on_the_corpus(corpus_store, today):
    assert stored_gaps(corpus_store, today) == world_gaps(corpus_store, today)


def test_traces_equal_the_whole_store_path_on_the_corpus(corpus_store):
    chain = ChainGraph(Store(corpus_store.folder).dataset())
    nodes = queries(chain)
    assert len(nodes) > 300
    assert_same_traces(corpus_store, nodes[::2])


def test_the_enriched_corpus_gives_the_same_gaps(model_store, tmp_path):
    store = Store(tmp_path / "store")
    shutil.copytree(model_store.folder, store.folder, ignore=shutil.ignore_patterns(".lock"))
    today = dt.date(2026, 1, 15)
    stored = stored_gaps(store, today)
    assert stored == world_gaps(store, today)
    assert all(e.enriched for e in store.documents().values())  # the model's kinds were judged
