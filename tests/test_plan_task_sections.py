"""Sections that hand out tasks (graph.plan.task_sections): "Roller och ansvar" and "Uppdrag"."""

from plan_markdown import reading_of, section_of

from graph.plan.task_sections import read_mission, read_roles

ROLES = """# Plan

## Roller och ansvar

### Rektor

Rektor leder arbetet med läsning. Följer upp resultaten varje termin.

- Planerar läsveckorna

### Mål

Alla hjälps åt.
"""


def test_tasks_under_a_role_subheading_are_that_roles_activities():
    r = reading_of(ROLES)
    read_roles(r, section_of(r, "Rektor"))
    found = [(d.kind, d.text, [o.label for o in d.owners]) for d in r.drafts.items]
    assert found == [
        ("activity", "Rektor leder arbetet med läsning.", ["Rektor"]),
        ("activity", "Följer upp resultaten varje termin.", ["Rektor"]),
        ("activity", "Planerar läsveckorna", ["Rektor"]),
    ]
    assert section_of(r, "Rektor").heading in r.drafts.consumed


def test_a_subheading_with_a_cue_of_its_own_hands_out_no_tasks():
    r = reading_of(ROLES)
    read_roles(r, section_of(r, "Mål"))
    assert r.drafts.items == []


MISSION = """# Plan

## Uppdrag

Förvaltningen ska ge alla elever en likvärdig utbildning.

Arbetet bygger på forskning och beprövad erfarenhet.

Förvaltningen ska särskilt:

- följa upp elevernas resultat
- stödja skolornas kvalitetsarbete
"""


def test_a_mission_is_a_goal_with_strategies_and_tasks_owned_by_its_subject():
    r = reading_of(MISSION)
    section = section_of(r, "Uppdrag")
    read_mission(r, section, section.body)
    found = [
        (d.kind, d.text, d.parent.kind if d.parent else None, [o.label for o in d.owners])
        for d in r.drafts.items
    ]
    assert found == [
        ("goal", "Förvaltningen ska ge alla elever en likvärdig utbildning.", None, []),
        ("strategy", "Arbetet bygger på forskning och beprövad erfarenhet.", "goal", []),
        ("activity", "följa upp elevernas resultat", "goal", ["Förvaltningen"]),
        ("activity", "stödja skolornas kvalitetsarbete", "goal", ["Förvaltningen"]),
    ]
