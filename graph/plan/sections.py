"""The cue rules, section by section: which rule reads each block.

Step 2 of the cue rules (graph.plan.extract.rule_extraction), over the outline of graph.plan.outline. Every
section is read under its governing cue (its heading's or the nearest ancestor's; nothing under a heading
that quotes national steering documents). What a block is depends, in this order, on:

1. a "Syfte: / Mål: / Åtgärder:" unit (graph.plan.labels.read_unit), when the section is one;
2. the heading itself: "Mål 1: Ökad läsförmåga" an element of its cue (graph.plan.numbering); a subheading
   under a goal/area heading a goal/area, under a strategy heading a strategy, under a forum heading a forum;
3. a plan table (graph.plan.tables): activity | ansvar | klart rows;
4. numbered element lines "Mål 1. ...", "Åtgärd 2: ..." (graph.plan.numbering);
5. a label paragraph outside a unit, "Mål: X", "Ansvar: X" (graph.plan.labels.loose_label);
6. a lead-in ending in a colon, or a subheading the reader missed, and the list after it (graph.plan.lists);
7. a run of list items under the governing cue (graph.plan.lists.read_list);
8. a paragraph under the governing cue (graph.plan.paragraphs).

"Roller och ansvar" and "Uppdrag" sections are read by graph.plan.task_sections; sections about follow-up
("Uppföljning", "Årshjul") have the cue "followup", which no rule turns into elements.
"""

from __future__ import annotations

from graph.plan.drafts import Reading
from graph.plan.forum_rules import forum_from_section, names_forum
from graph.plan.labels import is_unit, loose_label, read_unit
from graph.plan.lexicon import lexicon
from graph.plan.linking import goal_above
from graph.plan.lists import is_subheading, lead_in, read_list
from graph.plan.numbering import cue_prefixed, numbered_lines
from graph.plan.outline import Section, governing_cue, topic_of
from graph.plan.paragraphs import SHORT_PARAGRAPH_WORDS, read_paragraph
from graph.plan.tables import read_table
from graph.plan.task_sections import read_mission, read_roles
from graph.plan.text import ends_with_colon, word_count
from ingest.model import BlockKind


def read_section(r: Reading, section: Section) -> None:
    """Read a section (its heading, then its body) and every section under it."""
    context, governing = governing_cue(section)
    if context != "external":
        if section.heading is not None and is_unit(r.outline, section):
            read_unit(r, section)
        else:
            if section.heading is not None and section.heading not in r.drafts.consumed:
                heading_itself(r, section, context, governing)
            read_body(r, section, context, governing)
    for child in section.children:
        read_section(r, child)


def heading_itself(r: Reading, section: Section, context: str | None, governing: Section | None) -> None:
    """A heading is an element when it carries a numbered cue, or when the heading above says what its
    subheadings are."""
    h = section.heading
    assert h is not None
    if section.cue:
        cue_prefixed(r, section)
        return
    if governing is None or governing is section:
        return
    body_kinds = {r.blocks[b].kind for b in section.body}
    if context in ("goal", "priority_area"):
        lists_only = body_kinds <= {BlockKind.LIST_ITEM}
        if lists_only or all(word_count(r.blocks[b].text) <= SHORT_PARAGRAPH_WORDS for b in section.body):
            r.drafts.heading_element(h, context, parent=goal_above(r, governing), group=h)
    elif context == "strategy" and section.body and not section.children:
        r.drafts.heading_element(h, "strategy", parent=goal_above(r, section), group=topic_of(governing))
    elif context == "forum" and lexicon().meeting_head.search(r.blocks[h].text):
        forum_from_section(r, section)


def read_body(r: Reading, section: Section, context: str | None, governing: Section | None) -> None:
    """Read the blocks directly under a section's heading, each by the first rule that applies."""
    body = [b for b in section.body if b not in r.drafts.consumed]
    if context == "roles":
        read_roles(r, section)
        return
    if context == "mission" and governing is section:
        read_mission(r, section, body)
        return
    lists = [b for b in body if r.blocks[b].kind is BlockKind.LIST_ITEM]
    # A heading that only names the kind ("Forum för uppföljning", "Mötesforum"): the forums are the
    # meetings its sentences name; the heading itself only when they name none.
    lone_kind_heading = context == "forum" and governing is section and not section.children
    if lone_kind_heading and not lists and not names_forum(r, body):
        forum_from_section(r, section)
    i = 0
    while i < len(body):
        i = _read_block(r, body, i, section, context, has_lists=bool(lists))


def _read_block(
    r: Reading, body: list[int], i: int, section: Section, context: str | None, has_lists: bool
) -> int:
    """Read the block at body[i] (with the blocks that belong to it); the index of the next one."""
    b = body[i]
    block = r.blocks[b]
    if block.kind is BlockKind.TABLE_ROW:
        rows = [
            k
            for k in body[i:]
            if r.blocks[k].table == block.table and r.blocks[k].kind is BlockKind.TABLE_ROW
        ]
        read_table(r, rows, section)
        return i + len(rows)
    if block.kind is BlockKind.PARAGRAPH and numbered_lines(r, b, section):
        return i + 1
    if b in r.outline.labels:
        loose_label(r, b, section)
        return i + 1
    if block.kind is BlockKind.PARAGRAPH and (ends_with_colon(block.text) or is_subheading(r, body, i)):
        return lead_in(r, body, i, section, context)
    if block.kind is BlockKind.LIST_ITEM:
        run = [b]
        while i + len(run) < len(body) and r.blocks[body[i + len(run)]].kind is BlockKind.LIST_ITEM:
            run.append(body[i + len(run)])
        read_list(r, run, section, context)
        return i + len(run)
    read_paragraph(r, b, section, context, has_lists)
    return i + 1
