"""What a look at the explorer on a real archive found (issue 12's screenshot review), one test per finding.

- Styrkedjan opened on a protocol (the first organisation by name had only protocols): it now opens on a plan
  whose structure was read.
- Jämför's default pair was a scorecard and a protocol where all plans belong to one organisation: it now
  takes the two latest versions of one plan, and says that Tidslinje shows how they changed.
- Two versions with one title could not be told apart in the lists: the period, else the date, else the file
  name is added.
- People's names were listed as themes: a word never written in lower case is a name, not a theme.
- A whole statute cited by number read "(1976:580)": it reads "SFS 1976:580".
- Luckor said "no gaps" without saying what was checked: it counts the documents checked, and the protocols
  it does not check.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG
from streamlit.testing.v1 import AppTest

from app.explorer import facts
from app.explorer.views import jamfor, luckor
from graph.iris import document_graph
from graph.store import DocumentEntry, Store

ROOT = Path(__file__).resolve().parent.parent
ENTRY = str(ROOT / "app" / "explorer" / "streamlit_app.py")
CHAIN = ROOT / "tests" / "fixtures" / "chain"
DOC = "https://w3id.org/styrkedja/id/doc/"
PLAN = DOC + "norrvik-kvalitetsplan-pdf"
PROTOCOL = DOC + "norrvik-protokoll-txt"
ALBY = "https://w3id.org/styrkedja/id/org/alby-kommun"  # made up; sorts before Norrvik
TIMEOUT = 60


def row(document: str, publisher: str | None, kind: str = "kvalitetsplan", state: str = "read",
        **extra) -> dict:
    return {"document": document, "publisher": publisher, "kind": kind, "plan_state": state,
            "organisation": extra.pop("organisation", "Norrviks kommun"),
            "title": extra.pop("title", document),
            "source_file": extra.pop("source_file", document + ".pdf"), **extra}


# --- Jämför's default pair ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("rows", "series", "expected"), [
    pytest.param([row("a", "X"), row("b", "X"), row("c", "Y")], [], ["a", "c"],
                 id="two organisations: one plan of each"),
    pytest.param([row("p", "Y", kind="protokoll", state="protocol"), row("v1", "X", kind="styrkort"),
                  row("v2", "X", kind="styrkort"), row("v3", "X", kind="styrkort")],
                 [["v1", "v2", "v3"]], ["v2", "v3"],
                 id="one organisation: the two latest versions, no protocol"),
    pytest.param([row("p", "Y", kind="protokoll", state="protocol"), row("a", "X"), row("b", "X")], [],
                 ["a", "b"], id="one organisation, no versions: two plans before a protocol"),
    pytest.param([row("u", "Y", state="unread"), row("a", "X"), row("p", "Z", kind="protokoll",
                                                                      state="protocol")], [],
                 ["a", "u"], id="an unread plan before a protocol"),
])
def test_default_pair(rows, series, expected):
    assert jamfor._default_pair(rows, series) == expected


def test_versions_among_the_chosen_documents():
    series = [["a1", "a2", "a3"], ["b1", "b2"]]
    assert jamfor.versions_among(["a3", "b1", "a1"], series) == ["a1", "a3"]
    assert jamfor.versions_among(["a1", "b1"], series) is None


@pytest.mark.parametrize(("rows", "expected"), [
    pytest.param([row("a", "X", title="Styrkort", period="2017-2019"),
                  row("b", "X", title="Styrkort", period="2019-2022")],
                 ["Norrviks kommun: Styrkort (2017-2019)", "Norrviks kommun: Styrkort (2019-2022)"],
                 id="the period tells them apart"),
    pytest.param([row("a", "X", title="Styrkort", period="2017-2019", date="2017-03-01"),
                  row("b", "X", title="Styrkort", period="2017-2019", date="2018-03-01")],
                 ["Norrviks kommun: Styrkort (2017-03-01)", "Norrviks kommun: Styrkort (2018-03-01)"],
                 id="same period: the date"),
    pytest.param([row("a", "X", title="Styrkort", period="2017-2019", source_file="s17.pdf"),
                  row("b", "X", title="Styrkort", period="2017-2019", source_file="s18.pdf")],
                 ["Norrviks kommun: Styrkort (s17.pdf)", "Norrviks kommun: Styrkort (s18.pdf)"],
                 id="same period, no dates: the file name"),
    pytest.param([row("a", "X", title="Plan A"), row("b", None, title="Plan B", organisation=None)],
                 ["Norrviks kommun: Plan A", "–: Plan B"], id="different titles stay as they are"),
])
def test_titles_tell_versions_apart(rows, expected):
    titles = jamfor.document_titles(rows)
    assert [titles[r["document"]] for r in rows] == expected


# --- themes, statutes, Luckor's caption --------------------------------------------------------------------

def test_names_are_not_themes():
    texts = ["Kerstin Sjövall yrkar bifall till förvaltningens förslag.",
             "Nämnden beslutar enligt förvaltningens förslag. Kerstin Sjövall reserverar sig.",
             "Norrviks kommun: Förslag till beslut", "i Norrvik bifall"]
    found = facts.themes(texts)
    assert "förvaltningens" in found and "förslag" in found and "bifall" in found
    assert not {"kerstin", "sjövall", "norrvik", "norrviks"} & set(found)


@pytest.mark.parametrize(("label", "expected"), [
    ("(1976:580)", "SFS 1976:580"),
    ("4 kap. 3 § (2010:800)", "4 kap. 3 § (2010:800)"),
    (None, None),
])
def test_law_label(label, expected):
    assert facts.law_label(label) == expected


def test_luckor_says_what_was_checked():
    rows = [row("a", "X"), row("b", "X"), row("p", "X", kind="protokoll", state="protocol"),
            row("u", "X", state="unread")]
    caption = luckor.checked_caption(rows)
    assert "Granskade: 2 dokument" in caption
    assert "1 protokoll granskas inte" in caption and "Ny i styrgruppen" in caption
    assert "1 dokument utan läsbar planstruktur" in caption


# --- Styrkedjan opens on a plan ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    """A plan of Norrvik and a protocol of Alby (which sorts first in the picker)."""
    store = Store(tmp_path_factory.mktemp("review-store"))
    for path, source_file, document in [(CHAIN / "plan.ttl", "norrvik_kvalitetsplan.pdf", PLAN),
                                        (CHAIN / "protocol.ttl", "alby_protokoll.txt", PROTOCOL)]:
        graph = Graph()
        graph.parse(path)
        if document == PROTOCOL:
            graph.add((URIRef(PROTOCOL), DCTERMS.publisher, URIRef(ALBY)))
            graph.add((URIRef(ALBY), RDF.type, ORG.Organization))
            graph.add((URIRef(ALBY), RDFS.label, Literal("Alby kommun")))
        entry = DocumentEntry(source_file=source_file, sha256=source_file, graph_file="", document=document,
                              graph=str(document_graph(source_file)), origin=str(path))
        store.put(entry, graph)
    return store.folder


def test_styrkedjan_opens_on_a_plan_not_a_protocol(store_dir, monkeypatch):
    monkeypatch.setenv("STYRKEDJA_STORE", str(store_dir))
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("views/styrkedjan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="kedja_org").options[0] == "Alby kommun"
    assert at.selectbox(key="kedja_org").value == "https://w3id.org/styrkedja/id/org/norrviks-kommun"
    assert at.selectbox(key="kedja_doc").value == PLAN
    assert not any("Ett protokoll innehåller beslut" in i.value for i in at.info)
    at.selectbox(key="kedja_org").set_value(ALBY).run()  # the user can still choose the protocol
    assert not at.exception, [e.value for e in at.exception]
    assert any("Ett protokoll innehåller beslut" in i.value for i in at.info)
