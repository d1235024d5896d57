"""The learned plan-block classifier: which candidate units are goals, strategies, activities or challenges.

A multinomial logistic regression over each unit's structural features (graph.plan.features) and, when an
embedding function is given, the unit's embedding. Its coefficients are a resource beside the code
(``block_model.json``, trained by ``benchmarks/train_plan_model.py``; ``MODEL_CARD.md`` says on what and how
it scored). Two variants are stored: ``embed`` (structure + embedding) and ``structure`` (structure only, for
``--no-model`` builds and tests). Only numpy runs here.

Where a goal comes from, in one reading: :func:`classify_plan` makes the candidate units
(graph.plan.units), reads their features (graph.plan.features; one of them is what the cue rules of
graph.plan.extract made of the unit), and lets the model give each unit a probability per class. An element
the rules found stays where the model supports its class on a unit holding it (explicit structure: plan
tables with owner and deadline columns, "Mål:" units, numbered goals), and keeps the rules' links, owners
and deadline; every other unit whose most probable class is an element kind becomes a new element. New
elements are linked by structure (graph.plan.linking.link: a goal cell of the same table row, else the
nearest element of a higher kind in the same or an enclosing section); owners and deadlines of new
activities come from their prose (graph.plan.owners). Forums come from the rules.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from graph.plan.features import FEATURE_NAMES, doc_group, structure_features
from graph.plan.lexicon import lexicon
from graph.plan.linking import link
from graph.plan.model import GOAL_KINDS, Element, Owner, PlanExtraction
from graph.plan.owners import deadline_in_document, owners_in_document
from graph.plan.text import ratio
from graph.plan.units import Unit, find_units
from ingest.dates import parse_deadline
from ingest.model import ParsedDocument

log = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).with_name("block_model.json")
# The classes the model tells apart ("none": not a plan element).
CLASSES = ("none", "goal", "strategy", "activity", "challenge")
# A document's plan structure counts as read when the model finds at least this many elements with a mean
# probability of at least MIN_CONFIDENCE (see MODEL_CARD.md for how these were chosen).
MIN_ELEMENTS = 2
MIN_CONFIDENCE = 0.6
# Two elements of one class whose texts are this similar (difflib ratio, folded) are one element said twice.
SAME_TEXT = 0.9
# A rule element stays when the model gives its class at least this probability on a unit that holds it.
KEEP_RULE = 0.05
# A unit becomes a new element when its most probable class is an element kind with at least this
# (per variant: the structure-only model is less sure of itself; both chosen leave-one-document-out).
NEW_ELEMENT = {"embed": 0.8, "structure": 0.8}
UNREAD_REASON = "planens struktur kunde inte läsas: inga mål eller aktiviteter kändes igen med säkerhet"


@dataclass(frozen=True)
class Variant:
    """One trained model: standardisation, weights and biases over its feature columns."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # (features, classes)
    bias: np.ndarray  # (classes,)
    embedding: bool  # whether the unit's embedding follows the structural features

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities per row (softmax of the linear scores)."""
        scores = ((features - self.mean) / self.scale) @ self.weights + self.bias
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class BlockModel:
    """The trained variants and what they were trained with."""

    classes: tuple[str, ...]
    features: tuple[str, ...]
    variants: dict[str, Variant]


def model_from_dict(data: dict) -> BlockModel:
    """Build a model from its JSON form (checks that its feature names are this code's)."""
    if tuple(data["features"]) != FEATURE_NAMES:
        raise ValueError("block model was trained on other features than graph/plan/features.py gives")
    variants = {
        name: Variant(
            np.asarray(v["mean"], dtype=np.float32),
            np.asarray(v["scale"], dtype=np.float32),
            np.asarray(v["weights"], dtype=np.float32),
            np.asarray(v["bias"], dtype=np.float32),
            bool(v["embedding"]),
        )
        for name, v in data["variants"].items()
    }
    return BlockModel(tuple(data["classes"]), tuple(data["features"]), variants)


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_FILE) -> BlockModel | None:
    """The committed model, or None when there is none (then the rules alone read the plan)."""
    if not path.is_file():
        log.warning("no plan block model at %s: plan elements from the rules alone", path)
        return None
    return model_from_dict(json.loads(path.read_text("utf-8")))


def rule_kinds(units: Sequence[Unit], rules: PlanExtraction) -> list[Element | None]:
    """For each unit, the rule element it holds (the element's quote overlaps most of it, or lies in it)."""
    by_block: dict[int, list[Element]] = {}
    for element in rules.elements:
        if element.kind != "forum":
            by_block.setdefault(element.block, []).append(element)
    out: list[Element | None] = []
    for unit in units:
        best, best_overlap = None, 0
        for element in by_block.get(unit.block, []):
            overlap = min(unit.char_end, element.char_end) - max(unit.char_start, element.char_start)
            inside = element.char_end - element.char_start
            if (
                overlap > 0
                and (overlap * 2 >= unit.char_end - unit.char_start or overlap >= inside)
                and (overlap > best_overlap)
            ):
                best, best_overlap = element, overlap
        out.append(best)
    return out


def _class_of(element: Element | None) -> str | None:
    if element is None:
        return None
    return "goal" if element.kind in GOAL_KINDS else element.kind


def unit_matrix(
    doc: ParsedDocument,
    units: Sequence[Unit],
    rules: PlanExtraction,
    embed: Callable[[Sequence[str]], np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray | None, list[Element | None]]:
    """The structural feature matrix, the embeddings (or None) and the rule element per unit."""
    held = rule_kinds(units, rules)
    structure = structure_features(doc, units, [_class_of(e) for e in held])
    vectors = None
    if embed is not None and units:
        vectors = np.asarray(embed([u.text for u in units]), dtype=np.float32)
    return structure, vectors, held


def predict(model: BlockModel, structure: np.ndarray, vectors: np.ndarray | None) -> np.ndarray:
    """Class probabilities per unit, from the embedding variant when vectors are given."""
    if vectors is not None and "embed" in model.variants:
        return model.variants["embed"].probabilities(np.hstack([structure, vectors]))
    return model.variants["structure"].probabilities(structure)


def _goal_kind(unit: Unit, rule: Element | None) -> str:
    """Which kind of goal a goal unit is: the rule's, else the cue of its column, lead-in or heading."""
    if rule is not None and rule.kind in GOAL_KINDS:
        return rule.kind
    lex = lexicon()
    for text in (unit.column_header, unit.lead_in, unit.section[-1] if unit.section else None):
        if text:
            cue = lex.heading.head(text) if text != unit.lead_in else lex.lead_in.nearest_end(text)
            if cue in ("priority_area", "vision"):
                return cue
            if cue is not None:
                break
    return "goal"


def _element(unit: Unit, kind: str, rule: Element | None) -> Element:
    """An element from a unit: the rule's element where it found the same kind there, else the unit."""
    if rule is not None and _class_of(rule) == (kind if kind not in GOAL_KINDS else "goal"):
        return Element(
            id="",
            kind=kind,
            text=rule.text,
            block=rule.block,
            char_start=rule.char_start,
            char_end=rule.char_end,
            page=rule.page,
            owners=list(rule.owners),
            deadline=rule.deadline,
            due_date=rule.due_date,
        )
    return Element(
        id="",
        kind=kind,
        text=unit.text,
        block=unit.block,
        char_start=unit.char_start,
        char_end=unit.char_end,
        page=unit.page,
    )


def _restates(element: Element, elements: Sequence[Element]) -> bool:
    """Whether an element of the same class already says the same (a plan repeats a strategy in a table)."""
    cls = _class_of(element)
    return any(_class_of(e) == cls and ratio(e.text, element.text) >= SAME_TEXT for e in elements)


def _number(elements: list[Element]) -> None:
    """Give elements their ids ("<kind>-<n>" in document order); parents and addresses follow."""
    counts: dict[str, int] = {}
    renamed: dict[str, str] = {}
    for element in elements:
        counts[element.kind] = counts.get(element.kind, 0) + 1
        new = f"{element.kind}-{counts[element.kind]}"
        renamed[element.id] = new
        element.id = new
    for element in elements:
        element.parent = renamed.get(element.parent) if element.parent else None
        element.addresses = [renamed[a] for a in element.addresses if a in renamed]


def owners_and_deadline(
    doc: ParsedDocument, unit: Unit, reference: dt.date | None
) -> tuple[list[Owner], str | None, str | None]:
    """Owners and deadline of an activity found in prose (graph.plan.owners: the agent of its sentence, else
    of its setting; a deadline phrase as written) and the deadline's last day."""
    owners = owners_in_document(doc, unit.block, unit.text)
    deadline = deadline_in_document(doc, unit.block, unit.text)
    due = None
    if deadline:
        mention = parse_deadline(deadline, reference)
        due = mention.end if mention is not None else None
    return owners, deadline, due


@dataclass(frozen=True)
class _Scored:
    """A document's candidate units, the rule element each holds, and the model's class probabilities."""

    units: Sequence[Unit]
    held: list[Element | None]
    probs: np.ndarray
    classes: tuple[str, ...]


def _keep_supported(
    rules: PlanExtraction, scored: _Scored, keep_rule: float
) -> tuple[list[tuple[Unit | None, Element]], list[float]]:
    """The rule elements the model supports (forums and elements on no unit stay), each with the unit that
    holds it, and the model's support for each."""
    index = {cls: k for k, cls in enumerate(scored.classes)}
    # The model's support for each rule element: the best probability of its class on a unit holding it.
    support: dict[str, float] = {}
    holder: dict[str, Unit] = {}
    for i, element in enumerate(scored.held):
        if element is not None:
            p = float(scored.probs[i, index[_class_of(element)]])
            if p >= support.get(element.id, -1.0):
                support[element.id], holder[element.id] = p, scored.units[i]
    kept = [
        e for e in rules.elements if e.kind == "forum" or e.id not in support or support[e.id] >= keep_rule
    ]
    chosen: list[tuple[Unit | None, Element]] = [(holder.get(e.id), e) for e in kept]
    return chosen, [support[e.id] for e in kept if e.id in support]


def _add_new(
    doc: ParsedDocument,
    scored: _Scored,
    chosen: list[tuple[Unit | None, Element]],
    confidences: list[float],
    new_element: float,
    reference: dt.date | None,
) -> set[str]:
    """Add (to ``chosen`` and ``confidences``) every unit the model is sure is an element and no kept
    element already states; new activities get owners and deadline from their prose. Their ids."""
    kept_ids = {e.id for _, e in chosen}
    taken = {(e.char_start, e.char_end) for _, e in chosen}
    new: list[Element] = []
    for i, unit in enumerate(scored.units):
        held = scored.held[i]
        if held is not None and held.id in kept_ids:
            continue
        k = int(scored.probs[i].argmax())
        cls = scored.classes[k]
        if cls == "none" or scored.probs[i, k] < new_element:
            continue
        kind = _goal_kind(unit, held) if cls == "goal" else cls
        element = _element(unit, kind, None)
        if (element.char_start, element.char_end) in taken or _restates(element, [e for _, e in chosen]):
            continue
        taken.add((element.char_start, element.char_end))
        if kind == "activity":
            element.owners, element.deadline, element.due_date = owners_and_deadline(doc, unit, reference)
        element.id = f"new-{len(new)}"
        new.append(element)
        chosen.append((unit, element))
        confidences.append(float(scored.probs[i, k]))
    return {e.id for e in new}


def classify_plan(
    doc: ParsedDocument,
    rules: PlanExtraction,
    reference: dt.date | None,
    embed: Callable[[Sequence[str]], np.ndarray] | None,
    model: BlockModel | None = None,
    keep_rule: float = KEEP_RULE,
    new_element: float | None = None,
) -> PlanExtraction:
    """The plan of a document as the model reads it, given what the rules read and (optionally) embeddings.

    A rule element stays when the model gives its class at least KEEP_RULE on a unit that holds it (the
    explicit structure the rules read: plan tables, "Mål:" units, numbered goals); every other unit whose
    most probable class is an element kind, with at least NEW_ELEMENT, becomes a new element.
    """
    model = model or load_model()
    if model is None or doc_group(doc) == "protocol":
        return rules  # a protocol holds decisions, not a plan: only what the rules read as stated stays
    rules = replace(rules, elements=[replace(e, addresses=list(e.addresses)) for e in rules.elements])
    units = find_units(doc)
    structure, vectors, held = unit_matrix(doc, units, rules, embed) if units else (None, None, [])
    probs = predict(model, structure, vectors) if units else np.zeros((0, len(model.classes)))
    if new_element is None:
        new_element = NEW_ELEMENT[
            "embed" if vectors is not None and "embed" in model.variants else "structure"
        ]
    scored = _Scored(units, held, probs, model.classes)
    chosen, confidences = _keep_supported(rules, scored, keep_rule)
    new_ids = _add_new(doc, scored, chosen, confidences, new_element, reference)
    chosen.sort(key=lambda pair: pair[1].char_start)
    link(chosen, new_ids)
    elements = [e for _, e in chosen]
    _number(elements)
    plan_elements = [e for e in elements if e.kind != "forum"]
    read = len(plan_elements) >= MIN_ELEMENTS and float(np.mean(confidences or [0.0])) >= MIN_CONFIDENCE
    return PlanExtraction(elements, rules.actors, read, None if read else UNREAD_REASON)
