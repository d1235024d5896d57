"""SPARQL reads the store and nothing else: no FROM/GRAPH/SERVICE IRI is fetched, on either backend (SSRF)."""

from __future__ import annotations

import importlib.util

import pytest
from rdflib import Dataset

from app.cli import main
from graph.sparql import QueryError, run_query

BACKENDS = [
    "rdflib",
    pytest.param(
        "oxigraph",
        marks=pytest.mark.skipif(
            importlib.util.find_spec("oxrdflib") is None, reason="oxrdflib/pyoxigraph not installed"
        ),
    ),
]

# Each query asks, one way or another, for something outside the store; {url} is the local listener.
HOSTILE = [
    "SELECT * FROM <{url}/from> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <{url}/named> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ GRAPH <{url}/graph> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
    "select * from <{url}/lower> where {{ ?s ?p ?o }}",
    "SELECT * FROM <file:///etc/passwd> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <file:///etc/hostname> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} FROM <{url}/construct> WHERE {{ ?s ?p ?o }}",
    "ASK FROM <{url}/ask> {{ ?s ?p ?o }}",
    "DESCRIBE <urn:x> FROM <{url}/describe>",
    "LOAD <{url}/load>",
    "PREFIX x: <{url}/> SELECT * WHERE {{ SERVICE x:s {{ ?s ?p ?o }} }}",
]


def run(store, capsys, *argv):
    status = main(["-q", "--store", str(store.folder), *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("template", HOSTILE)
def test_cli_refuses_and_fetches_nothing(small_store, listener, capsys, monkeypatch, backend, template):
    monkeypatch.setenv("STYRKEDJA_RDF_BACKEND", backend)
    status, out, err = run(small_store, capsys, "sparql", template.format(url=listener.url))
    assert status == 1
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert out == ""
    assert listener.requests == []


def test_a_graph_of_the_store_may_be_named(small_store, capsys):
    status, out, _ = run(small_store, capsys, "sparql",
                         "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d a sk:Document } }")
    graph = out.splitlines()[1]
    status, out, err = run(small_store, capsys, "sparql",
                           f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
    assert status == 0, err
    assert int(out.splitlines()[1]) > 0


def test_graph_loading_is_off_even_without_the_check(listener):
    """Layer 1 alone: rdflib itself must not fetch a FROM IRI once graph.sparql is imported."""
    dataset = Dataset(default_union=True)
    rows = list(dataset.query(f"SELECT * FROM <{listener.url}/raw> WHERE {{ ?s ?p ?o }}"))
    assert rows == []
    assert listener.requests == []


def test_run_query_refuses_outside_graphs(small_store, listener):
    dataset = small_store.dataset()
    with pytest.raises(QueryError, match="not in the store"):
        run_query(dataset, f"SELECT * FROM <{listener.url}/x> WHERE {{ ?s ?p ?o }}")
    with pytest.raises(QueryError, match="SERVICE"):
        run_query(dataset, f"SELECT * WHERE {{ SERVICE <{listener.url}/x> {{ ?s ?p ?o }} }}")
    assert listener.requests == []


@pytest.mark.parametrize(
    "query",
    ["SELECT * WHERE {", "SELEC * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o } LIMIT -1", "\x00"],
)
def test_broken_queries_get_one_sentence(small_store, capsys, query):
    status, out, err = run(small_store, capsys, "sparql", query)
    assert status == 1
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
