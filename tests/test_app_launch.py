"""The explorer's launch command, shared by `styrkedja app`, the benchmark and the browser test."""

import subprocess
import sys

import pytest

from app.explorer.launch import ENTRY, free_port, streamlit_command, wait_healthy


def test_command_serves_the_entry_over_the_store_without_usage_statistics(tmp_path):
    command = streamlit_command(tmp_path / "store", 8642, "127.0.0.1")
    assert command[:4] == [sys.executable, "-m", "streamlit", "run"] and command[4] == str(ENTRY)
    assert command[command.index("--server.port") + 1] == "8642"
    assert command[command.index("--browser.gatherUsageStats") + 1] == "false"
    store = str(tmp_path / "store")
    assert command[command.index("--"):] == ["--", "--store", store, "--address", "127.0.0.1"]
    assert ENTRY.is_file()


def test_free_port_and_a_server_that_dies_is_reported():
    port = free_port()
    assert 0 < port < 65536
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    process.wait()
    with pytest.raises(RuntimeError, match="exited with 3"):
        wait_healthy(f"http://127.0.0.1:{port}", process, timeout=5)


def test_serving_answers_in_the_block_and_stops_after_it(tmp_path):
    import urllib.request

    from app.explorer.launch import serving

    log_path = tmp_path / "streamlit.log"
    with serving(tmp_path / "store", log_path) as url, urllib.request.urlopen(f"{url}/_stcore/health") as ok:
        assert ok.status == 200
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
    assert log_path.exists()
