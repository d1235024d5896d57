"""The approximate index (search.ann, IVF-PQ) and the merged generation's ANN path: recall@10 against exact
search on constructed clustered vectors, parameters, and the candidates a filter allows."""

import numpy as np
import pytest

from search import ann
from search import vectors as merged
from search.records import DocMeta, IndexedPassage

DIM = 64


def clustered(count, clusters, seed=0, spread=0.6):
    """Unit vectors around random centres, all sharing one direction (as sentence embeddings do)."""
    rng = np.random.default_rng(seed)
    mean = rng.standard_normal(DIM)
    mean /= np.linalg.norm(mean)
    centres = rng.standard_normal((clusters, DIM))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    noise = spread * rng.standard_normal((count, DIM)) / 8
    v = 2.0 * mean + centres[rng.integers(0, clusters, count)] + noise
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


class _Doc:
    """A document entry as search.vectors reads it."""

    def __init__(self, number, vectors):
        doc_id = f"https://w3id.org/styrkedja/id/doc/ann-{number:04d}"
        self.meta = DocMeta(doc_id, f"ann-{number}.txt", kommun="Norrvik" if number % 2 else "Ekdala")
        self.passages = [IndexedPassage(doc_id, i, f"stycke {number} {i}", 0, 1, 1, "", "paragraph", "")
                         for i in range(len(vectors))]
        self.vectors = vectors
        self.tokens = [f"stycke {number}" for _ in range(len(vectors))]
        self.recipe = "constructed"
        self.labels = []
        self.label_vectors = np.zeros((0, DIM), np.float32)


@pytest.fixture(scope="module")
def generation(tmp_path_factory):
    vectors = clustered(24_000, 120)
    folder = tmp_path_factory.mktemp("ann") / "search"
    docs = (_Doc(n, vectors[start : start + 100]) for n, start in enumerate(range(0, len(vectors), 100)))
    merged.write_generation(folder, docs, "constructed", "", ann_min=0)
    opened = merged.open_generation(folder)
    assert opened.ann is not None and opened.size == 24_000
    return opened


def queries(generation, count=150, seed=4):
    rng = np.random.default_rng(seed)
    base = np.asarray(generation.vectors[rng.choice(generation.size, count, replace=False)], dtype=np.float32)
    noisy = base + 0.3 * rng.standard_normal(base.shape).astype(np.float32) / 8
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


def recall_at_10(generation, mask=None):
    found = []
    for q in queries(generation):
        exact = generation.exact_dense(q)
        if mask is not None:
            exact = np.where(mask, exact, -np.inf)
        truth = set(np.argsort(-exact, kind="stable")[:10].tolist())
        approx = generation.dense_candidates(q, 10, mask)
        found.append(len(truth & set(approx.tolist())) / 10)
    return float(np.mean(found))


def test_recall_at_10_against_exact_search(generation):
    assert recall_at_10(generation) >= 0.98


def test_recall_without_exact_rescoring_is_lower(generation):
    """The rescoring from the stored vectors is what carries recall: PQ codes alone rank worse."""
    hits = []
    for q in queries(generation, 60):
        truth = set(np.argsort(-generation.exact_dense(q))[:10].tolist())
        hits.append(len(truth & set(generation.ann.search(q, 10).tolist())) / 10)
    assert np.mean(hits) < recall_at_10(generation)


def test_recall_with_a_filter_that_leaves_many_rows(generation, monkeypatch):
    monkeypatch.setattr(merged, "FILTERED_EXACT_MAX", 1_000)  # force the filtered ANN path
    mask = generation.row_doc % 2 == 1  # the Norrvik half
    assert recall_at_10(generation, mask) >= 0.98


def test_a_selective_filter_is_searched_exactly(generation):
    mask = np.zeros(generation.size, dtype=bool)
    mask[[5, 77, 4000, 23_999]] = True
    q = queries(generation, 1)[0]
    assert sorted(generation.dense_candidates(q, 10, mask).tolist()) == [5, 77, 4000, 23_999]


@pytest.mark.parametrize(("count", "dim"), [(100, 384), (24_000, 64), (1_000_000, 384)])
def test_parameters_fit_the_size(count, dim):
    params = ann.AnnParams.for_size(count, dim)
    assert 1 <= params.nlist <= count // 39 and dim % params.m == 0 and params.m <= dim // 8
    assert params.nprobe <= params.nlist
