"""Document graphs of constructed documents: well-formed (SHACL) and holding what the extractions found."""

import json
from pathlib import Path

import pytest
from rdflib import RDF

from app.pipeline import load_context
from graph.iris import document_iri
from graph.rdf import build_document_graph, document_date
from graph.store import Store
from ingest.reader import read_document
from ontology import SK
from ontology.validate import validate_document_graph

FIXTURES = Path(__file__).parent / "fixtures"
PROTOCOLS = sorted(p for p in (FIXTURES / "protocol").iterdir() if p.suffix in (".txt", ".md"))


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    return load_context(Store(tmp_path_factory.mktemp("empty-store")))


@pytest.mark.parametrize("path", PROTOCOLS, ids=lambda p: p.name)
def test_protocol_graphs_are_well_formed_and_complete(path, context):
    expected = json.loads(path.with_suffix(".json").read_text("utf-8"))["meetings"]
    doc = read_document(path)
    graph = build_document_graph(doc, context)
    report = validate_document_graph(graph)
    assert report.conforms, report.text[:3000]
    items = set(graph.subjects(RDF.type, SK.AgendaItem))
    assert len(items) == sum(len(m["items"]) for m in expected)
    numbers = {str(graph.value(item, SK.paragraphNumber)) for item in items}
    assert numbers == {str(i["number"]) for m in expected for i in m["items"]}
    meetings = set(graph.subjects(RDF.type, SK.Meeting))
    assert len(meetings) == len(expected)
    for meeting in meetings:
        assert (meeting, SK.inDocument, document_iri(doc.source_file)) in graph


def test_document_date_prefers_the_decision_date_then_the_period():
    doc = read_document(Path(__file__).parent / "data" / "pdf" / "003_svenljunga_kvalitetsarbete.pdf")
    assert str(document_date(doc)) == "2025-04-01"
    doc.metadata.date = None
    doc.metadata.period = "2022/2023"
    assert str(document_date(doc)) == "2022-07-01"
