"""Links between plan elements (graph.plan.linking): parents while reading, pairs, the model's links."""

import pytest
from plan_markdown import block_index, reading_of, section_of

from graph.plan.drafts import Draft
from graph.plan.linking import (
    activity_parent,
    goal_above,
    group_element,
    link,
    matching_goal,
    pair_challenges,
    referred_goal,
)
from graph.plan.model import Element
from graph.plan.units import Unit

NUMBERED = """# Plan

## Mål

## Åtgärder för mål 2

- Läsveckor varje termin.
"""


def _with_numbered_goals(text: str = NUMBERED):
    r = reading_of(text)
    goals = section_of(r, "Mål")
    for number, statement in (("1", "Alla elever läser"), ("2", "Alla elever är trygga")):
        r.drafts.items.append(Draft("goal", statement, goals.heading, 0, 3, number=number))
    return r


@pytest.mark.parametrize(
    ("text", "goal"),
    [
        (" Åtgärder för mål 2", "Alla elever är trygga"),
        (" Aktiviteter kopplade till mål nr 1", "Alla elever läser"),
        (" Åtgärder för målområde 1", "Alla elever läser"),
        (" Åtgärder för mål 3", None),
        (" Åtgärder 2", None),
        (" Se mål 2.5", None),
    ],
)
def test_a_goal_is_referred_to_by_its_number(text, goal):
    found = referred_goal(_with_numbered_goals(), text)
    assert (found.text if found else None) == goal


def test_the_goal_above_is_a_heading_element_or_a_goal_a_heading_names():
    r = _with_numbered_goals()
    assert goal_above(r, section_of(r, "Åtgärder för mål 2")).text == "Alla elever är trygga"
    trygg = r.drafts.heading_element(section_of(r, "Mål").heading, "goal")
    assert goal_above(r, section_of(r, "Mål")) is trygg


SIBLINGS = """# Plan

## Läsning

### Mål

- Fler elever läser varje dag.

### Åtgärder

- Läsveckor varje termin.

Mål: Alla elever har ett läsbete.

- Bokcirklar.
"""


def test_an_activity_serves_a_label_goal_before_it_else_the_goal_of_the_section_before():
    r = reading_of(SIBLINGS)
    goal_list = section_of(r, "Mål")
    listed = r.drafts.add_item("goal", goal_list.body[0])
    labelled = r.drafts.add_item("goal", block_index(r, "Mål: Alla"), 5)
    actions = section_of(r, "Åtgärder")
    assert activity_parent(r, actions, block_index(r, "Läsveckor")) is listed
    assert activity_parent(r, actions, block_index(r, "Bokcirklar")) is labelled


def test_a_heading_restating_a_goal_matches_it():
    r = reading_of(SIBLINGS)
    goal = r.drafts.add_item("goal", section_of(r, "Mål").body[0])
    assert matching_goal(r, "fler elever läser varje dag") is goal
    assert matching_goal(r, "Läsveckor varje termin") is None


def test_strategies_answer_to_their_topic_heading_read_as_a_priority_area():
    r = reading_of("# Plan\n\n## Läsning\n\n### Strategier\n\n- Tydliga lässtrategier.\n")
    area = group_element(r, section_of(r, "Strategier"))
    assert (area.kind, area.text) == ("priority_area", "Läsning")
    assert group_element(r, section_of(r, "Strategier")) is area  # read once
    assert group_element(r, section_of(r, "Plan")) is None  # the document's title is no area


def _draft(kind: str, block: int, group: int | None = 0) -> Draft:
    return Draft(kind, f"{kind} {block}", block, 0, 1, group=group)


@pytest.mark.parametrize(
    ("layout", "pairs"),
    [
        # (kind, block, group) in document order -> (strategy block, challenge block) pairs
        (
            [("challenge", 1, 0), ("challenge", 2, 0), ("strategy", 3, 0), ("strategy", 4, 0)],
            [(3, 1), (4, 2)],
        ),
        ([("challenge", 1, 0), ("strategy", 2, 0), ("strategy", 3, 0)], []),  # unequal counts: no pairs
        ([("strategy", 1, 0), ("challenge", 2, 0)], []),  # a finding after its strategy is no pair
        # Different topics, as many of each in the whole document, findings first: paired in order.
        (
            [("challenge", 1, 0), ("challenge", 2, 5), ("strategy", 3, 6), ("strategy", 4, 7)],
            [(3, 1), (4, 2)],
        ),
    ],
)
def test_findings_and_strategies_pair_in_order(layout, pairs):
    drafts = [_draft(kind, block, group) for kind, block, group in layout]
    pair_challenges(drafts)
    found = [(d.block, c.block) for d in drafts for c in d.addresses]
    assert found == pairs


def _unit(kind: str, block: int, section: list[str], text: str = "x") -> Unit:
    return Unit(
        text=text, kind=kind, block=block, char_start=block, char_end=block + 1, page=None, section=section
    )


def _element(kind: str, id_: str) -> Element:
    return Element(id=id_, kind=kind, text=id_, block=0, char_start=0, char_end=1, page=None)


def test_new_elements_link_to_a_cell_of_their_row_else_to_a_higher_element_of_their_section():
    chosen = [
        (_unit("heading", 0, ["Plan"], "Läsning"), _element("goal", "g1")),
        (_unit("cell", 1, ["Plan", "Läsning"]), _element("goal", "g2")),
        (_unit("cell", 1, ["Plan", "Läsning"]), _element("activity", "a1")),
        (_unit("item", 2, ["Plan", "Läsning"]), _element("activity", "a2")),
        (_unit("item", 3, ["Plan", "Annat"]), _element("activity", "a3")),
        (_unit("item", 4, ["Plan", "Läsning"]), _element("goal", "g3")),
    ]
    link(chosen, {"g2", "a1", "a2", "a3", "g3"})
    parents = {e.id: e.parent for _u, e in chosen}
    # a2: the nearest earlier goal of its section (the cell goal); g3: a goal serves a goal heading only.
    assert parents == {"g1": None, "g2": "g1", "a1": "g2", "a2": "g2", "a3": None, "g3": "g1"}


def test_only_the_given_ids_are_linked():
    chosen = [
        (_unit("heading", 0, [], "Läsning"), _element("goal", "g1")),
        (_unit("item", 1, ["Läsning"]), _element("activity", "a1")),
    ]
    link(chosen, set())
    assert chosen[1][1].parent is None
