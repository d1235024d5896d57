"""Inferred Agenda 2030 links: pure scoring, graph writing, and the real model on a corpus plan."""

import json
from pathlib import Path

import numpy as np
import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS

from graph.alignments import Alignment, add_alignments, statements_to_align
from ontology import SK
from search.alignment import (
    Calibration,
    Target,
    confidence,
    links_from_scores,
    load_calibration,
    score_matrix,
    sdg_targets,
)

ROOT = Path(__file__).resolve().parent.parent
DOC = URIRef("https://w3id.org/styrkedja/id/doc/plan-pdf")


def test_zscore_picks_the_target_that_stands_out():
    targets = [Target(str(i), f"http://metadata.un.org/sdg/{i}", "") for i in range(5)]
    vectors = np.eye(5, dtype=np.float32)
    query = np.array([[0.1, 0.1, 0.9, 0.1, 0.1]], dtype=np.float32)
    scores, cosines = score_matrix(query, vectors, "zscore")
    links = links_from_scores(scores, cosines, targets, Calibration("zscore", 1.5, 3))
    assert [link.code for link in links[0]] == ["2"]
    flat = np.full((1, 5), 0.5, dtype=np.float32)
    scores, cosines = score_matrix(flat, vectors, "zscore")
    assert links_from_scores(scores, cosines, targets, Calibration("zscore", 1.5, 3)) == [[]]


def test_confidence_is_half_at_the_threshold_and_within_0_1():
    calibration = Calibration("zscore", 3.0)
    assert confidence(3.0, calibration) == pytest.approx(0.5)
    assert 0.5 < confidence(4.0, calibration) < 1.0
    assert 0.0 < confidence(2.0, calibration) < 0.5


def test_calibration_file_is_valid():
    calibration = load_calibration()
    assert calibration.method in ("zscore", "cosine")
    assert calibration.max_links >= 1


def test_every_target_has_a_text_with_its_goal():
    targets = sdg_targets(json.loads((ROOT / "corpus/reference/sdg.json").read_text("utf-8")))
    assert len(targets) == 169
    four_one = next(t for t in targets if t.code == "4.1")
    assert four_one.text.startswith("Quality education / God utbildning för alla:")


def test_alignments_are_nodes_never_bare_references():
    g = Graph()
    goal = URIRef(f"{DOC}/goal/1")
    g.add((goal, RDF.type, SK.Goal))
    g.add((goal, RDFS.label, Literal("Alla elever ska nå kunskapskraven")))
    g.add((goal, SK.inDocument, DOC))
    assert statements_to_align(g, DOC) == [(goal, "Alla elever ska nå kunskapskraven")]
    target = URIRef("http://metadata.un.org/sdg/4.1")
    add_alignments(g, DOC, [Alignment(goal, target, 0.73, "embedding")])
    add_alignments(g, DOC, [Alignment(goal, target, 0.75, "embedding")])  # replaced, not doubled
    (node,) = list(g.subjects(RDF.type, SK.Alignment))
    assert g.value(node, SK["from"]) == goal and g.value(node, SK.to) == target
    assert float(g.value(node, SK.score)) == 0.75
    assert str(g.value(node, SK.method)) == "embedding"
    assert (None, DCTERMS.references, target) not in g
    with pytest.raises(ValueError):
        add_alignments(g, DOC, [Alignment(goal, target, 0.5, "guess")])


@pytest.mark.model
def test_real_alignments_on_a_corpus_plan_pass_shacl(tmp_path):
    from app.pipeline import Services, ingest_file, load_context
    from graph.store import Store
    from ontology.validate import validate_document_graph

    store = Store(tmp_path / "store")
    plan = ROOT / "corpus/003_svenljunga_kvalitetsarbete.pdf"
    status, _, failures = ingest_file(store, plan, load_context(store), services=Services(store))
    assert status == "added" and failures == []
    graph = store.document_graph("003_svenljunga_kvalitetsarbete.pdf")
    alignments = list(graph.subjects(RDF.type, SK.Alignment))
    assert alignments, "a plan about education links to some SDG 4 target"
    assert any(str(graph.value(a, SK.to)).startswith("http://metadata.un.org/sdg/4.") for a in alignments)
    report = validate_document_graph(graph)
    assert report.conforms, report.text[:2000]
    # Target vectors are cached in the store: a second aligner does not embed them again.
    assert list((tmp_path / "store" / "search").glob("sdg-targets-*.npy"))
