"""Every user query has a time limit (a worker process ended at the limit) and a row limit."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from app.cli import main
from app.sparql_runner import QueryLimits, QueryTimeout, limits_from_env, run_limited
from graph.sparql import saved_queries

# A cross product of the whole store with itself, three times: never finishes in seconds.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def run(store, capsys, *argv):
    status = main(["-q", "--store", str(store.folder), *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_cli_answers_within_the_limit_plus_two_seconds(small_store, capsys, monkeypatch):
    started = time.monotonic()
    status, _, _ = run(small_store, capsys, "sparql", "ASK { ?s ?p ?o }")
    overhead = time.monotonic() - started  # loading the store, forking: what any query costs
    assert status == 0
    monkeypatch.setenv("STYRKEDJA_SPARQL_TIMEOUT_S", "2")
    started = time.monotonic()
    status, out, err = run(small_store, capsys, "sparql", ENDLESS)
    elapsed = time.monotonic() - started
    assert status == 1 and out == ""
    assert "longer than 2 s" in err and "Traceback" not in err
    assert elapsed <= overhead + 2 + 2, (elapsed, overhead)


def test_rows_are_cut_at_the_row_limit(small_store, capsys, monkeypatch):
    monkeypatch.setenv("STYRKEDJA_SPARQL_MAX_ROWS", "7")
    status, out, _ = run(small_store, capsys, "sparql", "SELECT ?s WHERE { ?s ?p ?o }")
    assert status == 0
    assert len(out.splitlines()) == 1 + 7


def test_limits_come_from_the_environment(monkeypatch):
    assert limits_from_env() == QueryLimits(10.0, 10_000)
    monkeypatch.setenv("STYRKEDJA_SPARQL_TIMEOUT_S", "2.5")
    monkeypatch.setenv("STYRKEDJA_SPARQL_MAX_ROWS", "nonsense")
    assert limits_from_env() == QueryLimits(2.5, 10_000)


def test_a_long_query_does_not_hold_up_another(small_store):
    """Two sessions: while one query runs to its limit, another answers at once."""
    dataset = small_store.dataset()
    outcome = {}

    def slow():
        try:
            run_limited(dataset, ENDLESS, QueryLimits(timeout_s=4, max_rows=10))
        except QueryTimeout as error:
            outcome["slow"] = error

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    answer = run_limited(dataset, "SELECT ?d WHERE { ?d a sk:Document }", QueryLimits(4, 10))
    fast = time.monotonic() - started
    assert thread.is_alive(), "the slow query still runs while the fast one is answered"
    thread.join()
    assert len(answer.rows) == 1
    assert fast < 3
    assert isinstance(outcome.get("slow"), QueryTimeout)


@pytest.mark.parametrize("query", saved_queries(), ids=lambda q: q.name)
def test_saved_queries_finish_well_inside_the_limit(corpus_dataset, query):
    answer = run_limited(corpus_dataset, query.text, QueryLimits(timeout_s=5, max_rows=10_000))
    assert not answer.truncated


@pytest.fixture(scope="module")
def corpus_dataset(tmp_path_factory):
    """The demo corpus (all five documents), without the model."""
    from app.pipeline import build_corpus
    from graph.store import Store

    store = Store(tmp_path_factory.mktemp("limits-store") / "store")
    assert build_corpus(store, Path(__file__).resolve().parents[2] / "corpus").ok
    return store.dataset()
