"""Documents ranked by the similarity of their passage vectors."""

import numpy as np
import pytest

from search.similar import best_pairs, similar_documents


def unit(*rows):
    m = np.array(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


VECTORS = {
    "a": unit([1, 0, 0, 0], [0, 1, 0, 0]),
    "b": unit([1, 0.1, 0, 0], [0, 0.9, 0.1, 0], [0, 0, 0, 1]),  # shares both of a's passages
    "c": unit([0, 0, 1, 0], [0, 0, 0.9, 0.2]),  # shares nothing
    "empty": np.zeros((0, 4), dtype=np.float32),
}


@pytest.mark.parametrize("method", ["chamfer", "mean"])
def test_the_document_sharing_passages_ranks_first(method):
    ranked = similar_documents(VECTORS, "a", method=method)
    assert [r.doc_id for r in ranked] == ["b", "c"]
    assert ranked[0].score > ranked[1].score


def test_pairs_name_the_shared_passages():
    (best, _) = similar_documents(VECTORS, "a")
    assert {(i, j) for i, j, _ in best.pairs[:2]} == {(0, 0), (1, 1)}


def test_best_pairs_use_each_passage_once():
    cosines = np.array([[0.9, 0.8], [0.85, 0.1]])
    assert [(i, j) for i, j, _ in best_pairs(cosines, 2)] == [(0, 0), (1, 1)]


def test_unknown_target_and_method():
    with pytest.raises(KeyError):
        similar_documents(VECTORS, "nope")
    with pytest.raises(ValueError):
        similar_documents(VECTORS, "a", method="max")
