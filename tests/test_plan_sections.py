"""The cue rules section by section (graph.plan.sections): which rule reads each block."""

import pytest
from plan_markdown import reading_of

from graph.plan.sections import read_section


def _read(text: str) -> list[tuple[str, str]]:
    r = reading_of(text)
    read_section(r, r.outline.root)
    return [(d.kind, d.text) for d in r.drafts.items]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # Subheadings under a goal heading are goals (their lists hold what they say).
        (
            "## Mål\n\n### Trygghet\n\n- Alla känner sig trygga\n",
            [("goal", "Trygghet"), ("goal", "Alla känner sig trygga")],
        ),
        # A subheading under a strategy heading with a body and no subsections is a strategy.
        (
            "## Strategier\n\n### Kollegialt lärande\n\nLärarna lär av varandra.\n",
            [("strategy", "Kollegialt lärande")],
        ),
        # Lists under an activity heading are activities.
        (
            "## Aktiviteter\n\n- Läsveckor\n- Bokcirklar\n",
            [("activity", "Läsveckor"), ("activity", "Bokcirklar")],
        ),
        # Nothing is read under a heading that quotes national steering documents.
        ("## Läroplanens mål\n\n- Eleven tar ansvar\n", []),
        # A follow-up section holds no activities.
        ("## Uppföljning\n\n- Resultaten i december\n", []),
        # A plan table is read wherever it stands.
        (
            "## Läsning\n\n| Aktivitet | Ansvar |\n| --- | --- |\n| Läsveckor | Rektor |\n",
            [("activity", "Läsveckor")],
        ),
        # A unit is read as a unit.
        (
            "## Läsning\n\nMål: Alla läser.\n\nÅtgärder: Läsveckor.\n",
            [("strategy", "Läsning"), ("goal", "Alla läser."), ("activity", "Läsveckor.")],
        ),
        # A lead-in and its list.
        ("## Läsning\n\nVi har följande utmaningar:\n\n- Låg närvaro\n", [("challenge", "Låg närvaro")]),
        # Numbered element lines.
        ("## Läsning\n\nMål 1. Alla läser.\n", [("goal", "Alla läser.")]),
        # A forum heading naming only the kind, with no forum in its sentences: the heading itself.
        ("## Mötesforum\n\nVi ses ofta.\n", [("forum", "Mötesforum")]),
    ],
)
def test_each_block_is_read_by_its_rule(body, expected):
    assert _read(f"# Plan för Ekby skola\n\n{body}") == expected


def test_a_heading_read_as_an_element_is_not_read_again():
    r = reading_of("# Plan för Ekby skola\n\n## Mål\n\n### Trygghet\n\n- Alla känner sig trygga\n")
    read_section(r, r.outline.root)
    read_section(r, r.outline.root)
    assert [d.text for d in r.drafts.items].count("Trygghet") == 1
