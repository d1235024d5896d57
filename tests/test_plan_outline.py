"""The outline of graph.plan.outline: heading cues, labels, list markers, the section tree."""

import pytest
from plan_markdown import reading_of, section_of

from graph.plan.outline import block_label, governing_cue, heading_kind, marker_kind, topic_of
from ingest.model import Block, BlockKind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Mål", "goal"),
        ("Nämndens mål för läsåret", "goal"),
        ("Prioriterade områden", "priority_area"),
        ("Vår vision", "vision"),
        ("Strategier", "strategy"),
        ("Strategier och aktiviteter", "plan"),  # a part of the plan, not a list of strategies
        ("Aktiviteter under året", "activity"),
        ("Nulägesanalys", "challenge"),
        ("Mötesforum", "forum"),
        ("Roller och ansvar", "roles"),
        ("Uppdrag", "mission"),
        ("Skolans uppdrag i en föränderlig och växande kommun", None),  # a mission cue in a long heading
        ("Uppföljning", "followup"),
        ("- Åtgärder", "activity"),  # a bullet the reader left in the text
        ("Inledning", None),
        (
            "En mycket lång rubrik som inte längre läses som en rubrik om mål eftersom den har för många ord",
            None,
        ),
    ],
)
def test_heading_kind(text, kind):
    assert heading_kind(text) == kind


@pytest.mark.parametrize(
    ("kind", "text", "label"),
    [
        (BlockKind.PARAGRAPH, "Mål: Fler elever läser varje dag.", ("goal", 5)),
        (BlockKind.PARAGRAPH, "Åtgärder:", ("activity", 9)),
        (BlockKind.LIST_ITEM, "Ansvar: rektor", ("owner", 8)),
        (BlockKind.PARAGRAPH, "Klart: VT26", ("deadline", 7)),
        (BlockKind.PARAGRAPH, "Nulägesanalys: Läsningen har minskat.", ("challenge", 15)),
        (BlockKind.HEADING, "Mål: Trygg skola", ("goal", 5)),
        (BlockKind.HEADING, "Mål: alla elever når målen i alla ämnen", None),  # a heading, not a label
        (BlockKind.TABLE_ROW, "Mål: Trygg skola", None),
        (BlockKind.PARAGRAPH, "Skolan har mål: att alla ska läsa.", None),
    ],
)
def test_block_label(kind, text, label):
    """The field and the offset of the text after the label (its colon and space)."""
    assert block_label(Block(kind, text, None)) == label


@pytest.mark.parametrize(
    ("marker", "text", "kind"),
    [
        ("a)", "a) Läsning", "letter"),
        ("1.", "1. Läsning", "number"),
        ("-", "Läsning", "bullet"),
        (None, "b) Läsning", "letter"),
        (None, "Läsning", None),
    ],
)
def test_marker_kind(marker, text, kind):
    assert marker_kind(Block(BlockKind.LIST_ITEM, text, None, marker=marker)) == kind


PLAN = """# Verksamhetsplan för Ekby skola

## Mål

### Trygghet

- Alla elever känner sig trygga.

## Läroplanens mål

- Eleven tar ansvar för sitt lärande.

## Läsning

### Aktiviteter

- Läsveckor varje termin.

Mål: Fler elever läser varje dag.
"""


def test_sections_nest_by_level_and_the_title_names_no_kind():
    r = reading_of(PLAN)
    (title,) = r.outline.root.children
    assert r.outline.title() == title.heading
    assert title.cue is None  # "Verksamhetsplan" names the document, not what its sections list
    headings = [r.blocks[s.heading].text for s in title.children]
    assert headings == ["Mål", "Läroplanens mål", "Läsning"]
    trygghet = section_of(r, "Trygghet")
    assert trygghet.parent is section_of(r, "Mål") and trygghet.level == 3


def test_the_governing_cue_is_the_nearest_one_above():
    r = reading_of(PLAN)
    assert governing_cue(section_of(r, "Trygghet")) == ("goal", section_of(r, "Mål"))
    assert governing_cue(section_of(r, "Läroplanens"))[0] == "external"
    assert governing_cue(section_of(r, "Läsning")) == (None, None)
    assert r.outline.is_external(r.blocks.index(next(b for b in r.blocks if b.text.startswith("Eleven tar"))))


def test_the_topic_is_the_nearest_heading_without_a_cue():
    r = reading_of(PLAN)
    assert topic_of(section_of(r, "Aktiviteter")) == section_of(r, "Läsning").heading
    assert topic_of(section_of(r, "Trygghet")) == section_of(r, "Trygghet").heading


def test_labels_are_found_and_a_label_is_no_section():
    r = reading_of(PLAN + "\n### Klart: VT26\n")
    labelled = {r.blocks[b].text: field for b, (field, _offset) in r.outline.labels.items()}
    assert labelled == {"Mål: Fler elever läser varje dag.": "goal", "Klart: VT26": "deadline"}
    assert all(
        r.blocks[s.heading].text != "Klart: VT26" for s in r.outline.sections() if s.heading is not None
    )


PLAIN = """Verksamhetsplan

1. Inledning

Planen beskriver arbetet under året.

2. Nämndens mål

Alla elever ska nå kunskapskraven.

3. Uppföljning

Planen följs upp varje termin.
"""


def test_numbered_items_followed_by_text_are_sections_of_a_plain_text_plan():
    r = reading_of(PLAIN)
    items = sorted(r.blocks[i].text for i in r.outline.section_items)
    assert items == ["Inledning", "Nämndens mål", "Uppföljning"]
    goal_section = section_of(r, "Nämndens mål")
    assert goal_section.cue == "goal"
    assert [r.blocks[b].text for b in goal_section.body] == ["Alla elever ska nå kunskapskraven."]


def test_a_numbered_list_of_short_items_is_no_outline():
    r = reading_of("# Plan\n\n1. Läsning\n2. Skrivning\n3. Räkning\n\nText efter listan.\n")
    assert r.outline.section_items == set()
