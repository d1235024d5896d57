"""The `trace` and `gaps` commands on a store built from the demo corpus (JSON per contract, user errors)."""

import json
from pathlib import Path

import pytest

from app.cli import main
from app.pipeline import build_corpus
from graph.store import Store

ROOT = Path(__file__).resolve().parent.parent
FINSPANG = "https://w3id.org/styrkedja/id/doc/002-finspang-verksamhetsplan-pdf"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("commands-store")
    assert build_corpus(Store(folder), ROOT / "corpus").ok
    return folder


def run(store_dir: Path, capsys, *argv: str) -> tuple[int, str]:
    """Run the real command line (app.cli.main) on the store; return the status and stdout."""
    status = main(["-q", "--store", str(store_dir), *argv])
    return status, capsys.readouterr().out


def run_err(store_dir: Path, capsys, *argv: str) -> tuple[int, str]:
    """Run the command line; return the status and stderr."""
    status = main(["-q", "--store", str(store_dir), *argv])
    return status, capsys.readouterr().err


def test_trace_json(store_dir, capsys):
    status, out = run(store_dir, capsys, "trace", "Huvudman tar fram en plan för pojkars lärande", "--json")
    data = json.loads(out)
    assert status == 0 and data["node"]["type"] == "Activity"
    assert data["up"][0]["type"] == "Strategy"
    owners = [s for s in data["down"] if s["relation"] == "responsible"]
    assert [s["label"] for s in owners] == ["Strateg"] and owners[0]["page"] == 6


def test_trace_text_and_errors(store_dir, capsys):
    status, out = run(store_dir, capsys, "trace", "Ledarskap")
    assert status == 0 and out.startswith("Prioriterat område: Ledarskap")
    status, err = run_err(store_dir, capsys, "trace", "Kvalitetsdialog")
    assert status == 1 and "matches 2 nodes" in err
    status, err = run_err(store_dir, capsys, "trace", "finns inte alls i korpusen")
    assert status == 1 and "no node has that label" in err


def test_gaps_json_filters(store_dir, capsys):
    status, out = run(
        store_dir, capsys, "gaps", "--json", "--document", "002_finspang_verksamhetsplan.pdf",
        "--today", "2022-09-01",
    )
    gaps = json.loads(out)["gaps"]
    assert status == 0 and gaps and {g["document"] for g in gaps} == {FINSPANG}
    assert not any(g["kind"] == "deadline_passed" for g in gaps)  # before dec 22 nothing has passed
    status, out = run(store_dir, capsys, "gaps", "--json", "--kind", "activity_without_owner")
    assert {g["kind"] for g in json.loads(out)["gaps"]} == {"activity_without_owner"}


def test_gaps_user_errors(store_dir, capsys):
    status, err = run_err(store_dir, capsys, "gaps", "--today", "igår")
    assert status == 1 and "not a date" in err
    status, err = run_err(store_dir, capsys, "gaps", "--document", "nope.pdf")
    assert status == 1 and "no such document" in err
    with pytest.raises(SystemExit) as usage:
        run(store_dir, capsys, "gaps", "--kind", "no_such_kind")
    assert usage.value.code == 2
