"""Honest views and the organisation picker in the views (AppTest on constructed graphs).

A plan whose structure was not read (sk:planStructureRead false) is said to be so, with its reason, in
Styrkedjan and Jämför instead of zeros; a protocol is said to hold decisions, with a way to Ny i styrgruppen;
the picker lists an organisation's issuing body under it, and choosing the body keeps its documents.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import ORG
from streamlit.testing.v1 import AppTest

from app.explorer import facts
from graph.iris import document_graph
from graph.store import DocumentEntry, Store
from ontology import SK

ROOT = Path(__file__).resolve().parent.parent
ENTRY = str(ROOT / "app" / "explorer" / "streamlit_app.py")
CHAIN = ROOT / "tests" / "fixtures" / "chain"
GAPS = ROOT / "tests" / "fixtures" / "gaps"
DOC = "https://w3id.org/styrkedja/id/doc/"
PLAN = DOC + "norrvik-kvalitetsplan-pdf"
UNREAD = DOC + "sjobacka-kvalitetsplan-pdf"
PROTOCOL = DOC + "norrvik-protokoll-txt"
NORRVIK = "https://w3id.org/styrkedja/id/org/norrviks-kommun"
BODY = NORRVIK + "/body/grundskolenamnden"
DOCUMENTS = [
    (CHAIN / "plan.ttl", "norrvik_kvalitetsplan.pdf", PLAN),
    (GAPS / "unread.ttl", "sjobacka_kvalitetsplan.pdf", UNREAD),
    (CHAIN / "protocol.ttl", "norrvik_protokoll.txt", PROTOCOL),
]
TIMEOUT = 60


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    """The constructed graphs in a store; the Norrvik plan is issued by a body of its municipality."""
    store = Store(tmp_path_factory.mktemp("honest-store"))
    for path, source_file, document in DOCUMENTS:
        graph = Graph()
        graph.parse(path)
        if document == PLAN:
            graph.add((URIRef(PLAN), SK.issuedBy, URIRef(BODY)))
            graph.add((URIRef(BODY), RDF.type, ORG.OrganizationalUnit))
            graph.add((URIRef(BODY), RDFS.label, Literal("Grundskolenämnden")))
        entry = DocumentEntry(source_file=source_file, sha256=source_file, graph_file="", document=document,
                              graph=str(document_graph(source_file)), origin=str(path))
        store.put(entry, graph)
    return store.folder


def view(folder: Path, monkeypatch, page: str) -> AppTest:
    monkeypatch.setenv("STYRKEDJA_STORE", str(folder))
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def plain(values) -> str:
    return "\n".join(str(v.value) for v in values).replace("\\", "")


def test_picker_lists_the_body_under_its_organisation(store_dir, monkeypatch):
    at = view(store_dir, monkeypatch, "views/styrkedjan.py")
    picker = at.selectbox(key="kedja_org")
    options = picker.options
    norrvik = options.index("Norrviks kommun")
    assert options[norrvik + 1].endswith("└\u00a0Grundskolenämnden")
    picker.set_value(NORRVIK + "\n" + BODY).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="kedja_doc").options == ["Kvalitetsplan för grundskolan 2024/2025 "
                                                     "(norrvik_kvalitetsplan.pdf)"]


def test_chain_of_an_unread_plan_says_so_with_the_reason(store_dir, monkeypatch):
    at = view(store_dir, monkeypatch, "views/styrkedjan.py")
    at.selectbox(key="kedja_org").set_value("https://w3id.org/styrkedja/id/org/sjobacka-kommun").run()
    assert not at.exception, [e.value for e in at.exception]
    warning = plain(at.warning)
    assert "Planens struktur kunde inte läsas" in warning and "inga rubriker" in warning
    assert "<b>" not in "\n".join(w.value for w in at.warning)  # the note stays text


def test_chain_of_a_protocol_points_to_ny_i_styrgruppen(store_dir, monkeypatch):
    at = view(store_dir, monkeypatch, "views/styrkedjan.py")
    at.selectbox(key="kedja_org").set_value(facts.UNKNOWN_ORG).run()  # the protocol names no organisation
    assert "Ett protokoll innehåller beslut, inte en plan" in plain(at.info)
    assert not at.metric and not at.dataframe
    next(b for b in at.button if b.label == "Till Ny i styrgruppen").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Ny i styrgruppen"


def test_compare_shows_no_zeros_for_an_unread_plan_or_a_protocol(store_dir, monkeypatch):
    at = view(store_dir, monkeypatch, "views/jamfor.py")
    at.multiselect(key="jamfor_docs").set_value([PLAN, UNREAD, PROTOCOL]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [m.label for m in at.metric] == ["Mål", "Strategier", "Aktiviteter"]  # the read plan's only
    assert "Planens struktur kunde inte läsas" in plain(at.warning)
    assert "Ett protokoll innehåller beslut, inte en plan" in plain(at.info)


def test_compare_picker_narrows_the_documents(store_dir, monkeypatch):
    at = view(store_dir, monkeypatch, "views/jamfor.py")
    at.selectbox(key="jamfor_org").set_value(NORRVIK + "\n" + BODY).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="jamfor_docs").options and all(
        "Norrvik" in o for o in at.multiselect(key="jamfor_docs").options)


def test_ny_i_styrgruppen_for_documents_without_an_organisation(store_dir, monkeypatch):
    at = view(store_dir, monkeypatch, "views/ny_i_styrgruppen.py")
    at.selectbox(key="ny_org").set_value(facts.UNKNOWN_ORG).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.header[0].value == "Organisation okänd"
