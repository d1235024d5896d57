"""Plan elements from a parsed document: the recipe (see graph.plan for the API and what an element holds).

Where a goal comes from, in one reading:

1. The cue rules read the explicit structure (:func:`rule_extraction`): ``outline.py`` groups the blocks
   into sections under headings and finds label blocks; ``sections.py`` reads each section under its
   heading's cue (cues.toml), handing each block to one rule: ``labels.py`` ("Mål:", "Åtgärder:" units),
   ``tables.py`` (activity | ansvar | klart), ``numbering.py`` ("Mål 1. ..."), ``lists.py`` (lead-ins and
   lists), ``paragraphs.py``, ``task_sections.py`` ("Roller och ansvar", "Uppdrag"), ``forum_rules.py``.
   Each adds drafts through ``drafts.py`` (markers and inline "Ansvar:/Klart:" fields cut off) and asks
   ``linking.py`` what it contributes to; ``merge.py`` merges repeats and numbers the elements.
2. The learned model decides (``classifier.classify_plan``): ``units.py`` cuts the document into candidate
   units, ``features.py`` describes each by its structure and by what the rules made of it, and the model
   (``block_model.json``, with the unit's embedding when one is given) gives each unit a class. A rule
   element the model supports stays with its links; a unit the model is sure of becomes a new element.
3. Rules for owners and dates: a new activity's owners and deadline come from its prose (``owners.py``,
   ``deadlines.py``, ``prose.py``); ``linking.link`` gives new elements their parent by table row and
   section. The elements are numbered in document order; too few or too unsure ones mark the plan unread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import numpy as np

from graph.plan.actors import find_actors
from graph.plan.classifier import classify_plan
from graph.plan.drafts import Drafts, Reading
from graph.plan.forum_rules import forums_in_text
from graph.plan.linking import pair_challenges
from graph.plan.merge import merge, to_elements
from graph.plan.model import PlanExtraction
from graph.plan.outline import heading_kind, read_outline
from graph.plan.sections import read_section
from ingest.model import ParsedDocument

__all__ = ["deadline_reference", "extract_plan", "heading_kind", "rule_extraction"]


def extract_plan(
    doc: ParsedDocument,
    reference_date: dt.date | None = None,
    embed: Callable[[Sequence[str]], np.ndarray] | None = None,
) -> PlanExtraction:
    """Extract the plan elements (visions, goals, priority areas, strategies, activities, challenges, forums)
    and the actors of a parsed document. ``reference_date`` dates deadlines written without a year (default:
    the document's date, else the start of its period); ``embed`` (texts -> L2-normalised rows) feeds the
    learned block classifier, None for its structure-only variant."""
    reference = deadline_reference(doc, reference_date)
    rules = rule_extraction(doc, reference)
    return classify_plan(doc, rules, reference, embed)


def rule_extraction(doc: ParsedDocument, reference: dt.date | None) -> PlanExtraction:
    """The plan as the cue rules read it (explicit structure: units, plan tables, labels, heading cues); the
    learned classifier (graph.plan.classifier) takes it as one of its inputs."""
    reading = Reading(read_outline(doc.blocks), Drafts(doc.blocks))
    read_section(reading, reading.outline.root)
    forums_in_text(reading)
    kept = merge(reading.drafts.items)
    pair_challenges(kept)
    return PlanExtraction(to_elements(doc, kept, reference), find_actors(doc))


def deadline_reference(doc: ParsedDocument, reference_date: dt.date | None) -> dt.date | None:
    """The date deadlines without a year are read against: the one given, else the document's date, else
    the start of the first period or school year it mentions."""
    if reference_date is not None:
        return reference_date
    if doc.metadata.date:
        try:
            return dt.date.fromisoformat(doc.metadata.date)
        except ValueError:
            pass
    for mention in doc.dates:
        if mention.kind in ("period", "school_year") and mention.start:
            return dt.date.fromisoformat(mention.start)
    return None
