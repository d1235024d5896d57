"""Per-document profiles (graph/profiles.py): made from one graph and the reference graphs, written beside the
TriG file at ingest, swept with it, made again when missing or stale, and the index that finds an
organisation's plans by query; `history` from only those plans' graphs gives what the whole store gives."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from rdflib import Graph

from graph.profiles import (
    INDEX_FILE,
    DocumentProfile,
    ProfileIndex,
    fold,
    label_graph,
    load_profile,
    make_profiles,
    overlap,
    profile_document,
    profile_path,
    profile_version,
)

FIXTURES = Path(__file__).parent / "fixtures"
HISTORY = [FIXTURES / "history" / n for n in
           ("styrkort_ekby_2021.md", "styrkort_ekby_2022.md", "styrkort_ekby_2023-2026.md")]
OTHER = FIXTURES / "profiles" / "verksamhetsplan_fjallby_2022.md"

PREFIXES = """
@prefix sk: <https://w3id.org/styrkedja/ns#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> . @prefix ex: <https://example.org/> .
"""
DOCUMENT = PREFIXES + """
ex:doc a sk:Document ; sk:documentType ex:typePlan ; dcterms:publisher ex:kommun ; sk:issuedBy ex:namnd .
ex:kommun rdfs:label "Exby kommun"@sv ; sk:kommunkod "9999" .
ex:namnd rdfs:label "Utbildningsnämnden" .
ex:goal a sk:Goal ; sk:inDocument ex:doc ; dcterms:references <https://lagen.nu/2010:800#K4P3> .
ex:area a sk:PriorityArea ; sk:inDocument ex:doc .
ex:act a sk:Activity ; sk:inDocument ex:doc ; sk:responsible ex:rektor .
ex:rektor a org:Role ; rdfs:label "Rektor" .
ex:p1 a sk:Passage ; sk:inDocument ex:doc ; dcterms:references <http://metadata.un.org/sdg/4> .
ex:al a sk:Alignment ; sk:inDocument ex:doc ; sk:from ex:goal ; sk:to <http://metadata.un.org/sdg/4.1> .
ex:other a sk:Goal ; sk:inDocument ex:doc2 ; dcterms:references <https://lagen.nu/2010:800#K2> .
"""
REFERENCE = PREFIXES + """
ex:typePlan skos:notation "verksamhetsplan" .
<https://lagen.nu/2010:800#K4P3> rdfs:label "4 kap. 3 § skollagen (2010:800)" .
<http://metadata.un.org/sdg/4> rdfs:label "Goal 4"@en, "Mål 4"@sv .
<http://metadata.un.org/sdg/4.1> skos:prefLabel "Target 4.1"@en .
ex:kommun rdfs:label "Exby"@en .
"""


def turtle(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


@pytest.fixture(scope="module")
def profile():
    return profile_document(turtle(DOCUMENT), turtle(REFERENCE), "https://example.org/doc")


def test_profile_reads_kind_publisher_and_body(profile):
    assert profile.kind == "verksamhetsplan"
    assert profile.publisher == "https://example.org/kommun"
    assert profile.body == "https://example.org/namnd"
    assert sorted(map(tuple, profile.labels)) == [
        ("https://example.org/kommun", "Exby", "en"),
        ("https://example.org/kommun", "Exby kommun", "sv"),
        ("https://example.org/namnd", "Utbildningsnämnden", ""),
    ]
    assert profile.codes == [["https://example.org/kommun", "9999"]]
    assert profile.version == profile_version()


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("laws", {"https://lagen.nu/2010:800#K4P3": "4 kap. 3 § skollagen (2010:800)"}),
        # a Swedish label wins; a target known only by its English prefLabel keeps it
        ("sdg", {"http://metadata.un.org/sdg/4": "Mål 4", "http://metadata.un.org/sdg/4.1": "Target 4.1"}),
        ("kinds", {"mål": "mål", "prioriterat område": "prioriterat område", "aktivitet": "aktivitet"}),
        ("roles", {"rektor": "Rektor"}),
    ],
)
def test_profile_features_by_kind(profile, kind, expected):
    assert profile.features[kind] == expected


def test_features_of_another_document_are_not_mixed_in(profile):
    assert "https://lagen.nu/2010:800#K2" not in profile.features["laws"]


@pytest.mark.parametrize(
    ("a", "b", "score", "shared"),
    [
        ({"laws": {"x": "X", "y": "Y"}}, {"laws": {"x": "X2"}}, 0.5, {"laws": ["X"]}),
        ({"laws": {"x": "X"}, "roles": {"r": "R"}}, {"laws": {"x": "X"}}, 0.5, {"laws": ["X"]}),
        ({}, {}, 0.0, {}),
    ],
)
def test_overlap_is_mean_jaccard_over_kinds_either_has(a, b, score, shared):
    assert overlap(a, b) == (score, shared)


def test_profile_round_trips_through_json(profile):
    assert DocumentProfile.decode(profile.encode()) == profile


def test_label_graph_keeps_languages():
    graph = label_graph([["https://example.org/k", "Exby", "sv"], ["https://example.org/k", "X", ""]],
                        [["https://example.org/k", "9999"]])
    assert len(graph) == 3
    assert {(str(o), o.language) for o in graph.objects()} >= {("Exby", "sv"), ("X", None), ("9999", None)}


def test_fold():
    assert fold("  Ekby   Kommun ") == "ekby kommun"


# --- in a store ---------------------------------------------------------------------------------------------


def build(folder: Path, files: list[Path]):
    from app.pipeline import Services, add_files
    from graph.store import Store

    store = Store(folder)
    report = add_files(store, files, services=Services(store, use_model=False))
    assert report.ok and len(report.added) == len(files), report
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The three Ekby scorecards and a plan of another kommun."""
    return build(tmp_path_factory.mktemp("profiles") / "store", [*HISTORY, OTHER])


def test_add_writes_a_profile_beside_each_graph(store):
    for entry in store.documents().values():
        path = profile_path(store.folder / entry.graph_file)
        assert path.exists(), entry.source_file
        assert DocumentProfile.decode(path.read_bytes()).document == entry.document


def test_profile_at_ingest_is_the_one_made_from_the_stored_graph(store, tmp_path):
    import shutil

    from graph.store import Store

    copy = Store(tmp_path / "store")
    shutil.copytree(store.folder, copy.folder)
    for entry in copy.documents().values():
        path = profile_path(copy.folder / entry.graph_file)
        stored = path.read_bytes()
        path.unlink()
        remade = load_profile(copy, entry)
        assert remade == DocumentProfile.decode(stored), entry.source_file
        assert path.exists()  # written back


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Ekby", {p.name for p in HISTORY}),
        ("ekby kommun", {p.name for p in HISTORY}),
        ("grundskola ekby", {p.name for p in HISTORY}),  # the body of the scorecards
        ("Fjällby", {OTHER.name}),
        ("Ingenstans", set()),
        ("", set()),
    ],
)
def test_plan_documents_by_organisation_or_body(store, query, expected):
    index = ProfileIndex(store)
    try:
        files = index.plan_documents(query, ["styrkort", "verksamhetsplan"])
        assert {index.entries[f].source_file for f in files} == expected
        assert not index.plan_documents(query, ["protokoll"])
    finally:
        index.close()


def test_index_follows_the_manifest_and_stale_profiles_are_made_again(store, tmp_path, caplog):
    import logging
    import shutil

    from graph.store import Store

    copy = Store(tmp_path / "store")
    shutil.copytree(store.folder, copy.folder)
    (copy.folder / INDEX_FILE).unlink(missing_ok=True)
    entry = copy.documents()[OTHER.name]
    path = profile_path(copy.folder / entry.graph_file)
    data = json.loads(path.read_bytes())
    data["version"] = "0.old"
    path.write_text(json.dumps(data), "utf-8")
    with caplog.at_level(logging.INFO, logger="graph.profiles"):
        assert make_profiles(copy) == 4
    assert "other rules" in caplog.text
    assert json.loads(path.read_bytes())["version"] == profile_version()
    copy.remove(OTHER.name)
    assert not path.exists()  # swept with its graph
    index = ProfileIndex(copy)
    try:
        assert len(index.features()) == 3
        assert not index.plan_documents("Fjällby", ["verksamhetsplan"])
    finally:
        index.close()


def fake_embed(texts):
    """Deterministic vectors from the words of each text (no model)."""
    rows = []
    for text in texts:
        row = np.zeros(64, dtype=np.float32)
        for word in text.casefold().split():
            row[hash(word) % 64] += 1.0
        rows.append(row / max(np.linalg.norm(row), 1e-9))
    return np.array(rows, dtype=np.float32)


@pytest.mark.parametrize(
    ("query", "loaded"), [("Ekby", 3), ("Fjällby", 1), ("grundskola ekby", 3), ("kommun", 4)]
)
def test_history_from_the_plans_alone_is_the_whole_stores(store, query, loaded):
    from graph.chain import ChainGraph
    from graph.versions import series_for
    from search.history import build_history, history_json, store_chain

    whole = ChainGraph(store.dataset())
    part = store_chain(store, query)
    assert series_for(part, query) == series_for(whole, query)
    assert len(part.documents) == loaded  # only the documents the query can name are read
    old = history_json(build_history(whole, series_for(whole, query), fake_embed, query=query))
    new = history_json(build_history(part, series_for(part, query), fake_embed, query=query))
    assert new == old
