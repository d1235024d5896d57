"""The `trace` and `gaps` commands on a store built from the demo corpus (JSON per contract, user errors)."""

import argparse
import json
from pathlib import Path

import pytest

from app import commands_chain
from app.cli import UserError
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
    """Parse with the commands' own parsers (as app/cli.py registers them) and run."""
    parser = argparse.ArgumentParser(prog="styrkedja")
    parser.add_argument("--store", default=str(store_dir))
    commands_chain.add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    status = args.func(args)
    return status, capsys.readouterr().out


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
    with pytest.raises(UserError, match="matches 2 nodes"):
        run(store_dir, capsys, "trace", "Kvalitetsdialog")
    with pytest.raises(UserError, match="no node has that label"):
        run(store_dir, capsys, "trace", "finns inte alls i korpusen")


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
    with pytest.raises(UserError, match="not a date"):
        run(store_dir, capsys, "gaps", "--today", "igår")
    with pytest.raises(UserError, match="no such document"):
        run(store_dir, capsys, "gaps", "--document", "nope.pdf")
    with pytest.raises(SystemExit):
        run(store_dir, capsys, "gaps", "--kind", "no_such_kind")
