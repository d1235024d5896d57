"""app/worker.py: a callable in a forked worker process, killed at its time limit."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time

import pytest

from app.worker import WorkerFailed, WorkerTimeout, run_in_worker, seconds_from_env

log = logging.getLogger("tests.worker")


def add(a: int, b: int) -> int:
    log.warning("adding %d and %d", a, b)
    return a + b


def sleep_forever() -> None:
    while True:
        time.sleep(1)


def crash() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # as a crash in a C library would end it


def refuse() -> None:
    raise ValueError("bad input\nsecond line")


class Unpicklable(Exception):
    """An exception no pickler can carry across: its argument is a lock.

    (It used to be one whose __init__ could not take its pickled args back; that became picklable once a
    library had installed tblib's exception pickling for every class defined so far — dask.distributed,
    imported by another test module in the same session.)
    """


def refuse_unpicklably() -> None:
    raise Unpicklable(threading.Lock())


def unsendable():
    return lambda: None


def test_the_value_comes_back_and_the_logs_reach_the_caller(caplog):
    with caplog.at_level("WARNING"):
        assert run_in_worker(add, (2, 3), timeout_s=20) == 5
    assert [r.getMessage() for r in caplog.records if r.name == "tests.worker"] == ["adding 2 and 3"]


def test_the_worker_is_killed_at_the_limit():
    started = time.monotonic()
    with pytest.raises(WorkerTimeout) as stopped:
        run_in_worker(sleep_forever, timeout_s=0.5)
    assert stopped.value.seconds == 0.5
    assert time.monotonic() - started < 0.5 + 2
    assert not multiprocessing.active_children()


def test_errors_come_back_as_they_were():
    with pytest.raises(ValueError, match="bad input"):
        run_in_worker(refuse, timeout_s=20)


@pytest.mark.parametrize("function", [crash, refuse_unpicklably, unsendable])
def test_a_crash_or_an_unpicklable_answer_is_worker_failed(function):
    with pytest.raises(WorkerFailed):
        run_in_worker(function, timeout_s=20)
    assert not multiprocessing.active_children()


def test_seconds_from_env(monkeypatch):
    assert seconds_from_env("STYRKEDJA_TEST_SECONDS", 9) == 9
    for raw, expected in (("2.5", 2.5), ("0", 9), ("nej", 9), ("inf", 9), ("nan", 9)):
        monkeypatch.setenv("STYRKEDJA_TEST_SECONDS", raw)
        assert seconds_from_env("STYRKEDJA_TEST_SECONDS", 9) == expected
