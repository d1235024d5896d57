"""The map of a parallel ingest on a Dask cluster (app/cluster.py): a local cluster of two worker processes
builds the store one worker builds. Skipped where the extra styrkedja[cluster] is not installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.pipeline import Services, build_corpus
from graph.store import Store
from tests.test_parallel import CORPUS, assert_same_store

distributed = pytest.importorskip(
    "distributed", reason="the extra styrkedja[cluster] (Dask distributed) is not installed"
)


@pytest.fixture(scope="module")
def cluster():
    """A local Dask cluster: two non-daemon worker processes of one thread each (as app/cluster.py asks)."""
    import dask

    with dask.config.set({"distributed.worker.daemon": False}), distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


def test_a_local_cluster_builds_the_store_one_worker_builds(cluster, tmp_path):
    one, many = Store(tmp_path / "one"), Store(tmp_path / "many")
    assert build_corpus(one, CORPUS, services=Services(one, use_model=False)).ok
    report = build_corpus(many, CORPUS, services=Services(many, use_model=False),
                          cluster=cluster.scheduler_address)
    assert report.ok and len(report.added) == 5
    assert_same_store(one, many)


def test_a_broken_file_on_the_cluster_fails_alone(cluster, tmp_path):
    good = tmp_path / "ekdala_plan.md"
    good.write_text("# Verksamhetsplan 2025 Ekdala kommun\n\n## Mål 1: Alla elever ska känna sig trygga\n",
                    "utf-8")
    broken = tmp_path / "trasig.pdf"
    broken.write_bytes(b"%PDF-1.7\nno PDF\n")
    store = Store(tmp_path / "store")
    from app.pipeline import add_files

    report = add_files(store, [broken, good], services=Services(store, use_model=False),
                       cluster=cluster.scheduler_address)
    assert report.added == [good.name]
    assert [Path(error.path).name for error in report.errors] == [broken.name]


def test_daemon_workers_are_refused_with_the_remedy():
    import dask

    from app.cluster import ClusterError, DaskPool

    with dask.config.set({"distributed.worker.daemon": True}):  # Dask's default
        daemonic = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                            dashboard_address=None)
    with daemonic, pytest.raises(ClusterError, match="DASK_DISTRIBUTED__WORKER__DAEMON=False"):
        DaskPool(daemonic.scheduler_address)


def test_no_scheduler_is_one_sentence():
    from app.cluster import ClusterError, DaskPool

    with pytest.raises(ClusterError, match="no Dask scheduler answers"):
        DaskPool("tcp://127.0.0.1:9", timeout_s=2)


def test_cli_add_on_the_cluster(cluster, tmp_path, capsys):
    from app.cli import main

    paths = []
    for name, text in [("ekdala_plan.md", "# Verksamhetsplan 2025 Ekdala kommun\n\n## Mål 1: Trygghet\n"),
                       ("ekdala_protokoll.md", "# Protokoll Ekdala kommun 2025-02-01\n\n§ 3 Budget\n")]:
        path = tmp_path / name
        path.write_text(text, "utf-8")
        paths.append(str(path))
    folder = str(tmp_path / "store")
    assert main(["-q", "--store", folder, "add", "--no-model", "--cluster", cluster.scheduler_address,
                 *paths]) == 0
    assert "2 added" in capsys.readouterr().out
    assert sorted(Store(folder).documents()) == ["ekdala_plan.md", "ekdala_protokoll.md"]
