"""Draft elements (graph.plan.drafts): spans cut to the element as written, inline owner and deadline."""

import pytest

from graph.plan.drafts import Drafts, inline_deadline
from graph.plan.model import Owner
from ingest.model import Block, BlockKind


def _drafts(*texts: str, kind: BlockKind = BlockKind.LIST_ITEM) -> Drafts:
    return Drafts([Block(kind, text, None) for text in texts])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  - Läsveckor varje termin;", "Läsveckor varje termin"),
        (": Trygghetsvandringar :", "Trygghetsvandringar"),
        ("Ökad  närvaro\n i skolan", "Ökad närvaro i skolan"),
    ],
)
def test_add_trims_edge_punctuation_and_normalises_whitespace(text, expected):
    drafts = _drafts(text)
    draft = drafts.add("goal", 0, 0, len(text))
    assert draft is not None and draft.text == expected
    assert text[draft.start : draft.end].split() == expected.split()
    assert drafts.items == [draft]


@pytest.mark.parametrize("text", ["", " - : ", "–"])
def test_a_span_without_words_adds_nothing(text):
    drafts = _drafts(text)
    assert drafts.add("goal", 0, 0, len(text)) is None
    assert drafts.items == []


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("strategy", "a) Tydlig struktur i undervisningen", "Tydlig struktur i undervisningen"),
        ("goal", "1. Alla elever läser", "Alla elever läser"),
        # A goal's long explanation in parentheses is not part of the goal; a short one is.
        ("goal", "Ökad trygghet (mäts i elevenkäten varje vår)", "Ökad trygghet"),
        ("goal", "Ökad trygghet (åk 4–9)", "Ökad trygghet (åk 4–9)"),
        (
            "strategy",
            "Ökad trygghet (mäts i elevenkäten varje vår)",
            "Ökad trygghet (mäts i elevenkäten varje vår)",
        ),
    ],
)
def test_add_item_removes_the_list_marker(kind, text, expected):
    draft = _drafts(text).add_item(kind, 0)
    assert draft is not None and draft.text == expected


@pytest.mark.parametrize(
    ("text", "activity", "owners", "deadline"),
    [
        ("Läsveckor i alla klasser, ansvar: rektor", "Läsveckor i alla klasser", ["rektor"], None),
        ("Fortbildning i bedömning (klart: VT26)", "Fortbildning i bedömning", [], "VT26"),
        ("Rektor ansvarar för kollegiala samtal", "Rektor ansvarar för kollegiala samtal", ["Rektor"], None),
        # Only a responsibility verb makes the subject the owner here (prose owners: graph.plan.owners).
        ("Rektor leder kollegiala samtal om läsning", "Rektor leder kollegiala samtal om läsning", [], None),
        ("Vi utvärderar arbetet senast i juni", "Vi utvärderar arbetet senast i juni", [], "juni"),
        ("Planering av arbetet", "Planering av arbetet", [], None),
    ],
)
def test_activities_read_owner_and_deadline_fields_and_subjects(text, activity, owners, deadline):
    draft = _drafts(text).add_item("activity", 0)
    assert draft is not None
    assert (draft.text, [o.label for o in draft.owners], draft.deadline) == (activity, owners, deadline)


def test_given_owners_and_deadline_win_over_the_text():
    drafts = _drafts("Rektor följer upp närvaron, klart: HT25")
    draft = drafts.add_activity(
        0, 0, len(drafts.blocks[0].text), owners=[Owner("Skolchef", "role")], deadline="VT25"
    )
    assert [o.label for o in draft.owners] == ["Skolchef"] and draft.deadline == "VT25"
    assert draft.text == "Rektor följer upp närvaron"


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("Utvärdera arbetet i september", "september"),
        ("Klart senast VT26", "VT26"),
        ("Arbetet pågår från september", None),  # a start, not a deadline
        ("Läsåret 2025", None),  # a year alone
        ("Utvärdera i september och i december", None),  # two dates: which one is meant is unclear
        ("Utvärdera arbetet", None),
    ],
)
def test_inline_deadline(text, deadline):
    assert inline_deadline(text) == deadline


def test_a_heading_is_read_as_an_element_once():
    drafts = _drafts("Trygghet", "Läsning", kind=BlockKind.HEADING)
    first = drafts.heading_element(0, "goal")
    again = drafts.heading_element(0, "strategy")
    assert again is first and first.kind == "goal"
    assert drafts.consumed == {0} and drafts.by_heading == {0: first}
    assert len(drafts.items) == 1
