"""The measured re-ranking's features and model (benchmarks/rerank_features.py)."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.rerank_features import (  # noqa: E402
    FEATURES,
    RerankModel,
    candidate_features,
    model_from_dict,
    question_years,
    rerank_order,
)
from search.records import DocMeta, IndexedPassage  # noqa: E402


def _passage(text, kind="paragraph", section="", doc="d1"):
    return IndexedPassage(doc, 0, text, 0, len(text), 1, section, kind, "h")


def _meta(doc="d1", kind="verksamhetsplan", years=()):
    return DocMeta(doc, f"{doc}.pdf", kind=kind, years=years)


def _column(name):
    return FEATURES.index(name)


def test_question_years():
    assert question_years("Vad hände 2018 och 2019?") == {2018, 2019}
    assert question_years("Hur många elever finns i årskurs 9?") == set()
    assert question_years("Dnr 12018/45") == set()


def test_rank_features_follow_the_scores():
    passages = [_passage("Skolan planerar."), _passage("Förskolan växer."), _passage("Budgeten.")]
    metas = [_meta()] * 3
    out = candidate_features("Vad planerar skolan?", np.array([0.9, 0.6, 0.2]), np.array([0.80, 0.85, 0.70]),
                             np.array([0.0, 4.0, 2.0]), passages, metas)
    assert out.shape == (3, len(FEATURES))
    assert out[:, _column("fused_rr")].tolist() == pytest.approx([1, 1 / 2, 1 / 3])
    assert out[:, _column("dense_rr")].tolist() == pytest.approx([1 / 2, 1, 1 / 3])
    assert out[:, _column("dense_minmax")].tolist() == pytest.approx([2 / 3, 1, 0])
    assert out[:, _column("dense_gap")].tolist() == pytest.approx([-0.05, 0, -0.15])
    # BM25: only passages sharing a token have a rank.
    assert out[:, _column("lexical_rr")].tolist() == pytest.approx([0, 1, 1 / 2])
    assert out[:, _column("lexical_norm")].tolist() == pytest.approx([0, 1, 0.5])


@pytest.mark.parametrize(
    ("question", "text", "meta_years", "match", "other"),
    [
        ("Vad gjorde skolan 2018?", "Under året infördes läsombud.", (2018,), 1.0, 0.0),
        ("Vad gjorde skolan 2018?", "År 2018 infördes läsombud.", (2021,), 1.0, 0.0),
        ("Vad gjorde skolan 2018?", "År 2020 infördes läsombud.", (2021,), 0.0, 1.0),
        ("Vad gjorde skolan?", "År 2020 infördes läsombud.", (2021,), 0.0, 0.0),
    ],
)
def test_year_features(question, text, meta_years, match, other):
    out = candidate_features(question, np.array([1.0]), np.array([0.8]), np.array([1.0]),
                             [_passage(text)], [_meta(years=meta_years)])
    assert out[0, _column("year_match")] == match
    assert out[0, _column("year_other")] == other


def test_form_cue_only_for_the_question_form():
    text = "Lokalerna är gamla och kommer därför att byggas om."
    why = candidate_features("Varför byggs skolan om?", np.array([1.0]), np.array([0.8]), np.array([1.0]),
                             [_passage(text)], [_meta()])
    plain = candidate_features("Vad händer med skolan?", np.array([1.0]), np.array([0.8]), np.array([1.0]),
                               [_passage(text)], [_meta()])
    assert why[0, _column("why_cue")] == 1.0
    assert plain[0, [_column("why_cue"), _column("who_cue"), _column("when_cue")]].tolist() == [0, 0, 0]


def test_kind_protocol_section_and_document_share():
    passages = [_passage("Rad", kind="table_row", section="Mål › Resultat › Tabell", doc="a"),
                _passage("Text", kind="list_item", doc="b"), _passage("Mer", kind="odd", doc="a")]
    metas = [_meta("a"), _meta("b", kind="protokoll"), _meta("a")]
    out = candidate_features("Vad?", np.array([3.0, 2.0, 1.0]), np.array([0.9, 0.8, 0.7]), np.zeros(3),
                             passages, metas)
    assert out[0, _column("kind_table_row")] == 1 and out[1, _column("kind_list_item")] == 1
    assert out[2, _column("kind_mixed")] == 1  # an unknown kind counts as mixed
    assert out[0, _column("section_depth")] == pytest.approx(3 / 4)
    assert out[:, _column("protocol")].tolist() == [0, 1, 0]
    assert out[:, _column("doc_share")].tolist() == pytest.approx([2 / 3, 1 / 3, 2 / 3])


def test_no_candidates():
    empty = candidate_features("Vad?", np.zeros(0), np.zeros(0), np.zeros(0), [], [])
    assert empty.shape == (0, len(FEATURES))


def _model(coef, depth=2):
    n = len(FEATURES)
    return RerankModel(FEATURES, np.zeros(n), np.ones(n), np.asarray(coef, dtype=float), 0.0, depth)


def test_rerank_order_reorders_only_the_head():
    coef = np.zeros(len(FEATURES))
    coef[_column("protocol")] = -1.0
    features = np.zeros((3, len(FEATURES)))
    features[0, _column("protocol")] = 1.0
    features[2, _column("protocol")] = 0.0
    assert rerank_order(_model(coef, depth=2), features).tolist() == [1, 0, 2]
    # Equal scores keep the fused order.
    assert rerank_order(_model(np.zeros(len(FEATURES)), depth=3), features).tolist() == [0, 1, 2]


def test_model_round_trip_and_refusal(tmp_path):
    model = _model(np.arange(len(FEATURES)) / 10, depth=20)
    again = model_from_dict(json.loads(json.dumps(model.to_json())))
    assert again.depth == 20 and np.allclose(again.coef, model.coef)
    wrong = {**model.to_json(), "features": list(FEATURES[:-1]) + ["other"]}
    with pytest.raises(ValueError, match="other features"):
        model_from_dict(wrong)
    short = {**model.to_json(), "coef": [0.0]}
    with pytest.raises(ValueError, match="do not match"):
        model_from_dict(short)
