"""The quad index (graph/quadstore.py): same answers as the loaded Dataset, updated per document, atomic."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef

from app.cli import main
from app.pipeline import add_files, build_corpus
from graph.quadstore import QuadIndex, to_rdflib
from graph.sparql import NAMESPACES, run_query, saved_queries
from graph.store import Store
from ontology import SK
from search.ask import nodes_graph, passage_nodes

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
PLAN = "004_10e405f53db58f35.txt"
TITLES = f"""SELECT ?mark WHERE {{ ?d sk:sourceFile "{PLAN}" . ?p sk:inDocument ?d ; sk:text ?text .
FILTER(CONTAINS(?text, "Versionsmärke")) BIND(STRAFTER(?text, "Versionsmärke ") AS ?mark) }}"""


def _rows(rows) -> list[tuple[str, ...]]:
    return sorted(tuple("" if v is None else str(v) for v in row) for row in rows)


def index_answer(store: Store, query: str) -> list[tuple[str, ...]]:
    """A SELECT answered by the store's quad index (opened as a command opens it)."""
    index = Store(store.folder).quads()
    return _rows(tuple(row.values()) for row in index.select(query, NAMESPACES))


def dataset_answer(store: Store, query: str) -> list[tuple[str, ...]]:
    """The same SELECT answered by the Dataset loaded from the TriG files (the source of truth)."""
    return _rows(run_query(Store(store.folder).dataset(), query))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two corpus documents built without the model (tests copy it before writing)."""
    corpus = tmp_path_factory.mktemp("corpus")
    for name in ("001_skaraborg_skis_uppdragsbeskrivning.pdf", PLAN):
        shutil.copy(CORPUS / name, corpus / name)
    shutil.copytree(CORPUS / "reference", corpus / "reference")
    store = Store(tmp_path_factory.mktemp("quads") / "store")
    assert build_corpus(store, corpus).ok
    return store


@pytest.fixture
def store(built, tmp_path) -> Store:
    shutil.copytree(built.folder, tmp_path / "store")
    return Store(tmp_path / "store")


def version(tmp_path: Path, mark: str) -> Path:
    """The plan with one constructed line added, so that each version says which it is."""
    folder = tmp_path / mark
    folder.mkdir()
    path = folder / PLAN
    path.write_text((CORPUS / PLAN).read_text("utf-8") + f"\n\nVersionsmärke {mark}.\n", "utf-8")
    return path


def test_saved_queries_give_the_same_answers_as_the_dataset(built):
    for query in saved_queries():
        assert index_answer(built, query.text) == dataset_answer(built, query.text), query.name
    assert index_answer(built, "SELECT ?d WHERE { ?d a sk:Document }")


def test_rebuild_index_gives_the_same_answers_and_quads(store, capsys):
    before = {q.name: index_answer(store, q.text) for q in saved_queries()}
    assert main(["-q", "--store", str(store.folder), "rebuild-index"]) == 0
    assert "quad index rebuilt" in capsys.readouterr().out
    assert {q.name: index_answer(store, q.text) for q in saved_queries()} == before
    index, dataset = Store(store.folder).quads(), Store(store.folder).dataset()
    assert len(index) == sum(len(graph) for graph in dataset.graphs())  # quads, not the union's triples
    assert index.graph_names() == {str(g.identifier) for g in dataset.graphs()} - {"urn:x-rdflib:default"}


def test_the_index_follows_add_and_remove_per_document(store, tmp_path):
    assert add_files(store, [version(tmp_path, "ett")]).ok
    assert index_answer(store, TITLES) == [("ett.",)]
    assert add_files(store, [version(tmp_path, "två")]).ok
    assert index_answer(store, TITLES) == [("två.",)] == dataset_answer(store, TITLES)
    assert main(["-q", "--store", str(store.folder), "remove", PLAN]) == 0
    assert index_answer(store, TITLES) == []
    assert index_answer(store, f'SELECT ?d WHERE {{ ?d sk:sourceFile "{PLAN}" }}') == []


def test_a_stale_or_missing_index_is_resynced_from_the_manifest(store, tmp_path):
    assert add_files(store, [version(tmp_path, "ett")]).ok
    index = QuadIndex(store.folder)
    state = index.state()
    entry = store.documents()[PLAN]
    state.graphs[entry.graph] = "graphs/another-file.trig"  # as if a writer died before the manifest
    index._save(state)
    assert index_answer(store, TITLES) == [("ett.",)]
    assert QuadIndex(store.folder).state().graphs[entry.graph] == entry.graph_file
    shutil.rmtree(store.folder / "quads")
    assert index_answer(store, TITLES) == [("ett.",)]


class Killed(BaseException):
    """Stands for a kill: nothing after it runs (not an Exception, so no handler catches it)."""


def _raise(*_args, **_kwargs):
    raise Killed


STEPS = {
    # after the new TriG file is written, before the index is touched
    "before the index": ("graph.quadstore.QuadIndex.replace_graph", _raise),
    # after the index forgot the graph's file (pending), before the transaction
    "in the index, before the transaction": ("graph.quadstore._insert_data", _raise),
    # after the transaction, before the index records the new file
    "in the index, after the transaction": ("graph.quadstore.QuadIndex._save", None),
    # after the index, before the manifest (the commit point)
    "before the manifest": ("graph.store.Store._write_manifest", _raise),
    # after the manifest, before the old graph file is deleted
    "after the manifest": ("graph.store.Store.sweep", _raise),
}


@pytest.mark.parametrize("step", sorted(STEPS))
def test_a_write_killed_at_each_step_leaves_the_previous_or_the_new_answer(store, tmp_path, monkeypatch,
                                                                          step):
    assert add_files(store, [version(tmp_path, "ett")]).ok
    target, replacement = STEPS[step]
    if replacement is None:  # the second save of the state in replace_graph: after the transaction
        original = QuadIndex._save
        calls = []

        def replacement(self, state):
            calls.append(state)
            if len(calls) == 2:
                raise Killed
            original(self, state)

    monkeypatch.setattr(target, replacement)
    with pytest.raises(Killed):
        add_files(store, [version(tmp_path, "två")])
    monkeypatch.undo()
    answer = index_answer(store, TITLES)
    assert answer in ([("ett.",)], [("två.",)])
    assert answer == dataset_answer(store, TITLES)  # what the manifest's TriG file says, never a mix
    assert _document_quads(store) == _file_triples(store)


def _document_quads(store: Store) -> int:
    entry = Store(store.folder).documents()[PLAN]
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{entry.graph}> {{ ?s ?p ?o }} }}"
    rows = Store(store.folder).quads().select(query)
    return int(rows[0]["n"])


def _file_triples(store: Store) -> int:
    entry = Store(store.folder).documents()[PLAN]
    return len(Store(store.folder).stored_graph(entry))


def test_reference_graphs_are_reloaded_when_the_reference_data_changes(store):
    graph = "https://w3id.org/styrkedja/graph/reference/kommuner"
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    before = index_answer(store, count)
    stamp = QuadIndex(store.folder).state().reference
    kommuner = store.folder / "reference" / "kommuner.json"
    kommuner.write_text(kommuner.read_text("utf-8") + "\n", "utf-8")  # same data, a new file
    assert index_answer(store, count) == before
    assert QuadIndex(store.folder).state().reference != stamp


def test_export_writes_what_the_dataset_holds(built, tmp_path):
    out = tmp_path / "export.nq"
    assert main(["-q", "--store", str(built.folder), "export", "--format", "nquads", "-o", str(out)]) == 0
    parsed = Dataset()
    parsed.parse(out, format="nquads")
    assert len(parsed) == len(Store(built.folder).dataset())  # the union: each triple once


def test_ask_finds_the_same_nodes_in_the_index_as_in_the_dataset(built):
    dataset = Store(built.folder).dataset()
    passages = [p for p in dataset.subjects(SK.inDocument, None) if (p, None, SK.Passage) in dataset]
    assert len(passages) > 20
    small = nodes_graph(Store(built.folder).quads(), passages)
    found = 0
    for passage in passages:
        expected = sorted(passage_nodes(dataset, passage), key=repr)
        assert sorted(passage_nodes(small, passage), key=repr) == expected, passage
        found += len(expected)
    assert found > 5


def test_document_graph_reads_one_file_without_loading_the_store(built, monkeypatch):
    store = Store(built.folder)
    monkeypatch.setattr(Store, "dataset", lambda self: pytest.fail("the whole store was loaded"))
    entry = store.documents()[PLAN]
    graph = store.document_graph(PLAN)
    assert graph.identifier == URIRef(entry.graph)
    assert (URIRef(entry.document), SK.sourceFile, None) in graph


def test_terms_come_back_as_rdflib_gives_them(built):
    rows = Store(built.folder).quads().select(
        'SELECT ?s ?l ?n WHERE { ?s a sk:Document ; dcterms:title ?l . BIND(1 AS ?n) } LIMIT 1', NAMESPACES
    )
    assert isinstance(rows[0]["s"], URIRef) and rows[0]["l"].datatype is None and rows[0]["n"].toPython() == 1
    assert to_rdflib(None) is None


def test_the_default_graph_is_the_union_as_a_set_and_from_reads_one_graph(built):
    """A triple held by several graphs (an organisation's label) counts once, as in rdflib's Dataset."""
    store = Store(built.folder)
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert index_answer(store, everything) == [(str(len(store.dataset())),)]
    entry = store.documents()[PLAN]
    one = f"SELECT (COUNT(*) AS ?n) FROM <{entry.graph}> WHERE {{ ?s ?p ?o }}"
    assert index_answer(store, one) == [(str(len(store.stored_graph(entry))),)] == dataset_answer(store, one)
    shared = "SELECT ?label WHERE { ?d a sk:Document ; dcterms:publisher/rdfs:label ?label }"
    assert index_answer(store, shared) == dataset_answer(store, shared)
