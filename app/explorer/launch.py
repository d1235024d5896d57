"""Starting the explorer as a server: the one command line that `styrkedja app`, the benchmark and the browser
test share, a free port, and waiting for Streamlit's health check."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

ENTRY = Path(__file__).resolve().parent / "streamlit_app.py"
ROOT = ENTRY.parent.parent.parent  # the repository (the working directory for `streamlit run`)
# A page predicate for a browser: Streamlit marks its root element with the script's state.
SCRIPT_DONE = (
    "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
    " return !!app && app.getAttribute('data-test-script-state') === 'notRunning'; }"
)


def streamlit_command(
    store: str | Path, port: int, address: str = "localhost", shared: bool = False
) -> list[str]:
    """The command that serves the explorer over a store (headless, no usage statistics).

    The address goes to Streamlit (``--server.address``) and to the script (``--address``), which allows
    writing to everyone only on a loopback address (app/explorer/auth.py); ``shared`` (behind a reverse proxy)
    applies the shared-server roles on a loopback address too.
    """
    return [
        sys.executable, "-m", "streamlit", "run", str(ENTRY),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", address,
        "--browser.gatherUsageStats", "false",
        "--", "--store", str(store), "--address", address, *(["--shared"] if shared else []),
    ]  # fmt: skip


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90.0) -> None:
    """Wait until Streamlit answers its health check; RuntimeError if it exits or does not answer in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"streamlit did not answer on {url} within {timeout:.0f} s")


@contextlib.contextmanager
def serving(
    store: str | Path, log_path: str | Path, address: str = "127.0.0.1",
    env: Mapping[str, str] | None = None, timeout: float = 90.0,
) -> Iterator[str]:
    """Serve the explorer over a store (as `styrkedja app` does) on a free port; yield its local URL.

    ``env`` replaces the process environment (default: this process's); Streamlit writes to ``log_path``.
    RuntimeError when the server exits or does not answer within ``timeout``; it is stopped either way.
    """
    port = free_port()
    environment = {**(os.environ if env is None else env),
                   "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1"}
    with open(log_path, "w") as log:
        process = subprocess.Popen(streamlit_command(store, port, address), cwd=ROOT, env=environment,
                                   stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, timeout)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
