"""Candidate units and their features for the plan-block classifier, on constructed documents."""

from pathlib import Path

import numpy as np
import pytest

from graph.plan.features import FEATURE_NAMES, structure_features
from graph.plan.units import find_units
from ingest.reader import read_document

FIXTURES = Path(__file__).parent / "fixtures" / "plan_units"


@pytest.fixture(scope="module")
def scorecard():
    return read_document(FIXTURES / "styrkort.md")


@pytest.fixture(scope="module")
def report():
    return read_document(FIXTURES / "arsbokslut.md")


def _by_text(units):
    return {u.text: u for u in units}


@pytest.mark.parametrize("name", ["styrkort.md", "arsbokslut.md"])
def test_units_quote_the_text(name):
    doc = read_document(FIXTURES / name)
    units = find_units(doc)
    assert units
    for unit in units:
        assert doc.text[unit.char_start : unit.char_end] == unit.text
        block = doc.blocks[unit.block]
        assert block.char_start <= unit.char_start < unit.char_end <= block.char_end
        assert unit.page == block.page


def test_scorecard_cells_know_their_column_and_header(scorecard):
    units = _by_text(find_units(scorecard))
    goal = units["Alla elever når sina mål"]
    assert (goal.kind, goal.column, goal.column_header) == ("cell", 0, "Fokusområde")
    indicator = units["Meritvärde årskurs 9"]
    assert (indicator.column, indicator.column_header) == (1, "Indikator")
    assert (
        "88" not in units and "Utfall 2023" not in units
    )  # numbers and header cells of one word are no units


def test_sentences_of_a_list_item_are_units_with_their_lead_in(report):
    units = _by_text(find_units(report))
    first = units["Ett läslyft har genomförts på samtliga skolor."]
    second = units["Satsningen fortsätter under 2024."]
    assert (first.kind, first.sentence, first.sentences) == ("list_item", 0, 2)
    assert second.sentence == 1 and second.block == first.block
    assert first.lead_in == "Genomförda satsningar under 2023:"
    assert units["Rektorerna har utbildats i ledarskap för lärande."].lead_in == first.lead_in
    # A paragraph after the list is not led in by the colon before the list.
    assert units["Ekonomin har inte varit i balans på två enheter."].lead_in is None
    heading = units["Genomförda satsningar"]
    assert heading.kind == "heading" and heading.section == ["Årsbokslut för Ekdala skolor 2023"]


def test_features_read_structure_cues_and_verbs(scorecard, report):
    index = {name: i for i, name in enumerate(FEATURE_NAMES)}
    units = find_units(scorecard)
    x = structure_features(scorecard, units)
    assert x.shape == (len(units), len(FEATURE_NAMES))
    assert np.all((x >= 0) & (x <= 1))
    goal = next(i for i, u in enumerate(units) if u.text == "Alla elever når sina mål")
    assert x[goal, index["unit:cell"]] == 1 and x[goal, index["column:0"]] == 1
    assert x[goal, index["column_cue:priority_area"]] == 1  # "Fokusområde"
    assert x[goal, index["doc:scorecard"]] == 1
    units = find_units(report)
    x = structure_features(report, units, ["activity" if u.kind == "list_item" else None for u in units])
    done = next(i for i, u in enumerate(units) if u.text.startswith("Ett läslyft"))
    assert x[done, index["verb:perfect"]] == 1  # "har genomförts"
    assert x[done, index["rule:activity"]] == 1
    assert x[done, index["unit:list_item"]] == 1 and x[done, index["sentence:first"]] == 1
    listed = next(i for i, u in enumerate(units) if u.text == "Tryggheten ökar på alla skolor")
    assert x[listed, index["lead_in_cue:priority_area"]] == 1  # "De fokusområden som prioriterats ...:"
    problem = next(i for i, u in enumerate(units) if u.text.startswith("Ekonomin"))
    assert x[problem, index["verb:problem"]] == 1 and x[problem, index["end:period"]] == 1
