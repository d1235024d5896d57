"""Versions of a plan (graph/versions.py): titles of one plan, series, their order, organisation lookup."""

from __future__ import annotations

import pytest

from graph.versions import (
    Version,
    group_series,
    matches_organisation,
    same_plan,
    series_name,
    title_words,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Styrkort Grundskola Ekby 2021", "Styrkort Grundskola Ekby 2023–2026"),
        ("Verksamhetsplan för förskolan 2024", "Verksamhetsplan förskolan 2025"),
        ("Kvalitetsplan läsåret 2023/2024", "Kvalitetsplan läsår 2024/25"),
        ("Affärsplan Välfärd fritid 2019–2021 (reviderad)", "Affärsplan Välfärd fritid 2022–2024"),
    ],
)
def test_titles_of_one_plan(a, b):
    assert same_plan(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Styrkort Grundskola Ekby 2021", "Styrkort Förskola Ekby 2021"),
        ("Verksamhetsplan grundskolan 2024", "Verksamhetsplan gymnasieskolan 2024"),
        ("2024", "2025"),  # nothing left to compare
    ],
)
def test_titles_of_different_plans(a, b):
    assert not same_plan(a, b)


def test_title_words_drop_years_and_small_words():
    assert title_words("Plan för elevhälsan läsåret 2024/2025") == {"plan", "elevhälsan"}


def test_series_name_without_years():
    assert series_name("Styrkort Grundskola Ekby 2023–2026") == "Styrkort Grundskola Ekby"


def version(file: str, title: str, period: str | None, publisher: str = "org:ekby", body: str | None = "b:un",
            kind: str = "styrkort", date: str | None = None) -> Version:
    return Version(document=f"doc:{file}", source_file=file, title=title, kind=kind, period=period,
                   date=date, publisher=publisher, organisation="Ekby kommun", kommunkod="9999",
                   body="Utbildningsnämnden", body_iri=body)


def test_series_group_and_order_versions():
    found = group_series([
        version("c.md", "Styrkort Grundskola 2023–2026", "2023–2026"),
        version("a.md", "Styrkort Grundskola 2021", "2021"),
        version("b.md", "Styrkort Grundskola 2022", None, date="2022-02-01"),
        version("x.md", "Styrkort Förskola 2022", "2022"),
        version("y.md", "Styrkort Grundskola 2022", "2022", body="b:other"),  # another body
        version("z.md", "Verksamhetsplan Grundskola 2022", "2022", kind="verksamhetsplan"),
    ])
    assert [v.source_file for v in found[0].versions] == ["a.md", "b.md", "c.md"]
    assert found[0].name == "Styrkort Grundskola"
    assert sorted(len(s.versions) for s in found) == [1, 1, 1, 3]


@pytest.mark.parametrize(("query", "expected"), [
    ("Ekby kommun", True), ("ekby", True), ("9999", True), ("utbildningsnämnden", True),
    ("Lindby", False), ("", False), ("999", False),
])
def test_organisation_by_name_kommunkod_or_body(query, expected):
    assert matches_organisation(version("a.md", "Styrkort 2021", "2021"), query) is expected


def test_a_version_without_a_body_joins_its_plan():
    found = group_series([
        version("a.md", "Styrkort Grundskola 2021", "2021"),
        version("b.md", "Styrkort Grundskola 2022", "2022", body=None),
        version("c.md", "Styrkort Grundskola 2023", "2023"),
    ])
    assert [[v.source_file for v in s.versions] for s in found] == [["a.md", "b.md", "c.md"]]
