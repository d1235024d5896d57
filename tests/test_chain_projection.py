"""The chain projection without RDF (graph.chain.ChainGraph.projection / from_projections, Relations)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from graph.chain import ChainError, ChainGraph, Relations, trace, trace_json

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "chain"


def load(*names: str) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(FIXTURES / f"{name}.ttl")
    return graph


def traces(chain: ChainGraph) -> dict:
    found = {}
    for node in [*chain.nodes, *chain.passages, "plan", "Rektor", "ingen sådan"]:
        try:
            found[node] = trace_json(trace(chain, node))
        except ChainError as error:
            found[node] = str(error)
    return found


def test_relations_walk_both_ways_and_keep_one_edge_per_relation():
    g = Relations()
    for node in "abcd":
        g.add_node(node, "Goal")
    g.add_edge("a", "b", "contributesTo")
    g.add_edge("b", "c", "contributesTo")
    g.add_edge("c", "a", "contributesTo")  # a cycle: the start is never its own descendant
    g.add_edge("a", "d", "alignment", score=0.2)
    g.add_edge("a", "d", "alignment", score=0.7)
    assert g.reachable("a", "contributesTo") == {"b", "c"}
    assert g.reachable("c", "contributesTo", forward=False) == {"a", "b"}
    assert g.data("a", "d", "alignment") == {"relation": "alignment", "score": 0.7}
    assert list(g.sources("d", "alignment")) == ["a"] and "x" not in g


@pytest.mark.parametrize("names", [("plan",), ("plan", "report", "protocol")])
def test_a_projection_gives_the_same_traces_as_the_rdf(names):
    chain = ChainGraph(load(*names))
    data = json.loads(json.dumps(chain.projection()))  # through JSON, as it is stored
    again = ChainGraph.from_projections([data])
    assert traces(again) == traces(chain)


def test_projections_of_documents_put_together_equal_the_projection_of_their_union():
    parts = [ChainGraph(load(name)).projection() for name in ("plan", "report", "protocol")]
    together = ChainGraph.from_projections(json.loads(json.dumps(parts)))
    assert traces(together) == traces(ChainGraph(load("plan", "report", "protocol")))


def test_the_projection_does_not_depend_on_how_the_rdf_was_read():
    graph = load("plan", "report")
    dataset = Dataset()
    named = dataset.graph("https://example.org/g")
    for triple in sorted(graph, reverse=True):  # another insertion order
        named.add(triple)
    assert ChainGraph(named).projection() == ChainGraph(graph).projection()
