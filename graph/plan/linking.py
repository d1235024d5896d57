"""Links between plan elements: what each element contributes to (sk:contributesTo) and which challenges a
strategy addresses (sk:addresses).

While the cue rules read (graph.plan.extract.rule_extraction), a new draft asks here for its parent:
:func:`goal_above` (the goal of the nearest heading above that is one, or that a heading names by number,
"Åtgärder för mål 2"), :func:`activity_parent` (a "Mål:" goal before it in its section, the one goal of a
"Mål" section just before, else the goal above), :func:`group_element` (the topic heading strategies answer
to, read as a priority area). After merging, :func:`pair_challenges` pairs findings and strategies of one
topic in order. The learned classifier's new elements are linked by :func:`link` (by table row and section).
"""

from __future__ import annotations

import re

from graph.plan.drafts import Draft, Reading
from graph.plan.lexicon import lexicon
from graph.plan.model import GOAL_KINDS, Element
from graph.plan.outline import Section, governing_cue, topic_of
from graph.plan.text import same_statement
from graph.plan.units import Unit

# A reference to a numbered goal in a heading ("Åtgärder för mål 1", "Aktiviteter kopplade till mål 2").
GOAL_REFERENCE = re.compile(
    r"(?<=\s)(?P<cue>[\wåäö-]*mål(?:et|område|området)?)\s+(?:nr\.?\s*|nummer\s+)?"
    r"(?P<num>\d{1,2}(?:\.\d{1,2})?)(?![\d.]\d)",
    re.IGNORECASE,
)


def goal_above(r: Reading, section: Section) -> Draft | None:
    """The goal-like element of the nearest heading above that is one, or that a heading refers to by
    number ("Åtgärder för mål 2")."""
    for node in [section, *section.ancestors()]:
        if node.heading is not None:
            draft = r.drafts.by_heading.get(node.heading)
            if draft is not None and draft.kind in GOAL_KINDS:
                return draft
            referred = referred_goal(r, r.blocks[node.heading].text)
            if referred is not None:
                return referred
    return None


def referred_goal(r: Reading, text: str) -> Draft | None:
    """The numbered goal a text refers to ("Åtgärder för mål 1"), if the document numbers its goals."""
    for m in GOAL_REFERENCE.finditer(text):
        kind = lexicon().heading.head(m.group("cue"))
        numbered = [d for d in r.drafts.items if d.number == m.group("num") and d.kind in GOAL_KINDS]
        same = [d for d in numbered if d.kind == kind]
        if same or numbered:
            return (same or numbered)[0]
    return None


def sibling_goal(r: Reading, section: Section) -> Draft | None:
    """The one goal of a "Mål" section just before this one ("Mål" then "Åtgärder" as siblings)."""
    siblings = section.parent.children if section.parent else []
    if section not in siblings or siblings.index(section) == 0:
        return None
    if section.heading is not None and section.heading in r.drafts.by_heading:
        return None  # the section's own heading is an element: its own goal governs
    before = siblings[siblings.index(section) - 1]
    if before.cue not in ("goal", "priority_area") or before.heading in r.drafts.by_heading:
        return None
    goals = [d for d in r.drafts.items if d.kind in GOAL_KINDS and d.block in before.body]
    return goals[0] if len(goals) == 1 else None


def activity_parent(r: Reading, section: Section, b: int) -> Draft | None:
    """What an activity at block b contributes to: a "Mål:" label goal before it in its section, the goal
    of a "Mål" section just before, or the goal above (by heading or by number)."""
    labelled = [
        d
        for d in r.drafts.items
        if d.kind in GOAL_KINDS and d.block in r.outline.labels and d.block in section.body and d.block < b
    ]
    return labelled[-1] if labelled else sibling_goal(r, section) or goal_above(r, section)


def matching_goal(r: Reading, text: str) -> Draft | None:
    """The first goal found so far that says the same as a text (a heading restating a goal)."""
    for draft in r.drafts.items:
        if draft.kind in GOAL_KINDS and same_statement(draft.text, text):
            return draft
    return None


def group_element(r: Reading, section: Section) -> Draft | None:
    """The heading the strategies under a section answer to, read as a priority area."""
    h = topic_of(section)
    if h is None or h == section.heading and section.cue:
        return None
    node = next((n for n in [section, *section.ancestors()] if n.heading == h), None)
    if node is None or governing_cue(node)[0] == "external" or h == r.outline.title():
        return None
    return r.drafts.heading_element(
        h, "priority_area", parent=goal_above(r, node.parent) if node.parent else None
    )


def pair_challenges(kept: list[Draft]) -> None:
    """Findings a, b, c then strategies a, b, c under one topic: strategy i addresses finding i."""
    groups: dict[int | None, tuple[list[Draft], list[Draft]]] = {}
    for d in kept:
        if d.kind in ("challenge", "strategy"):
            pair = groups.setdefault(d.group, ([], []))
            (pair[0] if d.kind == "challenge" else pair[1]).append(d)
    for challenges, strategies in groups.values():
        if challenges and len(challenges) == len(strategies):
            for c, st in zip(challenges, strategies, strict=True):
                if c.block < st.block:
                    st.addresses.append(c)
    # Failing that, the whole document: as many findings as strategies, all findings first.
    paired = {id(c) for d in kept for c in d.addresses}
    challenges = [d for d in kept if d.kind == "challenge" and id(d) not in paired]
    strategies = [d for d in kept if d.kind == "strategy" and not d.addresses]
    if challenges and len(challenges) == len(strategies) and challenges[-1].block < strategies[0].block:
        for c, st in zip(challenges, strategies, strict=True):
            st.addresses.append(c)


def _scope(unit: Unit) -> tuple[str, ...]:
    """The section a unit opens (a heading: its path and itself) or stands in."""
    return tuple(unit.section) + ((unit.text,) if unit.kind == "heading" else ())


def link(chosen: list[tuple[Unit | None, Element]], ids: set[str]) -> None:
    """Set the parent of the elements with the given ids by structure: a goal cell in the same table row,
    else the nearest earlier element of a higher kind in the same section or a section above (activity ->
    strategy or goal, strategy -> goal, goal -> a goal heading above it)."""
    higher = {
        "activity": ("strategy", *GOAL_KINDS),
        "strategy": GOAL_KINDS,
        **{k: GOAL_KINDS for k in GOAL_KINDS},
    }
    for n, (unit, element) in enumerate(chosen):
        if element.id not in ids or unit is None:
            continue
        wanted = higher.get(element.kind, ())
        for prev_unit, prev in reversed(chosen[:n]):
            if prev.kind not in wanted or prev_unit is None:
                continue
            if unit.kind == "cell" and prev_unit.kind == "cell" and prev_unit.block == unit.block:
                element.parent = prev.id
                break
            if element.kind in GOAL_KINDS and prev_unit.kind != "heading":
                continue  # a goal serves a goal heading above it, not the goal listed before it
            scope = _scope(prev_unit)
            if tuple(unit.section[: len(scope)]) == scope:
                element.parent = prev.id
                break
