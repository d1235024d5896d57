"""The merged, memory-mapped search index (search.vectors): same answers as in memory, fresh after a change,
atomic rebuilds, readers undisturbed by a rebuild, never loading the per-document files (fake embedder)."""

import hashlib
import itertools
import multiprocessing
import random

import numpy as np
import pytest

import search.index as index_module
from search import vectors as merged
from search.records import DocMeta, Filters, IndexedPassage
from search.tokenize import tokenize

DIM = 48
SUBJECTS = ["läsförståelse", "matematik", "närvaro", "trygghet", "studiero", "språkutveckling", "betyg",
            "elevhälsa", "digitalisering", "fritidshem", "modersmål", "likabehandling"]
ACTORS = ["Rektorsgruppen", "Skolchefen", "Förskolechefen", "Elevhälsoteamet", "Huvudmannen", "Arbetslaget"]
VERBS = ["följer upp", "analyserar", "planerar insatser för", "redovisar", "utvärderar",
         "stärker arbetet med"]
WHEN = ["varje termin", "under hösten", "i december", "vid läsårets slut", "varannan vecka", "årligen"]
KOMMUNER = ["Norrvik", "Sjöbacka", "Ekdala", "Lövholm"]
KINDS = ["verksamhetsplan", "kvalitetsplan", "protokoll"]
QUERIES = ["Vem följer upp närvaro?", "matematik under hösten", "elevhälsa och trygghet",
           "studiero i december", "Skolchefen redovisar betyg", "digitalisering årligen",
           "modersmål och språkutveckling", "Hur stärks likabehandling?", "fritidshem",
           "Arbetslaget analyserar läsförståelse"]


class FakeEmbedder:
    """Bag of hashed tokens, normalised: texts sharing words get similar vectors."""

    recipe = "fake|vectors"
    with_section = True

    def _vector(self, text):
        v = np.zeros(DIM, dtype=np.float32)
        for token in tokenize(text):
            v[int(hashlib.md5(token.encode()).hexdigest(), 16) % DIM] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def passages(self, texts):
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, DIM), np.float32)

    def queries(self, texts):
        return np.stack([self._vector(t) for t in texts])


def constructed_docs(count, per_doc, seed=3):
    """Constructed plan documents: sentences of an actor, a verb, a subject and a time."""
    rng = random.Random(seed)
    docs = []
    for number in range(count):
        kommun = KOMMUNER[number % len(KOMMUNER)]
        doc_id = f"https://w3id.org/styrkedja/id/doc/test-{number:04d}"
        meta = DocMeta(doc_id, f"plan-{number}.txt", f"Plan {number}", kommun, f"{kommun}s kommun",
                       KINDS[number % len(KINDS)], (2020 + number % 5,))
        passages, offset = [], 0
        for i in range(per_doc):
            text = (f"{rng.choice(ACTORS)} {rng.choice(VERBS)} {rng.choice(SUBJECTS)} {rng.choice(WHEN)} "
                    f"och {rng.choice(SUBJECTS)}.")
            passages.append(IndexedPassage(doc_id, i, text, offset, offset + len(text), 1 + i // 5,
                                           f"Mål › {rng.choice(SUBJECTS)}", "paragraph", f"{number}-{i}"))
            offset += len(text) + 2
        labels = [(i, f"Insats för {rng.choice(SUBJECTS)}") for i in range(0, per_doc, 7)]
        docs.append((meta, passages, labels))
    return docs


def fill(folder, docs):
    index = index_module.SearchIndex(folder, embedder=FakeEmbedder(), merge_min=10**9)
    for meta, passages, labels in docs:
        index.update(meta.doc_id, passages, meta, labels)
    return index


def ranking(hits):
    return [(h.doc.doc_id, h.passage.index) for h in hits]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("vectors") / "search"
    fill(folder, constructed_docs(40, 30))
    return folder


def memory_index(folder):
    return index_module.SearchIndex(folder, embedder=FakeEmbedder(), merge_min=10**9)


def merged_index(folder):
    return index_module.SearchIndex(folder, embedder=FakeEmbedder(), merge_min=0)


FILTERS = [None, Filters(kommun="Norrvik"), Filters(kind="protokoll", year=2022)]


@pytest.mark.parametrize("ann_min", [10**9, 0], ids=["exact", "ann"])
@pytest.mark.parametrize("filters", FILTERS, ids=["all", "kommun", "kind-year"])
def test_merged_generation_ranks_as_memory_does(store, tmp_path, ann_min, filters):
    """Same passages in the same order; scores differ only by float16 rounding."""
    folder = tmp_path / "search"
    import shutil

    shutil.copytree(store, folder)
    index_module.consolidate(folder, FakeEmbedder.recipe, ann_min=ann_min)
    generation = merged.open_generation(folder)
    assert (generation.ann is not None) == (ann_min == 0)
    memory, on_disk = memory_index(folder), merged_index(folder)
    for query in QUERIES:
        expected = memory.search(query, k=10, filters=filters)
        found = on_disk.search(query, k=10, filters=filters)
        assert ranking(found) == ranking(expected), query
        assert np.allclose([h.score for h in found], [h.score for h in expected], atol=5e-3)
        assert np.allclose([h.dense for h in found], [h.dense for h in expected], atol=2e-3)
        assert [h.lexical for h in found] == pytest.approx([h.lexical for h in expected], rel=1e-5)
        assert [h.passage for h in found] == [h.passage for h in expected]
    assert on_disk._loaded is None  # the per-document files were never read by the merged searches


def test_merged_reads_answer_as_memory_does(store):
    index_module.consolidate(store, FakeEmbedder.recipe)
    memory, on_disk = memory_index(store), merged_index(store)
    doc_id = memory.documents()[3].doc_id
    assert on_disk.documents() == memory.documents()
    assert len(on_disk) == len(memory) == 40 * 30
    assert doc_id in on_disk and "https://example.org/none" not in on_disk
    assert on_disk.passages(doc_id) == memory.passages(doc_id)
    assert np.allclose(on_disk.vectors(doc_id), memory.vectors(doc_id), atol=1e-3)
    vectors = on_disk.all_vectors()
    assert set(vectors) == set(memory.all_vectors()) and vectors[doc_id].dtype == np.float32
    words = "närvaro matematik"
    assert np.allclose(on_disk.lexical_scores(words), memory.lexical_scores(words))
    query = FakeEmbedder().queries(["elevhälsa och trygghet"])
    assert np.allclose(on_disk.dense_scores(query), memory.dense_scores(query), atol=2e-3)
    assert on_disk._loaded is None


def test_a_change_makes_the_generation_stale_and_the_next_search_merges_again(tmp_path):
    folder = tmp_path / "search"
    writer = fill(folder, constructed_docs(6, 10))
    index_module.consolidate(folder, FakeEmbedder.recipe)
    first = merged.open_generation(folder).path
    assert merged.open_fresh(folder, FakeEmbedder.recipe) is not None
    meta = DocMeta("https://w3id.org/styrkedja/id/doc/new", "ny.txt", "Ny plan", "Ekdala", "Ekdalas kommun")
    text = "Kulturskolan erbjuder orkesterverksamhet för alla elever."
    writer.update(meta.doc_id, [IndexedPassage(meta.doc_id, 0, text, 0, len(text), 1, "", "paragraph", "n")],
                  meta)
    assert merged.open_fresh(folder, FakeEmbedder.recipe) is None  # stale
    reader = merged_index(folder)
    assert reader.search("orkesterverksamhet kulturskolan", k=1)[0].passage.text == text
    assert merged.open_generation(folder).path != first
    assert reader._loaded is None
    writer.remove(meta.doc_id)
    assert merged_index(folder).search("orkesterverksamhet kulturskolan", k=1)[0].passage.text != text


def test_another_recipe_is_not_searched_from_a_generation(tmp_path):
    folder = tmp_path / "search"
    fill(folder, constructed_docs(3, 5))
    index_module.consolidate(folder, "another|recipe")
    assert merged.open_fresh(folder, FakeEmbedder.recipe) is None


def test_a_failed_rebuild_leaves_the_current_generation(tmp_path, monkeypatch):
    folder = tmp_path / "search"
    writer = fill(folder, constructed_docs(5, 10))
    index_module.consolidate(folder, FakeEmbedder.recipe)
    before = merged.open_generation(folder).path
    expected = ranking(merged_index(folder).search(QUERIES[0], k=5))
    writer.remove(writer.documents()[0].doc_id)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(merged, "bm25_index", broken)
    with pytest.raises(OSError):
        index_module.consolidate(folder, FakeEmbedder.recipe)
    assert merged.open_generation(folder).path == before
    assert not [p for p in (folder / merged.MERGED_DIR).iterdir() if p.name.startswith(".tmp-")]
    stale = merged.open_generation(folder)  # still whole: the old generation answers as before
    assert stale.size == 50
    monkeypatch.undo()
    rebuilt = merged_index(folder)
    assert len(rebuilt) == 40 and ranking(rebuilt.search(QUERIES[0], k=5)) != expected


def _reader(folder, rounds, queue):
    """Search from a fresh index each round while another process rebuilds; report what went wrong."""
    problems = []
    for _ in range(rounds):
        try:
            generation = merged.open_generation(folder)
            hits = index_module.SearchIndex(folder, embedder=FakeEmbedder(), merge_min=10**9)
            # Read this generation, stale or not (a reader that opened it before the rebuild).
            hits._generation, hits._generation_checked = generation, True
            found = hits.search("Elevhälsoteamet följer upp närvaro", k=5)
            if not found or any(not h.passage.text for h in found):
                problems.append("no hits")
        except Exception as error:  # noqa: BLE001 - reported to the parent
            problems.append(repr(error))
    queue.put(problems)


def test_readers_are_undisturbed_by_rebuilds(tmp_path):
    folder = tmp_path / "search"
    docs = constructed_docs(12, 20)
    writer = fill(folder, docs)
    index_module.consolidate(folder, FakeEmbedder.recipe)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    reader = context.Process(target=_reader, args=(folder, 60, queue))
    reader.start()
    for round_number in itertools.islice(itertools.count(), 6):
        meta, passages, labels = docs[round_number]
        changed = [IndexedPassage(p.doc_id, p.index, p.text + f" Runda {round_number}.", p.char_start,
                                  p.char_end, p.page, p.section, p.kind, p.content_hash) for p in passages]
        writer.update(meta.doc_id, changed, meta, labels)
        index_module.consolidate(folder, FakeEmbedder.recipe)
    reader.join(120)
    assert reader.exitcode == 0
    assert queue.get(timeout=5) == []
    # Old generations are deleted, the current one and the one before it are kept.
    kept = [p for p in (folder / merged.MERGED_DIR).iterdir() if p.is_dir()]
    assert len(kept) == 2


def test_a_large_store_is_merged_by_a_child_process(tmp_path, monkeypatch):
    folder = tmp_path / "search"
    fill(folder, constructed_docs(4, 10))
    monkeypatch.setattr(index_module, "SUBPROCESS_MIN_PASSAGES", 0)
    calls = []
    real_run = index_module.subprocess.run
    monkeypatch.setattr(index_module.subprocess, "run", lambda *a, **k: calls.append(a) or real_run(*a, **k))
    index = merged_index(folder)
    assert index.search("närvaro", k=3)
    assert calls and "search.index" in calls[0][0] and index._loaded is None
    assert merged.open_fresh(folder, FakeEmbedder.recipe) is not None


def test_estimated_passages_reads_sizes_only(tmp_path):
    folder = tmp_path / "search"
    assert index_module.estimated_passages(folder) == 0
    fill(folder, constructed_docs(2, 10))
    size = sum(p.stat().st_size for p in (folder / "docs").glob("*.npz"))
    assert index_module.estimated_passages(folder) == size // index_module.BYTES_PER_PASSAGE


def test_small_stores_stay_in_memory(tmp_path):
    folder = tmp_path / "search"
    fill(folder, constructed_docs(2, 10))
    index = index_module.SearchIndex(folder, embedder=FakeEmbedder())
    assert index.search("närvaro", k=3)
    assert not (folder / merged.MERGED_DIR).exists() and index._loaded is not None


def test_a_large_changed_store_is_searched_as_it_was_while_merged_again(tmp_path, monkeypatch):
    """Above SUBPROCESS_MIN_PASSAGES a search does not wait for the merge: the previous generation answers
    and a background process merges; the next index opened after it finished sees the change."""
    import time

    folder = tmp_path / "search"
    writer = fill(folder, constructed_docs(4, 10))
    index_module.consolidate(folder, FakeEmbedder.recipe)
    monkeypatch.setattr(index_module, "SUBPROCESS_MIN_PASSAGES", 10)
    meta = DocMeta("https://w3id.org/styrkedja/id/doc/late", "sen.txt", "Sen plan", "Ekdala",
                   "Ekdalas kommun")
    text = "Kulturskolan erbjuder orkesterverksamhet för alla elever."
    writer.update(meta.doc_id, [IndexedPassage(meta.doc_id, 0, text, 0, len(text), 1, "", "paragraph", "n")],
                  meta)
    stale = merged_index(folder)
    assert stale.search("orkesterverksamhet kulturskolan", k=1)[0].passage.text != text  # not merged yet
    deadline = time.monotonic() + 90
    while merged.open_fresh(folder, FakeEmbedder.recipe) is None:
        assert time.monotonic() < deadline, "the background merge did not finish"
        time.sleep(0.2)
    assert merged_index(folder).search("orkesterverksamhet kulturskolan", k=1)[0].passage.text == text
