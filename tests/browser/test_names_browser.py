"""In headless Chromium (issue 12): the organisation picker shows an organisation with its issuing body under
it, and the Dokument view shows both names of a file stored twice under different names.

A constructed store (an invented municipality's plan, read without the model, and the same bytes under another
name); `streamlit run` on a free port, as `styrkedja app` runs it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from app.cli import main
from app.explorer.launch import serving
from tests.browser_support import settle
from tests.test_store_aliases import PLAN

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("STYRKEDJA_CHROMIUM", "/usr/bin/chromium")
FRONT = "---\nkommun: Ekviks kommun\nnamnd: Utbildningsnämnden\n---\n\n"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The explorer over a store with one plan of Ekviks kommun's Utbildningsnämnden under two names."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (make chromium installs Debian's chromium)")
    folder = tmp_path_factory.mktemp("names-browser")
    files = []
    for name in ("plan.md", "plan_kopia.md"):
        (folder / name).write_text(FRONT + PLAN, encoding="utf-8")
        files.append(str(folder / name))
    store = folder / "store"
    assert main(["-q", "--store", str(store), "add", "--no-model", *files]) == 0
    with serving(store, folder / "streamlit.log") as url:
        yield url


def test_picker_shows_the_body_under_its_organisation(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="sv-SE")
    page.goto(f"{server}/styrkedjan")
    settle(page)
    page.locator("[data-testid='stSelectbox']").first.click()
    options = page.get_by_role("option")
    options.first.wait_for(timeout=30_000)
    texts = [t.replace("\u00a0", " ").strip() for t in options.all_inner_texts()]
    assert "Ekviks kommun" in texts, texts
    below = texts[texts.index("Ekviks kommun") + 1]
    assert below.startswith("└") and below.endswith("Utbildningsnämnden"), texts
    page.close()


def test_dokument_view_shows_both_names(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="sv-SE")
    page.goto(f"{server}/dokument")
    settle(page)
    started = time.perf_counter()
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for(timeout=30_000)
    # The table is drawn on a canvas; its cells are in the grid's (hidden) accessible table.
    cells = page.locator("[data-testid='stDataFrame'] [role='gridcell']")
    cells.first.wait_for(state="attached", timeout=30_000)
    values = [c.strip() for c in cells.all_text_contents()]
    assert "plan.md" in values and "plan_kopia.md" in values, values
    assert values.count("plan.md") == 1  # one document, one row
    assert time.perf_counter() - started < 60
    page.close()
