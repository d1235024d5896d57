"""How fast the explorer is: cold start to the first usable page, and question-to-answer times (JSON).

Usage: ``python benchmarks/bench_app.py [--store DIR] [--json]`` on a built store (default $STYRKEDJA_STORE,
else ./data).

- ``cold_start_s``: from starting ``streamlit run app/explorer/streamlit_app.py`` to the Fråga page drawn in
  headless Chromium (Debian's /usr/bin/chromium through Playwright) with its script finished; ``health_s`` is
  the part until the server answers. Without Chromium these are the server's health time only.
- ``first_answer_s``: typing the first question right after the first page to its answers on screen (the model
  loads in the background from the first page view, so this includes whatever of it is left).
- ``warm_answer_s``: median over further new questions, click to answers on screen; ``warm_server_s`` the
  part the app spent answering (the time it prints under the question).
- ``in_process``: the data layer alone (no browser): store load, index load, model load, and p50/p95 of
  answering new questions (search, answer marking, graph nodes) in ms.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.explorer.launch import SCRIPT_DONE, serving  # noqa: E402

CHROMIUM = os.environ.get("STYRKEDJA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUESTIONS = [
    "Vem ansvarar för att följa upp resultaten?",
    "Hur följs kunskapsresultaten upp under läsåret?",
    "Vilka forum finns för dialog mellan huvudman och rektorer?",
    "Vad säger planen om trygghet och studiero?",
    "När ska aktiviteterna vara klara?",
    "Hur arbetar nätverket med skolutveckling?",
    "Vilka paragrafer i skollagen nämns?",
    "Hur ska likvärdigheten öka?",
    "Vad ska rektorerna rapportera till nämnden?",
    "Vilka mål finns för förskolan?",
]


def ask_in_browser(page, question: str) -> tuple[float, float | None]:
    """Type a question, press the button, wait for its answers; (seconds on screen, seconds in the app)."""
    page.get_by_label("Din fråga").fill(question)
    started = time.perf_counter()
    page.get_by_role("button", name="Sök svar").click()
    answered = page.get_by_text(f"svar på frågan ”{question}”")
    answered.wait_for(timeout=180_000)
    elapsed = time.perf_counter() - started
    server = re.search(r"\(([\d.]+) s\)", answered.inner_text())
    page.wait_for_function(SCRIPT_DONE, timeout=60_000)
    return elapsed, float(server.group(1)) if server else None


def measure_browser(store: str) -> dict:
    """Cold start and answers through a real server and browser."""
    result: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        with serving(store, Path(folder) / "streamlit.log", timeout=120) as url:
            result["health_s"] = round(time.perf_counter() - started, 2)
            if not Path(CHROMIUM).exists():
                result["cold_start_s"] = None
                result["note"] = f"{CHROMIUM} missing: only the server's start was measured"
                return result
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(url + "/")
                page.wait_for_selector("h1", timeout=120_000)
                page.wait_for_function(SCRIPT_DONE, timeout=120_000)
                result["cold_start_s"] = round(time.perf_counter() - started, 2)
                first, first_server = ask_in_browser(page, QUESTIONS[0])
                result["first_answer_s"] = round(first, 2)
                result["first_server_s"] = first_server
                warm = [ask_in_browser(page, q) for q in QUESTIONS[1:6]]
                result["warm_answer_s"] = round(statistics.median(w for w, _ in warm), 2)
                servers = [s for _, s in warm if s is not None]
                result["warm_server_s"] = round(statistics.median(servers), 3) if servers else None
                browser.close()
    return result


def measure_in_process(store: str) -> dict:
    """The data layer alone: loads, then answering new questions."""
    logging.disable(logging.WARNING)
    from app.explorer import data
    from search.model import load_model

    folder = str(Path(store).resolve())
    version = data.store_version(folder)
    timings: dict = {}
    started = time.perf_counter()
    data.dataset(folder, version)
    timings["store_load_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    data.search_index(folder, version).prepare()
    timings["index_load_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    load_model()
    timings["model_load_s"] = round(time.perf_counter() - started, 2)
    data.answers(folder, version, data.Question("uppvärmning", k=5))
    times = []
    for question in QUESTIONS:
        started = time.perf_counter()
        data.answers(folder, version, data.Question(question, k=5))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    timings["answer_p50_ms"] = round(statistics.median(times), 1)
    timings["answer_p95_ms"] = round(times[min(len(times) - 1, int(0.95 * len(times)))], 1)
    return timings


def main() -> None:
    """Measure and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=os.environ.get("STYRKEDJA_STORE") or "data")
    parser.add_argument("--json", action="store_true", help="print JSON only (the default output, indented)")
    args = parser.parse_args()
    if not (Path(args.store) / "manifest.json").exists():
        raise SystemExit(f"{args.store}: no store here; build it with `styrkedja --store {args.store} build`")
    result = measure_browser(args.store)
    result["in_process"] = measure_in_process(args.store)
    result["targets"] = {"cold_start_s": 15, "warm_answer_s": 1}
    print(json.dumps(result, indent=None if args.json else 1, ensure_ascii=False))


if __name__ == "__main__":
    main()
