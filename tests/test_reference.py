"""Reference data as RDF: skollagen paragraphs and versions, SDG goals and targets, kommuner and län."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS

from graph.iris import KOMMUNER_GRAPH, SDG_GRAPH, SKOLLAGEN_GRAPH, kommun_iri
from graph.reference import (
    SDG_SCHEME,
    kommuner_graph,
    lan_iri,
    load_json,
    load_reference_graphs,
    paragraph_label,
    provision_for_document,
    sdg_graph,
    skollagen_graph,
    version_key,
)
from ontology import RPUBL, SDGO, SK

XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")

REFERENCE = Path(__file__).resolve().parent.parent / "corpus/reference"
SKOLLAGEN = load_json(REFERENCE / "skollagen.json")
SDG_DATA = load_json(REFERENCE / "sdg.json")
KOMMUNER = load_json(REFERENCE / "kommuner.json")
RECORDS = SKOLLAGEN["paragraphs"]
LAW = URIRef("https://lagen.nu/2010:800")
K4P3 = URIRef("https://lagen.nu/2010:800#K4P3")


@pytest.fixture(scope="module")
def skollagen():
    return skollagen_graph(SKOLLAGEN)


@pytest.fixture(scope="module")
def sdg():
    return sdg_graph(SDG_DATA)


@pytest.fixture(scope="module")
def kommuner():
    return kommuner_graph(KOMMUNER)


# --- skollagen ---------------------------------------------------------------------------------------------


def test_paragraph_node_has_label_text_and_parts(skollagen):
    g = skollagen
    assert (K4P3, RDF.type, RPUBL.Paragraf) in g
    assert g.value(K4P3, RDFS.label) == Literal("4 kap. 3 § skollagen (2010:800)")
    assert "systematiskt och kontinuerligt planera" in str(g.value(K4P3, SK.text))
    chapter = URIRef("https://lagen.nu/2010:800#K4")
    assert set(g.objects(K4P3, DCTERMS.isPartOf)) == {chapter, LAW}
    assert g.value(chapter, RDFS.label) == Literal("4 kap. Kvalitet och inflytande")
    assert (chapter, RDF.type, RPUBL.Kapitel) in g
    assert g.value(LAW, RDFS.label) == Literal("Skollag (2010:800)")


def test_one_paragraph_node_per_distinct_paragraph_with_lettered_iris(skollagen):
    paragraphs = set(skollagen.subjects(RDF.type, RPUBL.Paragraf))
    assert len(paragraphs) == SKOLLAGEN["metadata"]["counts"]["distinct_paragraphs"] == 1028
    assert URIRef("https://lagen.nu/2010:800#K29P19a") in paragraphs
    assert URIRef("https://lagen.nu/2010:800#K6aP2") in paragraphs
    label = skollagen.value(URIRef("https://lagen.nu/2010:800#K29P19a"), RDFS.label)
    assert label == Literal("29 kap. 19 a § skollagen (2010:800)")
    assert paragraph_label("29", "29a") == "29 kap. 29 a § skollagen (2010:800)"
    assert len(set(skollagen.subjects(RDF.type, RPUBL.Kapitel))) == 32


def test_every_record_is_a_version_node_with_its_dates(skollagen):
    versions = set(skollagen.subjects(DCTERMS.isVersionOf, None))
    assert len(versions) == len(RECORDS) == 1144
    dated = [r for r in RECORDS if r.get("valid_until")]
    assert len(list(skollagen.subject_objects(SK.validUntil))) == len(dated)
    p2 = URIRef("https://lagen.nu/2010:800#K9P2")
    (version,) = skollagen.objects(p2, DCTERMS.hasVersion)
    assert skollagen.value(version, SK.validUntil) == Literal("2026-07-01", datatype=XSD_DATE)
    assert str(skollagen.value(version, SK.text)).startswith("Förskoleklassen ska")


def test_provision_text_follows_the_graph_date():
    late = skollagen_graph(SKOLLAGEN)  # reference date 2026-11-23: chapter 9 has ceased
    early = skollagen_graph(SKOLLAGEN, on=date(2025, 1, 1))
    p2 = URIRef("https://lagen.nu/2010:800#K9P2")
    assert late.value(p2, SK.text) is None
    assert early.value(p2, SK.text) is not None
    k1p1 = URIRef("https://lagen.nu/2010:800#K1P1")  # förskoleklass dropped from the list of skolformer
    assert "förskoleklass," in str(early.value(k1p1, SK.text))
    assert "förskoleklass," not in str(late.value(k1p1, SK.text))


def test_version_keys_are_unique_per_paragraph():
    seen = {}
    for r in RECORDS:
        seen.setdefault((r["kap"], r["paragraf"]), []).append(version_key(r))
    duplicated = {k: v for k, v in seen.items() if len(set(v)) != len(v)}
    assert not duplicated


@pytest.mark.parametrize(
    ("chapter", "paragraph", "on", "in_force", "text_starts"),
    [
        ("4", "3", date(2023, 1, 1), True, "Varje huvudman"),
        ("9", "2", date(2025, 1, 1), True, "Förskoleklassen"),
        ("9", "2", date(2026, 11, 23), False, None),
        ("9", "2", date(2026, 6, 30), True, "Förskoleklassen"),
        ("4", "3", date(2010, 1, 1), False, None),  # before skollagen 2010:800 applied
        ("99", "1", date(2025, 1, 1), None, None),  # not in the data
    ],
)
def test_provision_for_document(chapter, paragraph, on, in_force, text_starts):
    label, text, status = provision_for_document(RECORDS, chapter, paragraph, on)
    assert label == paragraph_label(chapter, paragraph)
    assert status is in_force
    assert (text or "").startswith(text_starts or "")
    assert (text is None) == (text_starts is None)


def test_chapter_9_is_not_in_force_late_but_is_early():
    chapter9 = {r["paragraf"] for r in RECORDS if r["kap"] == "9"}
    repealed = {r["paragraf"] for r in RECORDS if r["kap"] == "9" and r.get("status") == "upphävd"}
    assert len(chapter9) == 28 and len(repealed) < 5
    for par in chapter9 - repealed:
        assert provision_for_document(RECORDS, "9", par, date(2026, 11, 23)).in_force is False
        assert provision_for_document(RECORDS, "9", par, date(2025, 1, 1)).in_force is True


def test_provision_without_date_takes_the_current_version():
    label, text, status = provision_for_document(RECORDS, "4", "3", None)
    assert status is True and text.startswith("Varje huvudman")


# --- Agenda 2030 -------------------------------------------------------------------------------------------


def test_sdg_counts_and_classes(sdg):
    goals = set(sdg.subjects(RDF.type, SDGO.Goal))
    targets = set(sdg.subjects(RDF.type, SDGO.Target))
    assert len(goals) == 17
    assert len(targets) == 169
    assert all((t, SKOS.inScheme, SDG_SCHEME) in sdg for t in goals | targets)
    assert all(sdg.value(t, SKOS.broader) in goals for t in targets)
    assert (SDG_SCHEME, RDF.type, SKOS.ConceptScheme) in sdg


def test_sdg_texts_english_always_swedish_where_known(sdg):
    goal4, target41 = URIRef("http://metadata.un.org/sdg/4"), URIRef("http://metadata.un.org/sdg/4.1")
    labels = {lit.language: str(lit) for lit in sdg.objects(goal4, SKOS.prefLabel)}
    assert labels == {"en": "Quality education", "sv": "God utbildning för alla"}
    assert sdg.value(goal4, SKOS.notation) == Literal("4")
    assert sdg.value(target41, SKOS.notation) == Literal("4.1")
    assert sdg.value(target41, SKOS.broader) == goal4
    definitions = {lit.language for lit in sdg.objects(target41, SKOS.definition)}
    assert definitions == {"en", "sv"}
    target4a = URIRef("http://metadata.un.org/sdg/4.a")
    assert {lit.language for lit in sdg.objects(target4a, SKOS.definition)} == {"en"}
    for node in set(sdg.subjects(RDF.type, SDGO.Target)) | set(sdg.subjects(RDF.type, SDGO.Goal)):
        assert any(lit.language == "en" for lit in sdg.objects(node, SKOS.prefLabel)), node


# --- kommuner ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("0562", "Finspångs kommun"),
        ("1465", "Svenljunga kommun"),
        ("1864", "Ljusnarsbergs kommun"),
        ("2514", "Kalix kommun"),
        ("2080", "Falu kommun"),
    ],
)
def test_kommun_nodes(kommuner, code, label):
    node = kommun_iri(code)
    assert (node, RDF.type, ORG.Organization) in kommuner
    assert kommuner.value(node, RDFS.label) == Literal(label)
    assert kommuner.value(node, SK.kommunkod) == Literal(code)
    lan = kommuner.value(node, ORG.subOrganizationOf)
    assert lan == lan_iri(code[:2])
    assert str(kommuner.value(lan, RDFS.label)).endswith("län")


def test_kommun_and_laen_counts(kommuner):
    assert len(set(kommuner.subjects(SK.kommunkod, None))) == 290
    lans = {kommuner.value(k, ORG.subOrganizationOf) for k in kommuner.subjects(SK.kommunkod, None)}
    assert len(lans) == 21
    assert kommuner.value(lan_iri("05"), RDFS.label) == Literal("Östergötlands län")
    assert Literal("Göteborgs Stad") in set(kommuner.objects(kommun_iri("1480"), SKOS.altLabel))


# --- loading -----------------------------------------------------------------------------------------------


def test_load_reference_graphs_is_quick_enough():
    start = time.perf_counter()
    graphs = load_reference_graphs(REFERENCE)
    elapsed = time.perf_counter() - start
    assert set(graphs) == {SKOLLAGEN_GRAPH, SDG_GRAPH, KOMMUNER_GRAPH}
    assert elapsed < 5.0  # about 0.3 s on the 2-core dev machine; loaded at every store open


def test_missing_files_are_skipped(tmp_path):
    (tmp_path / "sdg.json").write_text(json.dumps(SDG_DATA), encoding="utf-8")
    assert set(load_reference_graphs(tmp_path)) == {SDG_GRAPH}


def test_graphs_can_be_built_straight_into_a_dataset():
    from rdflib import Dataset

    dataset = Dataset()
    graphs = load_reference_graphs(REFERENCE, dataset=dataset)
    assert len(dataset.graph(SDG_GRAPH)) == len(sdg_graph(SDG_DATA)) > 0
    assert graphs[KOMMUNER_GRAPH].identifier == KOMMUNER_GRAPH
    assert len(dataset.graph(SKOLLAGEN_GRAPH)) > 10000
