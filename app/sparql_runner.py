"""Run a user's SPARQL query where it can really be stopped: a worker process ended at the time limit.

The query is parsed and checked in the caller (graph.sparql: read-only, nothing outside the store), then a
child process forked from the caller evaluates it over the dataset the caller already holds (copy-on-write,
so nothing is loaded again) and sends back at most ``max_rows`` rows. When the time limit passes first, the
child is killed (SIGKILL) and the caller gets :class:`QueryTimeout`. The caller's threads are never blocked
by the engine: other sessions of the explorer go on while a long query runs, because only the waiting thread
waits (on a pipe, without holding the GIL).

Limits come from the environment: ``STYRKEDJA_SPARQL_TIMEOUT_S`` (default 10) and
``STYRKEDJA_SPARQL_MAX_ROWS`` (default 10,000).

When ``STYRKEDJA_SPARQL_ENDPOINT`` names a SPARQL server (the store published there with ``styrkedja
publish``), queries go to it over HTTP instead (graph.endpoint), after the same checks and within the same
limits: the HTTP exchange is given up at the time limit, so no worker process is needed.

The worker (app/worker.py) only evaluates the query and writes to its pipe: it imports nothing new and
leaves with ``os._exit``, which is what makes forking from the explorer's multi-threaded server safe. Where
``fork`` is not available the query runs in a spawned process that loads the store itself.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Dataset

from app.worker import WorkerFailed, WorkerTimeout, run_in_worker
from graph.endpoint import Endpoint, EndpointTimeout, endpoint_from_env, query_endpoint
from graph.iris import KOMMUNER_GRAPH, ONTOLOGY_GRAPH, SDG_GRAPH, SKOLLAGEN_GRAPH
from graph.sparql import (
    NAMESPACES,
    QueryError,
    QueryResult,
    check_reach,
    collect,
    collect_oxigraph,
    parse_query,
    store_graph_names,
)

if TYPE_CHECKING:
    from graph.store import Store

log = logging.getLogger(__name__)

ENV_TIMEOUT = "STYRKEDJA_SPARQL_TIMEOUT_S"
ENV_MAX_ROWS = "STYRKEDJA_SPARQL_MAX_ROWS"
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_ROWS = 10_000


class QueryTimeout(QueryError):
    """The query ran past the time limit and was stopped."""

    def __init__(self, seconds: float, message: str | None = None):
        default = f"the query took longer than {seconds:g} s and was stopped ({ENV_TIMEOUT})"
        super().__init__(message or default)
        self.seconds = seconds


@dataclass(frozen=True)
class QueryLimits:
    """How long a query may run and how many rows it may return."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    max_rows: int = DEFAULT_MAX_ROWS


def _positive(name: str, default: float, kind: Callable[[str], float]) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = 0
    if value <= 0:
        log.warning("%s=%r is not a positive number; using %s", name, raw, default)
        return default
    return value


def limits_from_env() -> QueryLimits:
    """The limits set by STYRKEDJA_SPARQL_TIMEOUT_S and STYRKEDJA_SPARQL_MAX_ROWS (else the defaults)."""
    return QueryLimits(
        timeout_s=float(_positive(ENV_TIMEOUT, DEFAULT_TIMEOUT_S, float)),
        max_rows=int(_positive(ENV_MAX_ROWS, DEFAULT_MAX_ROWS, int)),
    )


def _evaluate(dataset: Dataset, query: str, max_rows: int) -> QueryResult:
    """The worker's work: evaluate the query over the dataset and collect at most ``max_rows`` rows."""
    return collect(dataset.query(query, initNs=NAMESPACES), max_rows)


def _evaluate_spawned(folder: str, query: str, max_rows: int) -> QueryResult:
    """The spawned worker's work (no fork): load the store, then evaluate."""
    from graph.store import Store

    return _evaluate(Store(folder).dataset(), query, max_rows)


def run_limited(
    dataset: Dataset,
    query: str,
    limits: QueryLimits | None = None,
    store_folder: str | None = None,
) -> QueryResult:
    """Check and run a read-only query in a worker process within the limits; raise QueryError/QueryTimeout.

    ``store_folder`` is only used where ``fork`` is unavailable (the spawned worker loads the store from it).
    """
    limits = limits or limits_from_env()
    endpoint = endpoint_from_env()
    if endpoint is not None:
        return run_on_endpoint(endpoint, query, limits, store_graph_names(dataset))
    prepared = parse_query(query)
    check_reach(prepared, store_graph_names(dataset))
    spawn = (_evaluate_spawned, (store_folder, query, limits.max_rows)) if store_folder is not None else None
    if spawn is None and "fork" not in multiprocessing.get_all_start_methods():
        raise QueryError("queries cannot be run in a worker process on this platform")
    return _in_worker(_evaluate, (dataset, query, limits.max_rows), limits, spawn, "in a worker process")


def _in_worker(function, arguments: tuple, limits: QueryLimits, spawn, where: str) -> QueryResult:
    """Evaluate in a worker process within the limits; what goes wrong becomes QueryTimeout or QueryError."""
    started = time.monotonic()
    try:
        return run_in_worker(function, arguments, limits.timeout_s, forward_logs=False, spawn=spawn,
                             what="sparql")
    except WorkerTimeout:
        raise QueryTimeout(limits.timeout_s) from None
    except WorkerFailed as error:
        raise QueryError(f"the query stopped without an answer ({error})") from None
    except Exception as error:  # what the engine raised, as one line
        first = str(error).splitlines()[0] if str(error) else ""
        detail = f"{type(error).__name__}: {first}".rstrip(": ")
        raise QueryError(f"the query failed in the engine ({detail})") from None
    finally:
        log.info("sparql: %.2f s %s (limit %g s)", time.monotonic() - started, where, limits.timeout_s)


# --- a SPARQL server (STYRKEDJA_SPARQL_ENDPOINT) -----------------------------------------------------------

REFERENCE_GRAPHS = (SKOLLAGEN_GRAPH, SDG_GRAPH, KOMMUNER_GRAPH, ONTOLOGY_GRAPH)


def store_graph_iris(store: Store) -> set[str]:
    """The graphs a store publishes (its documents' from the manifest, and the reference graphs), unloaded."""
    return {entry.graph for entry in store.documents().values()} | {str(iri) for iri in REFERENCE_GRAPHS}


def run_on_endpoint(
    endpoint: Endpoint, query: str, limits: QueryLimits, graph_names: set[str] | None
) -> QueryResult:
    """Check a read-only query and run it on the SPARQL server within the limits; raise QueryError."""
    started = time.monotonic()
    try:
        return query_endpoint(endpoint, query, graph_names, limits.timeout_s, limits.max_rows)
    except EndpointTimeout as error:
        raise QueryTimeout(limits.timeout_s, str(error)) from None
    finally:
        log.info("sparql: %.2f s on %s (limit %g s)", time.monotonic() - started, endpoint.name,
                 limits.timeout_s)


def _evaluate_on_index(folder: str, query: str, max_rows: int) -> QueryResult:
    """The worker's work on the quad index: open its newest snapshot read-only and evaluate."""
    from graph.quadstore import QuadIndex

    return collect_oxigraph(QuadIndex(folder).query(query, NAMESPACES), max_rows)


def run_on_index(store: Store, query: str, limits: QueryLimits) -> QueryResult:
    """Check a read-only query and run it on the store's quad index in a worker process, within the limits.

    Nothing is loaded: the index is brought in line with the manifest here (cheap when it is), and the
    worker opens the index's newest read-only snapshot itself.
    """
    prepared = parse_query(query)
    check_reach(prepared, store_graph_iris(store))
    store.quads().close()  # in line with the manifest; the parent keeps no handle open across the fork
    arguments = (str(store.folder), query, limits.max_rows)
    return _in_worker(_evaluate_on_index, arguments, limits, (_evaluate_on_index, arguments),
                      "on the quad index in a worker process")


def run_for_store(store: Store, query: str, limits: QueryLimits | None = None) -> QueryResult:
    """Run a read-only query for a store: on the SPARQL server when one is set, else on the store's quad
    index in a worker process (nothing is loaded into memory)."""
    limits = limits or limits_from_env()
    endpoint = endpoint_from_env()
    if endpoint is not None:
        return run_on_endpoint(endpoint, query, limits, store_graph_iris(store))
    return run_on_index(store, query, limits)
