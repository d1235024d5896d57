"""Gaps on real documents (../shared/real-dev): runs where that folder exists, skips elsewhere.

The documents are public documents of other municipalities, never copied into the repository: this test reads
them in place, builds the store as `styrkedja add --no-model` does, and checks that no document gets a gap its
genre cannot have (the gold's document type says the genre): protocols, memos, annual accounts and scorecards
get no plan gaps, and a document listed as unread is one whose genre would have had them. Nothing here quotes
the documents.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_DEV = Path(os.environ.get("STYRKEDJA_REAL_DEV", ROOT.parent / "shared" / "real-dev"))
TODAY = dt.date(2026, 12, 3)
# Genres whose documents promise no goals-to-activities chain (graph/gaps.toml says why for each).
NO_PLAN_GAPS = {"protokoll", "tjansteskrivelse", "arsbokslut", "delarsrapport", "styrkort", "beslut",
                "namndbudget"}

pytestmark = pytest.mark.skipif(
    not (REAL_DEV / "docs").is_dir() or not (REAL_DEV / "gold").is_dir(),
    reason=f"no real documents at {REAL_DEV} (they are never committed; set STYRKEDJA_REAL_DEV to run this)",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from app.pipeline import Services, add_files
    from graph.chain import ChainGraph
    from graph.gaps import find_gaps, gaps_json, unread_documents
    from graph.store import Store

    store = Store(tmp_path_factory.mktemp("real-dev-gaps") / "store")
    files = sorted(p for p in (REAL_DEV / "docs").iterdir() if p.suffix.lower() in (".pdf", ".txt", ".md"))
    assert add_files(store, files, services=Services(store, use_model=False)).ok
    chain = ChainGraph(store.dataset())
    data = gaps_json(find_gaps(chain, TODAY), unread_documents(chain))
    genre = {}
    for gold in (REAL_DEV / "gold").glob("*.json"):
        entry = json.loads(gold.read_text("utf-8"))
        genre[entry["file"]] = entry["doc_type"]
    files_of = {doc.iri: doc.source_file for doc in chain.documents.values()}
    return data, genre, files_of


def test_no_plan_gaps_where_the_genre_has_no_plan(report):
    from graph.gaps import plan_kinds

    data, genre, files_of = report
    wrong = [(files_of[g["document"]], g["kind"]) for g in data["gaps"]
             if g["kind"] in plan_kinds() and genre.get(files_of[g["document"]]) in NO_PLAN_GAPS]
    assert wrong == []


def test_protocols_get_no_deadline_gaps(report):
    data, genre, files_of = report
    assert not [g for g in data["gaps"] if genre.get(files_of[g["document"]]) == "protokoll"
                and g["kind"] in ("deadline_passed", "activity_without_deadline")]


def test_unread_documents_are_plans_and_shaped_as_the_contract_says(report):
    data, genre, _ = report
    for item in data["unread"]:
        assert set(item) == {"document", "source_file", "reason"}
        assert item["reason"].startswith("planens struktur kunde inte läsas")
        assert genre.get(item["source_file"]) not in NO_PLAN_GAPS
