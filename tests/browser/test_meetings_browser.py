"""Ny i styrgruppen in a real headless Chromium: three constructed protocols of one nämnd served by `streamlit
run`; the page shows the members of the latest närvarolista with role and party, and under Uppdrag an open
commission with its assignee and deadline. A screenshot is saved as
tests/artifacts/screenshots/ny_i_styrgruppen_protokoll.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.explorer.launch import SCRIPT_DONE, serving

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "meetings"
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The explorer over a store of the three protocols (built as `add --no-model` does)."""
    from app.pipeline import Services, add_files
    from graph.store import Store

    store = Store(tmp_path_factory.mktemp("meetings") / "store")
    report = add_files(store, sorted(FIXTURES.iterdir()), services=Services(store, use_model=False))
    assert report.ok and len(report.added) == 3, report
    with serving(store.folder, tmp_path_factory.mktemp("meetings-log") / "streamlit.log") as url:
        yield url


def test_members_and_a_commission_in_chromium(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
    page.goto(f"{server}/ny-i-styrgruppen")
    page.wait_for_selector("h1", timeout=120_000)
    page.get_by_text("Nämnden eller utskottet: protokollen").first.wait_for(timeout=300_000)
    page.wait_for_function(SCRIPT_DONE, timeout=300_000)
    assert page.locator("[data-testid='stException']").count() == 0
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Ur närvarolistan vid sammanträdet 2026-02-02" in body
    assert "Helga Norrby (C)" in body and "Tjänstgörande ersättare" in body and "Ebba Stål (M)" in body
    page.get_by_role("tab", name="Uppdrag (2 öppna av 4)").click()
    page.get_by_text("till utbildningschefen, senast den 30 juni 2031").first.wait_for(timeout=60_000)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "ta fram en handlingsplan för läsfrämjande arbete" in body
    assert "vimmerby_bun_2026-02-02.md, s. 2" in body  # the commission's document and page
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "ny_i_styrgruppen_protokoll.png"), full_page=True)
    page.close()
