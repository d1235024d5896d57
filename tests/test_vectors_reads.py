"""What a search reads from a merged generation without the memory map: rows by pread, exact scans by chunks,
bm25s pages and an exact scan's chunks let go of — the same numbers as reading through the map."""

import numpy as np
import pytest

import search.index as index_module
from search import vectors as merged
from tests.test_vectors import FakeEmbedder, constructed_docs, fill

DIM = 8


@pytest.fixture
def table(tmp_path):
    """A float16 (40, DIM) file, its memory map and an open handle."""
    values = np.random.default_rng(4).standard_normal((40, DIM)).astype(np.float16)
    path = tmp_path / "rows.f16"
    values.tofile(path)
    mapped = np.memmap(path, dtype=np.float16, mode="r", shape=values.shape)
    with open(path, "rb") as handle:
        yield values, mapped, handle


@pytest.mark.parametrize(
    "rows",
    [[0], [39], [3, 4, 5, 6], [0, 2, 4], [1, 2, 3, 10, 11, 30, 39], [7, 7, 8], [12, 3, 25, 24],
     list(range(40))],
)
def test_rows_read_by_pread_equal_the_map(table, rows):
    values, mapped, handle = table
    got = merged._read_rows(handle, mapped, np.array(rows), DIM)
    assert got.dtype == np.float16
    assert np.array_equal(got, values[rows])


@pytest.mark.parametrize("start, length", [(0, None), (0, 8 * DIM * 2), (300, 200), (0, 0)])
def test_release_pages_of_a_range_keeps_the_map_readable(table, start, length):
    values, mapped, _ = table
    merged.release_pages(mapped, start, length)
    assert np.array_equal(mapped, values)


def test_a_short_file_is_an_error(table):
    _, mapped, handle = table
    with pytest.raises(OSError, match="ended"):
        merged._read_rows(handle, mapped, np.array([41]), DIM)


def test_without_a_file_rows_come_from_the_map(table):
    values, mapped, _ = table
    assert np.array_equal(merged._read_rows(None, mapped, np.array([5, 1]), DIM), values[[5, 1]])
    assert merged._read_rows(None, mapped, np.array([], dtype=np.int64), DIM).shape == (0, DIM)


@pytest.fixture
def generation(tmp_path):
    folder = tmp_path / "search"
    fill(folder, constructed_docs(30, 12))
    index_module.consolidate(folder, FakeEmbedder.recipe, ann_min=10)
    opened = merged.open_generation(folder)
    assert opened is not None and opened.ann is not None and opened.label_rows.size
    yield opened
    opened.close()


def test_scores_read_by_pread_equal_scores_through_the_map(generation):
    query = FakeEmbedder().queries(["Rektorsgruppen följer upp närvaro varje termin"])[0]
    rows = np.array([0, 5, 6, 7, 100, 3, generation.size - 1])
    passages = np.asarray(generation.vectors[rows], dtype=np.float32) @ query
    expected = passages.copy()
    for label, row in enumerate(generation.label_rows):
        if row in rows:
            cosine = float(np.asarray(generation.label_vectors[label], dtype=np.float32) @ query)
            where = np.flatnonzero(rows == row)
            expected[where] = np.maximum(expected[where], cosine)
    assert np.allclose(generation.lifted(rows, query), expected, atol=1e-6)
    full = generation.exact_dense(query)
    assert np.allclose(full[rows], expected, atol=1e-6)
    doc = generation.metas[2].doc_id
    start, count = int(generation.starts[2]), int(generation.counts[2])
    assert np.array_equal(generation.doc_vectors(doc), np.asarray(generation.vectors[start:start + count],
                                                                  dtype=np.float32))


def test_bm25_pages_are_let_go_of_and_scores_stay(generation, monkeypatch):
    released = []
    monkeypatch.setattr(merged, "release_pages", lambda array: released.append(array))
    tokens = [t for t in generation.bm25.vocab_dict if t in ("närvaro", "termin", "matematik")]
    first = generation.lexical(tokens)
    assert first.max() > 0
    scores = generation.bm25.scores
    assert {id(a) for a in released} == {id(scores["data"]), id(scores["indices"])}
    monkeypatch.undo()
    merged.release_pages(generation.bm25.scores["data"])
    assert np.array_equal(generation.lexical(tokens), first)


def test_release_pages_keeps_a_map_readable(table):
    values, mapped, _ = table
    assert isinstance(mapped, np.memmap)
    before = np.array(mapped[3:9])
    merged.release_pages(mapped)
    merged.release_pages(np.zeros(3))  # not a map: nothing to do
    assert np.array_equal(mapped[3:9], before)
    assert np.array_equal(before, values[3:9])
