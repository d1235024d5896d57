"""`styrkedja history` and the Tidslinje view on three constructed versions of a scorecard
(tests/fixtures/history/): kept, reworded (by the real model at the calibrated threshold), added, dropped,
each with its quote; the error cases; and the view under AppTest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.cli import main

pytestmark = pytest.mark.model

FIXTURES = Path(__file__).parent / "fixtures" / "history"
ENTRY = str(Path(__file__).resolve().parent.parent / "app" / "explorer" / "streamlit_app.py")
FILES = ["styrkort_ekby_2021.md", "styrkort_ekby_2022.md", "styrkort_ekby_2023-2026.md"]

# What changed, as the fixture was written: (kept, reworded before -> after, added, dropped) per step.
EXPECTED = [
    {
        "kept": {"Ett gott liv i hela kommunen", "En hållbar och växande kommun",
                 "Varje elev når kunskapskraven i alla ämnen",
                 "Våra skolor är attraktiva arbetsplatser med behöriga lärare",
                 "Verksamheten har en ekonomi i balans"},
        "reworded": {("Eleverna känner sig trygga och har studiero",
                      "Alla elever känner sig trygga i skolan och upplever studiero")},
        "added": {"Eleverna rör sig minst en timme varje skoldag"},
        "dropped": {"Skolan samverkar aktivt med vårdnadshavarna"},
    },
    {
        "kept": {"Ett gott liv i hela kommunen", "En hållbar och växande kommun",
                 "Alla elever känner sig trygga i skolan och upplever studiero",
                 "Eleverna rör sig minst en timme varje skoldag",
                 "Våra skolor är attraktiva arbetsplatser med behöriga lärare"},
        "reworded": {("Varje elev når kunskapskraven i alla ämnen",
                      "Alla elever når kunskapskraven i samtliga ämnen")},
        "added": {"Skolans lokaler används effektivt och är ändamålsenliga"},
        "dropped": {"Verksamheten har en ekonomi i balans"},
    },
]


def build_store(folder: Path, files: list[str]):
    """A store of fixture files, built as `add --no-model` does (history embeds the labels itself)."""
    from app.pipeline import Services, add_files
    from graph.store import Store

    store = Store(folder)
    report = add_files(store, [FIXTURES / name for name in files], services=Services(store, use_model=False))
    assert report.ok and len(report.added) == len(files), report
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The three versions in one store."""
    return build_store(tmp_path_factory.mktemp("history") / "store", FILES)


def run(folder, capsys, *argv):
    status = main(["-q", "--store", str(folder), *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def history(store):
    """`history Ekby --json`, run once for the module."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["-q", "--store", str(store.folder), "history", "Ekby", "--json"])
    assert status == 0
    return json.loads(out.getvalue())


def test_versions_in_order(history):
    assert history["organisation"] == "Ekby kommun"
    assert [v["source_file"] for v in history["versions"]] == FILES
    assert [v["period"] for v in history["versions"]] == ["2021", "2022", "2023-2026"]
    assert {v["series"] for v in history["versions"]} == {"Styrkort Grundskola Ekby"}
    assert 0.8 < history["threshold"] < 1.0


def test_changes_kept_reworded_added_dropped(history):
    assert len(history["changes"]) == 2
    steps = list(zip(FILES, FILES[1:], strict=False))
    for change, expected, (old, new) in zip(history["changes"], EXPECTED, steps, strict=True):
        assert (change["from_file"], change["to_file"]) == (old, new)
        assert change["compared"] is True
        assert {p["after"]["label"] for p in change["kept"]} == expected["kept"]
        reworded = {(p["before"]["label"], p["after"]["label"]) for p in change["reworded"]}
        assert reworded == expected["reworded"]
        assert {e["label"] for e in change["added"]} == expected["added"]
        assert {e["label"] for e in change["dropped"]} == expected["dropped"]
        for pair in change["reworded"]:
            assert pair["score"] >= history["threshold"]


def test_every_element_carries_its_quote(history):
    for change in history["changes"]:
        pairs = change["kept"] + change["reworded"]
        elements = [e for pair in pairs for e in (pair["before"], pair["after"])]
        elements += change["added"] + change["dropped"]
        for element in elements:
            assert set(element) >= {"label", "quote", "page", "iri", "type"}
            assert element["label"] in element["quote"]  # the table row or cell the element was read from
            assert element["type"] in ("Goal", "PriorityArea", "Vision")


def test_kommunkod_or_body_finds_the_same_history(store, capsys):
    status, out, _ = run(store.folder, capsys, "history", "grundskola ekby", "--json")
    assert status == 0 and len(json.loads(out)["changes"]) == 2


def test_human_output_is_readable(store, capsys):
    status, out, _ = run(store.folder, capsys, "history", "Ekby kommun")
    assert status == 0
    assert "Historik för Ekby kommun" in out
    assert "Omformulerat (1):" in out and "~ Eleverna känner sig trygga och har studiero" in out
    assert "+ Eleverna rör sig minst en timme varje skoldag" in out
    assert "- Skolan samverkar aktivt med vårdnadshavarna" in out


def test_unknown_organisation_is_a_user_error(store, capsys):
    status, out, err = run(store.folder, capsys, "history", "Lindby")
    assert status == 1 and not out
    assert err.startswith("styrkedja: Lindby: no plan or scorecard") and err.count("\n") == 1


def test_one_version_only_is_a_user_error(tmp_path, capsys):
    single = build_store(tmp_path / "store", FILES[:1])
    status, _, err = run(single.folder, capsys, "history", "Ekby")
    assert status == 1
    assert "only one version" in err and "styrkort_ekby_2021.md" in err


def test_empty_store_is_a_user_error(tmp_path, capsys):
    status, _, err = run(tmp_path / "empty", capsys, "history", "Ekby")
    assert status == 1 and "the store is empty" in err


def test_tidslinje_view(store, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    copy = tmp_path / "store"
    shutil.copytree(store.folder, copy, ignore=shutil.ignore_patterns(".lock"))
    monkeypatch.setenv("STYRKEDJA_STORE", str(copy))
    at = AppTest.from_file(ENTRY, default_timeout=300)
    try:
        at.run()
        at.switch_page("views/tidslinje.py").run()
    finally:
        wait_for_warm_up()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == "Tidslinje"
    metrics = {(m.label, m.value) for m in at.metric}
    assert {("Kvar", "5"), ("Omformulerat", "1"), ("Nytt", "1"), ("Borttaget", "1")} <= metrics
    quotes = [m.value for m in at.markdown if m.value.startswith("> ")]
    assert any("trygga och har studiero" in q for q in quotes)
    assert any("Skolan samverkar aktivt" in q for q in quotes)
    captions = " ".join(c.value for c in at.caption)
    assert "styrkort\\_ekby\\_2021\\.md" in captions and "likhet" in captions
    texts = " ".join(m.value for m in at.markdown)
    assert "2021" in texts and "2023\\-2026" in texts


def wait_for_warm_up() -> None:
    """Let the explorer's warm-up thread (model, search index) finish: torch aborts a process that exits
    under a running thread."""
    import threading

    for thread in threading.enumerate():
        if thread.name == "styrkedja-warm-up":
            thread.join(timeout=600)
