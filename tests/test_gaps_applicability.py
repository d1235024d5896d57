"""Gaps only where they are true: which kinds a document gets by type, by what it declares, and not at all for
a plan whose structure was not read (listed as "unread" in `gaps`, `gaps --json` and the Luckor view).

Every graph is constructed (tests/fixtures/chain, tests/fixtures/gaps); no real document text.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS, XSD

from app.cli import main
from graph.chain import ChainGraph
from graph.gaps import (
    KINDS,
    document_kinds,
    find_gaps,
    gap_settings,
    gaps_json,
    render_gaps,
    unit_document,
    unread_documents,
    unread_reason,
)
from graph.iris import document_graph
from graph.store import DocumentEntry, Store
from ontology import SK

ROOT = Path(__file__).resolve().parent.parent
CHAIN = ROOT / "tests" / "fixtures" / "chain"
FIXTURES = ROOT / "tests" / "fixtures" / "gaps"
PLAN = "https://w3id.org/styrkedja/id/doc/norrvik-kvalitetsplan-pdf"
PROTOCOL = "https://w3id.org/styrkedja/id/doc/norrvik-protokoll-txt"
UNREAD = "https://w3id.org/styrkedja/id/doc/sjobacka-kvalitetsplan-pdf"
SCORECARD = "https://w3id.org/styrkedja/id/doc/ekdala-styrkort-pdf"
DOCTYPE = "https://w3id.org/styrkedja/doctype/"
TODAY = dt.date(2025, 3, 1)
PREFIX = "planens struktur kunde inte läsas"


def load(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path)
    return graph


def retype(graph: Graph, document: str, notation: str) -> Graph:
    """Give a document another document type (skos:notation)."""
    kind = URIRef(DOCTYPE + notation)
    graph.set((URIRef(document), SK.documentType, kind))
    graph.set((kind, SKOS.notation, Literal(notation)))
    return graph


# --- by type, declaration and flag (a case table) -----------------------------------------------------------

CASES = json.loads((FIXTURES / "kinds.json").read_text("utf-8"))["cases"]


def _case_graph(case: dict) -> Graph:
    graph = retype(load(CHAIN / "plan.ttl"), PLAN, case["type"])
    if "read" in case:
        graph.add((URIRef(PLAN), SK.planStructureRead, Literal(case["read"])))
    if "heading" in case:
        passage = URIRef(f"{PLAN}/p/99")
        graph.add((passage, RDF.type, SK.Passage))
        graph.add((passage, SK.inDocument, URIRef(PLAN)))
        graph.add((passage, SK.section, Literal(case["heading"])))
        graph.add((passage, SK.text, Literal("Här beskrivs hur arbetet går till under året.")))
    return graph


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_kinds_by_type_declaration_and_flag(case):
    graph = _case_graph(case)
    assert set(case["kinds"]) <= set(KINDS)
    found = {g.kind for g in find_gaps(graph, TODAY) if g.document == PLAN}
    assert found == set(case["kinds"])
    assert document_kinds(ChainGraph(graph), PLAN) >= found


def test_every_document_type_of_the_glossary_has_a_decided_row():
    decided = set(gap_settings()["applies"])
    for notation in ("verksamhetsplan", "kvalitetsplan", "uppdragsbeskrivning", "presentation", "protokoll",
                     "tjansteskrivelse", "affarsplan", "styrkort", "arsbokslut", "kvalitetsrapport",
                     "namndbudget", "intern_kontrollplan", "beslut"):
        assert notation in decided, f"{notation}: no row in [applies] of graph/gaps.toml"
    for kinds in gap_settings()["applies"].values():
        assert set(kinds) <= set(KINDS) | {"*"}
    assert set(gap_settings()["unread"]["plan_kinds"]) == set(KINDS) - {"citation_not_in_force"}


# --- goals without work: the frame of a plan and its own sections ------------------------------------------

GOAL_CASES = json.loads((FIXTURES / "goals.json").read_text("utf-8"))["cases"]
CASE_DOC = "https://w3id.org/styrkedja/id/doc/case-plan-pdf"


def _goal_graph(case: dict) -> Graph:
    graph = Graph()
    doc = URIRef(CASE_DOC)
    kind = URIRef(DOCTYPE + "kvalitetsplan")
    graph.add((doc, RDF.type, SK.Document))
    graph.add((doc, SK.sourceFile, Literal("case_plan.pdf")))
    graph.add((doc, SK.documentType, kind))
    graph.add((kind, SKOS.notation, Literal("kvalitetsplan")))
    for index, element in enumerate(case["elements"]):
        node = URIRef(f"{CASE_DOC}/{element['id']}")
        graph.add((node, RDF.type, SK[element["type"]]))
        graph.add((node, RDFS.label, Literal(element.get("label", f"Element {element['id']}"))))
        graph.add((node, SK.inDocument, doc))
        if element["at"] is not None:
            graph.add((node, SK.charStart, Literal(element["at"])))
        if element["section"] is not None:
            passage = URIRef(f"{CASE_DOC}/p/{index}")
            graph.add((passage, RDF.type, SK.Passage))
            graph.add((passage, SK.inDocument, doc))
            graph.add((passage, SK.section, Literal(element["section"])))
            graph.add((passage, SK.text, Literal(f"Element {element['id']}.")))
            graph.add((node, PROV.wasDerivedFrom, passage))
        for target in element.get("to", []):
            graph.add((node, SK.contributesTo, URIRef(f"{CASE_DOC}/{target}")))
    return graph


@pytest.mark.parametrize("case", GOAL_CASES, ids=[c["name"] for c in GOAL_CASES])
def test_goal_without_activity_cases(case):
    gaps = find_gaps(_goal_graph(case), TODAY, kinds=["goal_without_activity"])
    assert sorted(g.node.removeprefix(CASE_DOC + "/") for g in gaps) == sorted(case["reported"])


@pytest.mark.parametrize("aim, answered", [
    ("Andelen behöriga lärare i matematik ska öka", True),
    ("Fler behöriga lärare anställs", False),  # half of the finding's words: not a restatement
    ("Alla elever känner sig trygga", False),
])
def test_a_challenge_restated_as_a_goal_is_answered(aim, answered):
    graph = load(CHAIN / "plan.ttl")
    goal = URIRef(f"{PLAN}/goal/9")
    graph.add((goal, RDF.type, SK.Goal))
    graph.add((goal, RDFS.label, Literal(aim)))
    graph.add((goal, SK.inDocument, URIRef(PLAN)))
    gaps = find_gaps(graph, TODAY, kinds=["challenge_without_strategy"])
    assert ({g.node for g in gaps} == set()) is answered
    assert {g.node for g in gaps} <= {f"{PLAN}/challenge/2"}


# --- a scorecard ----------------------------------------------------------------------------------------


def test_a_scorecard_gets_no_goal_deadline_or_law_gaps():
    assert find_gaps(load(FIXTURES / "styrkort.ttl"), TODAY) == []


def test_the_same_graph_read_as_a_kvalitetsplan_would_get_them():
    graph = retype(load(FIXTURES / "styrkort.ttl"), SCORECARD, "kvalitetsplan")
    kinds = {g.kind for g in find_gaps(graph, TODAY)}
    # (no goal gaps even so: with no strategy or activity at all, nothing shows how goals were to be served)
    assert kinds == {"law_duty_unaddressed", "deadline_passed"}


def test_the_kvalitetsplan_still_gets_its_law_duty_and_goal_gaps():
    gaps = find_gaps(load(CHAIN / "plan.ttl"), TODAY)
    assert {g.node for g in gaps if g.kind == "law_duty_unaddressed"} == {"https://lagen.nu/2010:800#K4P8"}
    assert {g.node for g in gaps if g.kind == "goal_without_activity"} == {f"{PLAN}/priority-area/2"}


# --- a school unit's own document: not held to the huvudman's duties --------------------------------------

UNITS = json.loads((FIXTURES / "units.json").read_text("utf-8"))["cases"]
HUVUDMAN_DUTIES = {"https://lagen.nu/2010:800#K4P3", "https://lagen.nu/2010:800#K4P7",
                   "https://lagen.nu/2010:800#K4P8"}


def _titled(case: dict) -> Graph:
    graph = load(CHAIN / "plan.ttl")
    doc = URIRef(PLAN)
    graph.set((doc, DCTERMS.title, Literal(case["title"])))
    if "body" in case:
        body = URIRef(f"{PLAN}/body")
        graph.add((doc, SK.issuedBy, body))
        graph.add((body, RDFS.label, Literal(case["body"])))
    if "publisher" in case:
        graph.set((URIRef("https://w3id.org/styrkedja/id/org/norrviks-kommun"), RDFS.label,
                   Literal(case["publisher"])))
    return graph


@pytest.mark.parametrize("case", UNITS, ids=[c["title"][:40] for c in UNITS])
def test_unit_documents(case):
    assert unit_document(ChainGraph(_titled(case)), PLAN) is case["unit"]


def test_a_units_plan_is_not_held_to_the_huvudmans_duties():
    # without the explicit 4 kap. 3 § citation and the complaints routine, a huvudman's plan lacks 3 § and 8 §
    graph = load(CHAIN / "plan.ttl")
    graph.remove((None, DCTERMS.references, URIRef("https://lagen.nu/2010:800#K4P3")))
    huvudman = {g.node for g in find_gaps(graph, TODAY, kinds=["law_duty_unaddressed"])}
    assert {"https://lagen.nu/2010:800#K4P3", "https://lagen.nu/2010:800#K4P8"} <= huvudman
    graph.set((URIRef(PLAN), DCTERMS.title, Literal("Kvalitetsplan för Ekdalaskolan 2024/2025")))
    unit = {g.node for g in find_gaps(graph, TODAY, kinds=["law_duty_unaddressed"])}
    assert unit == huvudman - HUVUDMAN_DUTIES


# --- protocols: no deadline gaps from delegation lists or commissions --------------------------------------


def test_a_protocol_gets_no_deadline_gaps_from_delegation_lists_or_commissions():
    graph = load(CHAIN / "protocol.ttl")
    doc = URIRef(PROTOCOL)
    # a delegation list read as activities (the old bug) and a commission with a passed due date
    for index, (label, due) in enumerate([("Beslut om skolskjuts enligt delegation", "2024-01-31"),
                                          ("Anställning av rektor enligt delegation", "2024-02-15")]):
        row = URIRef(f"{PROTOCOL}/activity/{10 + index}")
        graph.add((row, RDF.type, SK.Activity))
        graph.add((row, RDFS.label, Literal(label)))
        graph.add((row, SK.inDocument, doc))
        graph.add((row, SK.dueDate, Literal(due, datatype=XSD.date)))
    task = URIRef(f"{PROTOCOL}/item/1/commission/0")
    graph.add((task, RDF.type, SK.Commission))
    graph.add((task, RDFS.label, Literal("ta fram en plan för skolskjutsarna")))
    graph.add((task, SK.inDocument, doc))
    graph.add((task, SK.deadline, Literal("januari 2025")))
    graph.add((task, SK.dueDate, Literal("2025-01-31", datatype=XSD.date)))
    graph.add((task, PROV.wasDerivedFrom, URIRef(f"{PROTOCOL}/p/0")))
    gaps = [g for g in find_gaps(graph, TODAY) if g.document == PROTOCOL]
    assert {g.kind for g in gaps} == {"citation_not_in_force"}


# --- a plan whose structure was not read ------------------------------------------------------------------


@pytest.fixture(scope="module")
def unread_graph() -> Graph:
    graph = load(FIXTURES / "unread.ttl")
    graph += load(CHAIN / "plan.ttl")
    return graph


def test_an_unread_plan_gets_no_plan_gaps(unread_graph):
    gaps = [g for g in find_gaps(unread_graph, TODAY) if g.document == UNREAD]
    assert [g.kind for g in gaps] == ["citation_not_in_force"]
    read_plan = {g.kind for g in find_gaps(unread_graph, TODAY) if g.document == PLAN}
    assert "goal_without_activity" in read_plan  # the other plan of the store is untouched


def test_the_same_plan_read_gets_them(unread_graph):
    graph = Graph()
    graph += unread_graph
    graph.set((URIRef(UNREAD), SK.planStructureRead, Literal(True)))
    kinds = {g.kind for g in find_gaps(graph, TODAY) if g.document == UNREAD}
    assert {"goal_without_activity", "activity_without_owner", "activity_without_deadline", "deadline_passed",
            "sdg_without_activity", "law_duty_unaddressed"} <= kinds


def test_unread_documents_with_reason(unread_graph):
    unread = unread_documents(unread_graph)
    assert [(u.document, u.source_file) for u in unread] == [(UNREAD, "sjobacka_kvalitetsplan.pdf")]
    assert unread[0].reason.startswith(PREFIX + ": inga rubriker")
    assert unread_documents(unread_graph, document=PLAN) == []
    assert unread_documents(load(CHAIN / "plan.ttl")) == []  # no flag: read (stores built before the flag)


@pytest.mark.parametrize("notation", ["styrkort", "tjansteskrivelse", "protokoll", "arsbokslut"])
def test_a_genre_without_plan_gaps_is_not_listed_as_unread(unread_graph, notation):
    graph = retype(Graph() + unread_graph, UNREAD, notation)
    assert unread_documents(graph) == []
    assert {g.kind for g in find_gaps(graph, TODAY) if g.document == UNREAD} == {"citation_not_in_force"}


@pytest.mark.parametrize("note, reason", [
    (None, PREFIX),
    ("", PREFIX),
    ("  för få   rubriker ", PREFIX + ": för få rubriker"),
    ("Planens struktur kunde inte läsas: inga tabeller", "Planens struktur kunde inte läsas: inga tabeller"),
])
def test_unread_reason(note, reason):
    assert unread_reason(note) == reason


def test_gaps_json_has_the_contract_shape(unread_graph):
    data = gaps_json(find_gaps(unread_graph, TODAY), unread_documents(unread_graph))
    assert set(data) == {"gaps", "unread"}
    for gap in data["gaps"]:
        assert set(gap) == {"kind", "severity", "document", "node", "message", "evidence"}
        assert gap["kind"] in KINDS and gap["severity"] in ("high", "medium", "low")
        assert gap["node"] is None or isinstance(gap["node"], str)
        assert isinstance(gap["message"], str) and all(isinstance(e, str) for e in gap["evidence"])
    assert len(data["unread"]) == 1
    item = data["unread"][0]
    assert set(item) == {"document", "source_file", "reason"}
    assert all(isinstance(v, str) for v in item.values())
    assert item["document"] == UNREAD and item["reason"].startswith(PREFIX)
    assert not [g for g in data["gaps"] if g["document"] == UNREAD and g["kind"] != "citation_not_in_force"]
    json.dumps(data)


def test_text_report_lists_the_unread_documents(unread_graph):
    chain = ChainGraph(unread_graph)
    text = render_gaps(find_gaps(chain, TODAY), chain, unread_documents(chain))
    heading = gap_settings()["unread"]["heading"]
    assert heading.startswith("Dokument vars planstruktur inte kunde läsas")
    head, _, tail = text.partition(heading)
    assert "norrvik_kvalitetsplan.pdf —" in head and tail
    assert f"  sjobacka_kvalitetsplan.pdf: {PREFIX}: inga rubriker" in tail
    only_unread = render_gaps([], chain, unread_documents(chain))
    assert only_unread.startswith("Inga brister hittades i styrkedjan.") and heading in only_unread
    assert heading not in render_gaps(find_gaps(chain, TODAY), chain)


# --- the command line on a store ----------------------------------------------------------------------------


def put(store: Store, path: Path, source_file: str, document: str, enriched: bool = True) -> None:
    """Store a constructed document graph as the pipeline would (one named graph per document)."""
    entry = DocumentEntry(source_file=source_file, sha256=source_file, graph_file="", document=document,
                          graph=str(document_graph(source_file)), origin=str(path), enriched=enriched)
    store.put(entry, load(path))


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    """A store with a read kvalitetsplan, an unread one and a scorecard."""
    folder = tmp_path_factory.mktemp("gaps-store")
    store = Store(folder)
    put(store, CHAIN / "plan.ttl", "norrvik_kvalitetsplan.pdf", PLAN)
    put(store, FIXTURES / "unread.ttl", "sjobacka_kvalitetsplan.pdf", UNREAD)
    put(store, FIXTURES / "styrkort.ttl", "ekdala_styrkort.pdf", SCORECARD)
    return folder


def run(store_dir: Path, capsys, *argv: str) -> tuple[int, str]:
    status = main(["-q", "--store", str(store_dir), *argv])
    return status, capsys.readouterr().out


def test_cli_gaps_json_lists_unread(store_dir, capsys):
    status, out = run(store_dir, capsys, "gaps", "--json", "--today", TODAY.isoformat())
    data = json.loads(out)
    assert status == 0 and set(data) == {"gaps", "unread"}
    assert [u["source_file"] for u in data["unread"]] == ["sjobacka_kvalitetsplan.pdf"]
    assert data["unread"][0]["document"] == UNREAD
    by_doc = {}
    for gap in data["gaps"]:
        by_doc.setdefault(gap["document"], set()).add(gap["kind"])
    assert by_doc[UNREAD] == {"citation_not_in_force"}
    assert SCORECARD not in by_doc
    assert "law_duty_unaddressed" in by_doc[PLAN]


def test_cli_gaps_json_of_one_document(store_dir, capsys):
    status, out = run(store_dir, capsys, "gaps", "--json", "--document", "norrvik_kvalitetsplan.pdf")
    data = json.loads(out)
    assert status == 0 and data["unread"] == [] and {g["document"] for g in data["gaps"]} == {PLAN}
    status, out = run(store_dir, capsys, "gaps", "--json", "--document", "sjobacka_kvalitetsplan.pdf",
                      "--kind", "goal_without_activity")
    data = json.loads(out)
    assert data["gaps"] == [] and [u["document"] for u in data["unread"]] == [UNREAD]


def test_cli_gaps_text_lists_unread(store_dir, capsys):
    status, out = run(store_dir, capsys, "gaps", "--today", TODAY.isoformat())
    assert status == 0
    assert "Dokument vars planstruktur inte kunde läsas" in out
    assert f"sjobacka_kvalitetsplan.pdf: {PREFIX}" in out
    assert "ekdala_styrkort.pdf" not in out


def test_agenda_2030_claims_need_the_models_links(tmp_path, capsys):
    graph = load(CHAIN / "plan.ttl")
    assert "sdg_without_activity" in {g.kind for g in find_gaps(graph, TODAY)}
    assert "sdg_without_activity" not in {g.kind for g in find_gaps(graph, TODAY, unenriched=[PLAN])}
    for enriched in (True, False):
        folder = tmp_path / f"store-{enriched}"
        put(Store(folder), CHAIN / "plan.ttl", "norrvik_kvalitetsplan.pdf", PLAN, enriched=enriched)
        status, out = run(folder, capsys, "gaps", "--json", "--today", TODAY.isoformat())
        kinds = {g["kind"] for g in json.loads(out)["gaps"]}
        assert ("sdg_without_activity" in kinds) is enriched and "law_duty_unaddressed" in kinds
