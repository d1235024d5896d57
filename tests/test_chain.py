"""The styrkedja projection and `trace`: node resolution, up and down from each kind of node, the JSON shape,
the text rendering, and a Finspång activity on the demo corpus."""

import json
from pathlib import Path

import pytest
from rdflib import Graph

from app.pipeline import build_corpus
from graph.chain import ChainError, ChainGraph, provision_label, render_trace, trace, trace_json
from graph.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "chain"
PLAN = "https://w3id.org/styrkedja/id/doc/norrvik-kvalitetsplan-pdf"
ROLE = "https://w3id.org/styrkedja/id/org/norrviks-kommun/role/rektor"
SDG = "http://metadata.un.org/sdg/"
STEP_KEYS = {"iri", "type", "label", "relation", "quote", "page", "source_file"}


@pytest.fixture(scope="module")
def chain() -> ChainGraph:
    graph = Graph()
    for name in ("plan", "report", "protocol"):
        graph.parse(FIXTURES / f"{name}.ttl")
    return ChainGraph(graph)


def by_iri(steps):
    return {s.iri: s for s in steps}


def test_projection_edges(chain):
    assert chain.out(f"{PLAN}/activity/1", "contributesTo") == [f"{PLAN}/strategy/1"]
    assert chain.out(f"{PLAN}/strategy/1", "addresses") == [f"{PLAN}/challenge/1"]
    assert chain.out(f"{PLAN}/activity/1", "responsible") == [ROLE]
    assert chain.out(f"{PLAN}/activity/1", "alignment") == [f"{SDG}4.7"]
    assert chain.edge_data(f"{PLAN}/activity/1", f"{SDG}4.7", "alignment")["score"] == pytest.approx(0.71)
    assert chain.out(f"{SDG}4.7", "broader") == [f"{SDG}4"]
    assert chain.out(f"{PLAN}/activity/1", "forum") == [f"{PLAN}/forum/1"]
    assert chain.out(f"{PLAN}/p/1", "references") == ["https://lagen.nu/2010:800#K4P3"]
    assert chain.nodes[f"{PLAN}/priority-area/1"].type == "PriorityArea"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"{PLAN}/goal/1", f"{PLAN}/goal/1"),  # an IRI
        ("Förebyggande värdegrundsarbete", f"{PLAN}/strategy/1"),  # exact label
        ("förebyggande VÄRDEGRUNDSARBETE", f"{PLAN}/strategy/1"),  # case-insensitive
        ("trygghetsvandringar varje", f"{PLAN}/activity/1"),  # unique substring
        ("4 kap. 3 §", "https://lagen.nu/2010:800#K4P3"),  # at a word start: not "14 kap. 3 §"
        ("Rektor", ROLE),
    ],
)
def test_resolve(chain, query, expected):
    assert chain.resolve(query) == expected


def test_ambiguous_and_unknown_nodes_name_the_candidates(chain):
    with pytest.raises(ChainError) as error:
        chain.resolve("elever")
    message = str(error.value)
    assert "matches" in message and "Alla elever känner sig trygga i skolan" in message
    assert message.count("<https://") <= 5
    with pytest.raises(ChainError, match="no node has that label"):
        chain.resolve("Inget sådant mål")
    with pytest.raises(ChainError, match="no such node"):
        chain.resolve("https://example.org/nothing")


def test_trace_up_from_an_activity(chain):
    result = trace(chain, "Rektorerna genomför trygghetsvandringar varje termin")
    up = by_iri(result.up)
    nearest = [f"{PLAN}/strategy/1", f"{PLAN}/goal/1", f"{PLAN}/priority-area/1"]
    assert [s.iri for s in result.up[:3]] == nearest
    assert {s.relation for s in result.up[:3]} == {"contributesTo"}
    assert up[f"{PLAN}/challenge/1"].relation == "addresses"
    assert up[f"{SDG}4.7"].relation == "alignment" and up[f"{SDG}4.7"].score == pytest.approx(0.71)
    assert up[f"{SDG}4"].relation == "broader"
    node = result.node
    assert node.owners == ["Rektor"] and node.deadline == "HT24" and node.due_date == "2024-12-31"
    assert node.quote == "Rektorerna genomför trygghetsvandringar varje termin" and node.page == 5


def test_trace_up_keeps_explicit_references_apart_from_alignments(chain):
    result = trace(chain, f"{PLAN}/goal/1")
    assert all(s.relation != "alignment" for s in result.up)
    result = trace(chain, f"{PLAN}/p/1")
    assert [(s.iri, s.relation) for s in result.up] == [("https://lagen.nu/2010:800#K4P3", "references")]


def test_trace_down_from_a_priority_area(chain):
    result = trace(chain, "Trygghet och studiero")
    down = by_iri(result.down)
    assert down[f"{PLAN}/goal/1"].relation == "contributor"
    assert down[f"{PLAN}/strategy/1"].via == f"{PLAN}/goal/1"
    for n in (1, 2, 3):
        assert down[f"{PLAN}/activity/{n}"].via == f"{PLAN}/strategy/1"
    assert down[f"{PLAN}/activity/2"].owners == [] and down[f"{PLAN}/activity/2"].due_date == "2024-06-30"
    assert down[ROLE].relation == "responsible"
    assert down[f"{PLAN}/forum/1"].relation == "forum"
    assert result.up == []


def test_trace_from_an_sdg_goal_and_a_provision(chain):
    result = trace(chain, f"{SDG}4")
    down = by_iri(result.down)
    assert down[f"{PLAN}/p/0"].relation == "referencedBy" and down[f"{PLAN}/p/0"].type == "Passage"
    assert down[f"{SDG}4.7"].relation == "narrower"
    assert down[f"{PLAN}/activity/1"].relation == "alignment"
    assert down[f"{PLAN}/strategy/1"].relation == "contributesTo"  # the aligned activity's chain
    result = trace(chain, "4 kap. 3 §")
    assert [s.iri for s in result.down] == [f"{PLAN}/p/1"]
    assert result.down[0].page == 2 and "4 kap. 3 §" in result.down[0].quote


def test_trace_from_an_agent_and_a_challenge(chain):
    assert [s.iri for s in trace(chain, ROLE).down] == [f"{PLAN}/activity/1"]
    result = trace(chain, f"{PLAN}/challenge/1")
    down = by_iri(result.down)
    assert down[f"{PLAN}/strategy/1"].relation == "addressedBy"
    assert f"{PLAN}/activity/1" in down


def test_trace_json_matches_the_contract(chain):
    data = trace_json(trace(chain, f"{PLAN}/priority-area/1"))
    assert set(data) == {"node", "up", "down"}
    assert set(data["node"]) == {"iri", "type", "label"}
    for step in data["up"] + data["down"]:
        assert set(step) >= STEP_KEYS
        if step["type"] == "Activity":
            assert {"owners", "deadline", "due_date"} <= set(step)
    activity = trace_json(trace(chain, f"{PLAN}/activity/1"))
    assert activity["node"]["due_date"] == "2024-12-31"
    json.dumps(data)


def test_text_rendering(chain):
    text = render_trace(trace(chain, f"{PLAN}/activity/1"))
    assert text.splitlines()[0].startswith("Aktivitet: Rektorerna genomför")
    assert "bidrar till → Strategi: Förebyggande värdegrundsarbete" in text
    assert "ansvar: Rektor · klart: HT24 (2024-12-31)" in text


def test_provision_label():
    assert provision_label("https://lagen.nu/2010:800#K4P3") == "4 kap. 3 § (2010:800)"
    assert provision_label("https://lagen.nu/2010:800#K6aP2") == "6a kap. 2 § (2010:800)"
    assert provision_label("https://example.org/x") is None


# --- the demo corpus ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_chain(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("trace-store"))
    assert build_corpus(store, ROOT / "corpus").ok
    return ChainGraph(store.dataset())


def test_finspang_activity_up_to_its_strategy_down_to_owner_and_deadline(corpus_chain):
    result = trace(corpus_chain, "Huvudman tar fram en plan för pojkars lärande")
    assert result.up[0].type == "Strategy"
    assert result.up[0].label.startswith("Huvudmannen efterfrågar uppföljning")
    assert any(s.type == "PriorityArea" for s in result.up)
    assert [s.label for s in result.down if s.relation == "responsible"] == ["Strateg"]
    data = trace_json(result)
    assert data["node"]["deadline"] == "dec 22" and data["node"]["due_date"] == "2022-12-31"
    assert result.node.page == 6 and result.node.source_file == "002_finspang_verksamhetsplan.pdf"


def test_finspang_strategy_down_to_activities_with_owners_and_deadlines(corpus_chain):
    result = trace(corpus_chain, "Huvudmannen efterfrågar uppföljning av resultat")
    activities = [s for s in result.down if s.type == "Activity"]
    assert len(activities) == 3
    assert {a.deadline for a in activities} == {"dec 22", "VT23"}
    assert all(a.owners for a in activities)
