"""The read-only mode in a real headless Chromium: the explorer served on 0.0.0.0 (reached via 127.0.0.1)
shows no upload or remove controls without an admin secret; with one, it asks for it, refuses a wrong one and
opens writing for the right one. The secret is in neither the page nor the server's log."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.explorer.launch import ROOT, free_port, streamlit_command, wait_healthy

CHROMIUM = os.environ.get("STYRKEDJA_CHROMIUM", "/usr/bin/chromium")
SCRIPT_DONE = (
    "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
    " return !!app && app.getAttribute('data-test-script-state') === 'notRunning'; }"
)
SECRET = "Styrgrupp-Lösen-2025!"  # constructed for the test
WRONG = "gissning-utan-tur"

pytestmark = pytest.mark.browser


def serve(store: Path, log_path: Path, extra_env: dict[str, str]):
    """`streamlit run` as `styrkedja app --address 0.0.0.0` runs it; returns the process and the local URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STYRKEDJA_ADMIN_")}
    env.update({"STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1", **extra_env})
    with open(log_path, "w") as log:
        process = subprocess.Popen(streamlit_command(store, port, "0.0.0.0"), cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"




@pytest.fixture
def shared_server(small_store, tmp_path, request):
    """The explorer on 0.0.0.0 over a copy of the small store; ``request.param`` is its extra environment."""
    store = tmp_path / "store"
    shutil.copytree(small_store.folder, store, ignore=shutil.ignore_patterns(".lock"))
    log_path = tmp_path / "streamlit.log"
    process, url = serve(store, log_path, request.param)
    try:
        try:
            wait_healthy(url, process)
        except RuntimeError as error:
            pytest.skip(f"cannot serve on 0.0.0.0 here: {error}")
        yield {"url": url, "log": log_path}
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def open_dokument(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1200}, locale="sv-SE")
    page.goto(f"{url}/dokument")
    settle(page)
    assert page.locator("h1").first.inner_text().strip() == "Dokument"
    return page


def settle(page, timeout: float = 120_000) -> None:
    page.wait_for_selector("h1", timeout=timeout)
    page.wait_for_function(SCRIPT_DONE, timeout=timeout)
    page.wait_for_timeout(800)
    page.wait_for_function(SCRIPT_DONE, timeout=timeout)


def write_controls(page) -> dict[str, int]:
    return {
        "uploader": page.locator("[data-testid='stFileUploader']").count(),
        "Läs in": page.get_by_role("button", name="Läs in").count(),
        "Ta bort": page.get_by_role("button", name="Ta bort").count(),
    }


NONE = {"uploader": 0, "Läs in": 0, "Ta bort": 0}


@pytest.mark.parametrize("shared_server", [{}], indirect=True)
def test_no_write_controls_without_a_secret(shared_server, browser):
    page = open_dokument(browser, shared_server["url"])
    assert write_controls(page) == NONE
    assert page.locator("input[type='password']").count() == 0
    assert page.get_by_text("skrivskyddad").count() >= 1
    assert page.locator("[data-testid='stDataFrame']").count() == 1  # the documents are still listed
    page.close()


@pytest.mark.parametrize("shared_server", [{"STYRKEDJA_ADMIN_PASSWORD": SECRET}], indirect=True)
def test_the_admin_secret_opens_writing(shared_server, browser):
    page = open_dokument(browser, shared_server["url"])
    assert write_controls(page) == NONE
    password = page.locator("input[type='password']")
    password.fill(WRONG)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Fel lösenord").wait_for(timeout=30_000)
    settle(page)
    assert write_controls(page) == NONE
    page.locator("input[type='password']").fill(SECRET)
    page.get_by_role("button", name="Logga in").click()
    page.locator("[data-testid='stFileUploader']").wait_for(timeout=30_000)
    settle(page)
    assert write_controls(page)["uploader"] == 1 and write_controls(page)["Ta bort"] == 1
    html = page.content()
    assert SECRET not in html and WRONG not in html
    log = shared_server["log"].read_text("utf-8", errors="replace")
    assert SECRET not in log and WRONG not in log
    assert "wrong admin secret" in log  # the refusal is logged (without the secret)
    page.close()
