"""The search evaluation's baselines and rank bookkeeping (benchmarks/eval_search.py), without the model."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.eval_search import (  # noqa: E402
    WINDOW_CHARS,
    WINDOW_OVERLAP,
    PlainRag,
    _cache_file,
    first_rank,
    metrics,
    raw_text,
    windows,
)


@pytest.mark.parametrize(
    ("length", "starts"),
    [(0, []), (10, [0]), (1000, [0]), (1005, [0, 800]), (1800, [0, 800]), (2500, [0, 800, 1600])],
)
def test_windows_overlap_by_200_and_cover_the_text(length, starts):
    text = "".join(f"{i:04d}|" for i in range(length // 5))  # no substring repeats
    found = windows(text)
    assert [text.index(w) if w else None for w in found] == starts
    assert all(len(w) <= WINDOW_CHARS for w in found)
    if found:
        assert found[-1].endswith(text[-1]) and text.startswith(found[0])
    for before, after in zip(found, found[1:], strict=False):
        assert before[-WINDOW_OVERLAP:] == after[:WINDOW_OVERLAP]


def test_raw_text_of_a_text_file_is_the_file_as_is(tmp_path):
    path = tmp_path / "protokoll.md"
    path.write_text("## § 4\n\nNämnden beslutar att godkänna rapporten.\n", encoding="utf-8")
    assert raw_text(path) == path.read_text(encoding="utf-8")


class _Embedder:
    def passages(self, texts):
        return np.eye(len(texts), 4, dtype=np.float32)


def test_plain_rag_windows_answer_by_phrase_and_rank_by_cosine(tmp_path):
    (tmp_path / "a.txt").write_text("Frånvaron ska minska till 5 procent.", encoding="utf-8")
    (tmp_path / "b.md").write_text("Rektor   ansvarar för\nuppföljningen.", encoding="utf-8")
    rag = PlainRag(tmp_path, _Embedder())
    assert [name for name, _ in rag.windows] == ["a.txt", "b.md"]
    assert rag.relevant({"answer_contains": ["rektor ansvarar för uppföljningen"]}) == {1}
    query = np.array([[0.1, 0.9, 0, 0]], dtype=np.float32)
    assert rag.rankings(query) == [[1, 0]]


def test_first_rank_and_metrics():
    assert first_rank([4, 2, 9], {9}) == 3
    assert first_rank([4, 2], {7}) is None
    assert metrics([[1, 2], [3, 4]], [{1}, {4}]) == {"hit@1": 0.5, "hit@5": 1.0, "mrr": 0.75}


class _CountingEmbedder(_Embedder):
    recipe = "fake|v1"

    def __init__(self):
        self.calls = 0

    def passages(self, texts):
        self.calls += 1
        return super().passages(texts)


def test_plain_rag_vectors_are_reused_from_the_cache_until_the_windows_change(tmp_path):
    docs, cache = tmp_path / "docs", tmp_path / "cache"
    docs.mkdir()
    cache.mkdir()
    (docs / "a.txt").write_text("Frånvaron ska minska till 5 procent.", encoding="utf-8")
    embedder = _CountingEmbedder()
    first = PlainRag(docs, embedder, cache)
    again = PlainRag(docs, embedder, cache)
    assert embedder.calls == 1 and np.array_equal(first.vectors, again.vectors)
    (docs / "a.txt").write_text("Frånvaron ska minska till 4 procent.", encoding="utf-8")
    PlainRag(docs, embedder, cache)
    assert embedder.calls == 2


def test_the_document_cache_is_keyed_by_the_files_and_the_extractor_version(tmp_path, monkeypatch):
    import graph.store

    (tmp_path / "a.txt").write_text("Mål: alla elever ska läsa.", encoding="utf-8")
    cache = tmp_path / "cache"
    first = _cache_file(tmp_path, cache)
    assert _cache_file(tmp_path, cache) == first
    (tmp_path / "a.txt").write_text("Mål: alla elever ska skriva.", encoding="utf-8")
    second = _cache_file(tmp_path, cache)
    assert second != first
    monkeypatch.setattr(graph.store, "EXTRACTOR_VERSION", "another")
    assert _cache_file(tmp_path, cache) not in (first, second)


def test_doc_cap_puts_a_documents_third_passage_after_the_other_documents():
    from benchmarks.eval_search import doc_cap_order

    rows = np.array([10, 11, 12, 20, 13, 21])
    docs = np.array([1, 1, 1, 2, 1, 2])
    assert doc_cap_order(rows, docs, 2) == [10, 11, 20, 21, 12, 13]
    assert doc_cap_order(rows, docs, 6) == rows.tolist()


def test_doc_prior_lifts_the_passages_of_a_document_with_several_good_candidates():
    from benchmarks.eval_search import doc_prior_order

    rows = np.array([1, 2, 3, 4])
    fused = np.array([0.9, 0.8, 0.75, 0.7])
    docs = np.array([1, 2, 2, 2])  # document 2 has three good candidates, document 1 one
    dense = np.zeros(4)
    assert doc_prior_order(rows, fused, dense, docs, top=1, weight=0.0) == [1, 2, 3, 4]
    assert doc_prior_order(rows, fused, dense, docs, top=3, weight=0.5) == [2, 3, 4, 1]
