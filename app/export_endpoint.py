"""Publish the store into a SPARQL server with the SPARQL 1.1 Graph Store HTTP Protocol (one PUT per graph).

Every document's named graph (read from its TriG file, one at a time) and the reference graphs (skollagen,
SDG, kommuner, the ontology) are each sent as N-Triples with ``PUT <graph store>?graph=<graph IRI>``, which
replaces that graph on the server and nothing else: publishing again after an ``add`` replaces the changed
graphs, and a publish stopped half-way leaves every graph either as before or as now. Graphs go over a few
connections at once (the server parses while we read the next file).

With a SPARQL query endpoint of the same server (``prune_from``), document graphs the server holds that the
store no longer has (documents removed since the last publish) are deleted after the send, so the server
answers as the store does. Only graphs under the store's document-graph namespace are considered: other graphs
on a shared server are never touched.

The Graph Store endpoint and its credentials are operator settings: for Virtuoso the endpoint is
``http://host:8890/sparql-graph-crud-auth`` with HTTP digest authentication (user ``STYRKEDJA_PUBLISH_USER``,
password ``STYRKEDJA_PUBLISH_PASSWORD``); a server without authentication needs neither. A password is never
taken from the command line, where other users of the machine could read it.
"""

from __future__ import annotations

import base64
import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from graph.endpoint import Endpoint, EndpointError, query_endpoint
from graph.iris import GRAPH_BASE, ONTOLOGY_GRAPH
from graph.reference import load_reference_graphs
from graph.store import Store
from ontology import load_ontology

log = logging.getLogger(__name__)

ENV_USER = "STYRKEDJA_PUBLISH_USER"
ENV_PASSWORD = "STYRKEDJA_PUBLISH_PASSWORD"
NTRIPLES = "application/n-triples"
DEFAULT_TIMEOUT_S = 300.0
DEFAULT_CONNECTIONS = 4


class PublishError(Exception):
    """A graph could not be published (one sentence naming the endpoint and the graph)."""


class _ServerError(PublishError):
    """The server failed on a request (HTTP 5xx): worth sending again."""


@dataclass(frozen=True)
class GraphStore:
    """A Graph Store HTTP Protocol endpoint and how to authenticate to it."""

    url: str
    user: str | None = None
    password: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S

    @property
    def name(self) -> str:
        """The URL as it may be shown (no user, password or query string)."""
        return Endpoint(self.url).name


@dataclass
class PublishReport:
    """What a publish sent: graphs, triples, bytes, seconds."""

    graphs: int = 0
    triples: int = 0
    bytes: int = 0
    seconds: float = 0.0
    reference_graphs: int = 0
    removed: list[str] | None = None  # document graphs deleted from the server (None: not pruned)

    def as_dict(self) -> dict:
        """The report as plain data (for --json)."""
        data = {"graphs": self.graphs, "reference_graphs": self.reference_graphs, "triples": self.triples,
                "bytes": self.bytes, "seconds": round(self.seconds, 3)}
        if self.removed is not None:
            data["removed"] = list(self.removed)
        return data


def graph_store_from_env(url: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> GraphStore:
    """A GraphStore for ``url`` with the credentials STYRKEDJA_PUBLISH_USER / _PASSWORD give (if any)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PublishError(f"{url}: not an http:// or https:// URL of a Graph Store endpoint")
    if parts.username or parts.password:
        raise PublishError(f"{Endpoint(url).name}: put the user and password in {ENV_USER} and "
                           f"{ENV_PASSWORD}, not in the URL")
    user = os.environ.get(ENV_USER) or None
    password = os.environ.get(ENV_PASSWORD) or None
    if (user is None) != (password is None):
        raise PublishError(f"set both {ENV_USER} and {ENV_PASSWORD}, or neither")
    return GraphStore(url, user, password, timeout_s)


def ntriples(graph: Graph) -> bytes:
    """A graph as N-Triples (UTF-8)."""
    return graph.serialize(format="nt", encoding="utf-8")


def document_ntriples(path: Path, graph_iri: str) -> tuple[bytes, int]:
    """One document's named graph from its TriG file, as N-Triples; with its number of triples.

    With pyoxigraph installed (the oxigraph extra) the file is converted by it, about six times faster than
    by rdflib; the triples are the same.
    """
    try:
        import pyoxigraph
    except ImportError:
        pyoxigraph = None
    if pyoxigraph is not None:
        name = pyoxigraph.NamedNode(graph_iri)
        triples = [pyoxigraph.Triple(q.subject, q.predicate, q.object)
                   for q in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TRIG)
                   if q.graph_name == name]
        return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES), len(triples)
    dataset = Dataset()
    dataset.parse(path, format="trig")
    graph = dataset.graph(URIRef(graph_iri))
    return ntriples(graph), len(graph)


def reference_graphs(store: Store) -> dict[str, Graph]:
    """The store's reference graphs (skollagen, SDG, kommuner) and the ontology graph, by graph IRI."""
    graphs = {str(iri): graph for iri, graph in load_reference_graphs(store.reference_dir()).items()}
    graphs[str(ONTOLOGY_GRAPH)] = load_ontology()
    return graphs


def _challenge(url: str, timeout_s: float) -> str | None:
    """The server's WWW-Authenticate challenge for ``url`` (a GET without credentials), or None."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=timeout_s) as response:
            response.read()
            return None
    except urllib.error.HTTPError as error:
        error.read()
        return error.headers.get("WWW-Authenticate") if error.code == 401 else None


def _authorize(target: GraphStore, request: urllib.request.Request) -> None:
    """Add an Authorization header before the body goes out.

    Sending a large body unauthenticated and answering the challenge afterwards breaks: the server refuses
    before reading the body and closes the connection (a broken pipe). So the challenge is fetched first with
    a bodiless GET, and the PUT carries its answer.
    """
    if target.user is None:
        return
    challenge = _challenge(request.full_url, target.timeout_s)
    if challenge is None:
        return
    scheme, _, rest = challenge.partition(" ")
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, target.url, target.user, target.password)
    if scheme.lower() == "digest":
        fields = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(rest)))
        answer = urllib.request.HTTPDigestAuthHandler(passwords).get_authorization(request, fields)
        if answer:
            request.add_unredirected_header("Authorization", f"Digest {answer}")
    elif scheme.lower() == "basic":
        token = base64.b64encode(f"{target.user}:{target.password}".encode()).decode("ascii")
        request.add_unredirected_header("Authorization", f"Basic {token}")


def _request(target: GraphStore, method: str, graph_iri: str, data: bytes | None) -> None:
    """Send one Graph Store request for one graph; raise PublishError with one sentence on failure."""
    separator = "&" if urllib.parse.urlsplit(target.url).query else "?"
    url = f"{target.url}{separator}{urllib.parse.urlencode({'graph': graph_iri})}"
    headers = {"Content-Type": f"{NTRIPLES}; charset=utf-8"} if data is not None else {}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        _authorize(target, request)
        with urllib.request.urlopen(request, timeout=target.timeout_s) as response:
            response.read()
    except urllib.error.HTTPError as error:
        if method == "DELETE" and error.code == 404:
            return
        refused = (f"the Graph Store endpoint {target.name} refused {method} of <{graph_iri}> "
                   f"(HTTP {error.code} {error.reason})")
        raise (_ServerError if error.code >= 500 else PublishError)(refused) from None
    except urllib.error.URLError as error:
        raise PublishError(f"the Graph Store endpoint {target.name} cannot be reached "
                           f"({error.reason})") from None
    except OSError as error:  # a timeout or a dropped connection
        raise PublishError(f"the Graph Store endpoint {target.name} did not take <{graph_iri}> "
                           f"({error})") from None


RETRIES = 2  # a PUT refused with a server error is sent again (PUT is idempotent); Virtuoso answers 500
# when concurrent loads deadlock (SQL state 40001) or its buffers are short, and succeeds when asked again.


def put_graph(target: GraphStore, graph_iri: str, data: bytes) -> None:
    """Replace one graph on the server with N-Triples (Graph Store Protocol PUT); retried on a 5xx answer."""
    for attempt in range(RETRIES + 1):
        try:
            _request(target, "PUT", graph_iri, data)
            return
        except _ServerError as error:
            if attempt == RETRIES:
                raise PublishError(str(error)) from None
            log.warning("%s; sending it again", error)
            time.sleep(1.0 + attempt)


def delete_graph(target: GraphStore, graph_iri: str) -> None:
    """Remove one graph from the server (Graph Store Protocol DELETE); a missing graph is no error."""
    _request(target, "DELETE", graph_iri, None)


DOCUMENT_GRAPHS = f"{GRAPH_BASE}doc/"
# Every document graph the server holds; the namespace is a constant of the code, never user input.
SERVER_GRAPHS_QUERY = (
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
    f'FILTER(STRSTARTS(STR(?g), "{DOCUMENT_GRAPHS}")) }}'
)
MAX_SERVER_GRAPHS = 10_000_000


def server_document_graphs(endpoint: Endpoint, timeout_s: float = DEFAULT_TIMEOUT_S) -> set[str]:
    """The document graphs (under the store's namespace) a server holds, by its SPARQL query endpoint."""
    try:
        answer = query_endpoint(endpoint, SERVER_GRAPHS_QUERY, None, timeout_s, MAX_SERVER_GRAPHS)
    except EndpointError as error:
        raise PublishError(f"{endpoint.name}: the server's graphs could not be listed: {error}") from None
    return {str(row[0]) for row in answer.rows if row[0] is not None}


def stale_graphs(on_server: set[str], store: Store) -> list[str]:
    """Document graphs on the server that the store no longer has (sorted)."""
    kept = {entry.graph for entry in store.documents().values()}
    return sorted(g for g in on_server if g.startswith(DOCUMENT_GRAPHS) and g not in kept)


def publish_jobs(store: Store, with_reference: bool = True) -> Iterator[tuple[bool, str, Callable]]:
    """(is reference, graph IRI, a function giving its N-Triples and triple count) for every graph to send."""
    if with_reference:
        for iri, graph in reference_graphs(store).items():
            yield True, iri, (lambda graph=graph: (ntriples(graph), len(graph)))
    for entry in store.documents().values():
        path = store.folder / entry.graph_file
        yield False, entry.graph, (lambda path=path, iri=entry.graph: document_ntriples(path, iri))


def publish(
    store: Store,
    target: GraphStore,
    with_reference: bool = True,
    connections: int = DEFAULT_CONNECTIONS,
    progress: Callable[[int, int], None] | None = None,
    prune_from: Endpoint | None = None,
) -> PublishReport:
    """Send every graph of the store to the Graph Store endpoint (PUT, replacing each); return what was sent.

    Stops at the first graph the server refuses (raises PublishError; graphs sent before stay replaced).
    With ``prune_from`` (the server's SPARQL query endpoint), graphs of removed documents are then deleted.
    """
    report = PublishReport()
    jobs = list(publish_jobs(store, with_reference))
    started = time.perf_counter()

    def send(job: tuple[bool, str, Callable]) -> tuple[bool, int, int]:
        is_reference, iri, make = job
        data, count = make()
        put_graph(target, iri, data)
        log.debug("published <%s>: %d triples", iri, count)
        return is_reference, count, len(data)

    with ThreadPoolExecutor(max_workers=max(1, connections)) as pool:
        for done, (is_reference, count, size) in enumerate(pool.map(send, jobs), start=1):
            report.graphs += 1
            report.reference_graphs += int(is_reference)
            report.triples += count
            report.bytes += size
            if progress is not None:
                progress(done, len(jobs))
    if prune_from is not None:
        report.removed = stale_graphs(server_document_graphs(prune_from, target.timeout_s), store)
        for iri in report.removed:
            delete_graph(target, iri)
            log.info("deleted <%s> from %s: its document is no longer in the store", iri, target.name)
    report.seconds = time.perf_counter() - started
    log.info("published %d graphs (%d triples, %.1f MB) to %s in %.1f s", report.graphs, report.triples,
             report.bytes / 1e6, target.name, report.seconds)
    return report
