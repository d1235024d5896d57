"""Uploading and removing documents in the Dokument view (AppTest) and app/explorer/uploads.py directly.

Each test works on its own copy of the corpus store (conftest.model_store must not change).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.explorer.text import escape_markdown
from app.explorer.uploads import ingest_upload, remove_document
from graph.store import Store

ROOT = Path(__file__).resolve().parent.parent
ENTRY = str(ROOT / "app" / "explorer" / "streamlit_app.py")
PLAN = ROOT / "tests" / "fixtures" / "app" / "upload_plan.md"
TIMEOUT = 180


@pytest.fixture
def store(model_store, tmp_path) -> Store:
    """A private copy of the corpus store."""
    target = tmp_path / "store"
    shutil.copytree(model_store.folder, target, ignore=shutil.ignore_patterns(".lock"))
    return Store(target)


def snapshot(store: Store) -> dict[str, bytes]:
    """Every file of the store folder by relative path (to see that nothing changed)."""
    return {str(p.relative_to(store.folder)): p.read_bytes()
            for p in sorted(store.folder.rglob("*")) if p.is_file() and p.name != ".lock"}


def dokument_view(store: Store, monkeypatch) -> AppTest:
    monkeypatch.setenv("STYRKEDJA_STORE", str(store.folder))
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("views/dokument.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()


def test_upload_flow_ingests_a_file(store, monkeypatch):
    at = dokument_view(store, monkeypatch)
    at.file_uploader(key="dokument_fil").set_value(("Verksamhetsplan Mora 2025.md", PLAN.read_bytes(),
                                                    "text/markdown"))
    click(at, "Läs in")
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    name = "Verksamhetsplan_Mora_2025.md"
    assert any(escape_markdown(name) in s.value for s in at.success)
    assert (store.folder / "uploads" / name).read_bytes() == PLAN.read_bytes()
    entry = Store(store.folder).documents()[name]
    assert entry.origin == str((store.folder / "uploads" / name).resolve())
    table = at.dataframe[0].value
    assert name in set(table["Fil"]) and "uppladdad" in set(table["Källa"])
    # Every view now includes it: the chain view lists its organisation, a question finds its text.
    at.switch_page("views/styrkedjan.py").run()
    assert any("Mora" in o for o in at.selectbox(key="kedja_org").options)
    at.switch_page("views/fraga.py").run()
    at.text_input(key="fraga_text").input("Hur följs läsförståelsen i årskurs 3 upp?")
    click(at, "Sök svar")
    citations = [c.value for c in at.caption if "relevans" in c.value]
    assert citations and any("Mora" in c for c in citations)
    quotes = "\n".join(m.value for m in at.markdown if m.value.startswith("> "))
    assert "<b>" not in quotes and "](https" not in quotes  # document markup stays text


def test_failed_upload_leaves_the_store_unchanged(store, monkeypatch):
    before = snapshot(store)
    at = dokument_view(store, monkeypatch)
    fake = ("falsk.pdf", b"<html>ingen pdf</html>", "application/pdf")
    at.file_uploader(key="dokument_fil").set_value(fake)
    click(at, "Läs in")
    assert not at.exception
    assert at.error
    message = at.error[0].value.replace("\\", "")
    assert "ingen PDF-fil" in message and "oförändrat" in message
    assert snapshot(store) == before


def test_unreadable_pdf_is_refused_and_store_restored(store):
    before = snapshot(store)
    outcome = ingest_upload(store, "trasig.pdf", b"%PDF-1.7\n" + b"\x00\x01 junk" * 50, use_model=False)
    assert not outcome.ok and outcome.error and "trasig.pdf" in outcome.error
    assert snapshot(store) == before
    assert not (store.folder / "uploads" / "trasig.pdf").exists()


def test_remove_an_uploaded_document(store, monkeypatch):
    outcome = ingest_upload(store, "mora.md", PLAN.read_bytes(), use_model=False)
    assert outcome.ok and outcome.status == "added"
    at = dokument_view(store, monkeypatch)
    at.selectbox(key="dokument_ta_bort").set_value("mora.md")
    at.checkbox(key="dokument_saker").check()
    click(at, "Ta bort")
    assert not at.exception and not at.error
    assert "mora.md" not in Store(store.folder).documents()
    assert not (store.folder / "uploads" / "mora.md").exists()
    docs = json.loads((store.folder / "manifest.json").read_text("utf-8"))["documents"]
    assert len(docs) == 5


def test_remove_needs_confirmation(store, monkeypatch):
    at = dokument_view(store, monkeypatch)
    name = at.selectbox(key="dokument_ta_bort").value
    click(at, "Ta bort")
    assert at.warning and name in Store(store.folder).documents()


def test_remove_document_updates_the_index(store):
    from search.index import SearchIndex

    entry = store.find("002_finspang_verksamhetsplan.pdf")
    assert entry.document in SearchIndex(store.folder / "search")
    remove_document(store, entry.source_file)
    assert entry.document not in SearchIndex(store.folder / "search")
    assert Path(entry.origin).exists()  # a corpus file is never deleted


@pytest.mark.model
def test_a_store_built_without_the_model_is_indexed_with_its_element_labels(tmp_path):
    from app.cli import main
    from app.explorer.data import ensure_indexed
    from graph.store import Store
    from search.index import SearchIndex

    folder = tmp_path / "store"
    assert main(["-q", "--store", str(folder), "add", "--no-model",
                 str(ROOT / "corpus" / "001_skaraborg_skis_uppdragsbeskrivning.pdf")]) == 0
    index = SearchIndex(folder / "search")
    assert ensure_indexed(Store(folder), index) == ["001_skaraborg_skis_uppdragsbeskrivning.pdf"]
    (document,) = [meta.doc_id for meta in index.documents()]
    assert index.passages(document) and index._docs[document].labels
