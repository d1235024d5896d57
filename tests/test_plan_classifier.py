"""The plan-block classifier: model file, probabilities, and how classify_plan turns units into elements."""

from pathlib import Path

import numpy as np
import pytest

from graph.plan import extract_plan
from graph.plan.classifier import (
    CLASSES,
    MODEL_FILE,
    UNREAD_REASON,
    BlockModel,
    Variant,
    classify_plan,
    load_model,
    model_from_dict,
)
from graph.plan.extract import rule_extraction
from graph.plan.features import FEATURE_NAMES
from graph.plan.model import PlanExtraction
from ingest.reader import read_document

FIXTURES = Path(__file__).parent / "fixtures" / "plan_units"


def _model(rules: dict[str, dict[str, float]], bias: dict[str, float]) -> BlockModel:
    """A hand-made structure model: feature -> class -> weight (features are not standardised)."""
    n = len(FEATURE_NAMES)
    weights = np.zeros((n, len(CLASSES)), dtype=np.float32)
    for feature, per_class in rules.items():
        for cls, w in per_class.items():
            weights[FEATURE_NAMES.index(feature), CLASSES.index(cls)] = w
    b = np.array([bias.get(c, 0.0) for c in CLASSES], dtype=np.float32)
    variant = Variant(np.zeros(n, np.float32), np.ones(n, np.float32), weights, b, False)
    return BlockModel(CLASSES, FEATURE_NAMES, {"structure": variant})


# First-column cells of a table whose column is headed by an area cue are goals; perfect-tense list
# sentences are activities; everything else is nothing.
HAND_MODEL = _model(
    {
        "column_cue:priority_area": {"goal": 6.0},
        "column:1": {"goal": -12.0},
        "verb:perfect": {"activity": 3.0},
        "unit:list_item": {"activity": 3.0},
        "sentence:second": {"activity": -12.0},
    },
    {"none": 4.0},
)


def test_probabilities_are_a_distribution():
    x = np.random.default_rng(0).random((5, len(FEATURE_NAMES))).astype(np.float32)
    p = HAND_MODEL.variants["structure"].probabilities(x)
    assert p.shape == (5, len(CLASSES))
    assert np.allclose(p.sum(axis=1), 1.0)


def test_a_model_of_other_features_is_refused():
    data = {"classes": list(CLASSES), "features": ["unit:heading"], "variants": {}}
    with pytest.raises(ValueError):
        model_from_dict(data)


def test_scorecard_goal_cells_become_priority_areas_with_provenance():
    doc = read_document(FIXTURES / "styrkort.md")
    plan = classify_plan(doc, rule_extraction(doc, None), None, None, HAND_MODEL)
    areas = [e for e in plan.elements if e.kind in ("goal", "priority_area")]
    assert [e.text for e in areas] == ["Alla elever når sina mål", "Tryggheten ökar på alla skolor"]
    assert all(e.kind == "priority_area" for e in areas)  # the column is headed "Fokusområde"
    for e in plan.elements:
        assert doc.text[e.char_start : e.char_end] == e.text
        assert e.page == doc.blocks[e.block].page
    assert [e.id for e in areas] == ["priority_area-1", "priority_area-2"]


def test_report_activities_are_the_first_sentences_of_done_items():
    doc = read_document(FIXTURES / "arsbokslut.md")
    plan = classify_plan(doc, PlanExtraction(), None, None, HAND_MODEL)
    activities = plan.of_kind("activity")
    assert [a.text for a in activities] == [
        "Ett läslyft har genomförts på samtliga skolor.",
        "Rektorerna har utbildats i ledarskap för lärande.",
    ]
    assert all(a.parent is None for a in activities)  # no goal stands above them
    assert plan.structure_read


def test_rule_elements_stay_only_where_the_model_supports_them():
    doc = read_document(FIXTURES / "arsbokslut.md")
    rules = rule_extraction(doc, None)
    nothing = _model({}, {"none": 20.0})
    plan = classify_plan(doc, rules, None, None, nothing)
    assert not [e for e in plan.elements if e.kind != "forum"]
    assert not plan.structure_read and plan.unread_reason == UNREAD_REASON
    kept = classify_plan(doc, rules, None, None, nothing, keep_rule=0.0)
    assert [(e.kind, e.text) for e in kept.elements] == [(e.kind, e.text) for e in rules.elements]


def test_without_a_model_the_rules_read_the_plan(monkeypatch):
    doc = read_document(FIXTURES / "arsbokslut.md")
    rules = rule_extraction(doc, None)
    monkeypatch.setattr("graph.plan.classifier.load_model", lambda: None)
    assert classify_plan(doc, rules, None, None) is rules


def test_the_committed_model_has_both_variants():
    assert MODEL_FILE.is_file()
    model = load_model()
    assert set(model.variants) == {"embed", "structure"}
    structure, embed = model.variants["structure"], model.variants["embed"]
    assert structure.weights.shape == (len(FEATURE_NAMES), len(CLASSES))
    assert embed.weights.shape[0] == len(FEATURE_NAMES) + 384


def test_the_committed_model_reads_a_constructed_scorecard_and_report():
    doc = read_document(FIXTURES / "styrkort.md")
    goals = {e.text for e in extract_plan(doc).elements if e.kind in ("goal", "priority_area")}
    assert {"Alla elever når sina mål", "Tryggheten ökar på alla skolor"} <= goals
    assert not goals & {"Andel elever med godkända betyg", "Meritvärde årskurs 9"}
    doc = read_document(FIXTURES / "arsbokslut.md")
    activities = {e.text for e in extract_plan(doc).of_kind("activity")}
    assert "Rektorerna har utbildats i ledarskap för lärande." in activities
    assert not activities & {"Ekonomin har inte varit i balans på två enheter.", "Genomförda satsningar"}


def test_a_protocol_keeps_what_the_rules_read(tmp_path):
    text = (
        "# Protokoll barn- och utbildningsnämnden 2024-05-14\n\n## § 12 Uppföljning\n\n"
        "Nämnden beslutar att godkänna uppföljningen.\n\n- Rektorerna har utbildats i ledarskap.\n"
    )
    path = tmp_path / "protokoll.md"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    assert doc.metadata.kind == "protokoll"
    rules = rule_extraction(doc, None)
    assert classify_plan(doc, rules, None, None) is rules
