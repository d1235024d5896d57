"""Parallel ingest: a map (read, extract and embed one file) in worker processes or on a Dask cluster, and a
merge (commit one document at a time, in the files' given order) in the caller.

The map writes nothing: it returns the document graph with its TriG and analysis (Store.encode), the
embedded search index entry and the failed stages (app.pipeline.Prepared). The merge is app.pipeline's own:
whether a file is unread (unchanged, or another name of stored bytes) is decided when its turn comes,
against the store as it is then, and the commit takes the store's lock as a one-worker run does. So the
store ends up as a one-worker run's, and one broken file never stops the others: its error names it.

A worker loads the embedding model itself (the same cache as the caller, search/model.py) and runs torch on
$STYRKEDJA_THREADS threads (default: the cores shared out among the workers, at most 2). At most
``AHEAD_PER_WORKER`` files per worker are mapped ahead of the merge, so memory stays bounded on long runs.
A worker process that dies (a crash in a C library, the OOM killer) breaks the pool: the files then in flight
are mapped again, each alone in a fresh process, and the one that dies alone is reported as failed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app.pipeline import (
    Outcome,
    Prepared,
    Services,
    commit_prepared,
    ingest_sequential,
    load_context,
    prepare_file,
    settle_unread,
    unexpected,
)
from app.worker import captured_logs, replay
from graph.rdf import Context
from graph.store import EXTRACTOR_VERSION, Store
from ingest.model import DocumentMetadata, IngestError
from ingest.reader import ReadOptions, sha256_bytes

log = logging.getLogger(__name__)

ENV_THREADS = "STYRKEDJA_THREADS"  # search/model.py reads it when it loads the model
AHEAD_PER_WORKER = 2
MAX_THREADS_PER_WORKER = 2


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system says, else all)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """Torch threads for each of ``workers`` processes: the cores shared out, at least 1, at most 2."""
    cores = cores or available_cores()
    return max(1, min(MAX_THREADS_PER_WORKER, cores // max(1, workers)))


@dataclass(frozen=True)
class Task:
    """What a worker needs to map one file (all of it pickles; paths are the caller's)."""

    index: int
    path: Path
    store_folder: str
    known: DocumentMetadata | None
    options: ReadOptions | None
    use_model: bool
    threads: int
    levels: dict[str, int] = field(default_factory=dict)


@dataclass
class Mapped:
    """A worker's answer: the prepared file, or the file and why it could not be read; its log records."""

    prepared: Prepared | None
    problem: tuple[str, str] | None  # (path, problem): an IngestError, which does not pickle itself
    records: list = field(default_factory=list)


_STATE: dict[tuple[str, bool], tuple[Context, Services]] = {}
_CONFIGURED: list[bool] = []


def _configure(task: Task) -> None:
    """Once per worker process: torch threads and the caller's log levels."""
    if _CONFIGURED:
        return
    os.environ.setdefault(ENV_THREADS, str(task.threads))
    for name, level in task.levels.items():
        logging.getLogger(name or None).setLevel(level)
    _CONFIGURED.append(True)


def _state(store_folder: str, use_model: bool) -> tuple[Context, Services]:
    """The reference context and the services of a store, loaded once per worker process."""
    key = (store_folder, use_model)
    if key not in _STATE:
        store = Store(store_folder)
        _STATE[key] = (load_context(store), Services(store, use_model=use_model))
    return _STATE[key]


def map_file(task: Task) -> Mapped:
    """The map: read, extract and embed one file (in a worker; nothing is written to the store)."""
    _configure(task)
    prepared, problem = None, None
    with captured_logs() as records:
        try:
            context, services = _state(task.store_folder, task.use_model)
            prepared = prepare_file(task.path, context, task.known, task.options, services)
            # The caller needs the graph (and its TriG and analysis, made here) and the index entry only.
            encoded = services.store.encode(prepared.entry.graph, prepared.graph)
            prepared = replace(prepared, doc=None, encoded=encoded)
        except IngestError as error:
            problem = (error.path, error.problem)
        except Exception as exc:  # a bug in one extraction must not stop the run
            log.exception("%s: unexpected error", task.path)
            problem = (str(task.path), unexpected(task.path, exc).problem)
    return Mapped(prepared, problem, records)


def log_levels() -> dict[str, int]:
    """The levels set on this process's loggers (root as ""), for workers to log as the caller does."""
    levels = {"": logging.getLogger().level}
    for name, logger in logging.Logger.manager.loggerDict.items():
        if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET:
            levels[name] = logger.level
    return levels


class LocalPool:
    """A pool of worker processes on this machine, spawned: no torch threads are forked, and they see the
    environment as it is now (limits such as $STYRKEDJA_MAX_SECONDS_PER_DOCUMENT)."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool = self._new(workers)

    @staticmethod
    def _new(workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, task: Task) -> Future:
        """Start mapping a file."""
        return self._pool.submit(map_file, task)

    def result(self, future: Future, task: Task, in_flight: dict[int, tuple[Task, Future]]) -> Mapped:
        """The answer for ``task``; a broken pool is replaced and the files in flight mapped again."""
        try:
            return future.result()
        except BrokenProcessPool:
            log.warning("a worker process died; the %d files in flight are read again, one at a time",
                        len(in_flight) + 1)
        self._pool.shutdown(wait=False, cancel_futures=True)
        answer = self._alone(task)
        for key, (other, _) in list(in_flight.items()):
            done: Future = Future()
            done.set_result(self._alone(other))
            in_flight[key] = (other, done)
        self._pool = self._new(self.workers)
        return answer

    def _alone(self, task: Task) -> Mapped:
        """Map one file in a fresh process of its own; its death fails that file only."""
        pool = self._new(1)
        try:
            return pool.submit(map_file, task).result()
        except BrokenProcessPool:
            died = "could not be ingested (the worker process reading it died)"
            return Mapped(None, (str(task.path), died))
        finally:
            pool.shutdown(wait=True)

    def close(self) -> None:
        """Stop the workers."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def _current(entry, force: bool, use_model: bool) -> bool:
    """Whether a stored entry would be left as it is (app.pipeline.settle_unread's test, without the file)."""
    return (
        not force
        and entry.extractor == EXTRACTOR_VERSION
        and (entry.enriched or not use_model)
        and not entry.failed_stages
    )


def likely_unread(store: Store, paths: list[Path], force: bool, use_model: bool) -> list[bool]:
    """Guess, before the run, which files will need no reading (unchanged, or bytes stored or earlier in the
    run): those are not mapped ahead. Only a guess: the merge decides each file against the store."""
    stored: dict[str, list] = {}
    for entry in store.documents().values():
        stored.setdefault(entry.sha256, []).append(entry)
    seen: set[str] = set()
    guesses = []
    for path in paths:
        try:
            digest = sha256_bytes(path.read_bytes())
        except OSError:
            guesses.append(False)
            continue
        entries = stored.get(digest, [])
        unread = digest in seen or any(
            entry.source_file != path.name or _current(entry, force, use_model) for entry in entries
        )
        seen.add(digest)
        guesses.append(unread)
    return guesses


def _executor(workers: int, cluster: str | None) -> Any:
    """A local process pool, or a Dask cluster's client (app/cluster.py) when an address is given."""
    if cluster:
        from app.cluster import DaskPool

        return DaskPool(cluster)
    return LocalPool(workers)


def ingest_parallel(
    store: Store,
    paths: Iterable[Path],
    manifest: dict[str, DocumentMetadata],
    options: ReadOptions | None,
    force: bool,
    services: Services | None,
    workers: int,
    cluster: str | None = None,
) -> Iterator[Outcome]:
    """Ingest files with the map in parallel and the merge here, in the files' order; yield each outcome."""
    given = [Path(path) for path in paths]
    resolved = [path.resolve() for path in given]
    use_model = services is not None and services.use_model
    skip = likely_unread(store, resolved, force, use_model)
    to_read = skip.count(False)
    if to_read < 2 and not cluster:  # nothing to share out: no pool (its start and model loads cost more)
        yield from ingest_sequential(store, given, manifest, options, force, services)
        return
    workers = min(workers, to_read)
    executor = _executor(workers, cluster)
    ahead = AHEAD_PER_WORKER * max(1, getattr(executor, "workers", workers))
    threads = threads_per_worker(workers)
    levels = log_levels()

    def task(i: int) -> Task:
        known = manifest.get(given[i].name)
        return Task(i, resolved[i], str(store.folder), known, options, use_model, threads, levels)

    in_flight: dict[int, tuple[Task, Future]] = {}
    queued = 0
    log.info("%d files, %d in parallel (%s)", len(given), ahead // AHEAD_PER_WORKER,
             f"Dask cluster {cluster}" if cluster else f"{workers} worker processes")
    try:
        for i, path in enumerate(given):
            while queued < len(given) and len(in_flight) < ahead:
                if not skip[queued]:
                    mapped = task(queued)
                    in_flight[queued] = (mapped, executor.submit(mapped))
                queued += 1
            yield _merge(store, executor, path, task(i), in_flight, force, services)
    finally:
        executor.close()


def _merge(
    store: Store,
    executor: Any,
    path: Path,
    task: Task,
    in_flight: dict[int, tuple[Task, Future]],
    force: bool,
    services: Services | None,
) -> Outcome:
    """Settle one file in its turn: unread, or its map's answer committed; an error names the file."""
    _, future = in_flight.pop(task.index, (task, None))
    try:
        settled = settle_unread(store, task.path, force, services)
    except Exception as exc:
        log.exception("%s: unexpected error", path)
        return Outcome(path, error=unexpected(path, exc))
    if settled:
        if future is not None:
            future.cancel()  # it was mapped in vain (its bytes were stored meanwhile)
        return Outcome(path, settled)
    if future is None:
        future = executor.submit(task)
    mapped = executor.result(future, task, in_flight)
    replay(mapped.records)
    if mapped.problem is not None:
        error = IngestError(*mapped.problem)
        log.error("%s", error)
        return Outcome(path, error=error)
    prepared = mapped.prepared
    try:
        status = commit_prepared(store, prepared, services)
    except IngestError as error:
        log.error("%s", error)
        return Outcome(path, error=error)
    except Exception as exc:  # a bug in one commit must not stop the run
        log.exception("%s: unexpected error", path)
        return Outcome(path, error=unexpected(path, exc))
    return Outcome(path, status, prepared.failures, pages=prepared.entry.pages)
