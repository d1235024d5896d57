"""Tidslinje in a real headless Chromium: three constructed versions of a scorecard served by `streamlit run`;
the view shows the versions in order and per step kvar / omformulerat / nytt / borttaget with quotes, and a
screenshot is saved as tests/artifacts/screenshots/tidslinje_constructed.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.explorer.launch import SCRIPT_DONE, serving

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "history"
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.model]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The explorer over a store of the three versions (built as `add --no-model` does)."""
    from app.pipeline import Services, add_files
    from graph.store import Store

    store = Store(tmp_path_factory.mktemp("tidslinje") / "store")
    report = add_files(store, sorted(FIXTURES.glob("*.md")), services=Services(store, use_model=False))
    assert report.ok and len(report.added) == 3, report
    with serving(store.folder, tmp_path_factory.mktemp("tidslinje-log") / "streamlit.log") as url:
        yield url


def test_tidslinje_in_chromium(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="sv-SE")
    page.goto(f"{server}/tidslinje")
    page.wait_for_selector("h1", timeout=120_000)
    page.get_by_text("Omformulerat", exact=True).first.wait_for(timeout=300_000)
    page.wait_for_function(SCRIPT_DONE, timeout=300_000)
    assert page.locator("h1").first.inner_text().strip() == "Tidslinje"
    assert page.locator("[data-testid='stException']").count() == 0
    main = page.locator("[data-testid='stMain']")
    text = main.inner_text()
    for expected in ("2021", "2022", "2023-2026", "Kvar", "Nytt", "Borttaget",
                     "Eleverna känner sig trygga och har studiero",
                     "Alla elever känner sig trygga i skolan och upplever studiero",
                     "Skolan samverkar aktivt med vårdnadshavarna", "styrkort_ekby_2022.md"):
        assert expected in text, expected
    assert main.locator("blockquote").count() >= 6  # reworded (both sides), added and dropped, two steps
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(900, min(int(height or 0), 8000))})
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "tidslinje_constructed.png"))
    page.close()
