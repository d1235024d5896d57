"""Uploads with hostile names or contents: stored under a safe name inside <store>/uploads, or refused;
nothing is written outside the store, and the store is unchanged after every refusal."""

from __future__ import annotations

import shutil

import hostile
import pytest

from app.explorer.uploads import NAME_LIMIT, UPLOADS, check_upload, ingest_upload, safe_name
from graph.store import Store

TEXT = "Verksamhetsplan för Norrby skola 2025\n\nMål: Alla elever ska läsa med förståelse.\n".encode()

# (uploaded name, the name it is stored under)
NAMES = [
    ("../../x.md", "x.md"),
    ("..\\..\\windows\\x.md", "x.md"),
    ("/etc/passwd.md", "passwd.md"),
    ("C:\\Users\\rektor\\plan.md", "plan.md"),
    ("plan\x00.pdf.md", "plan_.pdf.md"),
    ("..md", "dokument.md"),
    (".md", "dokument.md"),
    ("....", "dokument"),
    (".hidden.md", "hidden.md"),
    ("plan\u202egpj.md", "plan_gpj.md"),  # right-to-left override
    ("plan $(rm -rf ~) `id`;.md", "plan_rm_-rf_id.md"),
    ("plan\r\nSet-Cookie: x.md", "plan_Set-Cookie_x.md"),
    ("Läsårsplan Åmål 2025.md", "Läsårsplan_Åmål_2025.md"),
]


@pytest.fixture
def store(small_store, tmp_path) -> Store:
    """A private copy of the small store, inside a folder that holds nothing else (to see stray writes)."""
    target = tmp_path / "inside" / "store"
    shutil.copytree(small_store.folder, target, ignore=shutil.ignore_patterns(".lock"))
    return Store(target)


@pytest.mark.parametrize("name, stored", NAMES)
def test_safe_names(name, stored):
    assert safe_name(name) == stored
    assert "/" not in stored and "\\" not in stored and "\x00" not in stored and not stored.startswith(".")


def test_very_long_names_are_cut():
    name = "å" * 5000 + ".md"
    assert len(safe_name(name)) <= NAME_LIMIT and safe_name(name).endswith(".md")
    assert len(safe_name("a" * 300)) <= NAME_LIMIT


@pytest.mark.parametrize("name, _", NAMES + [("x" * 4000 + ".md", None), ("../" * 200 + "x.md", None)])
def test_an_upload_never_writes_outside_the_uploads_folder(store, tmp_path, name, _):
    outside = hostile.all_files(tmp_path) - hostile.all_files(store.folder)
    outcome = ingest_upload(store, name, TEXT, use_model=False)
    if outcome.ok:
        path = (store.folder / UPLOADS / outcome.name).resolve()
        assert path.parent == (store.folder / UPLOADS).resolve() and path.is_file()
    assert hostile.all_files(tmp_path) - hostile.all_files(store.folder) == outside


@pytest.mark.parametrize("name, data, why", [
    ("....", TEXT, "filtypen"),
    ("plan.exe", TEXT, "filtypen"),
    ("plan.pdf.exe", TEXT, "filtypen"),
    ("plan.md", b"", "tom"),
    ("plan.md", b"text\x00binary" * 10, "binära"),
    ("plan.pdf", b"<html>ingen pdf</html>", "ingen PDF"),
    ("plan.pdf", b"%PDF-1.7\n" + b"\x00 junk" * 100, "plan.pdf"),
    ("../../plan.pdf", hostile.cyclic_page_tree(), "could not be read"),
    ("plan.pdf", hostile.million_page_references(), "more than the limit"),
])
def test_refused_uploads_leave_the_store_unchanged(store, tmp_path, name, data, why):
    before = hostile.snapshot(store.folder)
    around = hostile.all_files(tmp_path)
    outcome = ingest_upload(store, name, data, use_model=False)
    assert not outcome.ok and why in outcome.error
    assert str(store.folder) not in outcome.error  # the page never shows the server's folders
    assert hostile.snapshot(store.folder) == before
    assert hostile.all_files(tmp_path) == around


def test_too_large_upload_is_refused_before_anything_is_written(store):
    before = hostile.snapshot(store.folder)
    problem = check_upload("plan.md", b"a" * (2 * 1024 * 1024), max_mb=1)
    assert problem and "MB" in problem
    outcome = ingest_upload(store, "plan.md", b"a" * (2 * 1024 * 1024), use_model=False, max_mb=1)
    assert not outcome.ok and hostile.snapshot(store.folder) == before


def test_a_refused_replacement_puts_the_previous_file_back(store):
    first = ingest_upload(store, "plan.md", TEXT, use_model=False)
    assert first.ok
    before = hostile.snapshot(store.folder)
    again = ingest_upload(store, "plan.md", b"text\x00binary" * 10, use_model=False)
    assert not again.ok and hostile.snapshot(store.folder) == before
