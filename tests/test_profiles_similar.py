"""`similar` from the stored profiles and the search index (search.compare.similar_stored, search.means): the
same answers as the whole-store reference (search.compare.similar) on the demo corpus, with every document
scored and through the mean-vector first pass; the first pass's candidates and the cached mean vectors."""

from __future__ import annotations

import numpy as np
import pytest

from search.compare import candidates
from search.means import cached_means, compute_means, unit_mean


def unit(*rows):
    m = np.array(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


VECTORS = {
    "a": unit([1, 0, 0], [0.9, 0.1, 0]),
    "b": unit([1, 0.1, 0]),
    "c": unit([0, 1, 0], [0, 0.8, 0.2]),
    "d": unit([0, 0, 1]),
    "empty": np.zeros((0, 3), dtype=np.float32),
}


def test_unit_mean_is_normalised_and_zero_for_no_passages():
    assert np.isclose(np.linalg.norm(unit_mean(VECTORS["a"])), 1.0)
    assert not unit_mean(VECTORS["empty"]).any()


def test_compute_means_rows_follow_sorted_ids():
    means = compute_means(VECTORS)
    assert means.ids == sorted(VECTORS)
    assert np.allclose(means.row("d"), [0, 0, 1])
    assert means.row("unknown") is None


def test_cached_means_are_written_once_and_read_back(tmp_path):
    first = cached_means(VECTORS, tmp_path, "token-1", "recipe")
    assert len(list(tmp_path.glob("means-*.npy"))) == 1
    again = cached_means({}, tmp_path, "token-1", "recipe")  # from the cache: the vectors are not read
    assert again.ids == first.ids and np.array_equal(np.asarray(again.matrix), first.matrix)
    changed = cached_means({"x": VECTORS["a"]}, tmp_path, "token-2", "recipe")
    assert changed.ids == ["x"] and len(list(tmp_path.glob("means-*.npy"))) == 1  # the old state is gone


@pytest.mark.parametrize(
    ("by_mean", "by_graph", "graph_scores", "expected"),
    [
        (1, 0, {}, {"b"}),  # the nearest mean vector
        (2, 0, {}, {"b", "c"}),
        (0, 1, {"d": 0.9, "c": 0.1}, {"d"}),  # the most shared in the graph
        (1, 1, {"d": 0.9, "b": 0.5}, {"b", "d"}),
        (10, 10, {"a": 1.0}, {"b", "c", "d", "empty"}),  # never the target itself
    ],
)
def test_candidates(by_mean, by_graph, graph_scores, expected):
    means = compute_means(VECTORS)
    assert candidates(means.ids, means.matrix, "a", graph_scores, by_mean, by_graph) == expected


# --- against the whole-store reference on the demo corpus ---------------------------------------------------


@pytest.fixture(scope="module")
def corpus(model_store, tmp_path_factory):
    import shutil

    from graph.profiles import ProfileIndex
    from graph.store import Store
    from search.index import SearchIndex

    store = Store(tmp_path_factory.mktemp("profiles-corpus") / "store")  # the session store stays unchanged
    shutil.copytree(model_store.folder, store.folder)
    profiles = ProfileIndex(store)
    yield store, SearchIndex(store.folder / "search"), profiles
    profiles.close()


@pytest.mark.model
@pytest.mark.parametrize("exact_up_to", [400, 0])
def test_similar_stored_gives_the_whole_store_answer(corpus, exact_up_to, tmp_path):
    from search.compare import similar, similar_json, similar_stored

    store, index, profiles = corpus
    assert len(profiles.features()) == len(store.documents())
    dataset = store.dataset()
    for entry in store.documents().values():
        old = similar_json(entry.document, entry.source_file, similar(dataset, index, entry.document, 5))
        new = similar_json(entry.document, entry.source_file,
                           similar_stored(profiles, index, entry.document, 5, cache=tmp_path,
                                          exact_up_to=exact_up_to))
        assert new == old, entry.source_file
        assert old["similar"], entry.source_file


@pytest.mark.model
def test_similar_stored_unknown_document(corpus):
    from search.compare import StaticProfiles, similar_stored

    _, index, profiles = corpus
    assert similar_stored(profiles, index, "https://example.org/none") == []
    in_memory = StaticProfiles(profiles.features())
    some = next(iter(in_memory.by_document))
    assert similar_stored(in_memory, index, some) == similar_stored(profiles, index, some)
