"""The explorer's safe rendering and upload checks (app/explorer/text.py, uploads.py, chart.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.explorer.chart import trace_dot
from app.explorer.text import citation, dot_string, escape_markdown, highlight, shorten, wrap
from app.explorer.uploads import check_upload, safe_name

CASES = Path(__file__).parent / "fixtures" / "app"
TEXT = json.loads((CASES / "text_cases.json").read_text("utf-8"))
UPLOADS = json.loads((CASES / "upload_cases.json").read_text("utf-8"))["cases"]
# A character that Markdown or Streamlit gives meaning, not preceded by a backslash.
UNESCAPED = re.compile(r"(?<!\\)[*_\[\]<>`$:#|~]")


@pytest.mark.parametrize("case", TEXT["escape"], ids=lambda c: c["text"][:30])
def test_escape_markdown(case):
    escaped = escape_markdown(case["text"])
    assert escaped == case["expected"]
    assert not UNESCAPED.search(escaped.replace("\\\\", ""))


@pytest.mark.parametrize("case", TEXT["highlight"], ids=lambda c: c["text"][:30])
def test_highlight(case):
    marked = highlight(case["text"], [tuple(s) for s in case["spans"]])
    assert marked == case["expected"]
    assert marked.count(":orange-background[") == sum(
        len([line for line in case["text"][s:e].split("\n") if line.strip()]) for s, e in case["spans"]
    )


def test_highlight_keeps_document_markup_inert():
    text = "Inledning. Se [här](javascript:alert(1)) och <b>fet</b>. Slut."
    marked = highlight(text, [(11, 56)])
    inner = marked.replace(":orange-background[**", "").replace("**]", "")
    assert not UNESCAPED.search(inner.replace("\\\\", ""))


@pytest.mark.parametrize("case", TEXT["safe_name"], ids=lambda c: c["name"][:30])
def test_safe_name(case):
    name = safe_name(case["name"])
    assert name == case["expected"]
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert re.fullmatch(r"[\w.-]+", name)


@pytest.mark.parametrize("case", UPLOADS, ids=lambda c: c["name"])
def test_check_upload(case):
    data = (case["repeat"] * case["size"]).encode() if "repeat" in case else case["text"].encode("utf-8")
    reason = check_upload(case["name"], data, max_mb=case["max_mb"])
    if case["refused"] is None:
        assert reason is None
    else:
        assert reason is not None and case["refused"] in reason
        assert reason.startswith(case["name"])


def test_upload_limit_from_environment(monkeypatch):
    monkeypatch.setenv("STYRKEDJA_UPLOAD_MAX_MB", "0.001")
    assert "största tillåtna storlek" in check_upload("a.txt", b"x" * 2000)
    monkeypatch.setenv("STYRKEDJA_UPLOAD_MAX_MB", "inte ett tal")
    assert check_upload("a.txt", b"x" * 2000) is None


@pytest.mark.parametrize(
    ("source", "page", "section", "expected"),
    [
        ("plan.pdf", 6, None, "plan.pdf, s. 6"),
        ("plan.pdf", None, "Mål › Strategier", "plan.pdf · Mål › Strategier"),
        (None, 3, None, "okänt dokument, s. 3"),
    ],
)
def test_citation(source, page, section, expected):
    assert citation(source, page, section) == expected


def test_shorten_and_wrap():
    assert shorten("Huvudmannen efterfrågar uppföljning av resultat", 25) == "Huvudmannen efterfrågar…"
    assert shorten("kort", 25) == "kort"
    wrapped = wrap("ett två tre fyra fem sex sju åtta nio tio elva tolv", width=10, lines=2)
    assert wrapped.count("\n") == 1 and wrapped.endswith("…")


def test_dot_string_escapes_quotes_and_breaks():
    assert dot_string('Plan "A" \\ B\nrad två') == '"Plan \\"A\\" \\\\ B\\nrad två"'


def test_trace_dot_draws_chain_top_down():
    data = {
        "node": {"iri": "a", "type": "Activity", "label": 'Ta fram "plan"', "page": 6, "relation": "self",
                 "deadline": "VT23", "due_date": "2023-06-30", "via": None},
        "up": [{"iri": "s", "type": "Strategy", "label": "Strategi", "page": 6, "relation": "contributesTo",
                "via": "a"},
               {"iri": "g", "type": "Goal", "label": "Mål", "page": 5, "relation": "contributesTo",
                "via": "s"}],
        "down": [{"iri": "r", "type": "Role", "label": "Rektor", "page": 6, "relation": "responsible",
                  "via": "a"}],
    }
    dot, left_out = trace_dot(data, {"Activity": "Aktivitet"}, {"contributesTo": "bidrar till"})
    assert left_out == 0
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert 'Ta fram \\"plan\\"' in dot
    assert "n1 -> n0 [label=\"bidrar till\", dir=back]" in dot  # strategy above the activity
    assert "n2 -> n1" in dot  # goal above the strategy
    assert "n0 -> n3" in dot  # activity above its owner
    assert "Klart: VT23 (2023-06-30)" in dot
    _, left_out = trace_dot(data, {}, {}, max_nodes=2)
    assert left_out == 2
