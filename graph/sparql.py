"""Read-only SPARQL over the store: anything that writes or reaches outside the store is refused."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset
from rdflib.plugins.sparql import prepareQuery
from rdflib.query import Result

from ontology import PREFIXES

QUERY_DIR = Path(__file__).parent / "queries"
# Keywords that make a request an update, or make it load or call something outside the store.
_FORBIDDEN = re.compile(
    r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|SERVICE|WITH)\b", re.IGNORECASE
)
_STRINGS_AND_COMMENTS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|#[^\n]*'
)
_IRIS = re.compile(r"<[^<>\s]*>")


_NAMESPACES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


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


def run_query(dataset: Dataset, query: str) -> Result:
    """Parse and run a read-only query over the union of the store's graphs."""
    check_read_only(query)
    try:
        prepareQuery(query, initNs=PREFIXES)  # a syntax check with a clear error, on every backend
    except Exception as error:  # rdflib raises pyparsing errors with long messages
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise QueryError(f"the query is not valid SPARQL ({first})") from None
    # The text (not the prepared algebra) goes to the store, so a native engine such as Oxigraph runs it.
    return dataset.query(query, initNs=_NAMESPACES)


def saved_queries() -> list[SavedQuery]:
    """Return the saved queries (graph/queries/*.rq); the first comment line of each is its title."""
    queries = []
    for path in sorted(QUERY_DIR.glob("*.rq")):
        text = path.read_text("utf-8")
        first = text.splitlines()[0] if text else ""
        title = first.lstrip("# ").strip() if first.startswith("#") else path.stem
        queries.append(SavedQuery(path.stem, title, text))
    return queries
