"""Read-only SPARQL over HTTP: a query sent to a SPARQL 1.1 Protocol endpoint, its answer as a QueryResult.

The endpoint is an operator setting (``STYRKEDJA_SPARQL_ENDPOINT``, e.g. a Virtuoso server's
``http://host:8890/sparql``), never user input. The checks made for the embedded store stand in front of it
(graph.sparql: read-only, no SERVICE, no graph outside the store's), plus one for servers with built-in
functions of their own: a query may call no function but SPARQL's own and XSD casts, and may name no IRI in
Virtuoso's ``bif:`` or ``sql:`` schemes (those reach the server's SQL and files).

The prefixes the embedded store knows without declaration (sk:, dcterms:, ...) are declared in front of the
query text. SELECT and ASK ask for SPARQL JSON results; CONSTRUCT and DESCRIBE for N-Triples (or Turtle).
Every socket operation waits at most the caller's timeout and reading stops at that deadline, so a query is
given up after at most about twice the timeout, however the server behaves. Every failure is one sentence
that names the endpoint (without any user or password in its URL).
"""

from __future__ import annotations

import io
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result

from graph.sparql import NAMESPACES, QueryError, QueryResult, check_reach, collect, parse_query

ENV_ENDPOINT = "STYRKEDJA_SPARQL_ENDPOINT"
# An answer larger than this is refused rather than read into memory.
MAX_ANSWER_BYTES = 256 * 1024 * 1024
_CHUNK = 1 << 16
_RESULTS_JSON = "application/sparql-results+json"
_GRAPH_TYPES = {"application/n-triples": "nt", "text/plain": "nt", "text/turtle": "turtle",
                "application/rdf+xml": "xml"}
_SERVER_SCHEMES = ("bif:", "sql:")
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)
_KINDS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
          "DescribeQuery": "DESCRIBE"}


class EndpointError(QueryError):
    """The endpoint could not answer (unreachable, refused the query, answered with something unreadable)."""


class EndpointTimeout(EndpointError):
    """The endpoint did not answer within the time limit."""


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL 1.1 Protocol query endpoint."""

    url: str

    @property
    def name(self) -> str:
        """The URL as it may be shown: without user, password, query string or fragment."""
        parts = urllib.parse.urlsplit(self.url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


def endpoint_from_env() -> Endpoint | None:
    """The endpoint STYRKEDJA_SPARQL_ENDPOINT names, or None; EndpointError when it is not an http(s) URL."""
    raw = os.environ.get(ENV_ENDPOINT, "").strip()
    if not raw:
        return None
    parts = urllib.parse.urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{ENV_ENDPOINT} must be an http:// or https:// URL of a SPARQL endpoint")
    return Endpoint(raw)


def with_prefixes(query: str) -> str:
    """The query with the store's prefixes declared in front, except those it declares itself."""
    declared = {(name or "") for name in _DECLARED.findall(query)}
    lines = [f"PREFIX {prefix}: <{iri}>" for prefix, iri in NAMESPACES.items() if prefix not in declared]
    return "\n".join([*lines, query]) if lines else query


def _leaves(node: object) -> Iterator[object]:
    """Every algebra node and term under ``node`` (CompValues, then the terms inside them)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, CompValue):
            stack.extend(current.values())
        elif isinstance(current, list | tuple | set | frozenset):
            stack.extend(current)
        elif isinstance(current, dict):
            stack.extend(current.values())


def check_server_reach(prepared: Query) -> None:
    """Raise QueryError when a query calls a non-standard function or names a server-internal IRI."""
    for node in _leaves(prepared.algebra):
        if isinstance(node, CompValue) and node.name == "Function":
            iri = dict.get(node, "iri")
            if isinstance(iri, URIRef) and not str(iri).startswith(str(XSD)):
                raise QueryError(f"the function <{iri}> is not allowed here: only SPARQL's own functions and "
                                 "XSD casts can be used")
        elif isinstance(node, URIRef) and str(node).lower().startswith(_SERVER_SCHEMES):
            raise QueryError(f"<{node}> is not allowed here: it names a function of the server, not data")


def is_distinct(prepared: Query) -> bool:
    """Whether a query is SELECT DISTINCT (its projection under Distinct, under Slice with a LIMIT)."""
    top = dict.get(prepared.algebra, "p") if isinstance(prepared.algebra, CompValue) else None
    if isinstance(top, CompValue) and top.name == "Slice":
        top = dict.get(top, "p")
    return isinstance(top, CompValue) and top.name == "Distinct"


def distinct_rows(result: Result) -> Result:
    """A SELECT result with repeated rows dropped (first kept, order kept).

    Virtuoso 7.2 answers some SELECT DISTINCT queries with repeated rows (several OPTIONALs over a triple
    that stands in two graphs); the embedded store does not, so the client enforces DISTINCT itself.
    """
    seen: set[tuple] = set()
    kept = []
    for binding in result.bindings:
        key = tuple(binding.get(variable) for variable in result.vars)
        if key not in seen:
            seen.add(key)
            kept.append(binding)
    result.bindings = kept
    return result


def query_kind(prepared: Query) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    return _KINDS.get(prepared.algebra.name, "SELECT")


def _accept(kind: str) -> str:
    if kind in ("SELECT", "ASK"):
        return f"{_RESULTS_JSON}, application/json;q=0.9"
    return "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


def _read(response, deadline: float, endpoint: Endpoint, timeout_s: float) -> bytes:
    """Read a response body in chunks until the deadline; refuse answers past MAX_ANSWER_BYTES."""
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise EndpointTimeout(_timeout_message(endpoint, timeout_s))
        chunk = response.read(_CHUNK)  # each read waits at most the socket's timeout
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise EndpointError(f"the SPARQL endpoint {endpoint.name} answered with more than "
                                f"{MAX_ANSWER_BYTES // (1024 * 1024)} MB; ask for fewer rows (LIMIT)")
        chunks.append(chunk)


def _timeout_message(endpoint: Endpoint, timeout_s: float) -> str:
    return (f"the SPARQL endpoint {endpoint.name} did not answer within {timeout_s:g} s and the query was "
            "given up (STYRKEDJA_SPARQL_TIMEOUT_S)")


def _refusal(endpoint: Endpoint, error: urllib.error.HTTPError) -> EndpointError:
    """One sentence for an HTTP error: the status and the first meaningful line of the server's text."""
    text = ""
    if error.headers is not None and error.headers.get_content_type() == "text/plain":
        try:
            text = error.read(4096).decode("utf-8", "replace")
        except Exception:  # the body is a courtesy; the status says enough
            text = ""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    detail = f"HTTP {error.code} {error.reason}".rstrip() + (f": {first[:200]}" if first else "")
    return EndpointError(f"the SPARQL endpoint {endpoint.name} refused the query ({detail})")


def post_query(endpoint: Endpoint, query: str, kind: str, timeout_s: float) -> tuple[str, bytes]:
    """Send a query (SPARQL 1.1 Protocol, POST form); return the answer's media type and body."""
    body = urllib.parse.urlencode({"query": query}).encode("utf-8")
    request = urllib.request.Request(endpoint.url, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
        "Accept": _accept(kind),
        "User-Agent": "styrkedja",
    })
    deadline = time.monotonic() + timeout_s
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 (operator's URL)
            media = response.headers.get_content_type()
            return media, _read(response, deadline, endpoint, timeout_s)
    except urllib.error.HTTPError as error:
        raise _refusal(endpoint, error) from None
    except TimeoutError:
        raise EndpointTimeout(_timeout_message(endpoint, timeout_s)) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise EndpointTimeout(_timeout_message(endpoint, timeout_s)) from None
        reason = error.reason
        raise EndpointError(f"the SPARQL endpoint {endpoint.name} cannot be reached ({reason})") from None
    except OSError as error:
        raise EndpointError(f"the SPARQL endpoint {endpoint.name} cannot be reached ({error})") from None


def parse_answer(
    endpoint: Endpoint, kind: str, media: str, body: bytes, max_rows: int, distinct: bool = False
) -> QueryResult:
    """Read an endpoint's answer (SPARQL JSON results, or an RDF graph) into at most ``max_rows`` rows.

    ``distinct``: drop repeated rows of a SELECT (the query asked for DISTINCT).
    """
    try:
        if kind in ("SELECT", "ASK"):
            if media not in (_RESULTS_JSON, "application/json"):
                raise ValueError(f"{media} instead of SPARQL JSON results")
            result = Result.parse(io.BytesIO(body), format="json")
        else:
            fmt = _GRAPH_TYPES.get(media)
            if fmt is None:
                raise ValueError(f"{media} instead of an RDF graph")
            result = Result(kind)
            result.graph = Graph().parse(data=body, format=fmt)
    except Exception as error:  # a parser's long message, as one line
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise EndpointError(f"the SPARQL endpoint {endpoint.name} answered with something that cannot be "
                            f"read ({first[:200]})") from None
    if kind == "ASK" and result.type != "ASK":
        raise EndpointError(f"the SPARQL endpoint {endpoint.name} answered an ASK query without a boolean")
    if distinct and result.type == "SELECT":
        result = distinct_rows(result)
    return collect(result, max_rows)


def query_endpoint(
    endpoint: Endpoint,
    query: str,
    graph_names: Iterable[str] | None,
    timeout_s: float,
    max_rows: int,
) -> QueryResult:
    """Check a read-only query as for the embedded store, run it on the endpoint; at most max_rows rows.

    ``graph_names`` are the graphs a FROM or GRAPH may name (the store's); None skips that check.
    """
    prepared = parse_query(query)
    check_reach(prepared, graph_names)
    check_server_reach(prepared)
    kind = query_kind(prepared)
    media, body = post_query(endpoint, with_prefixes(query), kind, timeout_s)
    return parse_answer(endpoint, kind, media, body, max_rows, distinct=is_distinct(prepared))
