"""Numbered elements (graph.plan.numbering): "Mål 1. ..." lines and "Mål 1: ..." headings."""

import pytest
from plan_markdown import block_index, reading_of, section_of

from graph.plan.numbering import CUE_PREFIX, cue_prefixed, numbered_lines


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("Mål 1. Alla elever läser med förståelse.", [("goal", "Alla elever läser med förståelse.", "1")]),
        (
            "Mål 1. Alla elever läser. Mål 2: Alla elever är trygga.",
            [("goal", "Alla elever läser.", "1"), ("goal", "Alla elever är trygga.", "2")],
        ),
        ("Delmål 2.1 – Fler elever klarar läsåret.", [("goal", "Fler elever klarar läsåret.", "2.1")]),
        ("Utmaning 3: Låg närvaro i årskurs 8.", [("challenge", "Låg närvaro i årskurs 8.", "3")]),
        ("Åtgärd 1. Läsveckor varje termin.", [("activity", "Läsveckor varje termin.", None)]),
        ("Vi har 2 mål. Mål 1. Alla läser.", None),  # text before the first numbered line: prose
        ("Kapitel 1. Inledning till planen.", None),  # no cue word of an element
    ],
)
def test_numbered_lines(paragraph, expected):
    r = reading_of(f"# Plan\n\n## Innehåll\n\n{paragraph}\n")
    b = block_index(r, paragraph[:8])
    read = numbered_lines(r, b, section_of(r, "Innehåll"))
    assert read is (expected is not None)
    assert [(d.kind, d.text, d.number) for d in r.drafts.items] == (expected or [])


def test_a_numbered_activity_serves_the_goal_its_heading_names():
    r = reading_of(
        "# Plan\n\n## Mål\n\nMål 1. Alla elever läser.\n\n## Åtgärder för mål 1\n\nÅtgärd 1. Läsveckor.\n"
    )
    numbered_lines(r, block_index(r, "Mål 1."), section_of(r, "Mål"))
    numbered_lines(r, block_index(r, "Åtgärd 1."), section_of(r, "Åtgärder för mål 1"))
    goal, activity = r.drafts.items
    assert activity.parent is goal


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Mål 1: Ökad läsförmåga", ("goal", "Ökad läsförmåga", "1")),
        ("Fokusområde 2 – Trygghet och studiero", ("priority_area", "Trygghet och studiero", "2")),
        ("Strategi: Kollegialt lärande", ("strategy", "Kollegialt lärande", None)),
        ("Mål", None),  # a cue alone names the kind of what follows
        ("Målområde: Trygghet", ("priority_area", "Trygghet", None)),
    ],
)
def test_a_cue_prefixed_heading_is_an_element_of_its_cue(heading, expected):
    r = reading_of(f"# Plan\n\n## {heading}\n\nText om detta.\n")
    section = section_of(r, heading)
    draft = cue_prefixed(r, section)
    assert ((draft.kind, draft.text, draft.number) if draft else None) == expected
    if draft:
        assert r.drafts.by_heading[section.heading] is draft


def test_cue_prefix_pattern_needs_a_separator():
    assert CUE_PREFIX.match("Mål 1: Ökad läsförmåga")
    assert CUE_PREFIX.match("Ökad läsförmåga hos alla") is None
