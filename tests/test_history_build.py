"""The history of an organisation's plans from a graph (search/history.py over graph/versions.py), with a fake
embedding: versions found and ordered, a step's kept / reworded / added / dropped with quotes and pages, a
version whose plan structure was not read, the JSON and the text."""

from __future__ import annotations

import zlib

import numpy as np
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from graph.chain import ChainGraph
from graph.versions import series_for, series_of
from ontology import DOCTYPE, SK
from search.history import Calibration, build_history, history_for, history_json, render_history

ORG = URIRef("https://example.org/org/ekby")
BODY = URIRef("https://example.org/body/un")
CALIBRATION = Calibration("cosine", 0.75)


def embed(texts) -> np.ndarray:
    """Bag of words, hashed: texts that share most words are close; no model."""
    rows = np.zeros((len(texts), 64), dtype=np.float32)
    for row, text in zip(rows, texts, strict=True):
        for word in text.casefold().split():
            row[zlib.crc32(word.encode()) % 64] += 1.0
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


def document(g: Graph, name: str, title: str, period: str, goals: list[str], read: bool = True,
             kind: str = "styrkort") -> None:
    doc = URIRef(f"https://example.org/doc/{name}")
    g.add((doc, RDF.type, SK.Document))
    g.add((doc, SK.sourceFile, Literal(name)))
    g.add((doc, DCTERMS.title, Literal(title)))
    g.add((doc, DCTERMS.temporal, Literal(period)))
    g.add((doc, SK.documentType, DOCTYPE[kind]))
    g.add((doc, DCTERMS.publisher, ORG))
    g.add((doc, SK.issuedBy, BODY))
    g.add((doc, SK.planStructureRead, Literal(read)))
    for number, text in enumerate(goals, start=1):
        node, passage = URIRef(f"{doc}/goal/{number}"), URIRef(f"{doc}/passage/{number}")
        g.add((passage, RDF.type, SK.Passage))
        g.add((passage, SK.inDocument, doc))
        g.add((passage, SK.text, Literal(f"{text} | indikator | 80")))
        g.add((passage, SK.page, Literal(number)))
        g.add((node, RDF.type, SK.PriorityArea if number > 1 else SK.Goal))
        g.add((node, SK.inDocument, doc))
        g.add((node, RDFS.label, Literal(text)))
        g.add((node, PROV.wasDerivedFrom, passage))


def graph(read_last: bool = True) -> ChainGraph:
    g = Graph()
    g.add((ORG, RDFS.label, Literal("Ekby kommun")))
    g.add((ORG, SK.kommunkod, Literal("9999")))
    g.add((BODY, RDFS.label, Literal("Utbildningsnämnden")))
    document(g, "b.pdf", "Styrkort skola 2022", "2022",
             ["En god skola för alla", "Alla elever når målen i alla ämnen i skolan", "Nya lokaler byggs"])
    document(g, "a.pdf", "Styrkort skola 2021", "2021",
             ["En god skola för alla", "Alla elever når målen i alla ämnen", "Skolan samverkar med hemmen"])
    document(g, "c.pdf", "Styrkort skola 2023–2026", "2023–2026", ["Något helt annat"], read=read_last)
    document(g, "x.pdf", "Verksamhetsplan skola 2022", "2022", ["En god skola för alla"],
             kind="verksamhetsplan")
    return ChainGraph(g)


def test_versions_are_found_and_ordered():
    found = series_for(graph(), "ekby")
    assert [[v.source_file for v in s.versions] for s in found] == [["a.pdf", "b.pdf", "c.pdf"], ["x.pdf"]]
    assert series_of(graph(), str(ORG), str(BODY))[0].name == "Styrkort skola"
    assert series_of(graph(), str(ORG), "https://example.org/body/other") == []


def test_a_step_keeps_rewords_adds_and_drops():
    history = history_for(graph(), "Utbildningsnämnden", embed, CALIBRATION)
    assert history.organisation == "Ekby kommun"
    first = history.changes[0]
    assert [b.label for _, b in first.kept] == ["En god skola för alla"]
    assert [(a.label, b.label) for a, b, _ in first.reworded] == [
        ("Alla elever når målen i alla ämnen", "Alla elever når målen i alla ämnen i skolan")]
    assert [e.label for e in first.added] == ["Nya lokaler byggs"]
    assert [e.label for e in first.dropped] == ["Skolan samverkar med hemmen"]
    assert first.dropped[0].page == 3 and "indikator" in first.dropped[0].quote


def test_an_unread_version_is_not_compared():
    history = build_history(graph(read_last=False), series_for(graph(read_last=False), "9999"), embed,
                            CALIBRATION)
    last = history.changes[-1]
    assert not last.compared and not (last.kept or last.reworded or last.added or last.dropped)
    assert "Planens struktur kunde inte läsas" in render_history(history)
    assert history_json(history)["versions"][-1]["structure_read"] is False


def test_json_follows_the_contract():
    data = history_json(history_for(graph(), "Ekby kommun", embed, CALIBRATION))
    assert set(data) >= {"organisation", "versions", "changes", "threshold"}
    assert data["threshold"] == 0.75
    assert set(data["versions"][0]) >= {"document", "source_file", "title", "period"}
    change = data["changes"][0]
    assert set(change) >= {"from", "to", "kept", "reworded", "added", "dropped"}
    assert change["from"] == "https://example.org/doc/a.pdf"
    assert set(change["reworded"][0]) == {"before", "after", "score"}
    assert set(change["reworded"][0]["before"]) >= {"label", "quote", "page"}
    assert len(data["changes"]) == 2  # a single-version series (the verksamhetsplan) has none


def test_text_output_names_each_kind_of_change():
    text = render_history(history_for(graph(), "Ekby", embed, CALIBRATION))
    assert "Kvar (1):" in text and "Omformulerat (1):" in text
    assert "+ Nya lokaler byggs (s. 3)" in text and "- Skolan samverkar med hemmen (s. 3)" in text


def test_the_view_names_versions_that_share_a_period_by_file():
    from app.explorer.views.tidslinje import version_labels

    versions = [{"document": "d1", "period": "2017-2019", "source_file": "a.pdf"},
                {"document": "d2", "period": "2017-2019", "source_file": "b.pdf"},
                {"document": "d3", "period": None, "date": "2020-02-01", "source_file": "c.pdf"}]
    assert version_labels(versions) == {
        "d1": "2017-2019 (a.pdf)", "d2": "2017-2019 (b.pdf)", "d3": "2020-02-01"}
