"""Read-only SPARQL over the store: anything that writes or reaches outside the store is refused.

Three layers, so that no single one has to be perfect:

1. rdflib's graph loading is switched off for the whole process (``SPARQL_LOAD_GRAPHS = False``): a ``FROM``
   or ``FROM NAMED`` IRI names a graph already in the dataset and is never fetched, whatever the query says.
2. The parsed query (its algebra, not its text) is walked: ``SERVICE``, and ``FROM`` / ``FROM NAMED`` /
   ``GRAPH`` over a constant IRI that is not one of the store's graphs, are refused with one sentence.
3. Update keywords (INSERT, LOAD, ...) are refused before parsing (``check_read_only``), outside strings,
   comments and IRIs.

How long a query may run and how many rows it may return is enforced by ``app.sparql_runner``, which runs the
query in a worker process that is ended at the limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import rdflib.plugins.sparql
from rdflib import Dataset, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from ontology import PREFIXES

# Never dereference a FROM / FROM NAMED IRI (rdflib's default is to fetch it over HTTP or from a file).
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

QUERY_DIR = Path(__file__).parent / "queries"
# Keywords that make a request an update, or make it load or call something outside the store.
_FORBIDDEN = re.compile(
    r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|SERVICE|WITH)\b", re.IGNORECASE
)
_STRINGS_AND_COMMENTS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|#[^\n]*'
)
_IRIS = re.compile(r"<[^<>\s]*>")


NAMESPACES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


class QueryError(ValueError):
    """A query that is not valid SPARQL or is not allowed (one clear sentence)."""


@dataclass(frozen=True)
class SavedQuery:
    """A SPARQL query kept as a file beside the code."""

    name: str
    title: str
    text: str


def check_read_only(query: str) -> None:
    """Raise QueryError unless the query only reads the store (SELECT, ASK, CONSTRUCT, DESCRIBE)."""
    bare = _IRIS.sub("<>", _STRINGS_AND_COMMENTS.sub('""', query))
    match = _FORBIDDEN.search(bare)
    if match:
        raise QueryError(f"only read-only queries are allowed here ({match.group(1).upper()} is not)")


def parse_query(query: str) -> Query:
    """Parse a read-only query; raise QueryError (one sentence) when it is not valid SPARQL or writes."""
    check_read_only(query)
    try:
        return prepareQuery(query, initNs=PREFIXES)
    except Exception as error:  # rdflib raises pyparsing errors with long messages
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise QueryError(f"the query is not valid SPARQL ({first})") from None


def _nodes(node: object) -> Iterable[CompValue]:
    """Every algebra node under (and including) ``node``."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, CompValue):
            yield current
            stack.extend(current.values())
        elif isinstance(current, list | tuple):
            stack.extend(current)


def check_reach(prepared: Query, graph_names: Iterable[str] | None) -> None:
    """Raise QueryError when a query calls a service or names a graph that is not one of the store's.

    ``graph_names`` are the store's graph IRIs; None skips the graph check (SERVICE is refused always).
    """
    allowed = None if graph_names is None else {str(name) for name in graph_names}
    outside: list[str] = []
    for node in _nodes(prepared.algebra):
        if node.name == "ServiceGraphPattern":
            raise QueryError("SERVICE is not allowed here: queries read this store and nothing else")
        # dict.get: CompValue.get answers a missing key with the key itself
        if node.name == "DatasetClause":
            iri = dict.get(node, "default") or dict.get(node, "named")
        elif node.name == "Graph":
            iri = dict.get(node, "term")
        else:
            continue
        if isinstance(iri, URIRef) and allowed is not None and str(iri) not in allowed:
            outside.append(str(iri))
    if outside:
        names = ", ".join(f"<{iri}>" for iri in sorted(set(outside))[:3])
        raise QueryError(f"the query names graphs that are not in the store ({names}); only the store's "
                         "own graphs can be queried, nothing is fetched")


def store_graph_names(dataset: Dataset) -> set[str]:
    """The IRIs of the named graphs a dataset holds."""
    return {str(graph.identifier) for graph in dataset.graphs()}


def run_query(dataset: Dataset, query: str, graph_names: Iterable[str] | None = None) -> Result:
    """Parse, check and run a read-only query over the union of the store's graphs.

    ``graph_names`` defaults to the dataset's own named graphs.
    """
    prepared = parse_query(query)
    check_reach(prepared, store_graph_names(dataset) if graph_names is None else graph_names)
    # The text (not the prepared algebra) goes to the store, so a native engine such as Oxigraph runs it.
    return dataset.query(query, initNs=NAMESPACES)


@dataclass
class QueryResult:
    """A query's answer as plain data (picklable, so a worker process can send it back)."""

    kind: str  # "SELECT" | "ASK" | "CONSTRUCT" | "DESCRIBE"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)  # SELECT rows; triples otherwise
    answer: bool | None = None  # ASK
    truncated: bool = False  # more rows than the limit: only the first ``max_rows`` are kept

    def to_result(self) -> Result:
        """The answer as an rdflib Result (for its JSON/CSV/Turtle serialisers)."""
        result = Result(self.kind)
        if self.kind == "ASK":
            result.askAnswer = bool(self.answer)
        elif self.kind == "SELECT":
            result.vars = [rdflib.Variable(name) for name in self.variables]
            result.bindings = [
                {rdflib.Variable(n): v for n, v in zip(self.variables, row, strict=True) if v is not None}
                for row in self.rows
            ]
        else:
            graph = rdflib.Graph()
            for triple in self.rows:
                graph.add(triple)
            result.graph = graph
        return result


def collect(result: Result, max_rows: int) -> QueryResult:
    """Read at most ``max_rows`` rows (or triples) of a result into a QueryResult."""
    if result.type == "ASK":
        return QueryResult("ASK", answer=bool(result.askAnswer))
    rows: list[tuple] = []
    source = iter(result.graph) if result.type in ("CONSTRUCT", "DESCRIBE") else iter(result)
    truncated = False
    for row in source:
        if len(rows) >= max_rows:
            truncated = True
            break
        rows.append(tuple(row))
    variables = [] if result.type in ("CONSTRUCT", "DESCRIBE") else [str(v) for v in result.vars]
    return QueryResult(result.type, variables, rows, truncated=truncated)


def collect_oxigraph(result: object, max_rows: int) -> QueryResult:
    """Read at most ``max_rows`` rows (or triples) of a pyoxigraph answer as a QueryResult of rdflib terms."""
    import pyoxigraph as ox

    from graph.quadstore import to_rdflib

    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ASK", answer=bool(result))
    rows: list[tuple] = []
    truncated = False
    if isinstance(result, ox.QueryTriples):
        for triple in result:
            if len(rows) >= max_rows:
                truncated = True
                break
            rows.append((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return QueryResult("CONSTRUCT", [], rows, truncated=truncated)
    variables = [v.value for v in result.variables]
    for solution in result:
        if len(rows) >= max_rows:
            truncated = True
            break
        rows.append(tuple(to_rdflib(solution[name]) for name in variables))
    return QueryResult("SELECT", variables, rows, truncated=truncated)


def run_on_index(index, query: str, graph_names: Iterable[str], max_rows: int) -> QueryResult:
    """Parse, check and run a read-only query on a store's quad index (graph.quadstore), in this process.

    ``graph_names`` are the store's graph IRIs (the reach check); at most ``max_rows`` rows come back.
    """
    check_reach(parse_query(query), graph_names)
    return collect_oxigraph(index.query(query, NAMESPACES), max_rows)


def saved_queries() -> list[SavedQuery]:
    """Return the saved queries (graph/queries/*.rq); the first comment line of each is its title."""
    queries = []
    for path in sorted(QUERY_DIR.glob("*.rq")):
        text = path.read_text("utf-8")
        first = text.splitlines()[0] if text else ""
        title = first.lstrip("# ").strip() if first.startswith("#") else path.stem
        queries.append(SavedQuery(path.stem, title, text))
    return queries
