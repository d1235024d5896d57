"""The explorer's SPARQL view: a query past the time limit is stopped, with a Swedish sentence; no fetch."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ENTRY = str(Path(__file__).resolve().parents[2] / "app" / "explorer" / "streamlit_app.py")
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture
def sparql_page(small_store, monkeypatch) -> AppTest:
    monkeypatch.setenv("STYRKEDJA_STORE", str(small_store.folder))
    monkeypatch.setenv("STYRKEDJA_SPARQL_TIMEOUT_S", "1")
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    at.switch_page("views/sparql.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_query(at: AppTest, query: str) -> AppTest:
    at.text_area(key="sparql_text").input(query)
    next(b for b in at.button if b.label == "Kör").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_long_query_is_stopped_with_a_clear_sentence(sparql_page):
    run_query(sparql_page, ENDLESS)
    assert [e.value for e in sparql_page.error] == ["Frågan tog för lång tid (över 1 s) och avbröts."]


def test_a_query_naming_an_outside_graph_is_refused_and_fetches_nothing(sparql_page, listener):
    run_query(sparql_page, f"SELECT * FROM <{listener.url}/x> WHERE {{ ?s ?p ?o }}")
    assert sparql_page.error and "not in the store" in sparql_page.error[0].value
    assert listener.requests == []
