"""Run a user's SPARQL query where it can really be stopped: a worker process ended at the time limit.

The query is parsed and checked in the caller (graph.sparql: read-only, nothing outside the store), then a
child process forked from the caller evaluates it over the dataset the caller already holds (copy-on-write,
so nothing is loaded again) and sends back at most ``max_rows`` rows. When the time limit passes first, the
child is killed (SIGKILL) and the caller gets :class:`QueryTimeout`. The caller's threads are never blocked
by the engine: other sessions of the explorer go on while a long query runs, because only the waiting thread
waits (on a pipe, without holding the GIL).

Limits come from the environment: ``STYRKEDJA_SPARQL_TIMEOUT_S`` (default 10) and
``STYRKEDJA_SPARQL_MAX_ROWS`` (default 10,000).

The child only evaluates the query and writes to its pipe: it logs nothing, imports nothing new and leaves
with ``os._exit``, which is what makes forking from the explorer's multi-threaded server safe. Where ``fork``
is not available the query runs in a spawned process that loads the store itself.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Dataset

from graph.sparql import (
    NAMESPACES,
    QueryError,
    QueryResult,
    check_reach,
    collect,
    parse_query,
    store_graph_names,
)

log = logging.getLogger(__name__)

ENV_TIMEOUT = "STYRKEDJA_SPARQL_TIMEOUT_S"
ENV_MAX_ROWS = "STYRKEDJA_SPARQL_MAX_ROWS"
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_ROWS = 10_000


class QueryTimeout(QueryError):
    """The query ran past the time limit and was stopped."""

    def __init__(self, seconds: float):
        super().__init__(f"the query took longer than {seconds:g} s and was stopped ({ENV_TIMEOUT})")
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


def _evaluate(dataset: Dataset, query: str, max_rows: int, connection) -> None:
    """The child's work: evaluate, collect, send ("ok", result) or ("error", message), leave at once."""
    try:
        result = dataset.query(query, initNs=NAMESPACES)
        connection.send(("ok", collect(result, max_rows)))
    except BaseException as error:  # anything the engine raises goes back as one line
        first = str(error).splitlines()[0] if str(error) else ""
        connection.send(("error", f"{type(error).__name__}: {first}".rstrip(": ")))
    finally:
        connection.close()
        os._exit(0)


def _evaluate_spawned(folder: str, query: str, max_rows: int, connection) -> None:
    """The spawned child's work (no fork): load the store, then evaluate."""
    from graph.store import Store

    _evaluate(Store(folder).dataset(), query, max_rows, connection)


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
    prepared = parse_query(query)
    check_reach(prepared, store_graph_names(dataset))
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods:
        context = multiprocessing.get_context("fork")
        target, first = _evaluate, dataset
    elif store_folder is not None:
        context = multiprocessing.get_context("spawn")
        target, first = _evaluate_spawned, store_folder
    else:
        raise QueryError("queries cannot be run in a worker process on this platform")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=target, args=(first, query, limits.max_rows, sender), daemon=True)
    started = time.monotonic()
    worker.start()
    sender.close()
    try:
        if not receiver.poll(limits.timeout_s):
            raise QueryTimeout(limits.timeout_s)
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise QueryError("the query stopped without an answer (the worker process ended)") from None
    finally:
        receiver.close()
        if worker.is_alive():
            worker.kill()
        worker.join(5)
        log.info("sparql: %.2f s in a worker process (limit %g s)", time.monotonic() - started,
                 limits.timeout_s)
    if status == "error":
        raise QueryError(f"the query failed in the engine ({payload})")
    return payload
