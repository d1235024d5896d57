"""Concurrent writers leave a whole store: every document once, its graph, manifest and index entry alike.

Real processes (forked) write to one store at the same time: two ``styrkedja add`` runs over overlapping file
sets whose same-named files differ in content, a ``build`` while another process uploads and removes, and a
writer killed with SIGKILL at random moments. Afterwards every document must be whole: one manifest entry, one
graph file that parses and says what the manifest says, one search index entry made from the same version of
the file (when the model ran), and nothing else in the store's folders.

The documents are constructed plans: each variant names its own municipality ("Norrby" or "Söderby") in every
paragraph, so a graph or index entry built from the other variant's file than the manifest records is caught.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import shutil
import signal
import time
from pathlib import Path

import numpy as np
import pytest
from rdflib import Dataset, URIRef
from rdflib.namespace import DCTERMS

from app.pipeline import Services, add_files, build_corpus, remove_document
from graph.store import Store
from ontology import SK
from ontology.validate import validate_document_graph

ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS = ROOT / "corpus"
PROTOCOL = "004_10e405f53db58f35.txt"  # a text file of the demo corpus (not a real-dev document)
MARKERS = {"A": "Norrby", "B": "Söderby"}
DIM = 384

# Forked workers share the parent's imports (quick start); "fork" is the Linux default and what we need here.
FORK = multiprocessing.get_context("fork")

pytestmark = pytest.mark.skipif(os.name != "posix", reason="fork and SIGKILL are POSIX")


# --------------------------------------------------------------------------------------- constructed files


def plan_text(number: int, variant: str, revision: int = 0) -> str:
    """A small constructed verksamhetsplan; every paragraph names the variant's municipality."""
    kommun = MARKERS[variant]
    school = f"Skola {number}"
    return (
        f"Verksamhetsplan {2025 + number} för {school} i {kommun} kommun\n\n"
        f"Barn- och utbildningsnämnden i {kommun} kommun\n\n"
        f"Vision\n\nI {kommun} kommun når varje elev i {school} sin fulla potential.\n\n"
        f"Prioriterade områden\n\n"
        f"Mål 1: Alla elever i {kommun} kommun ska läsa med god förståelse senast i årskurs 3.\n\n"
        f"Aktivitet: Rektor i {kommun} inför lässtunder varje dag på {school}. Ansvarig: rektor. "
        f"Klart: VT{26 + number}.\n\n"
        f"Mål 2: Tryggheten i {kommun} kommuns skolor ska öka.\n\n"
        f"Aktivitet: Elevhälsan i {kommun} kartlägger otrygga platser. Ansvarig: elevhälsochef. "
        f"Klart: HT{25 + number}.\n\n"
        f"Uppföljning i {kommun} sker varje termin (revision {revision}).\n"
    )


def write_plans(folder: Path, variant: str, numbers, revision: int = 0) -> list[Path]:
    """Write constructed plans plan_<n>.txt of one variant into a folder; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in numbers:
        path = folder / f"plan_{number}.txt"
        path.write_text(plan_text(number, variant, revision), "utf-8")
        paths.append(path)
    return paths


def reference_corpus(folder: Path) -> Path:
    """A corpus folder with the demo corpus's reference data (and nothing else yet)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(CORPUS / "reference", folder / "reference")
    return folder


# ------------------------------------------------------------------------------------------ fake model


class FakeEmbedder:
    """Bag of hashed tokens (no model): deterministic, normalised vectors."""

    recipe = "fake-concurrency|v1"
    with_section = True

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(DIM, dtype=np.float32)
        for token in text.casefold().split():
            vector[int(hashlib.md5(token.encode()).hexdigest(), 16) % DIM] += 1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def passages(self, texts):
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, DIM), np.float32)

    def queries(self, texts):
        return self.passages(texts)


class FakeServices(Services):
    """The pipeline's model services with the fake embedder: the search index is written, no model loads."""

    @property
    def index(self):
        """The store's search index, embedding with the fake embedder."""
        if self._index is None:
            from search.index import SearchIndex

            self._index = SearchIndex(self.store.folder / "search", embedder=FakeEmbedder())
        return self._index

    def embed_texts(self, texts):
        """Fake passage embeddings for the graph layer's learned steps."""
        return FakeEmbedder().passages(list(texts))

    def enrich(self, doc, graph) -> None:
        """No inferred SDG links (they need the real model)."""


def services(store: Store, model: bool) -> Services:
    """Fake model services, or none of the model's work (--no-model)."""
    return FakeServices(store) if model else Services(store, use_model=False)


# --------------------------------------------------------------------------------------------- workers


def _quiet(seed: int = 0) -> None:
    """Silence logging, and make every file write a little slow (a busy disk), so that writers interleave."""
    import logging

    import graph.store
    import search.index

    logging.disable(logging.CRITICAL)
    rng = random.Random(seed)
    write = graph.store.write_atomic

    def slow_write(path, data):
        time.sleep(rng.uniform(0, 0.02))
        write(path, data)
        time.sleep(rng.uniform(0, 0.01))

    graph.store.write_atomic = slow_write
    search.index.write_atomic = slow_write


def _add_rounds(folder: str, paths: list[str], rounds: int, model: bool, seed: int) -> None:
    """Add the files again and again, in a shuffled order each round (fresh services per run, as the CLI)."""
    _quiet(seed)
    rng = random.Random(seed)
    for _ in range(rounds):
        order = list(paths)
        rng.shuffle(order)
        store = Store(folder)
        add_files(store, [Path(p) for p in order], services=services(store, model))


def _cli_add_rounds(folder: str, paths: list[str], rounds: int) -> None:
    """`styrkedja add --no-model` again and again."""
    from app.cli import main

    _quiet()
    for _ in range(rounds):
        main(["-q", "--store", folder, "add", "--no-model", *paths])


def _build_rounds(folder: str, corpus: str, rounds: int, model: bool) -> None:
    """`build` the corpus again and again (forced, so that every round writes every document)."""
    _quiet()
    for _ in range(rounds):
        store = Store(folder)
        build_corpus(store, Path(corpus), force=True, services=services(store, model))


def _upload_rounds(folder: str, sources: list[str], rounds: int, model: bool, seed: int) -> None:
    """Upload files through the explorer's upload path, and remove some again, round after round."""
    import app.pipeline
    from app.explorer.uploads import ingest_upload
    from app.explorer.uploads import remove_document as remove_upload

    _quiet()
    if model:
        app.pipeline.Services = FakeServices  # ingest_upload builds its services from here
    rng = random.Random(seed)
    for _ in range(rounds):
        for source in sources:
            store = Store(folder)
            path = Path(source)
            outcome = ingest_upload(store, path.name, path.read_bytes(), use_model=model)
            assert outcome.ok, outcome.error
        victim = Path(rng.choice(sources)).name
        remove_upload(Store(folder), victim)
        outcome = ingest_upload(store, victim, Path(sources[0]).parent.joinpath(victim).read_bytes(),
                                use_model=model)
        assert outcome.ok, outcome.error


def _add_remove_forever(folder: str, paths: list[str], model: bool, seed: int) -> None:
    """Add and remove files until killed."""
    _quiet(seed)
    rng = random.Random(seed)
    while True:
        store = Store(folder)
        chosen = rng.sample(paths, rng.randint(1, len(paths)))
        add_files(store, [Path(p) for p in chosen], force=True, services=services(store, model))
        store = Store(folder)
        names = list(store.documents())
        if names:
            remove_document(store, rng.choice(names), services(store, model))


def _add_with_a_stalled_index_write(folder: str, path: str, stalled, resume) -> None:
    """Add one file with the fake model; its search index write stalls until ``resume`` (at most 3 s)."""
    import search.index

    _quiet()
    write = search.index.write_atomic

    def stalled_write(target, data):
        stalled.set()
        resume.wait(3)
        write(target, data)

    search.index.write_atomic = stalled_write
    store = Store(folder)
    report = add_files(store, [Path(path)], services=FakeServices(store))
    assert report.ok


def _act_during_the_stall(folder: str, action: str, path: str, stalled, resume) -> None:
    """Once the other writer stalls, add another version of its file, or remove its document."""
    _quiet()
    assert stalled.wait(60)
    store = Store(folder)
    if action == "add":
        assert add_files(store, [Path(path)], services=FakeServices(store)).ok
    else:
        remove_document(store, Path(path).name, FakeServices(store))
    resume.set()


def run_together(*jobs: tuple, timeout: float = 240) -> None:
    """Run worker functions in forked processes at the same time; each must end with exit status 0."""
    processes = [FORK.Process(target=target, args=args) for target, *args in jobs]
    for process in processes:
        process.start()
    deadline = time.monotonic() + timeout
    for process in processes:
        process.join(max(1.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join()
    assert [p.exitcode for p in processes] == [0] * len(processes)


# ------------------------------------------------------------------------------------------ invariants


def variant_of(text: str) -> set[str]:
    """The variants whose municipality a text names."""
    return {variant for variant, marker in MARKERS.items() if marker in text}


def expected_variant(origin: str) -> str | None:
    """The variant of a stored file, from the folder it was read from (None for the demo corpus file)."""
    text = Path(origin).read_text("utf-8") if Path(origin).is_file() else ""
    found = variant_of(text)
    return found.pop() if len(found) == 1 else None


def check_whole(folder: Path, indexed: bool, shacl: bool = False) -> dict[str, str]:
    """Assert that the store is whole; return the stored documents' variants by file name."""
    store = Store(folder)
    documents = store.documents()  # the manifest loads
    assert len({e.document for e in documents.values()}) == len(documents), "a document IRI twice"
    assert len({e.graph for e in documents.values()}) == len(documents), "a graph IRI twice"
    on_disk = {str(p.relative_to(folder)) for p in (folder / "graphs").glob("*.trig")} if documents else set()
    assert on_disk == {e.graph_file for e in documents.values()}, "graph files differ from the manifest"
    leftovers = [p.name for p in folder.rglob(".*.tmp")]
    assert not leftovers, f"temporary files left: {leftovers}"
    variants = {}
    for name, entry in documents.items():
        graph_data = Dataset()
        graph_data.parse(folder / entry.graph_file, format="trig")
        contexts = {str(c.identifier) for c in graph_data.graphs() if len(c)}
        assert contexts == {entry.graph}, f"{name}: the graph file holds {contexts}"
        named = graph_data.graph(URIRef(entry.graph))
        doc = URIRef(entry.document)
        assert {str(o) for o in named.objects(doc, SK.sourceFile)} == {name}
        assert {str(o) for o in named.objects(doc, DCTERMS.title)} == {entry.title}, f"{name}: title"
        texts = " ".join(str(o) for o in named.objects(None, SK.text))
        variant = expected_variant(entry.origin)
        if variant is not None:
            assert variant_of(texts) == {variant}, f"{name}: graph {variant_of(texts)}, manifest {variant}"
            assert variant_of(entry.title or "") <= {variant}
        variants[name] = variant
        if shacl:
            report = validate_document_graph(named)
            assert report.conforms, f"{name}:\n{report.text[:2000]}"
    dataset = store.dataset()
    for name in documents:
        assert len(set(dataset.subjects(SK.sourceFile, None))) == len(documents)
        assert len(list(dataset.subjects(SK.sourceFile, _literal(name)))) == 1, f"{name}: not once"
    if indexed:
        from search.index import SearchIndex

        index = SearchIndex(folder / "search", embedder=FakeEmbedder())
        assert {m.doc_id for m in index.documents()} == {e.document for e in documents.values()}
        files = list((folder / "search" / "docs").glob("*.npz"))
        assert len(files) == len(documents), "search index files differ from the manifest"
        for name, entry in documents.items():
            meta = next(m for m in index.documents() if m.doc_id == entry.document)
            assert meta.source_file == name and meta.title == entry.title, f"{name}: index metadata"
            if variants[name] is not None:
                indexed_text = " ".join(p.text for p in index.passages(entry.document))
                assert variant_of(indexed_text) == {variants[name]}, f"{name}: index from another version"
    return variants


def _literal(text: str):
    from rdflib import Literal

    return Literal(text)


# ---------------------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("model", [False, True], ids=["no-model", "fake-model"])
def test_two_adds_of_overlapping_files_leave_each_document_whole_once(tmp_path, model):
    """Two processes add overlapping sets; same-named files differ in content; many rounds."""
    folder = tmp_path / "store"
    a = write_plans(tmp_path / "a", "A", range(0, 5))
    b = write_plans(tmp_path / "b", "B", range(2, 7))
    shared = str(CORPUS / PROTOCOL)
    rounds = 6
    run_together(
        (_add_rounds, str(folder), [str(p) for p in a] + [shared], rounds, model, 1),
        (_add_rounds, str(folder), [str(p) for p in b] + [shared], rounds, model, 2),
    )
    variants = check_whole(folder, indexed=model, shacl=not model)
    assert set(variants) == {f"plan_{n}.txt" for n in range(7)} | {PROTOCOL}
    assert variants["plan_0.txt"] == "A" and variants["plan_6.txt"] == "B"


@pytest.mark.parametrize("action", ["add", "remove"])
def test_a_stalled_index_write_does_not_outlive_a_newer_write(tmp_path, action):
    """One writer stalls just before its search index write (a slow disk); meanwhile another process adds the
    other version of the same file, or removes the document. The store must not pair one version's graph with
    the other's index entry, nor keep an index entry of a removed document."""
    folder = tmp_path / "store"
    (a,) = write_plans(tmp_path / "a", "A", [1])
    (b,) = write_plans(tmp_path / "b", "B", [1])
    if action == "remove":  # stored without the model, so that the stalled add indexes it
        add_files(Store(folder), [a], services=Services(Store(folder), use_model=False))
    stalled, resume = FORK.Event(), FORK.Event()
    run_together(
        (_add_with_a_stalled_index_write, str(folder), str(a), stalled, resume),
        (_act_during_the_stall, str(folder), action, str(b), stalled, resume),
    )
    check_whole(folder, indexed=True)


def test_two_cli_adds_at_once(tmp_path):
    """`styrkedja add --no-model` twice at once, the same files from two folders."""
    folder = tmp_path / "store"
    a = write_plans(tmp_path / "a", "A", range(0, 4))
    b = write_plans(tmp_path / "b", "B", range(0, 4))
    run_together(
        (_cli_add_rounds, str(folder), [str(p) for p in a], 4),
        (_cli_add_rounds, str(folder), [str(p) for p in b], 4),
    )
    variants = check_whole(folder, indexed=False)
    assert set(variants) == {f"plan_{n}.txt" for n in range(4)}


@pytest.mark.parametrize("model", [False, True], ids=["no-model", "fake-model"])
def test_upload_and_remove_while_build_runs(tmp_path, model):
    """A build of a corpus, round after round, while the explorer's upload path adds and removes."""
    folder = tmp_path / "store"
    corpus = reference_corpus(tmp_path / "corpus")
    write_plans(corpus, "A", range(0, 4))
    uploads = write_plans(tmp_path / "uploads", "B", range(3, 7))
    build_corpus(Store(folder), corpus, services=services(Store(folder), model))
    run_together(
        (_build_rounds, str(folder), str(corpus), 4, model),
        (_upload_rounds, str(folder), [str(p) for p in uploads], 3, model, 3),
    )
    variants = check_whole(folder, indexed=model)
    assert set(variants) == {f"plan_{n}.txt" for n in range(7)}


def test_cli_add_while_build_runs(tmp_path):
    """`styrkedja add --no-model` of other files (one of them named as a corpus file) while builds run."""
    folder = tmp_path / "store"
    corpus = reference_corpus(tmp_path / "corpus")
    write_plans(corpus, "A", range(0, 4))
    others = write_plans(tmp_path / "b", "B", range(3, 6))
    run_together(
        (_build_rounds, str(folder), str(corpus), 3, False),
        (_cli_add_rounds, str(folder), [str(p) for p in others], 3),
    )
    variants = check_whole(folder, indexed=False)
    assert set(variants) == {f"plan_{n}.txt" for n in range(6)}


def test_build_does_not_remove_a_file_added_to_its_corpus_meanwhile(tmp_path):
    """A file put into the corpus folder and added while a build runs is not removed by that build."""
    folder = tmp_path / "store"
    corpus = reference_corpus(tmp_path / "corpus")
    write_plans(corpus, "A", range(0, 3))
    build_corpus(Store(folder), corpus)

    # The build lists the corpus, then (before it looks for documents that left) the new file is added.
    import app.pipeline as pipeline

    original = pipeline.add_files

    def add_then_someone_else_adds(store, files, *args, **kwargs):
        report = original(store, files, *args, **kwargs)
        newcomer = write_plans(corpus, "A", [9])
        original(Store(store.folder), newcomer)
        return report

    pipeline.add_files = add_then_someone_else_adds
    try:
        report = build_corpus(Store(folder), corpus)
    finally:
        pipeline.add_files = original
    assert "plan_9.txt" not in report.removed
    assert "plan_9.txt" in Store(folder).documents()
    check_whole(folder, indexed=False)


@pytest.mark.parametrize("model", [False, True], ids=["no-model", "fake-model"])
def test_a_writer_killed_at_any_moment_leaves_a_readable_store(tmp_path, model):
    """SIGKILL a writer at random moments: the store still loads, every stored document is whole, and the next
    write leaves no trace of the killed one."""
    folder = tmp_path / "store"
    plans = [str(p) for p in write_plans(tmp_path / "a", "A", range(0, 4))]
    plans += [str(p) for p in write_plans(tmp_path / "b", "B", range(4, 6))]
    rng = random.Random(11)
    for kill in range(5):
        process = FORK.Process(target=_add_remove_forever, args=(str(folder), plans, model, kill))
        process.start()
        time.sleep(rng.uniform(0.3, 2.0))
        os.kill(process.pid, signal.SIGKILL)
        process.join()
        store = Store(folder)
        documents = store.documents()  # loads
        store.dataset()
        for name, entry in documents.items():  # what the manifest names is there and whole
            graph_data = Dataset()
            graph_data.parse(folder / entry.graph_file, format="trig")
            titles = {str(t) for t in graph_data.graph(URIRef(entry.graph)).objects(URIRef(entry.document),
                                                                                  DCTERMS.title)}
            assert titles == {entry.title}, (kill, name)
        # The next writer clears what the killed one left behind.
        recovery = write_plans(tmp_path / "c", "A", [kill + 10])
        add_files(store, recovery, services=services(store, model))
        check_whole(folder, indexed=model)


def _forced_adds(folder: str, paths: list[str], rounds: int, seed: int) -> None:
    """Add the same files again and again, forced: every round writes every graph anew."""
    _quiet(seed)
    for _ in range(rounds):
        store = Store(folder)
        add_files(store, [Path(p) for p in paths], force=True, services=services(store, False))


def test_a_reader_sees_every_document_while_a_writer_replaces_them(tmp_path, caplog, monkeypatch):
    """Readers take no lock: a graph file replaced between reading the manifest and reading the file is looked
    up again, so a reader never misses a document that was stored all along."""
    import graph.reference
    import ontology

    # The reader loads the document graphs only (reference data takes seconds and is not what races).
    monkeypatch.setattr(graph.reference, "load_reference_graphs", lambda *args, **kwargs: None)
    monkeypatch.setattr(ontology, "load_ontology", lambda: Dataset())
    folder = tmp_path / "store"
    plans = write_plans(tmp_path / "a", "A", range(0, 4))
    add_files(Store(folder), plans)
    writer = FORK.Process(target=_forced_adds, args=(str(folder), [str(p) for p in plans], 6, 5))
    writer.start()
    loads = 0
    try:
        while writer.is_alive() or loads == 0:
            caplog.clear()
            dataset = Store(folder).dataset()
            names = {str(o) for o in dataset.objects(None, SK.sourceFile)}
            assert names == {p.name for p in plans}, names
            assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text
            loads += 1
    finally:
        writer.join(120)
    assert writer.exitcode == 0 and loads > 1


def test_two_names_of_one_identity_are_not_stored_twice(tmp_path):
    """Names that differ only in case or punctuation mint one IRI: the second is refused, not merged."""
    folder = tmp_path / "store"
    (first,) = write_plans(tmp_path / "a", "A", [1])
    second = tmp_path / "b" / "Plan-1.txt"
    second.parent.mkdir()
    second.write_text(plan_text(1, "B"), "utf-8")
    assert add_files(Store(folder), [first]).ok
    report = add_files(Store(folder), [second])
    assert not report.ok and "plan_1.txt" in str(report.errors[0])
    assert set(Store(folder).documents()) == {"plan_1.txt"}
    check_whole(folder, indexed=False)
