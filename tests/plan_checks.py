"""Shared checks for plan-extraction case tables (tests/fixtures/plan*/cases.json).

A case names a fixture file, exact ``counts`` per element kind (kinds not named must not occur unless listed
in ``ignore``) and ``elements`` that must be found with the same kind and text (case- and whitespace-
insensitively), with optional ``parent``, ``addresses`` (by text), ``owners`` ([label, kind] pairs),
``deadline``, ``due_date`` and ``frequency``.
"""

import json
from pathlib import Path

from graph.plan import KINDS, extract_plan
from graph.plan.text import fold, normalise
from ingest.reader import read_document


def load_cases(fixtures: Path) -> list[dict]:
    """The cases of a fixture folder's cases.json."""
    return json.loads((fixtures / "cases.json").read_text(encoding="utf-8"))["cases"]


def extract(fixtures: Path, name: str):
    """Read a fixture and extract its plan: (ParsedDocument, PlanExtraction)."""
    doc = read_document(str(fixtures / name))
    return doc, extract_plan(doc)


def find(extraction, kind: str, text: str):
    """The first element of a kind whose text folds to the given text (assertion error if none)."""
    hits = [e for e in extraction.elements if e.kind == kind and fold(e.text) == fold(text)]
    assert hits, f"no {kind} {text!r} in {[(e.kind, e.text) for e in extraction.elements]}"
    return hits[0]


def check_counts(case: dict, extraction) -> None:
    """Exactly the expected number of elements of every kind not ignored."""
    for kind in KINDS:
        if kind in case.get("ignore", []):
            continue
        found = [e.text for e in extraction.of_kind(kind)]
        assert len(found) == case["counts"].get(kind, 0), (kind, found)


def check_elements(case: dict, extraction) -> None:
    """Every expected element is found, with its parent, addresses, owners, deadline and frequency."""
    for want in case["elements"]:
        got = find(extraction, want["kind"], want["text"])
        if "parent" in want:
            parent = extraction.get(got.parent) if got.parent else None
            assert parent is not None and fold(parent.text) == fold(want["parent"]), (want["text"], parent)
        if "addresses" in want:
            assert sorted(fold(extraction.get(a).text) for a in got.addresses) == sorted(
                fold(t) for t in want["addresses"]
            )
        if "owners" in want:
            assert [[o.label, o.kind] for o in got.owners] == want["owners"], want["text"]
        for key in ("deadline", "due_date", "frequency"):
            if key in want:
                assert getattr(got, key) == want[key], (want["text"], key, getattr(got, key))


def check_quotes(doc, extraction) -> None:
    """Every element's quote is its text, inside its block; parents exist."""
    for e in extraction.elements:
        assert normalise(doc.text[e.char_start : e.char_end]) == e.text
        assert doc.blocks[e.block].char_start <= e.char_start < e.char_end <= doc.blocks[e.block].char_end
        assert e.parent is None or extraction.get(e.parent) is not None
