"""The organisation picker (app/explorer/widgets.organisation_picker): organisations, their bodies under them.

The tree is a pure function of the document rows (facts.organisation_tree); the widget is driven by AppTest.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app.explorer import facts

ORG_A = "https://example.org/org/a"
ORG_B = "https://example.org/org/b"
BODY_1 = "https://example.org/body/1"
BODY_2 = "https://example.org/body/2"


def row(doc: str, publisher: str | None, organisation: str | None, body_iri: str | None = None,
        body: str | None = None, title: str = "Plan") -> dict:
    """A document row as data.documents gives it (only the fields the picker reads)."""
    return {"document": doc, "publisher": publisher, "organisation": organisation, "body_iri": body_iri,
            "body": body, "title": title, "source_file": doc.rsplit("/", 1)[-1]}


ROWS = [
    row("https://example.org/doc/1", ORG_A, "Ålsta kommun", BODY_2, "Utbildningsnämnden"),
    row("https://example.org/doc/2", ORG_A, "Ålsta kommun", BODY_1, "Kommunstyrelsens arbetsutskott"),
    row("https://example.org/doc/3", ORG_A, "Ålsta kommun", BODY_1, "Kommunstyrelsens arbetsutskott"),
    row("https://example.org/doc/4", ORG_B, "Bergby kommun"),
    row("https://example.org/doc/5", ORG_A, "Ålsta kommun", ORG_A, "Ålsta kommun"),
    row("https://example.org/doc/6", None, None, title="Utan utgivare"),
]


def test_tree_lists_organisations_by_name_with_their_bodies_under_them():
    tree = facts.organisation_tree(ROWS)
    assert [(o.label, o.depth) for o in tree] == [
        ("Bergby kommun", 0),
        ("Ålsta kommun", 0),
        ("Kommunstyrelsens arbetsutskott", 1),
        ("Utbildningsnämnden", 1),
        ("Organisation okänd", 0),  # no publisher: last, never under a title (a title may be page furniture)
    ]  # the organisation as its own issuer is not listed again as a body


@pytest.mark.parametrize("publisher, body, expected", [
    (None, None, {"1", "2", "3", "4", "5", "6"}),
    (ORG_A, None, {"1", "2", "3", "5"}),  # an organisation means all its bodies
    (ORG_A, BODY_1, {"2", "3"}),
    (ORG_B, BODY_1, set()),
    (facts.UNKNOWN_ORG, None, {"6"}),
])
def test_selection_filters_rows(publisher, body, expected):
    chosen = {r["document"].rsplit("/", 1)[-1] for r in ROWS if facts.in_selection(r, publisher, body)}
    assert chosen == expected


def test_keys_split_back():
    body = next(o for o in facts.organisation_tree(ROWS) if o.depth == 1)
    assert facts.split_org_key(body.key) == (ORG_A, body.body)
    assert facts.split_org_key(ORG_B) == (ORG_B, None)


def _picker_app(rows: list[dict], include_all: bool) -> None:
    import streamlit as st

    from app.explorer.widgets import organisation_picker

    chosen = organisation_picker(rows, "picker", include_all=include_all)
    st.write(f"publisher={chosen.publisher} body={chosen.body} label={chosen.label}")


def _run(include_all: bool) -> AppTest:
    at = AppTest.from_function(_picker_app, args=(ROWS, include_all))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_picker_shows_bodies_indented_and_returns_the_choice():
    at = _run(include_all=False)
    options = at.selectbox(key="picker").options
    assert options[1] == "Ålsta kommun"
    assert options[2].endswith("└\u00a0Kommunstyrelsens arbetsutskott") and options[2].startswith("\u00a0")
    at.selectbox(key="picker").set_value(ORG_A + facts.BODY_SEPARATOR + BODY_1).run()
    assert f"publisher={ORG_A} body={BODY_1} label=Kommunstyrelsens arbetsutskott" in at.markdown[0].value
    at.selectbox(key="picker").set_value(ORG_A).run()
    assert f"publisher={ORG_A} body=None label=Ålsta kommun" in at.markdown[0].value


def test_picker_with_all_starts_with_everything():
    at = _run(include_all=True)
    assert at.selectbox(key="picker").options[0] == "Alla organisationer"
    assert "publisher=None body=None" in at.markdown[0].value


def test_picker_forgets_a_choice_that_is_gone():
    at = AppTest.from_function(_picker_app, args=(ROWS, False))
    at.session_state["picker"] = "https://example.org/org/gone"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "publisher=https://example.org/org/b" in at.markdown[0].value  # the first organisation instead
