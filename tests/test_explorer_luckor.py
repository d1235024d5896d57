"""The Luckor view under Streamlit's AppTest on a store of constructed graphs: a plan whose structure was not
read is named with the reason ("planens struktur kunde inte läsas"), as text (its note holds markup), and gets
no gaps shown; a read plan's gaps are listed; a scorecard gets none.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.iris import document_graph
from graph.store import DocumentEntry, Store

ROOT = Path(__file__).resolve().parent.parent
VIEW = str(ROOT / "app" / "explorer" / "views" / "luckor.py")
CHAIN = ROOT / "tests" / "fixtures" / "chain"
FIXTURES = ROOT / "tests" / "fixtures" / "gaps"
DOCUMENTS = [
    (CHAIN / "plan.ttl", "norrvik_kvalitetsplan.pdf", "https://w3id.org/styrkedja/id/doc/norrvik-kvalitetsplan-pdf"),
    (FIXTURES / "unread.ttl", "sjobacka_kvalitetsplan.pdf",
     "https://w3id.org/styrkedja/id/doc/sjobacka-kvalitetsplan-pdf"),
    (FIXTURES / "styrkort.ttl", "ekdala_styrkort.pdf", "https://w3id.org/styrkedja/id/doc/ekdala-styrkort-pdf"),
]
TIMEOUT = 60


def build(folder: Path, documents) -> Path:
    """A store holding the constructed graphs (one named graph per document, as the pipeline writes them)."""
    from rdflib import Graph

    store = Store(folder)
    for path, source_file, document in documents:
        graph = Graph()
        graph.parse(path)
        entry = DocumentEntry(source_file=source_file, sha256=source_file, graph_file="", document=document,
                              graph=str(document_graph(source_file)), origin=str(path))
        store.put(entry, graph)
    return folder


def view(folder: Path, monkeypatch) -> AppTest:
    """The Luckor view rendered on a store."""
    monkeypatch.setenv("STYRKEDJA_STORE", str(folder))
    at = AppTest.from_file(VIEW, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("luckor-store"), DOCUMENTS)


def test_unread_plan_is_named_with_its_reason(store_dir, monkeypatch):
    at = view(store_dir, monkeypatch)
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1
    note = warnings[0]
    plain = note.replace("\\", "")  # the Markdown escapes removed
    assert "Planens struktur kunde inte läsas" in plain
    assert "sjobacka_kvalitetsplan.pdf: planens struktur kunde inte läsas: inga rubriker" in plain
    assert "norrvik" not in note and "ekdala" not in note


def test_the_note_is_text_not_markup(store_dir, monkeypatch):
    note = view(store_dir, monkeypatch).warning[0].value
    assert "\\*\\*säkert\\*\\*" in note  # bold markers escaped
    assert "<b>" not in note and "](javascript" not in note
    assert "\\<b\\>" in note and "\\[se här\\]" in note  # shown as written


def test_gaps_of_read_plans_are_listed_and_none_of_the_unread_one(store_dir, monkeypatch):
    at = view(store_dir, monkeypatch)
    table = at.dataframe[0].value
    documents = set(table["Dokument"])
    assert "norrvik_kvalitetsplan.pdf" in documents
    assert "ekdala_styrkort.pdf" not in documents
    assert "sjobacka_kvalitetsplan.pdf" not in documents  # no gaps at all from an unread plan (issue 12)


def test_filtering_to_the_unread_plan_still_says_why(store_dir, monkeypatch):
    at = view(store_dir, monkeypatch)
    at.multiselect(key="luckor_docs").set_value(["sjobacka_kvalitetsplan.pdf"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.warning) == 1 and "sjobacka" in at.warning[0].value
    at.multiselect(key="luckor_docs").set_value(["ekdala_styrkort.pdf"]).run()
    assert not at.warning
    assert [s.value for s in at.success] == ["Inga brister med de valda filtren."]


def test_no_note_when_every_plan_was_read(tmp_path, monkeypatch):
    at = view(build(tmp_path / "store", [DOCUMENTS[0], DOCUMENTS[2]]), monkeypatch)
    assert not at.warning
    assert at.dataframe
