"""`gaps --json` printed from gaps rendered when stored (graph/analyses.py) is byte-identical to json.dumps of
the report (the reference path), for every kind, document and day, and for awkward strings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from rdflib import Graph

from graph.analysis_index import render_gap, report_json_text, store_gaps, store_gaps_json
from graph.gaps import KINDS, Gap, Unread, gaps_json
from graph.iris import document_graph, document_iri
from graph.store import DocumentEntry, Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "chain"
FILES = {"plan": "norrvik_kvalitetsplan.pdf", "report": "norrvik_kvalitetsrapport.pdf",
         "protocol": "norrvik_protokoll.txt"}
DAYS = (dt.date(2019, 6, 1), dt.date(2025, 3, 1), dt.date(2031, 1, 1))


def reference(gaps: list[Gap], unread: list[Unread]) -> str:
    return json.dumps(gaps_json(gaps, unread), ensure_ascii=False, indent=1)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("json") / "store")
    for name, source in FILES.items():
        entry = DocumentEntry(source_file=source, sha256=name, graph_file="",
                              document=str(document_iri(source)), graph=str(document_graph(source)),
                              origin=f"/nowhere/{source}", enriched=name != "protocol")
        store.put(entry, Graph().parse(FIXTURES / f"{name}.ttl"))
    return store


def requests(store: Store) -> list[dict]:
    documents = [e.document for e in store.documents().values()]
    return ([{}] + [{"kinds": [k]} for k in KINDS] + [{"document": d} for d in documents]
            + [{"document": documents[0], "kinds": ["deadline_passed"]}, {"kinds": []}])


@pytest.mark.parametrize("today", DAYS)
def test_the_printed_report_is_byte_identical_to_json_dumps(store, today):
    for options in requests(store):
        report = store_gaps(store, today, **options)
        assert store_gaps_json(store, today, **options) == reference(report.gaps, report.unread), options
    assert json.loads(store_gaps_json(store, dt.date(2031, 1, 1)))["gaps"]  # the fixtures have gaps


AWKWARD = [
    Gap("goal_without_activity", "high", "https://x/doc/a", None,
        "Målet ”A”\nsaknar\u2028aktivitet \\ \"x\"", []),
    Gap("deadline_passed", "low", "https://x/doc/a", "https://x/doc/a/activity/10", "ö" * 3, ["e1", "e2"]),
]
UNREAD = [Unread("https://x/doc/b", "b.pdf", "ingen plan\tläst")]


@pytest.mark.parametrize(("gaps", "unread"), [([], []), (AWKWARD, []), ([], UNREAD), (AWKWARD, UNREAD)])
def test_rendered_gaps_join_as_json_dumps_would(gaps, unread):
    assert report_json_text([render_gap(g) for g in gaps], unread) == reference(gaps, unread)
