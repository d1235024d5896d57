"""One document per content: a file whose bytes equal a stored document's becomes another name of it.

Constructed files (a short plan of an invented municipality), the command line with --no-model: add, add the
same bytes under another name, remove either name, re-add, build and rebuild a corpus folder, new content
under an old name. After every step the store is consistent: each manifest entry's graph file exists and
holds its document with one sk:sourceFile per name, no graph file is left unreferenced and no temporary file
remains.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from app.cli import main
from graph.iris import document_iri
from graph.store import Store
from ontology import SK

ROOT = Path(__file__).resolve().parent.parent

PLAN = """# Verksamhetsplan för grundskolan 2025–2026

Ekviks kommun, Utbildningsnämnden

## Mål 1: Alla elever når kunskapskraven

Strategi: Huvudmannen följer upp resultaten varje termin.

| Aktivitet | Ansvar | Klart |
| --- | --- | --- |
| Kartlägga läsförmågan i årskurs 1 | Rektor | VT26 |
| Ta fram en plan för studiero | Skolchef | HT25 |
"""
OTHER = PLAN.replace("studiero", "elevhälsa").replace("2025–2026", "2026–2027")


def run(store: Path, *args: str) -> int:
    return main(["--store", str(store), *args])


def names_in_graph(store: Store) -> dict[str, set[str]]:
    """Document IRI -> its sk:sourceFile values, over the loaded store."""
    store = Store(store.folder)  # a fresh load
    found: dict[str, set[str]] = {}
    for doc, name in store.dataset().subject_objects(SK.sourceFile):
        found.setdefault(str(doc), set()).add(str(name))
    return found


def assert_consistent(store: Store) -> None:
    """Every entry's graph file exists and names the document by all its names; nothing is left over."""
    documents = Store(store.folder).documents()
    files = {e.graph_file for e in documents.values()}
    on_disk = {str(p.relative_to(store.folder)) for p in (store.folder / "graphs").glob("*.trig")}
    assert files == on_disk
    assert not list(store.folder.rglob(".*.tmp"))
    graph_names = names_in_graph(store)
    assert graph_names == {e.document: set(e.names()) for e in documents.values()}
    for entry in documents.values():
        assert entry.document == str(document_iri(entry.source_file))  # IRIs minted from its own name


@pytest.fixture
def files(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "plan.md").write_text(PLAN, encoding="utf-8")
    (folder / "plan_kopia.md").write_text(PLAN, encoding="utf-8")
    return folder


def test_same_bytes_under_another_name_is_one_document(tmp_path, files, capsys):
    store = Store(tmp_path / "store")
    assert run(store.folder, "add", "--no-model", str(files / "plan.md")) == 0
    assert run(store.folder, "add", "--no-model", str(files / "plan_kopia.md")) == 0
    assert "another name of a stored document" in capsys.readouterr().out
    documents = store.documents()
    assert list(documents) == ["plan.md"] and set(documents["plan.md"].aliases) == {"plan_kopia.md"}
    assert names_in_graph(store) == {str(document_iri("plan.md")): {"plan.md", "plan_kopia.md"}}
    assert_consistent(store)
    # Added again: nothing changes.
    assert run(store.folder, "add", "--no-model", str(files / "plan_kopia.md")) == 0
    assert "1 unchanged" in capsys.readouterr().out
    assert len(store.documents()) == 1
    # Read again from scratch (--force): the document keeps its other name.
    assert run(store.folder, "add", "--no-model", "--force", str(files / "plan.md")) == 0
    assert set(store.documents()["plan.md"].aliases) == {"plan_kopia.md"}
    assert_consistent(store)


def test_removing_one_name_keeps_the_document(tmp_path, files, capsys):
    store = Store(tmp_path / "store")
    run(store.folder, "add", "--no-model", str(files / "plan.md"), str(files / "plan_kopia.md"))
    before = Store(store.folder).dataset()
    goals_before = len(set(before.subjects(predicate=SK.inDocument)))
    # The name its IRIs came from goes: the document stays, its IRIs move to the other name.
    assert run(store.folder, "remove", "plan.md") == 0
    documents = store.documents()
    assert list(documents) == ["plan_kopia.md"] and not documents["plan_kopia.md"].aliases
    assert_consistent(store)
    after = Store(store.folder).dataset()
    assert len(set(after.subjects(predicate=SK.inDocument))) == goals_before  # nothing extracted was lost
    old = str(document_iri("plan.md"))
    assert not any(old in str(term) for triple in after.quads() for term in triple if term is not None)
    # Re-added: another name again.
    assert run(store.folder, "add", "--no-model", str(files / "plan.md")) == 0
    assert set(store.documents()["plan_kopia.md"].aliases) == {"plan.md"}
    assert_consistent(store)
    # The other name goes: the document stays.
    assert run(store.folder, "remove", "plan.md") == 0
    assert list(store.documents()) == ["plan_kopia.md"]
    assert_consistent(store)
    # The last name goes: so does the document.
    assert run(store.folder, "remove", "plan_kopia.md") == 0
    assert store.documents() == {}
    assert_consistent(store)


def test_build_and_rebuild_a_corpus_with_a_copy(tmp_path, files, capsys):
    corpus = tmp_path / "corpus"
    shutil.copytree(files, corpus)
    shutil.copytree(ROOT / "corpus" / "reference", corpus / "reference")
    store = Store(tmp_path / "store")
    assert run(store.folder, "build", "--no-model", "--corpus", str(corpus)) == 0
    assert list(store.documents()) == ["plan.md"]
    assert run(store.folder, "build", "--no-model", "--corpus", str(corpus)) == 0
    assert "2 unchanged" in capsys.readouterr().out
    assert_consistent(store)
    (corpus / "plan.md").unlink()  # the first name leaves the corpus: the copy holds the document
    assert run(store.folder, "build", "--no-model", "--corpus", str(corpus)) == 0
    assert list(store.documents()) == ["plan_kopia.md"]
    assert_consistent(store)


def test_new_content_under_an_old_name(tmp_path, files):
    store = Store(tmp_path / "store")
    run(store.folder, "add", "--no-model", str(files / "plan.md"), str(files / "plan_kopia.md"))
    # The copy's file changes: it becomes a document of its own.
    (files / "plan_kopia.md").write_text(OTHER, encoding="utf-8")
    assert run(store.folder, "add", "--no-model", str(files / "plan_kopia.md")) == 0
    documents = store.documents()
    assert set(documents) == {"plan.md", "plan_kopia.md"} and not documents["plan.md"].aliases
    assert_consistent(store)
    # Both the same again, then the first name's file changes: the copy keeps the old content.
    (files / "plan_kopia.md").write_text(PLAN, encoding="utf-8")
    run(store.folder, "remove", "plan_kopia.md")
    run(store.folder, "add", "--no-model", str(files / "plan_kopia.md"))
    assert list(store.documents()) == ["plan.md"]
    (files / "plan.md").write_text(OTHER, encoding="utf-8")
    assert run(store.folder, "add", "--no-model", str(files / "plan.md")) == 0
    documents = store.documents()
    assert set(documents) == {"plan.md", "plan_kopia.md"}
    assert documents["plan.md"].sha256 != documents["plan_kopia.md"].sha256
    assert_consistent(store)
    data = Store(store.folder).dataset()
    title = data.value(URIRef(documents["plan.md"].document), SK.sourceFile)
    assert title == Literal("plan.md")
