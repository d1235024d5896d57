"""The map of a parallel ingest on a Dask cluster (``styrkedja build|add --cluster ADDRESS``; the optional
extra ``styrkedja[cluster]``).

Dask rather than Ray: ``distributed`` is pure Python (about 10 small wheels beside what we have, against
Ray's ~70 MB native wheel and its own object store and daemons); it runs on Python 3.11 and CPU-only
machines as is; a ``LocalCluster`` of two processes starts in seconds inside a test; results come back
with pickle, which carries our rdflib graphs and numpy arrays unchanged.

What a worker needs: ``styrkedja`` installed (the same version), the files and the store folder at the same
paths as the caller (a shared file system: the map reads the file, the reference data and the index entry
it may reuse vectors from), and the embedding model, which each worker process loads itself from its model
cache (run ``styrkedja prepare-model`` once on every machine, or point $STYRKEDJA_MODEL at a shared
folder). Start workers with one thread each and as non-daemon processes, since the map reads each file in
a child process it can kill at the time limit::

    DASK_DISTRIBUTED__WORKER__DAEMON=False dask worker tcp://scheduler:8786 --nworkers 4 --nthreads 1
"""

from __future__ import annotations

import logging
import multiprocessing
from typing import Any

log = logging.getLogger(__name__)

INSTALL_HINT = "the Dask cluster extra is not installed (pip install 'styrkedja[cluster]')"


class ClusterError(Exception):
    """The cluster cannot run the map (not reachable, extra missing, workers unfit); one sentence."""


def _daemonic() -> bool:
    """On a worker: whether it runs as a daemon process (which may not start the reader's child process)."""
    return multiprocessing.current_process().daemon


class DaskPool:
    """The map on a Dask cluster: the same interface as app.parallel.LocalPool."""

    def __init__(self, address: str, timeout_s: float = 30.0):
        try:
            from distributed import Client
        except ImportError as error:
            raise ClusterError(INSTALL_HINT) from error
        try:
            self.client = Client(address, timeout=timeout_s)
        except OSError as error:
            raise ClusterError(f"no Dask scheduler answers at {address} ({error})") from error
        threads = self.client.nthreads()
        self.workers = sum(threads.values())
        if not self.workers:
            self.client.close()
            raise ClusterError(f"the Dask cluster at {address} has no workers")
        daemons = [worker for worker, daemon in self.client.run(_daemonic).items() if daemon]
        if daemons:
            self.client.close()
            raise ClusterError(
                f"{len(daemons)} Dask workers run as daemon processes and cannot start the reader's "
                "time-limited process; start them with DASK_DISTRIBUTED__WORKER__DAEMON=False"
            )
        log.info("Dask cluster %s: %d workers, %d threads", address, len(threads), self.workers)

    def submit(self, task) -> Any:
        """Start mapping a file on the cluster."""
        from app.parallel import map_file

        return self.client.submit(map_file, task, pure=False)

    def result(self, future, task, in_flight) -> Any:
        """The answer for ``task``; a worker lost for good fails that file only."""
        from app.parallel import Mapped

        try:
            return future.result()
        except Exception as error:  # KilledWorker, a lost connection: the file is reported, the run goes on
            log.debug("%s: the cluster gave no answer", task.path, exc_info=True)
            problem = f"could not be ingested on the cluster ({type(error).__name__}: {error})"
            return Mapped(None, (str(task.path), problem))

    def close(self) -> None:
        """Leave the cluster (it keeps running)."""
        self.client.close()
