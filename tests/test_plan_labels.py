"""Label blocks (graph.plan.labels): "Syfte: / Mål: / Åtgärder:" units and labels outside them."""

import pytest
from plan_markdown import block_index, reading_of, section_of

from graph.plan.labels import is_unit, loose_label, read_unit

UNIT = """# Plan

## Trygg skola

Syfte: Eleverna ska känna sig trygga.

Mål: Färre kränkningar under läsåret.

Åtgärder:

- Rastvärdar varje dag
- Trygghetsenkät varje termin

Ansvar: Biträdande rektor

Klart: december 2025
"""


@pytest.mark.parametrize(
    ("labels", "unit"),
    [
        (["Syfte: Trygghet.", "Mål: Färre kränkningar."], True),
        (["Mål: Färre kränkningar.", "Åtgärder: Rastvärdar."], True),
        (["Åtgärder: Rastvärdar.", "Ansvar: Rektor"], True),
        (["Syfte: Trygghet.", "Ansvar: Rektor"], False),  # neither goals nor activities
        (["Mål: Färre kränkningar."], False),  # one field is a loose label
    ],
)
def test_a_unit_has_two_fields_one_of_them_goals_or_activities(labels, unit):
    body = "\n\n".join(labels)
    r = reading_of(f"# Plan\n\n## Avsnitt\n\n{body}\n")
    assert is_unit(r.outline, section_of(r, "Avsnitt")) is unit


def test_a_unit_gives_its_heading_as_strategy_its_goal_and_activities_with_owner_and_deadline():
    r = reading_of(UNIT)
    read_unit(r, section_of(r, "Trygg skola"))
    found = [
        (d.kind, d.text, d.parent.text if d.parent else None, [o.label for o in d.owners], d.deadline)
        for d in r.drafts.items
    ]
    assert found == [
        ("strategy", "Trygg skola", "Färre kränkningar under läsåret.", [], None),
        ("goal", "Färre kränkningar under läsåret.", None, [], None),
        ("activity", "Rastvärdar varje dag", "Trygg skola", ["Biträdande rektor"], "december 2025"),
        ("activity", "Trygghetsenkät varje termin", "Trygg skola", ["Biträdande rektor"], "december 2025"),
    ]


def test_activities_in_running_text_are_one_a_sentence_without_commentary():
    r = reading_of(
        "# Plan\n\n## Läsning\n\nMål: Alla läser.\n\n"
        "Åtgärder: Vi inför läsveckor. Detta är viktigt. Vi startar bokcirklar.\n"
    )
    read_unit(r, section_of(r, "Läsning"))
    assert [d.text for d in r.drafts.items if d.kind == "activity"] == [
        "Vi inför läsveckor.",
        "Vi startar bokcirklar.",
    ]


def test_an_empty_actions_label_makes_the_headings_after_it_activities():
    r = reading_of(
        "# Plan\n\n## Läsning\n\nMål: Alla läser.\n\nÅtgärder:\n\n"
        "### Läsveckor\n\nVarje termin.\n\n### Bokcirklar\n\nI alla klasser.\n"
    )
    read_unit(r, section_of(r, "Läsning"))
    activities = [(d.text, d.parent.text) for d in r.drafts.items if d.kind == "activity"]
    assert activities == [("Läsveckor", "Läsning"), ("Bokcirklar", "Läsning")]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Mål: Fler elever läser varje dag.", [("goal", "Fler elever läser varje dag.")]),
        ("Nulägesanalys: Läsningen har minskat.", [("challenge", "Läsningen har minskat.")]),
        ("Syfte: Att läsa mer.", []),
        ("Mål:", []),
    ],
)
def test_a_loose_label_is_a_goal_or_a_finding(label, expected):
    r = reading_of(f"# Plan\n\n## Läsning\n\n{label}\n")
    loose_label(r, block_index(r, label), section_of(r, "Läsning"))
    assert [(d.kind, d.text) for d in r.drafts.items] == expected


def test_a_loose_owner_label_gives_the_sections_activities_without_one_their_owner():
    r = reading_of("# Plan\n\n## Läsning\n\n- Läsveckor\n- Bokcirklar, ansvar: lärare\n\nAnsvar: Rektor\n")
    section = section_of(r, "Läsning")
    for b in section.body[:2]:
        r.drafts.add_item("activity", b)
    loose_label(r, block_index(r, "Ansvar: Rektor"), section)
    assert [[o.label for o in d.owners] for d in r.drafts.items] == [["Rektor"], ["lärare"]]
