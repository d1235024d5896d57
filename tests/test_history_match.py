"""Goal history matching (search/history.py): normalisation, kept by text, greedy one-to-one by score, the
calibration file and the constructed calibration pairs. Fake vectors where the test is about assignment."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from search.history import (
    CALIBRATION_FILE,
    DATA,
    Calibration,
    greedy_pairs,
    load_calibration,
    match,
    match_kept,
    normalise,
    score_matrix,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Eleverna känner sig trygga i skolan", "Eleverna känner sig trygga i skolan."),
        ("HÖG KVALITET I ALLA VERKSAMHETER", "Hög kvalitet i alla verksamheter"),
        ("• Nöjda invånare", "Nöjda invånare"),
        ("1. Ekonomi i balans", "Ekonomi i balans;"),
        ("Läsår 2024–2025  i fokus", "läsår 2024-2025 i fokus"),
    ],
)
def test_normalise_makes_equal(a, b):
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bästa utveckling för alla", "Bäst utveckling för alla"),
        ("Alla elever når målen", "Alla elever når målen i alla ämnen"),
    ],
)
def test_normalise_keeps_different_texts_apart(a, b):
    assert normalise(a) != normalise(b)


def test_kept_pairs_are_one_to_one():
    before = ["Mål A", "mål a", "Mål B"]
    after = ["Mål B.", "MÅL A"]
    assert match_kept(before, after) == [(0, 1), (2, 0)]


def unit(*rows: list[float]) -> np.ndarray:
    """Rows normalised to length 1."""
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_greedy_takes_the_best_pair_first_and_each_element_once():
    scores = np.array([[0.95, 0.94], [0.93, 0.50]], dtype=np.float32)
    # Best first: (0,0) 0.95; then row 0 and column 0 are used, (1,1) is below the threshold.
    assert [(i, j) for i, j, _ in greedy_pairs(scores, 0.9)] == [(0, 0)]
    assert [(i, j) for i, j, _ in greedy_pairs(scores, 0.4)] == [(0, 0), (1, 1)]


def test_greedy_on_nothing():
    assert greedy_pairs(np.zeros((0, 3), dtype=np.float32), 0.5) == []


def test_match_kept_reworded_added_dropped():
    before = ["Alla elever är trygga", "Ekonomin är i balans", "Skolan samverkar med hemmen"]
    after = ["Ekonomin är i balans.", "Eleverna känner sig trygga", "Eleverna rör sig varje dag"]
    before_vectors = unit([1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0])
    after_vectors = unit([0, 1, 0, 0], [0.97, 0, 0.05, 0.2], [0, 0, 0.3, 1])
    found = match(before, after, before_vectors, after_vectors, Calibration("cosine", 0.9))
    assert found.kept == [(1, 0)]
    assert [(i, j) for i, j, _ in found.reworded] == [(0, 1)]
    assert found.reworded[0][2] == pytest.approx(float(before_vectors[0] @ after_vectors[1]))
    assert found.added == [2] and found.dropped == [2]


def test_a_pair_below_the_threshold_is_dropped_and_added():
    before, after = ["Mål ett"], ["Något annat"]
    vectors = unit([1, 0.4]), unit([0.4, 1])
    found = match(before, after, *vectors, Calibration("cosine", 0.9))
    assert (found.kept, found.reworded, found.added, found.dropped) == ([], [], [0], [0])


def test_match_with_an_empty_side():
    found = match([], ["Nytt mål"], np.zeros((0, 2), np.float32), unit([1, 0]), Calibration("cosine", 0.9))
    assert found.added == [0] and found.dropped == [] and found.reworded == []


def test_csls_penalises_an_element_close_to_everything():
    before = unit([1, 0.0], [0.0, 1])
    after = unit([1, 1], [1, 0.1])  # after[0] sits between both; after[1] is close to before[0]
    cosine = score_matrix(before, after, "cosine")
    csls = score_matrix(before, after, "csls", neighbours=2)
    assert csls.shape == cosine.shape == (2, 2)
    assert np.argmax(csls[0]) == 1  # the hub loses its edge under CSLS


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown history method"):
        score_matrix(unit([1, 0]), unit([0, 1]), "dot")


def test_calibration_file_is_read():
    calibration = load_calibration()
    assert calibration.method in ("cosine", "csls")
    low, high = (0.8, 1.0) if calibration.method == "cosine" else (-0.5, 0.5)
    assert low < calibration.threshold < high
    assert CALIBRATION_FILE.exists()


def test_calibration_pairs_are_well_formed():
    series = tomllib.loads((DATA / "history_pairs.toml").read_text("utf-8"))["series"]
    assert len(series) >= 8
    names = [s["name"] for s in series]
    assert len(names) == len(set(names))
    for one in series:
        assert one["before"] and one["after"], one["name"]
        befores = [i for i, _ in one["same"]]
        afters = [j for _, j in one["same"]]
        assert len(set(befores)) == len(befores) and len(set(afters)) == len(afters), one["name"]
        assert all(0 <= i < len(one["before"]) and 0 <= j < len(one["after"]) for i, j in one["same"])
    reworded = sum(
        1 for s in series for i, j in s["same"] if normalise(s["before"][i]) != normalise(s["after"][j])
    )
    assert reworded >= 20  # the threshold is set on these


def test_mutual_best_drops_a_pair_one_side_would_not_choose():
    before = ["Eleverna är trygga", "Skolan har studiero"]
    after = ["Eleverna känner sig trygga och har studiero"]
    # after[0] is closest to before[0]; greedy pairs them; with mutual, before[1] stays dropped either way.
    before_vectors = unit([1, 0.2, 0], [0.8, 0.6, 0])
    after_vectors = unit([1, 0.3, 0])
    plain = match(before, after, before_vectors, after_vectors, Calibration("cosine", 0.5))
    assert [(i, j) for i, j, _ in plain.reworded] == [(0, 0)]
    mutual = match(before, after, before_vectors, after_vectors, Calibration("cosine", 0.5, mutual=True))
    assert [(i, j) for i, j, _ in mutual.reworded] == [(0, 0)] and mutual.dropped == [1]
    # A kept element that is the better match of the newer one: the reworded pair is not mutual.
    before = ["Eleverna är trygga", "Trygghet för alla"]
    after = ["Trygghet för alla.", "Eleverna känner sig trygga"]
    before_vectors = unit([1, 0.1, 0], [0, 1, 0])
    after_vectors = unit([0, 1, 0], [0.5, 1, 0])
    plain = match(before, after, before_vectors, after_vectors, Calibration("cosine", 0.4))
    mutual = match(before, after, before_vectors, after_vectors, Calibration("cosine", 0.4, mutual=True))
    assert plain.kept == mutual.kept == [(1, 0)]
    assert [(i, j) for i, j, _ in plain.reworded] == [(0, 1)]
    assert mutual.reworded == [] and mutual.added == [1] and mutual.dropped == [0]
