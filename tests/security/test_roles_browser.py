"""The read-only mode in a real headless Chromium: the explorer served on 0.0.0.0 (reached via 127.0.0.1)
shows no upload or remove controls without an admin secret; with one, it asks for it, refuses a wrong one and
opens writing for the right one. The secret is in neither the page nor the server's log."""

from __future__ import annotations

import contextlib
import os
import shutil

import pytest

from app.explorer.launch import serving
from tests.browser_support import settle

CHROMIUM = os.environ.get("STYRKEDJA_CHROMIUM", "/usr/bin/chromium")
SECRET = "Styrgrupp-Lösen-2025!"  # constructed for the test
WRONG = "gissning-utan-tur"

pytestmark = pytest.mark.browser


@pytest.fixture
def shared_server(small_store, tmp_path, request):
    """The explorer on 0.0.0.0 over a copy of the small store; ``request.param`` is its extra environment."""
    store = tmp_path / "store"
    shutil.copytree(small_store.folder, store, ignore=shutil.ignore_patterns(".lock"))
    log_path = tmp_path / "streamlit.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STYRKEDJA_ADMIN_")}
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(serving(store, log_path, "0.0.0.0", {**env, **request.param}))
        except RuntimeError as error:
            pytest.skip(f"cannot serve on 0.0.0.0 here: {error}")
        yield {"url": url, "log": log_path}


def open_dokument(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1200}, locale="sv-SE")
    page.goto(f"{url}/dokument")
    settle(page)
    assert page.locator("h1").first.inner_text().strip() == "Dokument"
    return page


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
