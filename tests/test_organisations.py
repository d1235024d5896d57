"""Organisation names -> kommun (kommunkod, official name) or the regional body they are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.organisations import (
    build_index,
    official_kommun_name,
    resolve_kommun,
    resolve_organisation,
    self_designations,
)

ROOT = Path(__file__).resolve().parent.parent
KOMMUNER = json.loads((ROOT / "corpus/reference/kommuner.json").read_text(encoding="utf-8"))
CASES = json.loads((Path(__file__).parent / "fixtures/organisations/cases.json").read_text(encoding="utf-8"))
INDEX = build_index(KOMMUNER)
RECORDS = KOMMUNER["kommuner"]


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["name"] or "<empty>")
def test_case(case):
    found = resolve_organisation(case["name"], INDEX)
    assert (found.kind, found.kommunkod, found.label) == (case["kind"], case["kommunkod"], case["label"])
    if "lanskod" in case:
        assert found.lanskod == case["lanskod"]
    expected = (case["kommunkod"], case["label"]) if case["kommunkod"] else None
    assert resolve_kommun(case["name"], INDEX) == expected


def test_the_records_or_the_whole_file_work_as_well_as_an_index():
    assert resolve_kommun("Finspångs kommun", KOMMUNER) == ("0562", "Finspångs kommun")
    assert resolve_kommun("Finspångs kommun", RECORDS) == ("0562", "Finspångs kommun")


@pytest.mark.parametrize("form", ["official", "data", "short", "upper", "short_kommun"])
def test_every_kommun_resolves_from_its_names(form):
    wrong = []
    for record in RECORDS:
        name = {
            "official": official_kommun_name(record),
            "data": record["kommun_namn"],
            "short": record["kommun_kortnamn"],
            "upper": record["kommun_kortnamn"].upper(),
            "short_kommun": f"{record['kommun_kortnamn']} kommun",  # a common misspelling of the genitive
        }[form]
        if resolve_kommun(name, INDEX) != (record["kommunkod"], official_kommun_name(record)):
            wrong.append(name)
    assert not wrong
    assert len(RECORDS) == 290


def test_official_names_fix_the_reference_list():
    by_code = {r["kommunkod"]: r for r in RECORDS}
    assert official_kommun_name(by_code["2514"]) == "Kalix kommun"
    assert official_kommun_name(by_code["2513"]) == "Överkalix kommun"
    assert official_kommun_name(by_code["2080"]) == "Falu kommun"
    assert official_kommun_name(by_code["0562"]) == "Finspångs kommun"
    assert official_kommun_name(by_code["1490"]) == "Borås kommun"  # ends in s: no extra s, already right


def test_self_designations_name_existing_kommuner():
    for code in ("1480", "0980", "0180"):
        names = self_designations(code)
        assert names and all(resolve_kommun(n, INDEX)[0] == code for n in names)
    assert self_designations("0562") == []


def test_a_kommun_of_a_laen_with_the_same_name_is_the_kommun_unless_laen_is_said():
    assert resolve_kommun("Jönköping", INDEX) == ("0680", "Jönköpings kommun")
    assert resolve_kommun("Jönköpings län", INDEX) is None
    assert resolve_organisation("Region Jönköpings län", INDEX).kind == "region"


def test_dev_set_organisations_resolve_as_the_gold_says():
    gold = {
        p.name[:3]: json.loads(p.read_text(encoding="utf-8"))
        for p in (ROOT / "tests/data/gold").glob("*.json")
    }
    assert len(gold) == 5
    for entry in gold.values():
        found = resolve_organisation(entry["organisation"], INDEX)
        assert found.kommunkod == entry["kommunkod"], entry["organisation"]
        assert found.label.casefold() == entry["organisation"].casefold()
        assert (found.kind == "kommun") is (entry["kommunkod"] is not None)
