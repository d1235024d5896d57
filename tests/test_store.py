"""The store: incremental builds, replace and remove, atomic writes, read-only SPARQL, export, SHACL."""

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef

from app.cli import main
from app.pipeline import build_corpus
from graph.sparql import QueryError, run_query
from graph.store import Store, write_atomic
from ontology import SK
from ontology.validate import validate_document_graph

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SMALL = ["001_skaraborg_skis_uppdragsbeskrivning.pdf", "004_10e405f53db58f35.txt"]


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    """The whole demo corpus built once into a store."""
    store = Store(tmp_path_factory.mktemp("store"))
    report = build_corpus(store, CORPUS)
    assert report.ok and len(report.added) == 5
    return store


@pytest.fixture
def small_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in SMALL:
        shutil.copy(CORPUS / name, corpus / name)
    shutil.copytree(CORPUS / "reference", corpus / "reference")
    return corpus


def test_every_document_graph_passes_shacl(corpus_store):
    for name in corpus_store.documents():
        report = validate_document_graph(corpus_store.document_graph(name))
        assert report.conforms, f"{name}:\n{report.text[:3000]}"


def test_build_is_incremental_and_follows_the_corpus(tmp_path, small_corpus):
    store = Store(tmp_path / "store")
    first = build_corpus(store, small_corpus)
    assert sorted(first.added) == sorted(SMALL)
    second = build_corpus(store, small_corpus)
    assert sorted(second.unchanged) == sorted(SMALL) and not second.added and not second.replaced
    changed = (CORPUS / SMALL[1]).read_text("utf-8") + "\n\nEtt nytt stycke.\n"
    (small_corpus / SMALL[1]).write_text(changed, "utf-8")
    third = build_corpus(store, small_corpus)
    assert third.replaced == [SMALL[1]] and third.unchanged == [SMALL[0]]
    (small_corpus / SMALL[0]).unlink()
    fourth = build_corpus(store, small_corpus)
    assert fourth.removed == [SMALL[0]]
    assert set(store.documents()) == {SMALL[1]}


def ntriples(graph) -> set[str]:
    """A graph's N-Triples lines as a set: the same graph read from its file or from the whole store."""
    return set(graph.serialize(format="nt").splitlines())


def test_add_replaces_without_duplicates_and_remove_touches_nothing_else(tmp_path, small_corpus):
    store = Store(tmp_path / "store")
    build_corpus(store, small_corpus)
    before = {name: ntriples(store.document_graph(name)) for name in SMALL}
    graph_iri = store.documents()[SMALL[1]].graph
    path = small_corpus / SMALL[1]
    path.write_text(path.read_text("utf-8") + "\n\nTillägg till protokollet.\n", "utf-8")
    assert main(["-q", "--store", str(store.folder), "add", str(path)]) == 0
    assert store.documents()[SMALL[1]].graph == graph_iri
    docs = list(store.dataset().subjects(predicate=SK.sourceFile))
    assert len(docs) == 2  # replaced, not duplicated
    assert ntriples(store.document_graph(SMALL[0])) == before[SMALL[0]]
    assert main(["-q", "--store", str(store.folder), "remove", SMALL[1]]) == 0
    assert set(store.documents()) == {SMALL[0]}
    assert ntriples(store.document_graph(SMALL[0])) == before[SMALL[0]]
    assert not (store.folder / "graphs" / "004-10e405f53db58f35-txt.trig").exists()


def test_remove_unknown_document_is_a_user_error(tmp_path, capsys):
    assert main(["--store", str(tmp_path / "empty"), "remove", "nope.pdf"]) == 1
    assert "nope.pdf: no such document in the store" in capsys.readouterr().err


def test_a_bad_file_in_the_corpus_does_not_stop_the_build(tmp_path, small_corpus, capsys):
    (small_corpus / "trasig.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    status = main(["-q", "--store", str(tmp_path / "store"), "build", "--corpus", str(small_corpus)])
    err = capsys.readouterr().err
    assert status == 1
    assert "trasig.pdf: the PDF is damaged or truncated" in err
    assert set(Store(tmp_path / "store").documents()) == set(SMALL)


def test_write_atomic_leaves_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "graph.trig"
    target.write_text("old", "utf-8")

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr("os.fsync", broken_fsync)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.trig"]


def test_sparql_is_read_only(corpus_store):
    dataset = corpus_store.dataset()
    rows = list(run_query(dataset, "SELECT ?d WHERE { ?d a sk:Document }"))
    assert len(rows) == 5
    for query in (
        "DELETE WHERE { ?s ?p ?o }",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "LOAD <http://example.org/data.ttl>",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ):
        with pytest.raises(QueryError):
            run_query(dataset, query)
    # The words inside a string literal are not commands.
    assert list(run_query(dataset, 'SELECT ?x WHERE { VALUES ?x { "DELETE this" } }'))


@pytest.mark.parametrize("fmt", ["trig", "nquads", "jsonld", "turtle"])
def test_export_parses_back(corpus_store, tmp_path, fmt):
    out = tmp_path / f"export.{fmt}"
    assert main(["-q", "--store", str(corpus_store.folder), "export", "--format", fmt, "-o", str(out)]) == 0
    parsed = Dataset()
    parsed.parse(out, format={"jsonld": "json-ld"}.get(fmt, fmt))
    assert len(parsed) > 1000


def test_one_named_graph_per_document_and_reference_graphs_apart(corpus_store):
    dataset = corpus_store.dataset()
    names = {str(g.identifier) for g in dataset.graphs()}
    for entry in corpus_store.documents().values():
        assert entry.graph in names
        graph = dataset.graph(URIRef(entry.graph))
        assert (URIRef(entry.document), SK.sourceFile, None) in graph
    assert any(name.endswith("reference/skollagen") for name in names)
    manifest = json.loads((corpus_store.folder / "manifest.json").read_text("utf-8"))
    assert all(len(e["sha256"]) == 64 for e in manifest["documents"].values())


def test_saved_queries_agree_on_both_backends(corpus_store, monkeypatch):
    from graph.sparql import saved_queries

    results = {}
    for backend in ("rdflib", "oxigraph"):
        monkeypatch.setenv("STYRKEDJA_RDF_BACKEND", backend)
        store = Store(corpus_store.folder)
        dataset = store.dataset()
        results[backend] = {
            q.name: sorted(tuple(str(v) for v in row) for row in run_query(dataset, q.text))
            for q in saved_queries()
        }
    assert results["rdflib"] == results["oxigraph"]
    assert results["rdflib"]["documents"]


def test_unknown_backend_is_a_clear_error(monkeypatch, tmp_path):
    from graph.store import StoreError

    monkeypatch.setenv("STYRKEDJA_RDF_BACKEND", "virtuoso")
    with pytest.raises(StoreError, match="STYRKEDJA_RDF_BACKEND"):
        Store(tmp_path).dataset()
