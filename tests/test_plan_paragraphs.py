"""Paragraphs under a heading cue (graph.plan.paragraphs)."""

import pytest
from plan_markdown import reading_of, section_of

from graph.plan.drafts import Drafts, Reading
from graph.plan.outline import read_outline
from graph.plan.paragraphs import FLATTENED_LIST_CHARS, read_paragraph, vision_paragraph
from ingest.model import Block, BlockKind

LONG = (
    "Skolan arbetar sedan flera år med att stärka elevernas läsning i alla ämnen, och lärarna har under "
    "läsåret planerat undervisningen tillsammans, följt upp resultaten och delat erfarenheter med varandra "
    "på skolans gemensamma studiedagar."
)


def _read(paragraph: str, context: str | None, has_lists: bool = False):
    """Read one paragraph (as the reader gave it, a bullet left in its text) under a heading."""
    blocks = [
        Block(BlockKind.HEADING, "Plan", None, level=1),
        Block(BlockKind.HEADING, "Avsnitt", None, level=2),
        Block(BlockKind.PARAGRAPH, paragraph, None),
    ]
    r = Reading(read_outline(blocks), Drafts(blocks))
    section = section_of(r, "Avsnitt")
    read_paragraph(r, section.body[0], section, context, has_lists)
    return [(d.kind, d.text) for d in r.drafts.items]


@pytest.mark.parametrize(
    ("paragraph", "context", "has_lists", "expected"),
    [
        (
            "Alla elever känner sig trygga i skolan",
            "goal",
            False,
            [("goal", "Alla elever känner sig trygga i skolan")],
        ),
        ("Läsning i alla ämnen", "priority_area", False, [("priority_area", "Läsning i alla ämnen")]),
        ("Låg närvaro i årskurs 8", "challenge", False, [("challenge", "Låg närvaro i årskurs 8")]),
        ("Alla elever känner sig trygga i skolan", "goal", True, []),  # the list holds the goals
        (LONG, "goal", False, []),  # prose
        ("Läsveckor varje termin", "activity", False, [("activity", "Läsveckor varje termin")]),
        ("- Läsveckor varje termin", "activity", True, [("activity", "Läsveckor varje termin")]),
        ("Läsveckor varje termin", "activity", True, []),
        ("Läsveckor varje termin", None, False, []),
        (
            "Vi läser mycket. Målet är att alla elever ska läsa varje dag.",
            None,
            False,
            [("goal", "Målet är att alla elever ska läsa varje dag.")],
        ),
        ("Målet är att alla elever ska läsa varje dag.", "external", False, []),
    ],
)
def test_a_paragraph_under_a_cue(paragraph, context, has_lists, expected):
    assert _read(paragraph, context, has_lists) == expected


def test_a_long_unpunctuated_paragraph_under_a_goal_cue_is_a_flattened_list():
    items = [
        "Alla elever läser med god förståelse i alla ämnen",
        "Alla elever känner sig trygga i skolan och på fritids",
        "Alla elever har inflytande över sin undervisning och sitt lärande",
        "Alla vårdnadshavare får god information om elevernas utveckling",
    ]
    paragraph = " ".join(items)
    assert len(paragraph) > FLATTENED_LIST_CHARS
    assert _read(paragraph, "goal") == [("goal", item) for item in items]


@pytest.mark.parametrize(
    ("paragraph", "visions"),
    [
        (
            "Vår ledstjärna är ”Alla barn ska lyckas varje dag” i allt vi gör.",
            ["Alla barn ska lyckas varje dag"],
        ),
        (
            "Vi arbetar länge. Vår vision är en skola där alla lyckas. Det är viktigt.",
            ["Vår vision är en skola där alla lyckas."],
        ),
        ("En skola där alla lyckas", ["En skola där alla lyckas"]),
        ("Vision: En skola där alla lyckas", ["En skola där alla lyckas"]),
        ("Vi arbetar länge med detta. Det är viktigt för oss.", []),
    ],
)
def test_the_vision_a_paragraph_states(paragraph, visions):
    r = reading_of(f"# Plan\n\n## Vision\n\n{paragraph}\n")
    section = section_of(r, "Vision")
    vision_paragraph(r, section.body[0], section)
    assert [d.text for d in r.drafts.items] == visions
    assert all(d.kind == "vision" for d in r.drafts.items)
