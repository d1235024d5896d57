"""The path past one machine: the store published into Virtuoso, the saved queries asked over HTTP.

The server tests start Debian's Virtuoso (``virtuoso-t``, package virtuoso-opensource; ``make virtuoso``
installs it) on 127.0.0.1 on free ports with a database in a temporary folder, publish a small constructed
store into it (the meeting fixtures and three plans, read as ``add --no-model`` does, and one hand-made graph
with an inferred Agenda 2030 link, typed literals and a blank node), run every saved query in graph/queries/
against both and compare the answers as multisets of rows, then stop the server. They skip, saying why,
where Virtuoso is not installed or does not start.

Answers are compared term by term after one normalisation: blank nodes are equal to each other (each store
names them its own way), numeric literals compare by value (Virtuoso writes xsd:decimal in canonical form),
xsd:boolean by value (Virtuoso stores ``true`` as 1), xsd:string equals a plain literal, and a GROUP_CONCAT
column compares as the sorted list of its parts (SPARQL leaves their order open). Row order is not compared:
ties under ORDER BY may come in any order.

The client's checks and errors (graph.endpoint, app.export_endpoint) are tested without a server too.
"""

from __future__ import annotations

import collections
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef, namespace

from app.export_endpoint import GraphStore, PublishError, graph_store_from_env, publish
from app.sparql_runner import QueryLimits, QueryTimeout, run_for_store, run_limited, run_on_endpoint
from graph.endpoint import (
    Endpoint,
    EndpointError,
    endpoint_from_env,
    is_distinct,
    parse_answer,
    query_endpoint,
    with_prefixes,
)
from graph.iris import GRAPH_BASE
from graph.sparql import QueryError, parse_query, saved_queries

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
STORE_FILES = [
    *sorted((FIXTURES / "meetings").iterdir()),
    FIXTURES / "app" / "upload_plan.md",
    FIXTURES / "plan" / "namnd_plan.md",
    FIXTURES / "plan" / "fokusomrade_plan.md",
    FIXTURES / "history" / "styrkort_ekby_2022.md",
]
# A constructed graph with what the fixtures' texts do not give without the model: an inferred link with a
# score, an explicit SDG reference, a boolean, a decimal, a language tag and a blank node; and a publisher
# whose label triple stands in the kommuner reference graph too, with a period but no date (Virtuoso 7.2
# repeats such a document's row under SELECT DISTINCT; graph.endpoint drops the repeats).
HAND_MADE = """
@prefix sk: <https://w3id.org/styrkedja/ns#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix doc: <https://w3id.org/styrkedja/id/doc/handgjord-plan-md/> .
<https://w3id.org/styrkedja/id/doc/handgjord-plan-md> a sk:Document ; sk:sourceFile "handgjord_plan.md" ;
    dcterms:title "Handgjord plan för provning"@sv ; dcterms:temporal "2025/2026" ;
    sk:documentType <https://w3id.org/styrkedja/doctype/verksamhetsplan> ;
    dcterms:publisher <https://w3id.org/styrkedja/id/kommun/0580> .
<https://w3id.org/styrkedja/id/kommun/0580> a <http://www.w3.org/ns/org#Organization> ;
    rdfs:label "Linköpings kommun" .
doc:p\\/0 a sk:Passage ; sk:inDocument <https://w3id.org/styrkedja/id/doc/handgjord-plan-md> ;
    sk:text "Alla elever ska nå kunskapskraven, i linje med Agenda 2030 mål 4." ; sk:page 1 ;
    dcterms:references <http://metadata.un.org/sdg/4> .
doc:goal\\/0 a sk:Goal ; rdfs:label "Alla elever ska nå kunskapskraven" ;
    sk:inDocument <https://w3id.org/styrkedja/id/doc/handgjord-plan-md> .
[] a sk:Alignment ; sk:from doc:goal\\/0 ; sk:to <http://metadata.un.org/sdg/4.1> ; sk:score 0.8125 ;
    sk:method "embedding" ; sk:inDocument <https://w3id.org/styrkedja/id/doc/handgjord-plan-md> ;
    sk:checked true ; sk:weight 0.50 .
"""
LIMITS = QueryLimits(timeout_s=60, max_rows=100_000)
_NUMERIC = {namespace.XSD[name] for name in (
    "integer", "int", "long", "short", "decimal", "double", "float", "nonNegativeInteger", "positiveInteger")}
_GROUP_CONCAT = re.compile(r'GROUP_CONCAT\([^)]*separator\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)', re.IGNORECASE)


# --- comparing answers --------------------------------------------------------------------------------------


def normalised(term, separator: str | None = None):
    """A term as compared across stores (see the module's docstring)."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, Literal):
        if term.datatype in _NUMERIC:
            return ("number", float(term.toPython()))
        if term.datatype == namespace.XSD.boolean:
            return ("boolean", bool(term.toPython()))
        text = str(term)
        value = tuple(sorted(text.split(separator))) if separator else text
        datatype = None if term.datatype in (None, namespace.XSD.string) else str(term.datatype)
        return ("literal", value, term.language, datatype)
    return ("iri", str(term))


def answer_rows(answer, query: str) -> collections.Counter:
    """An answer's rows as a multiset of normalised tuples."""
    separators = {name: sep for sep, name in _GROUP_CONCAT.findall(query)}
    names = answer.variables or [None] * 3
    return collections.Counter(
        tuple(normalised(value, separators.get(name)) for name, value in zip(names, row, strict=True))
        for row in answer.rows
    )


@pytest.mark.parametrize(("local", "server", "same"), [
    (Literal("0.50", datatype=namespace.XSD.decimal), Literal("0.5", datatype=namespace.XSD.decimal), True),
    (Literal("true", datatype=namespace.XSD.boolean), Literal("1", datatype=namespace.XSD.boolean), True),
    (Literal("x", datatype=namespace.XSD.string), Literal("x"), True),
    (BNode("a"), BNode("nodeID://b10000"), True),
    (Literal("x", lang="sv"), Literal("x"), False),
    (Literal("2025-01-01", datatype=namespace.XSD.date), Literal("2025-01-01"), False),
    (Literal("1", datatype=namespace.XSD.integer), Literal("2", datatype=namespace.XSD.integer), False),
])
def test_normalisation_equates_only_what_differs_in_form(local, server, same):
    assert (normalised(local) == normalised(server)) is same


# --- a Virtuoso server --------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = {db}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
MaxQueryMem = 500M
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp}
ServerThreads = 4
MaxClientConnections = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


@contextlib.contextmanager
def virtuoso_server(folder: Path):
    """Start virtuoso-t on 127.0.0.1 with a fresh database in ``folder``; yield its base URL; stop it."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip("Virtuoso is not installed (virtuoso-t not found; `make virtuoso` installs Debian's "
                    "virtuoso-opensource where apt-get and root are available)")
    db, vsp = folder / "db", folder / "vsp"
    db.mkdir(parents=True)
    vsp.mkdir()
    http_port, sql_port = _free_port(), _free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=db, vsp=vsp, http_port=http_port, sql_port=sql_port))
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen([binary, "+configfile", str(ini), "+foreground"], cwd=folder, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                tail = (folder / "server.log").read_text("utf-8", "replace").strip().splitlines()[-3:]
                pytest.skip(f"Virtuoso did not start (exit {process.returncode}): {' / '.join(tail)}")
            try:
                with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.skip("Virtuoso did not answer on 127.0.0.1 within 120 s of starting")
            time.sleep(0.5)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The constructed store (meetings, three plans, one hand-made graph), built as `add --no-model` does."""
    from app.pipeline import Services, add_files
    from graph.iris import document_graph, document_iri
    from graph.store import DocumentEntry, Store

    built = Store(tmp_path_factory.mktemp("virtuoso-store") / "store")
    report = add_files(built, STORE_FILES, services=Services(built, use_model=False))
    assert report.ok and len(report.added) == len(STORE_FILES), report
    name = "handgjord_plan.md"
    built.put(DocumentEntry(name, "0" * 64, "", str(document_iri(name)), str(document_graph(name)), name),
              Graph().parse(data=HAND_MADE, format="turtle"))
    return built


@pytest.fixture(scope="module")
def server(tmp_path_factory, store):
    """A running Virtuoso holding the published store: (query endpoint, Graph Store endpoint, the report)."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as base:
        target = GraphStore(f"{base}/sparql-graph-crud-auth", "dba", "dba", timeout_s=120)
        report = publish(store, target)
        yield Endpoint(f"{base}/sparql"), target, report


def test_publish_sends_every_document_graph_and_the_reference_graphs(store, server):
    endpoint, _, report = server
    assert report.graphs == len(store.documents()) + 4 and report.reference_graphs == 4
    answer = query_endpoint(endpoint, f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                            f'FILTER(STRSTARTS(STR(?g), "{GRAPH_BASE}")) }}', None, 30, 1000)
    assert {str(row[0]) for row in answer.rows} == {e.graph for e in store.documents().values()} | {
        f"{GRAPH_BASE}reference/skollagen", f"{GRAPH_BASE}reference/sdg", f"{GRAPH_BASE}reference/kommuner",
        f"{GRAPH_BASE}ontology"}
    triples = query_endpoint(endpoint, f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                             f'FILTER(STRSTARTS(STR(?g), "{GRAPH_BASE}")) }}', None, 30, 10)
    assert int(triples.rows[0][0]) == report.triples


@pytest.mark.parametrize("saved", saved_queries(), ids=lambda q: q.name)
def test_a_saved_query_has_the_same_answer_on_the_server(store, server, saved):
    endpoint = server[0]
    local = run_limited(store.dataset(), saved.text, LIMITS)
    remote = run_on_endpoint(endpoint, saved.text, LIMITS, None)
    assert remote.variables == local.variables
    assert answer_rows(remote, saved.text) == answer_rows(local, saved.text)


def test_the_saved_queries_have_answers_to_compare(store, server):
    """The comparison means something only where there are rows: most saved queries find some here."""
    with_rows = [q.name for q in saved_queries() if run_limited(store.dataset(), q.text, LIMITS).rows]
    assert len(with_rows) >= len(saved_queries()) - 2, with_rows


def test_publishing_again_replaces_each_graph_and_duplicates_nothing(store, server):
    endpoint, target, first = server
    again = publish(store, target, with_reference=False)
    assert again.graphs == len(store.documents())
    count = query_endpoint(endpoint, f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                           f'FILTER(STRSTARTS(STR(?g), "{GRAPH_BASE}")) }}', None, 30, 10)
    assert int(count.rows[0][0]) == first.triples


def test_prune_deletes_the_graphs_of_removed_documents_and_nothing_else(store, server):
    from app.export_endpoint import DOCUMENT_GRAPHS, delete_graph, put_graph, server_document_graphs

    endpoint, target, first = server
    removed = f"{DOCUMENT_GRAPHS}borttagen-plan-md"  # a document published before and removed since
    foreign = "http://example.org/annan-tjanst/graf"  # another service's graph on the same server
    triple = b"<http://example.org/s> <http://example.org/p> \"o\" .\n"
    put_graph(target, removed, triple)
    put_graph(target, foreign, triple)
    try:
        assert removed in server_document_graphs(endpoint)
        report = publish(store, target, with_reference=False, prune_from=endpoint)
        assert report.removed == [removed]
        on_server = server_document_graphs(endpoint)
        assert removed not in on_server
        assert on_server == {e.graph for e in store.documents().values()}
        still = query_endpoint(endpoint, f"ASK {{ GRAPH <{foreign}> {{ ?s ?p ?o }} }}", None, 30, 1)
        assert still.answer is True
        count = query_endpoint(endpoint, f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                               f'FILTER(STRSTARTS(STR(?g), "{GRAPH_BASE}")) }}', None, 30, 10)
        assert int(count.rows[0][0]) == first.triples
        assert publish(store, target, with_reference=False, prune_from=endpoint).removed == []
    finally:
        delete_graph(target, foreign)
        delete_graph(target, removed)


def test_the_cli_asks_the_server_without_loading_the_store(store, server, monkeypatch, capsys):
    from app.cli import main
    from graph.store import Store

    monkeypatch.setenv("STYRKEDJA_SPARQL_ENDPOINT", server[0].url)
    monkeypatch.setattr(Store, "dataset", lambda self: pytest.fail("the store was loaded"))
    status = main(["--store", str(store.folder), "sparql", "--format", "csv",
                   "SELECT ?file WHERE { ?d a sk:Document ; sk:sourceFile ?file } ORDER BY ?file"])
    assert status == 0
    lines = capsys.readouterr().out.split()
    assert lines[0] == "file" and sorted(lines[1:]) == sorted(store.documents())


def test_the_explorer_query_path_asks_the_server_when_one_is_set(store, server, monkeypatch):
    from app.explorer.facts import sparql_table

    query = "SELECT ?g WHERE { GRAPH ?g { ?d a sk:Document } }"
    dataset = store.dataset()
    monkeypatch.setenv("STYRKEDJA_SPARQL_ENDPOINT", server[0].url)
    _, rows, _ = sparql_table(dataset, query, LIMITS)
    monkeypatch.delenv("STYRKEDJA_SPARQL_ENDPOINT")
    _, local, _ = sparql_table(dataset, query, LIMITS)
    assert sorted(map(tuple, rows)) == sorted(map(tuple, local)) and len(rows) == len(store.documents())


@pytest.mark.parametrize("query", [
    'SELECT (<bif:file_to_string>("/etc/passwd") AS ?x) WHERE {}',
    "SELECT ?s WHERE { ?s <bif:contains> \"skola\" }",
    "SELECT ?s FROM <http://example.org/elsewhere> WHERE { ?s ?p ?o }",
])
def test_a_query_that_reaches_outside_is_refused_before_it_reaches_the_server(store, server, query):
    from app.sparql_runner import store_graph_iris

    with pytest.raises(QueryError) as caught:
        run_on_endpoint(server[0], query, LIMITS, store_graph_iris(store))
    assert "endpoint" not in str(caught.value)


# --- the client without a server ----------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }",
    "SELECT ?s FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { GRAPH <http://example.org/elsewhere> { ?s ?p ?o } }",
    'SELECT (<bif:file_to_string>("/etc/passwd") AS ?x) WHERE {}',
    'SELECT (<sql:anything>(1) AS ?x) WHERE {}',
    'SELECT (<http://example.org/fn>(1) AS ?x) WHERE {}',
    "PREFIX b: <bif:> SELECT ?s WHERE { ?s b:contains \"x\" }",
])
def test_a_query_that_reaches_outside_is_refused_before_any_request(query):
    closed = Endpoint(f"http://127.0.0.1:{_free_port()}/sparql")
    with pytest.raises(QueryError) as caught:
        query_endpoint(closed, query, {f"{GRAPH_BASE}doc/a"}, 5, 10)
    assert not isinstance(caught.value, EndpointError), caught.value


REPEATED = b"""{"head": {"vars": ["a", "b"]}, "results": {"bindings": [
  {"a": {"type": "uri", "value": "http://example.org/1"}, "b": {"type": "literal", "value": "x"}},
  {"a": {"type": "uri", "value": "http://example.org/1"}, "b": {"type": "literal", "value": "x"}},
  {"a": {"type": "uri", "value": "http://example.org/1"}},
  {"a": {"type": "uri", "value": "http://example.org/2"}, "b": {"type": "literal", "value": "x"}}]}}"""


@pytest.mark.parametrize(("distinct", "rows"), [(True, 3), (False, 4)])
def test_repeated_rows_are_dropped_only_when_the_query_asked_for_distinct(distinct, rows):
    answer = parse_answer(Endpoint("http://127.0.0.1/sparql"), "SELECT", "application/sparql-results+json",
                          REPEATED, 100, distinct=distinct)
    one, two, x = URIRef("http://example.org/1"), URIRef("http://example.org/2"), Literal("x")
    expected = [(one, x), (one, x), (one, None), (two, x)]
    assert answer.rows == (expected[1:] if distinct else expected) and len(answer.rows) == rows


@pytest.mark.parametrize(("query", "distinct"), [
    ("SELECT DISTINCT ?s WHERE { ?s ?p ?o }", True),
    ("SELECT DISTINCT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3 OFFSET 1", True),
    ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", False),
    ("SELECT REDUCED ?s WHERE { ?s ?p ?o }", False),
    ("SELECT ?s WHERE { { SELECT DISTINCT ?s WHERE { ?s ?p ?o } } ?s ?q ?r }", False),
])
def test_distinct_is_read_from_the_query(query, distinct):
    assert is_distinct(parse_query(query)) is distinct


def test_an_xsd_cast_is_a_function_that_is_allowed():
    closed = Endpoint(f"http://127.0.0.1:{_free_port()}/sparql")
    with pytest.raises(EndpointError, match="cannot be reached"):
        query_endpoint(closed, 'SELECT (xsd:integer("1") AS ?x) WHERE {}', None, 5, 10)


def test_an_unreachable_endpoint_is_one_sentence_naming_it_without_its_password():
    port = _free_port()
    endpoint = Endpoint(f"http://reader:secret@127.0.0.1:{port}/sparql")
    with pytest.raises(EndpointError) as caught:
        query_endpoint(endpoint, "ASK {}", None, 5, 10)
    message = str(caught.value)
    assert f"http://127.0.0.1:{port}/sparql" in message and "secret" not in message
    assert "\n" not in message


def test_a_silent_endpoint_is_given_up_at_the_time_limit():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True).start()
    endpoint = Endpoint(f"http://127.0.0.1:{listener.getsockname()[1]}/sparql")
    started = time.monotonic()
    try:
        with pytest.raises(QueryTimeout) as caught:
            run_on_endpoint(endpoint, "ASK {}", QueryLimits(timeout_s=1, max_rows=10), None)
    finally:
        for connection in held:
            connection.close()
        listener.close()
    assert time.monotonic() - started < 5
    assert endpoint.name in str(caught.value) and "STYRKEDJA_SPARQL_TIMEOUT_S" in str(caught.value)


def test_the_store_is_asked_when_no_endpoint_is_set(store, monkeypatch):
    monkeypatch.delenv("STYRKEDJA_SPARQL_ENDPOINT", raising=False)
    answer = run_for_store(store, "SELECT ?d WHERE { ?d a sk:Document }", LIMITS)
    assert len(answer.rows) == len(store.documents())


@pytest.mark.parametrize(("value", "ok"), [
    ("http://127.0.0.1:8890/sparql", True), ("https://example.org/sparql", True),
    ("file:///etc/passwd", False), ("127.0.0.1:8890/sparql", False), ("", None),
])
def test_the_endpoint_setting_must_be_an_http_url(monkeypatch, value, ok):
    monkeypatch.setenv("STYRKEDJA_SPARQL_ENDPOINT", value)
    if ok is None:
        assert endpoint_from_env() is None
    elif ok:
        assert endpoint_from_env() == Endpoint(value)
    else:
        with pytest.raises(EndpointError, match="STYRKEDJA_SPARQL_ENDPOINT"):
            endpoint_from_env()


def test_the_store_prefixes_are_declared_unless_the_query_declares_them():
    text = with_prefixes("PREFIX sk: <http://example.org/other#>\n"
                         "SELECT * WHERE { ?s a sk:X ; dcterms:title ?t }")
    assert "PREFIX sk: <https://w3id.org/styrkedja/ns#>" not in text
    assert "PREFIX dcterms: <http://purl.org/dc/terms/>" in text


@pytest.mark.parametrize(("url", "user", "password", "message"), [
    ("ftp://host/x", None, None, "not an http"),
    ("http://dba:dba@127.0.0.1:8890/sparql-graph-crud-auth", None, None, "not in the URL"),
    ("http://127.0.0.1:8890/sparql-graph-crud-auth", "dba", None, "or neither"),
])
def test_publish_settings_are_checked(monkeypatch, url, user, password, message):
    for name, value in (("STYRKEDJA_PUBLISH_USER", user), ("STYRKEDJA_PUBLISH_PASSWORD", password)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    with pytest.raises(PublishError, match=message):
        graph_store_from_env(url)


def test_publish_to_an_unreachable_server_is_a_user_error_naming_it(store, capsys, monkeypatch):
    from app.cli import main

    monkeypatch.delenv("STYRKEDJA_PUBLISH_USER", raising=False)
    monkeypatch.delenv("STYRKEDJA_PUBLISH_PASSWORD", raising=False)
    url = f"http://127.0.0.1:{_free_port()}/sparql-graph-crud-auth"
    assert main(["--store", str(store.folder), "publish", "--endpoint", url]) == 1
    assert url in capsys.readouterr().err


@pytest.mark.parametrize("sparql, message", [
    (None, "--sparql URL or set STYRKEDJA_SPARQL_ENDPOINT"),
    ("file:///etc/passwd", "must be an http:// or https:// URL"),
])
def test_prune_needs_a_query_endpoint_that_is_a_web_url(store, capsys, monkeypatch, sparql, message):
    from app.cli import main

    monkeypatch.delenv("STYRKEDJA_SPARQL_ENDPOINT", raising=False)
    url = f"http://127.0.0.1:{_free_port()}/sparql-graph-crud-auth"
    argv = ["--store", str(store.folder), "publish", "--endpoint", url, "--prune"]
    assert main(argv + (["--sparql", sparql] if sparql else [])) == 1
    assert message in capsys.readouterr().err


def test_only_document_graphs_the_store_lacks_are_stale(store):
    from app.export_endpoint import DOCUMENT_GRAPHS, stale_graphs

    kept = {e.graph for e in store.documents().values()}
    on_server = kept | {f"{DOCUMENT_GRAPHS}b", f"{DOCUMENT_GRAPHS}a", f"{GRAPH_BASE}reference/sdg",
                        "http://example.org/doc/x"}
    assert stale_graphs(on_server, store) == [f"{DOCUMENT_GRAPHS}a", f"{DOCUMENT_GRAPHS}b"]
    assert stale_graphs(kept, store) == []


def test_a_document_graph_converts_the_same_with_and_without_pyoxigraph(store, monkeypatch):
    import sys

    from rdflib.compare import isomorphic

    from app.export_endpoint import document_ntriples

    entry = store.documents()["upload_plan.md"]
    path = store.folder / entry.graph_file
    fast, count = document_ntriples(path, entry.graph)
    monkeypatch.setitem(sys.modules, "pyoxigraph", None)  # the import fails: rdflib converts
    slow, slow_count = document_ntriples(path, entry.graph)
    assert count == slow_count == len(store.stored_graph(entry)) > 0
    assert isomorphic(Graph().parse(data=fast, format="nt"), Graph().parse(data=slow, format="nt"))
