"""End to end in a real headless Chromium: start `streamlit run` on a free port over the corpus store, open
every view, ask a question, and save a screenshot of each view under tests/artifacts/screenshots/.

Debian's chromium (/usr/bin/chromium, installed by `make test`) is driven by Playwright's Python package with
its executable path; `playwright install` is never needed. The test also checks that the page asks for
nothing outside the machine (no network) and records cold-start and question timings beside the screenshots.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from app.explorer.launch import serving
from app.explorer.widgets import PAGES
from tests.browser_support import settle

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
SHOTS = ARTIFACTS / "screenshots"
CHROMIUM = os.environ.get("STYRKEDJA_CHROMIUM", "/usr/bin/chromium")
QUESTION = "Vem ansvarar för att följa upp resultaten?"
WIDTH = 1400


pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(model_store, tmp_path_factory):
    """The explorer served by `streamlit run` on a free port over a copy of the corpus store."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (make chromium installs Debian's chromium)")
    store = tmp_path_factory.mktemp("browser") / "store"
    shutil.copytree(model_store.folder, store, ignore=shutil.ignore_patterns(".lock"))
    log_path = tmp_path_factory.mktemp("browser-log") / "streamlit.log"
    started = time.perf_counter()
    with serving(store, log_path) as url:
        yield {"url": url, "started": started, "log": log_path}




def screenshot(page, name: str) -> Path:
    """Save the main area (viewport grown to its height) as tests/artifacts/screenshots/<name>.png."""
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : 0 }"
    )
    page.set_viewport_size({"width": WIDTH, "height": max(900, min(int(height or 0), 8000))})
    page.wait_for_timeout(500)
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": WIDTH, "height": 900})
    return path


def test_every_view_in_chromium(server, browser):
    url = server["url"]
    page = browser.new_page(viewport={"width": WIDTH, "height": 900}, locale="sv-SE")
    outside: list[str] = []
    host = urlparse(url).netloc

    def record(request) -> None:
        parsed = urlparse(request.url)
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.netloc != host:
            outside.append(request.url)

    page.on("request", record)
    timings: dict[str, float] = {}

    page.goto(url + "/")
    settle(page)
    timings["cold_start_to_first_page_s"] = round(time.perf_counter() - server["started"], 2)
    assert page.locator("h1").first.inner_text().strip() == "Fråga"
    screenshot(page, "01_fraga")

    # Ask a question: cited passages with the answering sentence marked.
    page.get_by_label("Din fråga").fill(QUESTION)
    started = time.perf_counter()
    page.get_by_role("button", name="Sök svar").click()
    page.wait_for_selector("blockquote", timeout=120_000)
    settle(page)
    timings["first_question_s"] = round(time.perf_counter() - started, 2)
    quotes = page.locator("[data-testid='stMain'] blockquote")
    assert quotes.count() >= 3
    assert page.get_by_text("relevans").count() >= 3
    screenshot(page, "02_fraga_svar")
    page.get_by_label("Din fråga").fill("Hur följs kunskapsresultaten upp?")
    started = time.perf_counter()
    page.get_by_role("button", name="Sök svar").click()
    answered = page.get_by_text("svar på frågan ”Hur följs kunskapsresultaten upp?”")
    answered.wait_for(timeout=60_000)
    timings["warm_question_s"] = round(time.perf_counter() - started, 2)
    server = re.search(r"\(([\d.]+) s\)", answered.inner_text())
    timings["warm_question_server_s"] = float(server.group(1)) if server else None
    settle(page)

    for number, (_, title, url_path, _) in enumerate(PAGES[1:], start=3):
        page.goto(f"{url}/{url_path}")
        settle(page)
        heading = page.locator("h1").first.inner_text().strip()
        assert heading.startswith(title.split()[0]), heading
        assert page.locator("[data-testid='stException']").count() == 0, f"{title}: shows an exception"
        if url_path == "styrkedjan":
            page.wait_for_selector("[data-testid='stGraphVizChart'] svg", timeout=60_000)
        screenshot(page, f"{number:02d}_{url_path}")

    assert not outside, f"the page reached outside the machine: {outside[:5]}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "browser_timings.json").write_text(json.dumps(timings, indent=1) + "\n", "utf-8")
    assert timings["warm_question_server_s"] is not None and timings["warm_question_server_s"] < 5, timings
