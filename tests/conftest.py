"""Shared fixtures: the demo corpus built once per test session into a complete store (model included)."""

from __future__ import annotations

import os
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


CHROMIUM = os.environ.get("STYRKEDJA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's headless chromium through Playwright (skips where it is not installed)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (make chromium installs Debian's chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
