"""Nothing is lost: a failing extraction stage keeps the document, is recorded, and is retried by `build`."""

from pathlib import Path

import pytest
from rdflib import RDF
from rdflib.namespace import DCTERMS

from app.pipeline import add_files, build_corpus
from graph.iris import document_iri
from graph.rdf import Context, build_document
from graph.store import Store
from ingest.reader import read_document
from ontology import SK

# A constructed protocol: an item with a decision, a citation of skollagen and a list of goals inside the item
# (a project described to the nämnd). A protocol records decisions, not a plan: no plan elements come out.
PROTOCOL = """\
SAMMANTRÄDESPROTOKOLL
Barn- och utbildningsnämnden, Ekdala kommun
Sammanträdesdatum 2024-03-12

§ 12 Dnr BUN 2024/31
Projekt för bättre läsförståelse

Ärendebeskrivning
Förvaltningen redogör för projektet enligt 4 kap. 3 § skollagen.

Projektets mål:
- Mål 1: Alla elever läser med god förståelse i årskurs 3.
- Mål 2: Andelen elever med behörighet till gymnasiet ökar.

Aktiviteter:
- Läsombud utses på varje skola, ansvar rektor, klart VT25.

Beslut
Barn- och utbildningsnämnden godkänner informationen.
"""

# A constructed plan with the same kind of citation: plan elements do come out of it.
PLAN = """\
Verksamhetsplan 2024 för grundskolan i Ekdala kommun

Mål 1: Alla elever läser med god förståelse i årskurs 3.

Åtgärder för mål 1:
- Läsombud utses på varje skola. Ansvar: rektor. Klart: VT25.

Arbetet vilar på 4 kap. 3 § skollagen.
"""


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def _boom(doc, *args, **kwargs):
    """Stands in for an extractor bug that only one document's text triggers."""
    if "protokoll" in doc.source_file:
        raise IndexError("list index out of range")
    return []


def test_a_failing_stage_keeps_the_document_with_what_the_other_stages_found(tmp_path, monkeypatch):
    monkeypatch.setattr("graph.protocol.extract_protocol", _boom)
    doc = read_document(_write(tmp_path, "ekdala_bun_protokoll.txt", PROTOCOL))
    built = build_document(doc, Context())
    assert [f.stage for f in built.failures] == ["protocol"]
    assert "IndexError" in built.failures[0].error
    graph, iri = built.graph, document_iri(doc.source_file)
    assert (iri, RDF.type, SK.Document) in graph
    assert any(graph.subjects(RDF.type, SK.Passage))
    assert any(str(o).endswith("2010:800#K4P3") for o in graph.objects(None, DCTERMS.references))
    assert not any(graph.subjects(RDF.type, SK.Meeting)), "a failed stage adds nothing, not half a protocol"


def test_a_stage_that_fails_half_way_adds_nothing(tmp_path, monkeypatch):
    import graph.rdf as rdf

    def half_then_fail(self):
        self.graph.add((self.iri, SK.paragraphNumber, SK.Meeting))
        raise RuntimeError("broken after one triple")

    monkeypatch.setattr(rdf.DocumentGraphBuilder, "add_protocol", half_then_fail)
    doc = read_document(_write(tmp_path, "ekdala_bun_protokoll.txt", PROTOCOL))
    built = build_document(doc, Context())
    assert [f.stage for f in built.failures] == ["protocol"]
    assert (document_iri(doc.source_file), SK.paragraphNumber, SK.Meeting) not in built.graph


def test_the_manifest_records_the_failed_stage_and_the_next_build_retries_it(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    _write(corpus, "ekdala_bun_protokoll.txt", PROTOCOL)
    _write(corpus, "ekdala_verksamhetsplan.txt", PLAN)
    store = Store(tmp_path / "store")
    with monkeypatch.context() as patch:
        patch.setattr("graph.protocol.extract_protocol", _boom)
        report = build_corpus(store, corpus)
    assert report.ok and sorted(report.added) == ["ekdala_bun_protokoll.txt", "ekdala_verksamhetsplan.txt"]
    assert list(report.partial) == ["ekdala_bun_protokoll.txt"]
    entry = store.documents()["ekdala_bun_protokoll.txt"]
    assert list(entry.failed_stages) == ["protocol"]
    assert store.documents()["ekdala_verksamhetsplan.txt"].failed_stages == {}

    again = build_corpus(store, corpus)  # the extractor works again: the failed document is read again
    assert again.replaced == ["ekdala_bun_protokoll.txt"]
    assert again.unchanged == ["ekdala_verksamhetsplan.txt"]
    assert store.documents()["ekdala_bun_protokoll.txt"].failed_stages == {}
    graph = store.document_graph("ekdala_bun_protokoll.txt")
    assert any(graph.subjects(RDF.type, SK.AgendaItem))
    assert build_corpus(store, corpus).unchanged == sorted(
        ["ekdala_bun_protokoll.txt", "ekdala_verksamhetsplan.txt"]
    )


def test_cli_names_the_file_and_the_stage(tmp_path, monkeypatch, capsys):
    from app.cli import main

    monkeypatch.setattr("graph.protocol.extract_protocol", _boom)
    path = _write(tmp_path, "ekdala_bun_protokoll.txt", PROTOCOL)
    assert main(["--store", str(tmp_path / "store"), "add", str(path), "--no-model"]) == 0
    err = capsys.readouterr().err
    assert "ekdala_bun_protokoll.txt" in err and "protocol (IndexError" in err


PLAN_CLASSES = (SK.Goal, SK.PriorityArea, SK.Vision, SK.Strategy, SK.Activity, SK.Challenge)


@pytest.mark.parametrize(("name", "text", "expect_plan"), [
    ("ekdala_bun_protokoll.txt", PROTOCOL, False),
    ("ekdala_verksamhetsplan.txt", PLAN, True),
])
def test_a_protocol_yields_no_plan_elements(tmp_path, name, text, expect_plan):
    report = add_files(Store(tmp_path / "store"), [_write(tmp_path, name, text)])
    assert report.ok and not report.partial
    graph = Store(tmp_path / "store").document_graph(name)
    elements = [s for cls in PLAN_CLASSES for s in graph.subjects(RDF.type, cls)]
    assert bool(elements) is expect_plan, elements
    if not expect_plan:
        assert any(graph.subjects(RDF.type, SK.AgendaItem)), "the protocol's item is still read"


# A delegation list as protocols report it: decisions with dates, and decision makers. None of it is a plan.
DELEGATION = """\
SAMMANTRÄDESPROTOKOLL
Kommunstyrelsens verksamhetsutskott, Ekdala kommun
Sammanträdesdatum 2019-02-05

§ 2 Dnr KS 2019/2
Delegationsbeslut

Beslut
Delegationsbesluten noteras till protokollet.

| Ärende | Beslutsfattare | Datum |
|---|---|---|
| Beslut om skolskjuts enligt delegationsordningen punkt 12 | Rektor | 2018-12-20 |
| Förlängt vikariat inom förskolan | Förskolechef | 2019-01-15 |
| Yttrande till Skolinspektionen | Skolchef | december 2018 |
"""


def test_delegation_lists_in_protocols_give_no_plan_gaps(tmp_path):
    from graph.gaps import find_gaps

    store = Store(tmp_path / "store")
    report = add_files(store, [_write(tmp_path, "ekdala_ksvu_protokoll.md", DELEGATION)])
    assert report.ok and not report.partial
    gaps = find_gaps(store.dataset(), __import__("datetime").date(2026, 12, 2))
    assert [g for g in gaps if "ekdala_ksvu" in str(g.document)] == []
    # (read as a plan, the three rows were activities whose deadlines had passed: the bug on real protocols)
