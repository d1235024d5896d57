"""Fusion of dense and lexical scores."""

import numpy as np
import pytest

from search.fusion import FusionConfig, fuse, top_indices


def test_top_indices_skips_filtered_and_breaks_ties_by_index():
    scores = np.array([0.5, -np.inf, 0.9, 0.5, 0.1])
    assert top_indices(scores, 3).tolist() == [2, 0, 3]


def test_lexical_only_match_can_win_with_low_dense_weight():
    dense = np.array([0.90, 0.88, 0.80])
    lexical = np.array([0.0, 0.0, 7.5])
    assert fuse(dense, lexical, 1, FusionConfig(dense_weight=0.3))[0].tolist() == [2]
    assert fuse(dense, lexical, 1, FusionConfig(dense_weight=1.0))[0].tolist() == [0]


def test_no_lexical_overlap_keeps_dense_order():
    dense = np.array([0.70, 0.85, 0.80])
    rows, _ = fuse(dense, np.zeros(3), 3)
    assert rows.tolist() == [1, 2, 0]


def test_filtered_rows_never_return():
    dense = np.array([0.9, -np.inf, 0.5])
    lexical = np.array([0.0, -np.inf, 1.0])
    rows, _ = fuse(dense, lexical, 3)
    assert 1 not in rows.tolist() and len(rows) == 2


@pytest.mark.parametrize("method", ["score", "rrf"])
def test_agreeing_rankings_stay_agreed(method):
    dense = np.array([0.1, 0.9, 0.5, 0.3])
    lexical = np.array([0.2, 3.0, 1.0, 0.5])
    rows, scores = fuse(dense, lexical, 4, FusionConfig(method=method))
    assert rows.tolist() == [1, 2, 3, 0]
    assert np.all(np.diff(scores) <= 0)


def test_bad_config_is_refused():
    with pytest.raises(ValueError):
        FusionConfig(dense_weight=1.5)
