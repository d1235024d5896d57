"""Lists and lead-ins (graph.plan.lists): what a run of list items holds."""

import pytest
from plan_markdown import block_index, reading_of, section_of

from graph.plan.lists import bullet, is_subheading, lead_in, read_list
from graph.plan.numbering import numbered_lines
from ingest.model import Block, BlockKind


def _read_body(text: str, heading: str = "Läsning"):
    """Read the lead-in or list that opens a section's body, as graph.plan.sections would."""
    r = reading_of(text)
    section = section_of(r, heading)
    body = section.body
    first = r.blocks[body[0]]
    if first.kind is BlockKind.LIST_ITEM:
        read_list(r, body, section, None)
    else:
        lead_in(r, body, 0, section, None)
    return r


@pytest.mark.parametrize(
    ("lead", "kind"),
    [
        ("Under året har följande brister framkommit:", "challenge"),
        ("Skolan prioriterar två utvecklingsområden:", "priority_area"),
        ("För att nå målen genomför vi följande aktiviteter:", "activity"),
        ("Våra mål är:", "goal"),
        ("Läroplanen anger att eleverna ska:", None),  # national steering documents are not the plan's
        ("Vi har tänkt på följande:", None),
    ],
)
def test_the_cue_nearest_the_colon_says_what_the_list_holds(lead, kind):
    r = _read_body(f"# Plan\n\n## Läsning\n\n{lead}\n\n- Första punkten i listan\n- Andra punkten i listan\n")
    assert {d.kind for d in r.drafts.items} == ({kind} if kind else set())
    assert len(r.drafts.items) == (2 if kind else 0)


def test_a_subheading_naming_a_numbered_goal_gives_what_the_list_serves():
    r = reading_of("# Plan\n\n## Läsning\n\nMål 1. Alla läser.\n\nÅtgärder för mål 1\n\n- Läsveckor\n")
    section = section_of(r, "Läsning")
    numbered_lines(r, block_index(r, "Mål 1."), section)
    lead_in(r, section.body, 1, section, None)
    goal, activity = r.drafts.items
    assert (activity.kind, activity.text, activity.parent) == ("activity", "Läsveckor", goal)


def test_a_lead_in_without_a_list_announces_one_short_paragraph():
    r = _read_body("# Plan\n\n## Läsning\n\nVårt prioriterade område är:\n\nLäsförståelse i alla ämnen\n")
    assert [(d.kind, d.text) for d in r.drafts.items] == [("priority_area", "Läsförståelse i alla ämnen")]


def test_letter_items_then_number_items_are_strategies_with_their_activities():
    r = _read_body(
        "# Plan\n\n## Läsning\n\n"
        "a) Tydlig lässtrategi\n1. Läsveckor\n2. Bokcirklar\nb) Mer högläsning\n3. Läsfadder\n"
    )
    found = [(d.kind, d.text, d.letter, d.parent.text if d.parent else None) for d in r.drafts.items]
    assert found == [
        ("priority_area", "Läsning", None, None),  # the topic the strategies answer to
        ("strategy", "Tydlig lässtrategi", "a", "Läsning"),
        ("activity", "Läsveckor", None, "Tydlig lässtrategi"),
        ("activity", "Bokcirklar", None, "Tydlig lässtrategi"),
        ("strategy", "Mer högläsning", "b", "Läsning"),
        ("activity", "Läsfadder", None, "Mer högläsning"),
    ]


def test_dash_items_after_dot_bullets_are_sub_points_of_an_activity():
    r = reading_of("# Plan\n\n## Aktiviteter\n\n• Läsveckor\n– en vecka i oktober\n• Bokcirklar\n")
    section = section_of(r, "Aktiviteter")
    read_list(r, section.body, section, "activity")
    assert [d.text for d in r.drafts.items] == ["Läsveckor", "Bokcirklar"]


@pytest.mark.parametrize(
    ("text", "after", "subheading"),
    [
        ("Åtgärder för mål 1", "- Läsveckor", True),
        ("Åtgärder för mål 1.", "- Läsveckor", False),  # punctuated: a sentence
        ("Åtgärder för mål 1", "Vi läser mer.", False),  # no list after it
        ("Några tankar om läsning", "- Läsveckor", False),  # no cue
    ],
)
def test_a_short_cue_paragraph_before_a_list_is_a_subheading(text, after, subheading):
    r = reading_of(f"# Plan\n\n## Läsning\n\n{text}\n\n{after}\n")
    body = section_of(r, "Läsning").body
    assert is_subheading(r, body, 0) is subheading


@pytest.mark.parametrize(
    ("marker", "text", "char"),
    [("•", "Läsveckor", "•"), (None, "– Läsveckor", "–"), ("1.", "Läsveckor", "1")],
)
def test_bullet(marker, text, char):
    assert bullet(Block(BlockKind.LIST_ITEM, text, None, marker=marker)) == char
