"""From drafts to elements: repeats merged, ids given out, spans and deadlines resolved.

Step 3 of the cue rules (graph.plan.extract.rule_extraction), after every section is read. Two goals that
say the same are one (goals, areas and visions alike), as are identical activities or challenges of one
block and forums of one name; of two twins the one that carries structure (more children) stays, and links
to the other follow it. Elements are numbered per kind in document order ("goal-1"), their spans placed in
the document's text, and deadlines given their last day (ingest.dates.parse_deadline, with the reference
date for deadlines without a year).
"""

from __future__ import annotations

import datetime as dt

from graph.plan.drafts import Draft
from graph.plan.model import GOAL_KINDS, KINDS, Element
from graph.plan.text import fold, same_statement
from ingest.dates import parse_deadline
from ingest.model import ParsedDocument


def twin_of(d: Draft, kept: list[Draft]) -> Draft | None:
    """The kept draft that says the same as d, if any."""
    for k in kept:
        if d.kind in GOAL_KINDS and k.kind in GOAL_KINDS:
            if same_statement(d.text, k.text):
                return k
        elif d.kind == k.kind and d.kind == "forum":
            if same_statement(d.text, k.text) or (d.block == k.block and d.frequency == k.frequency):
                return k
        elif d.kind == k.kind and fold(d.text) == fold(k.text) and d.block == k.block:
            return k
    return None


def merge(drafts: list[Draft]) -> list[Draft]:
    """Drop repeats: goals saying the same, identical activities and challenges, one forum per name."""
    children: dict[int, int] = {}
    for d in drafts:
        if d.parent is not None:
            children[id(d.parent)] = children.get(id(d.parent), 0) + 1
    kept: list[Draft] = []
    for d in sorted(drafts, key=lambda x: (x.block, x.start)):
        twin = twin_of(d, kept)
        if twin is None:
            kept.append(d)
            continue
        # Keep the one that carries structure (children); else the first.
        if children.get(id(d), 0) > children.get(id(twin), 0):
            kept[kept.index(twin)] = d
            twin.merged_into = d
            if twin.frequency and not d.frequency:
                d.frequency = twin.frequency
        else:
            d.merged_into = twin
            if d.frequency and not twin.frequency:
                twin.frequency = d.frequency
    kept.sort(key=lambda x: (x.block, x.start))
    return kept


def to_elements(doc: ParsedDocument, kept: list[Draft], reference: dt.date | None) -> list[Element]:
    """The kept drafts as elements, numbered per kind in document order, links by id."""
    counters = dict.fromkeys(KINDS, 0)
    ids: dict[int, str] = {}
    for d in kept:
        counters[d.kind] += 1
        ids[id(d)] = f"{d.kind}-{counters[d.kind]}"

    def resolve(d: Draft | None) -> str | None:
        seen = 0
        while d is not None and id(d) not in ids and seen < 10:
            d = d.merged_into
            seen += 1
        return ids.get(id(d)) if d is not None else None

    out = []
    for d in kept:
        block = doc.blocks[d.block]
        start = block.char_start + d.start
        end = block.char_start + d.end
        due = None
        if d.deadline:
            mention = parse_deadline(d.deadline, reference)
            due = mention.end if mention else None
        parent = resolve(d.parent)
        if parent == ids[id(d)]:
            parent = None
        out.append(
            Element(
                id=ids[id(d)],
                kind=d.kind,
                text=d.text,
                block=d.block,
                char_start=start,
                char_end=end,
                page=block.page if block.page is not None else doc.page_at(start),
                parent=parent,
                addresses=[a for a in (resolve(x) for x in d.addresses) if a],
                owners=d.owners,
                deadline=d.deadline,
                due_date=due,
                frequency=d.frequency,
            )
        )
    return out
