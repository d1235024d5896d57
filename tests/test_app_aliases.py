"""One document per content in the explorer (AppTest): an upload whose bytes equal a stored document's becomes
another name of it; the Dokument view shows both names; removing one name keeps the document; a question's
answers name the document once.

Constructed files only (the plan of tests/test_store_aliases.py, an invented municipality).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.cli import main
from graph.store import Store
from tests.test_store_aliases import PLAN

ROOT = Path(__file__).resolve().parent.parent
ENTRY = str(ROOT / "app" / "explorer" / "streamlit_app.py")
TIMEOUT = 180


@pytest.fixture
def store(tmp_path) -> Store:
    """A store holding one constructed plan (read without the model)."""
    source = tmp_path / "in" / "plan.md"
    source.parent.mkdir()
    source.write_text(PLAN, encoding="utf-8")
    folder = tmp_path / "store"
    assert main(["-q", "--store", str(folder), "add", "--no-model", str(source)]) == 0
    return Store(folder)


def view(store: Store, monkeypatch, page: str = "views/dokument.py") -> AppTest:
    monkeypatch.setenv("STYRKEDJA_STORE", str(store.folder))
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()


def test_duplicate_upload_is_another_name_and_one_name_can_go(store, monkeypatch):
    at = view(store, monkeypatch)
    at.file_uploader(key="dokument_fil").set_value(("plan kopia.md", PLAN.encode("utf-8"), "text/markdown"))
    click(at, "Läs in")
    assert not at.exception, [e.value for e in at.exception]
    assert any("samma innehåll" in s.value for s in at.success), [s.value for s in at.success]
    documents = Store(store.folder).documents()
    assert list(documents) == ["plan.md"] and list(documents["plan.md"].aliases) == ["plan_kopia.md"]
    table = at.dataframe[0].value
    assert len(table) == 1
    assert list(table["Fil"]) == ["plan.md"] and list(table["Även som"]) == ["plan_kopia.md"]
    # Remove the copy's name: the document stays, under its first name, and the uploaded copy is deleted.
    remover = at.selectbox(key="dokument_ta_bort")
    assert any("samma innehåll som plan.md" in o for o in remover.options)
    remover.set_value("plan_kopia.md")
    at.checkbox(key="dokument_saker").check()
    click(at, "Ta bort")
    assert not at.exception, [e.value for e in at.exception]
    documents = Store(store.folder).documents()
    assert list(documents) == ["plan.md"] and not documents["plan.md"].aliases
    assert not (store.folder / "uploads" / "plan_kopia.md").exists()
    table = at.dataframe[0].value
    assert list(table["Fil"]) == ["plan.md"] and list(table["Även som"]) == [""]


@pytest.mark.model
def test_answers_do_not_repeat_for_a_copy(store, monkeypatch, tmp_path):
    copy = tmp_path / "in" / "plan_kopia.md"
    copy.write_text(PLAN, encoding="utf-8")
    assert main(["-q", "--store", str(store.folder), "add", str(copy)]) == 0
    at = view(store, monkeypatch, "views/fraga.py")
    at.text_input(key="fraga_text").input("Vem ansvarar för att kartlägga läsförmågan?")
    click(at, "Sök svar")
    assert not at.exception, [e.value for e in at.exception]
    quotes = [m.value for m in at.markdown if m.value.startswith("> ")]
    assert quotes and len(quotes) == len(set(quotes))  # no passage twice
    citations = [c.value for c in at.caption if "relevans" in c.value]
    assert citations and not any("kopia" in c for c in citations)
