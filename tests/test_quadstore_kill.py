"""A real `kill -9` of a process that is adding a document: the quad index gives the previous or the new
answer, the one the manifest's TriG file gives, never a mix."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.pipeline import add_files, build_corpus
from graph.store import Store
from tests.test_quadstore import PLAN, TITLES, _document_quads, _file_triples, dataset_answer, index_answer

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

# The child adds one file; at each step of the commit it says so and pauses, so the parent can kill it there.
CHILD = """
import sys, time
from pathlib import Path
import graph.quadstore as quadstore
import graph.store as store_module
from app.pipeline import add_files

pause = float(sys.argv[3])

def say(step):
    print("STEP", step, flush=True)
    time.sleep(pause)

def wrap(owner, name, step, when=lambda: True):
    original = getattr(owner, name)
    def wrapped(*args, **kwargs):
        if when():
            say(step)
        return original(*args, **kwargs)
    setattr(owner, name, wrapped)

saves = []
wrap(quadstore.QuadIndex, "replace_graph", "trig-written")
wrap(quadstore, "_insert_data", "pending")
wrap(quadstore.QuadIndex, "_save", "transaction-done", lambda: saves.append(1) or len(saves) == 2)
wrap(store_module.Store, "_write_manifest", "index-done")
wrap(store_module.Store, "sweep", "manifest-done")
report = add_files(store_module.Store(sys.argv[1]), [Path(sys.argv[2])])
print("DONE", report.ok, flush=True)
"""
STEPS = ["trig-written", "pending", "transaction-done", "index-done", "manifest-done"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copy(CORPUS / PLAN, corpus / PLAN)
    shutil.copytree(CORPUS / "reference", corpus / "reference")
    store = Store(tmp_path_factory.mktemp("kill") / "store")
    assert build_corpus(store, corpus).ok
    return store


def version(folder: Path, mark: str) -> Path:
    """The plan with a constructed line that says which version it is."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PLAN
    path.write_text((CORPUS / PLAN).read_text("utf-8") + f"\n\nVersionsmärke {mark}.\n", "utf-8")
    return path


def start(store: Store, path: Path, pause: float) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", CHILD, str(store.folder), str(path), str(pause)],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)


def kill_at(child: subprocess.Popen, step: str) -> None:
    """Kill the child (SIGKILL) when it reports ``step``."""
    for line in child.stdout:
        if line.split()[:2] == ["STEP", step]:
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=120)


def check(store: Store, marks: tuple[str, str]) -> str:
    """The index answers with one of the versions, as the manifest's TriG file does, and holds its triples."""
    answer = index_answer(store, TITLES)
    assert answer in ([(f"{marks[0]}.",)], [(f"{marks[1]}.",)]), answer
    assert answer == dataset_answer(store, TITLES)
    assert _document_quads(store) == _file_triples(store)
    return answer[0][0]


@pytest.mark.parametrize("step", STEPS)
def test_kill_9_at_each_step_of_a_commit(built, tmp_path, step):
    store = Store(tmp_path / "store")
    shutil.copytree(built.folder, store.folder)
    assert add_files(store, [version(tmp_path / "a", "ett")]).ok
    assert index_answer(store, TITLES) == [("ett.",)]
    child = start(store, version(tmp_path / "b", "två"), pause=30)
    kill_at(child, step)
    assert child.returncode == -signal.SIGKILL
    seen = check(store, ("ett", "två"))
    assert seen == ("två." if step == "manifest-done" else "ett.")
    # The next writer goes on from there.
    assert add_files(store, [version(tmp_path / "c", "tre")]).ok
    assert check(store, ("tre", "tre")) == "tre."


def test_kill_9_at_random_moments(built, tmp_path):
    store = Store(tmp_path / "store")
    shutil.copytree(built.folder, store.folder)
    random.seed(13)
    previous = "noll"
    assert add_files(store, [version(tmp_path / previous, previous)]).ok
    for round_ in range(4):
        mark = f"v{round_}"
        child = start(store, version(tmp_path / mark, mark), pause=0)
        time.sleep(random.uniform(0.5, 4.0))
        child.kill()
        child.wait(timeout=60)
        previous = check(store, (previous, mark)).rstrip(".")


WRITER = """
import sys
from pathlib import Path
from app.pipeline import add_files
from graph.store import Store

store = Store(sys.argv[1])
for path in sys.argv[2:]:
    assert add_files(store, [Path(path)]).ok
print("DONE", flush=True)
"""


def test_readers_see_whole_versions_while_another_process_writes(built, tmp_path):
    """The index is read (snapshots) while a writer process replaces the document again and again."""
    store = Store(tmp_path / "store")
    shutil.copytree(built.folder, store.folder)
    marks = [f"w{i}" for i in range(5)]
    assert add_files(store, [version(tmp_path / "start", "start")]).ok
    paths = [str(version(tmp_path / mark, mark)) for mark in marks]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(store.folder), *paths], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, text=True)
    seen = []
    while writer.poll() is None:
        answer = index_answer(store, TITLES)  # a fresh Store each time, as a new command opens it
        assert len(answer) == 1 and answer[0][0].rstrip(".") in ["start", *marks], answer
        seen.append(answer[0][0])
    assert writer.returncode == 0
    assert index_answer(store, TITLES) == [("w4.",)]
    assert seen  # the reader ran while the writer wrote
