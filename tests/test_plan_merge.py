"""From drafts to elements (graph.plan.merge): repeats merged, ids per kind, links resolved."""

import pytest
from plan_markdown import read_markdown

from graph.plan.drafts import Draft
from graph.plan.merge import merge, to_elements, twin_of


def _d(kind: str, text: str, block: int = 0, start: int = 0, **kw) -> Draft:
    return Draft(kind, text, block, start, start + len(text), **kw)


@pytest.mark.parametrize(
    ("a", "b", "twins"),
    [
        (
            _d("goal", "Alla elever läser varje dag"),
            _d("priority_area", "alla elever läser varje dag", 3),
            True,
        ),
        (_d("goal", "Alla elever läser varje dag"), _d("goal", "Alla elever är trygga i skolan", 3), False),
        (_d("activity", "Läsveckor"), _d("activity", "läsveckor", 0, 20), True),  # same block
        (_d("activity", "Läsveckor"), _d("activity", "Läsveckor", 4), False),  # another block: said twice
        (_d("activity", "Läsveckor"), _d("strategy", "Läsveckor"), False),
        (_d("forum", "Ledningsgruppen"), _d("forum", "ledningsgruppen", 5), True),
        (
            _d("forum", "Ledningsgruppen", frequency="varje vecka"),
            _d("forum", "APT", 0, 30, frequency="varje vecka"),
            True,
        ),
    ],
)
def test_twins(a, b, twins):
    assert (twin_of(b, [a]) is a) is twins


def test_of_two_twins_the_one_with_children_stays_and_links_follow_it():
    first = _d("goal", "Alla elever läser", 1)
    second = _d("goal", "Alla elever läser", 5)
    child = _d("activity", "Läsveckor", 6, parent=second)
    kept = merge([second, child, first])
    assert kept == [second, child]
    assert first.merged_into is second


def test_a_forums_frequency_survives_its_twin():
    first = _d("forum", "Ledningsgruppen", 1)
    second = _d("forum", "Ledningsgruppen", 4, frequency="varje vecka")
    assert merge([first, second]) == [first]
    assert first.frequency == "varje vecka"


def test_elements_are_numbered_per_kind_with_spans_links_and_due_dates():
    doc = read_markdown("# Plan\n\nAlla elever läser.\n\nLäsveckor klart VT25.\n\nBokcirklar.\n")
    goal_block = next(i for i, b in enumerate(doc.blocks) if b.text.startswith("Alla"))
    goal = _d("goal", "Alla elever läser.", goal_block)
    twin = _d("goal", "Alla elever läser.", goal_block, merged_into=goal)
    first = _d("activity", "Läsveckor", goal_block + 1, parent=twin, deadline="VT25")
    second = _d("activity", "Bokcirklar", goal_block + 2, parent=goal)
    elements = to_elements(doc, [goal, first, second], None)
    assert [(e.id, e.parent, e.deadline, e.due_date) for e in elements] == [
        ("goal-1", None, None, None),
        ("activity-1", "goal-1", "VT25", "2025-06-30"),
        ("activity-2", "goal-1", None, None),
    ]
    for element in elements:
        assert doc.text[element.char_start : element.char_end] == element.text
