"""The explorer's views under Streamlit's AppTest, against the corpus store (conftest.model_store).

Every view renders without an exception; a question returns cited passages; the chain of a Finspång activity
shows its strategy, owner and deadline; the gap list is non-empty for Svenljunga; the SPARQL view refuses
updates.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.explorer.widgets import PAGES

ENTRY = str(Path(__file__).resolve().parent.parent / "app" / "explorer" / "streamlit_app.py")
TIMEOUT = 180  # the first question loads the embedding model
FINSPANG = "https://w3id.org/styrkedja/id/kommun/0562"  # publisher IRI of Finspångs kommun (kommunkod 0562)


@pytest.fixture
def app(model_store, monkeypatch) -> AppTest:
    """The explorer on the corpus store, first page rendered."""
    monkeypatch.setenv("STYRKEDJA_STORE", str(model_store.folder))
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """All Markdown, captions, titles and headers on the page, as one text."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.value for e in at.title] + [e.value for e in at.header] + [e.value for e in at.subheader]
    return "\n".join(str(p) for p in parts)


def button(at: AppTest, label: str):
    """The button with a label."""
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}: {[b.label for b in at.button]}"
    return found[0]


@pytest.mark.parametrize("page", PAGES, ids=[p[1] for p in PAGES])
def test_every_view_renders(app, page):
    file_name, title = page[0], page[1]
    app.switch_page(f"views/{file_name}").run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert app.title and app.title[0].value.startswith(title.split()[0])


def test_question_returns_cited_passages(app):
    app.text_input(key="fraga_text").input("Vem ansvarar för det systematiska kvalitetsarbetet?")
    button(app, "Sök svar").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    quotes = [m.value for m in app.markdown if m.value.startswith("> ")]
    law_texts = [m.value for e in app.expander for m in e.markdown if m.value.startswith("> ")]
    citations = [c.value for c in app.caption if "relevans" in c.value]
    assert len(citations) >= 3 and len(quotes) - len(law_texts) == len(citations)  # one quote per answer
    assert any(":orange-background[" in q for q in quotes)  # the answering sentence is marked
    assert all(re.search(r"\.(pdf|txt|md)", c) for c in citations)
    assert any(re.search(r"s\\?\. \d+", c) for c in citations)  # PDFs are cited with their page
    assert "I kunskapsgrafen" in texts(app)


def test_question_filters_by_organisation(app):
    app.text_input(key="fraga_text").input("Vilka forum finns för uppföljning?")
    app.selectbox(key="fraga_org").set_value(FINSPANG)
    button(app, "Sök svar").click().run()
    citations = [c.value for c in app.caption if "relevans" in c.value]
    assert citations and all("finspang" in c for c in citations)


def _finspang_activity(store) -> tuple[str, dict]:
    """A Finspång activity with a strategy above it, an owner and a deadline (from the graph)."""
    from graph.chain import ChainGraph, trace, trace_json

    chain = ChainGraph(store.dataset())
    for node in chain.elements(types=["Activity"]):
        if "finspang" not in node.iri:
            continue
        data = trace_json(trace(chain, node.iri))
        strategies = [s for s in data["up"] if s["type"] == "Strategy"]
        if strategies and data["node"]["owners"] and data["node"]["deadline"]:
            return node.iri, {"strategy": strategies[0]["label"], "owners": data["node"]["owners"],
                              "deadline": data["node"]["deadline"], "document": node.document}
    raise AssertionError("no Finspång activity with strategy, owner and deadline in the store")


def test_chain_of_a_finspang_activity(app, model_store):
    iri, expected = _finspang_activity(model_store)
    app.switch_page("views/styrkedjan.py").run()
    assert any("Finspång" in o for o in app.selectbox(key="kedja_org").options)
    app.selectbox(key="kedja_org").set_value(FINSPANG).run()
    app.selectbox(key="kedja_doc").set_value(expected["document"]).run()
    app.selectbox(key="kedja_type").set_value("Aktiviteter").run()
    app.selectbox(key="kedja_nod").set_value(iri).run()
    assert not app.exception, [e.value for e in app.exception]
    page = texts(app)
    assert "**Strategi**" in page and "**Ansvarig**" in page and "**Klart**" in page
    plain = page.replace("\\", "")
    assert expected["strategy"][:40] in plain
    assert all(owner in plain for owner in expected["owners"])
    assert expected["deadline"] in plain
    table = app.dataframe[0].value
    assert {"Strategi", "Aktivitet"} <= set(table["Typ"])
    assert table["Citat"].str.len().gt(0).all() and table["Sida"].notna().any()


def test_gap_list_for_svenljunga(app):
    app.switch_page("views/luckor.py").run()
    options = app.multiselect(key="luckor_docs").options
    svenljunga = [o for o in options if "Svenljunga" in o]
    assert svenljunga
    source = "003_svenljunga_kvalitetsarbete.pdf"
    app.multiselect(key="luckor_docs").set_value([source]).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert len(table) > 0 and set(table["Dokument"]) == {source}
    assert set(table["Allvar"]) <= {"Hög", "Medel", "Låg"}
    assert int(app.metric[0].value) == len(table)
    assert app.get("download_button")


def test_compare_two_plans(app):
    app.switch_page("views/jamfor.py").run()
    assert not app.exception
    assert len(app.multiselect(key="jamfor_docs").value) == 2
    page = texts(app)
    assert "Gemensamt" in page and "Planer som liknar denna" in page
    assert "likhet" in "\n".join(e.label for e in app.expander)


def test_lagrum_lists_cited_paragraphs_with_text(app):
    app.switch_page("views/lagrum.py").run()
    table = app.dataframe[0].value
    assert len(table) > 0 and table["Paragraf"].str.contains("skollagen").all()
    assert any("kap" in e.label for e in app.expander)


def test_sparql_runs_saved_query_and_refuses_update(app):
    app.switch_page("views/sparql.py").run()
    button(app, "Kör").click().run()
    assert not app.error and app.dataframe
    app.text_area(key="sparql_text").input("DELETE WHERE { ?s ?p ?o }")
    button(app, "Kör").click().run()
    assert app.error and "DELETE" in app.error[0].value
    app.text_area(key="sparql_text").input("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")
    button(app, "Kör").click().run()
    assert app.error and "SERVICE" in app.error[0].value


def test_onboarding_cites_every_line(app):
    app.switch_page("views/ny_i_styrgruppen.py").run()
    app.selectbox(key="ny_org").set_value(FINSPANG).run()
    page = texts(app)
    assert "Läs först" in page and "Vilka är vilka" in page and "Årshjulet" in page
    lines = [m.value for m in app.markdown if m.value.startswith("- **")]
    assert lines and all("finspang" in line for line in lines)

