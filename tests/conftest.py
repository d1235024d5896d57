"""Shared fixtures: the demo corpus built once per test session into a complete store (model included)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def model_store(tmp_path_factory):
    """A store built from corpus/ with the embedding model: graphs, inferred links and the search index.

    Built once per session (about a minute on two cores); tests must not change it — copy it first.
    """
    from app.pipeline import Services, build_corpus
    from graph.store import Store

    store = Store(tmp_path_factory.mktemp("model-store") / "store")
    report = build_corpus(store, ROOT / "corpus", services=Services(store))
    assert report.ok and len(report.added) == 5, report
    return store
