"""Run a callable where it can really be stopped: a forked worker process, killed (SIGKILL) at a time limit.

Used for user SPARQL queries (app/sparql_runner.py) and for reading one document (app/pipeline.py). A
thread cannot be interrupted while a C library or the regex engine runs; a process can. The caller's other
threads go on meanwhile: only the waiting thread waits, on a pipe, without holding the GIL.

The child runs the callable, sends back ``("ok", value, logs)`` or ``("raise", error, logs)`` and leaves with
``os._exit`` (no atexit handlers, no flushing of the parent's buffers). Log records the child makes are sent
back and handled by the parent's loggers, so they reach the same handlers (a CLI's stderr, pytest's caplog)
as if the callable had run in place. A result or an error that cannot be pickled comes back as
:class:`WorkerFailed` with its type and first line. A child that dies (a crash in a C library, the kernel's
OOM killer) is :class:`WorkerFailed` too.

Where ``fork`` is not available the callable runs in a spawned process; the caller may then give another
callable and arguments that rebuild what a fork would have shared (``spawn=(function, args)``).
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import multiprocessing
import os
import pickle
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

log = logging.getLogger(__name__)


class WorkerTimeout(Exception):
    """The worker ran past its time limit and was killed."""

    def __init__(self, seconds: float):
        super().__init__(f"stopped after {seconds:g} s")
        self.seconds = seconds

    def __reduce__(self):
        return type(self), (self.seconds,)


class WorkerFailed(Exception):
    """The worker ended without an answer, or with an error that could not be sent back as it was."""


class _LogCollector(logging.Handler):
    """A handler in the child that keeps every record, made picklable, for the parent."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg = record.getMessage()
        record.args = None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)


@contextlib.contextmanager
def captured_logs() -> Iterator[list[logging.LogRecord]]:
    """Collect the log records made inside, picklable, instead of handling them here; the root logger's
    handlers are put back afterwards (a pool worker sends the records back with its answer)."""
    collector = _LogCollector()
    root = logging.getLogger()
    handlers = list(root.handlers)
    for handler in handlers:
        root.removeHandler(handler)
    root.addHandler(collector)
    try:
        yield collector.records
    finally:
        root.removeHandler(collector)
        for handler in handlers:
            root.addHandler(handler)


def replay(records: Sequence[logging.LogRecord]) -> None:
    """Handle log records made in another process with this process's loggers (and so its handlers)."""
    for record in records:
        logging.getLogger(record.name).handle(record)


def _collect_logs() -> _LogCollector:
    """In the child: send every record to a collector instead of the inherited handlers."""
    collector = _LogCollector()
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(collector)
    return collector


def _sendable(value: Any) -> bool:
    try:
        pickle.loads(pickle.dumps(value))
    except Exception:
        return False
    return True


def _describe(error: BaseException) -> str:
    first = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {first}".rstrip(": ")


def _limit_memory(extra_mb: float) -> None:
    """In the child: let the address space grow by at most ``extra_mb`` beyond what it has now (Linux)."""
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        return
    limit = size_kb * 1024 + int(extra_mb * 1024 * 1024)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _child(function: Callable[..., Any], args: Sequence[Any], forward_logs: bool, memory_mb: float | None,
           connection) -> None:
    """The worker's work: call, send the answer (or the error) and the log records, leave at once."""
    try:
        faulthandler.disable()  # a crash here is reported by the caller, in one line, not as a C stack dump
        if memory_mb:
            _limit_memory(memory_mb)
        collector = _collect_logs() if forward_logs else None
        records = collector.records if collector else []
        try:
            message = ("ok", function(*args), records)
        except BaseException as error:  # anything goes back to the parent, as it was or described
            message = ("raise", error if _sendable(error) else WorkerFailed(_describe(error)), records)
        try:
            connection.send(message)
        except Exception as error:  # the value itself could not be pickled
            connection.send(("raise", WorkerFailed(f"the answer could not be sent back ({_describe(error)})"),
                             records))
    finally:
        connection.close()
        os._exit(0)


def run_in_worker(
    function: Callable[..., Any],
    args: Sequence[Any] = (),
    timeout_s: float = 10.0,
    forward_logs: bool = True,
    spawn: tuple[Callable[..., Any], Sequence[Any]] | None = None,
    what: str = "worker",
    memory_mb: float | None = None,
) -> Any:
    """Call ``function(*args)`` in a worker process and return its value; kill it after ``timeout_s``.

    Raises :class:`WorkerTimeout` at the limit, the callable's own exception when it raised one that can
    be pickled, else :class:`WorkerFailed`. ``spawn`` is what to run where ``fork`` is unavailable.
    ``memory_mb`` caps how far the worker's address space may grow beyond the caller's (Linux; an
    allocation past it fails with MemoryError, or ends the worker).
    """
    if "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("spawn")
        function, args = spawn if spawn is not None else (function, args)
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_child, args=(function, tuple(args), forward_logs, memory_mb, sender),
                             daemon=True)
    started = time.monotonic()
    worker.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise WorkerTimeout(timeout_s)
        try:
            status, payload, records = receiver.recv()
        except EOFError:
            worker.join(1)
            code = worker.exitcode
            detail = f" (exit code {code})" if code else ""
            raise WorkerFailed(f"the worker process ended without an answer{detail}") from None
    finally:
        receiver.close()
        if worker.is_alive():
            worker.kill()
        worker.join(5)
        log.debug("%s: %.2f s in a worker process (limit %g s)", what, time.monotonic() - started, timeout_s)
    replay(records)
    if status == "raise":
        raise payload
    return payload


def seconds_from_env(name: str, default: float) -> float:
    """Positive seconds from the environment variable ``name``; else ``default`` (with a warning)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        log.warning("%s=%r is not a positive number of seconds; using %g", name, raw, default)
        return default
    return value
