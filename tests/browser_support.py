"""Helpers the headless-Chromium tests share (the browser is the `browser` fixture in tests/conftest.py)."""

from __future__ import annotations

from app.explorer.launch import SCRIPT_DONE


def settle(page, timeout: float = 120_000) -> None:
    """Wait until the script has finished running and the page has a title (charts draw a moment later)."""
    page.wait_for_selector("h1", timeout=timeout)
    page.wait_for_function(SCRIPT_DONE, timeout=timeout)
    page.wait_for_timeout(800)  # charts and tables draw after the script has run
    page.wait_for_function(SCRIPT_DONE, timeout=timeout)
