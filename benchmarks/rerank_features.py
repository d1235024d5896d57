"""Features and model of a learned re-ranking of the fused top candidates (measured, not adopted; pure numpy).

Trained and scored by benchmarks/train_rerank.py. It did not beat the product's fused ranking on the
development questions leave-one-document-out, so the product does not use it (see the README, *Search*); the
code stays here so the measurement can be repeated when the development questions grow.

The fused ranking (search/fusion.py) weighs the dense and the lexical score the same way for every question.
The re-ranker looks at the top ``depth`` fused candidates once more with a few more signals that need no
extra model call: where each candidate stands in either ranking, how long it is and what kind of block it came
from, whether its document is a protocol, whether the year the question names is the document's or the
passage's, how much of the top its document holds, and whether it carries a sentence of the kind the
question asks for (a reason for a why-question, an actor for a who-question, a time for a when-question;
search/forms.py). A logistic regression over those features scores each candidate; candidates are ordered by
that score, the rest keep their fused order below them. Every feature is computed from what the search already
holds (no model call), so it would cost well under a millisecond a question.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from search.forms import cue_sentences, form_of
from search.records import DocMeta, IndexedPassage

SECTION_SEPARATOR = " › "
PASSAGE_KINDS = ("paragraph", "list_item", "table_row", "mixed")
FORMS = ("why", "who", "when")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_LENGTH_SCALE = math.log(2000.0)

FEATURES: tuple[str, ...] = (
    "fused",  # the fused score
    "fused_rr",  # 1 / fused rank among the candidates
    "dense_minmax",  # dense score, min-max over the candidates
    "dense_gap",  # dense score minus the best candidate's
    "dense_rr",  # 1 / dense rank among the candidates
    "lexical_norm",  # BM25 score / the best candidate's (0 when none shares a token)
    "lexical_rr",  # 1 / BM25 rank among the candidates (0 when it shares no token)
    "length",  # log characters / log 2000
    *(f"kind_{kind}" for kind in PASSAGE_KINDS),  # the block kind the passage came from
    "section_depth",  # headings above it, at most 4, / 4
    "protocol",  # its document is a protocol
    "year_match",  # the question names a year that is the document's or in the passage
    "year_other",  # the question names years, none of them the document's or in the passage
    "doc_share",  # share of the top 10 candidates from its document
    *(f"{form}_cue" for form in FORMS),  # a question of this form and a sentence answering that form
)


@dataclass(frozen=True)
class RerankModel:
    """A logistic regression over FEATURES: standardisation and coefficients, and how deep it re-ranks."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    depth: int

    def score(self, features: np.ndarray) -> np.ndarray:
        """The log-odds of each candidate row answering the question."""
        return ((features - self.mean) / self.scale) @ self.coef + self.intercept

    def to_json(self) -> dict:
        """A JSON-ready dict (the model file's content)."""
        return {
            "features": list(self.features),
            "mean": [round(float(v), 8) for v in self.mean],
            "scale": [round(float(v), 8) for v in self.scale],
            "coef": [round(float(v), 8) for v in self.coef],
            "intercept": round(float(self.intercept), 8),
            "depth": self.depth,
        }


def model_from_dict(data: dict) -> RerankModel:
    """Rebuild a model from its dict; refuses one made for other features."""
    features = tuple(data["features"])
    if features != FEATURES:
        raise ValueError("the re-ranking model was trained on other features; train it again "
                         "(benchmarks/train_rerank.py)")
    arrays = [np.asarray(data[key], dtype=np.float64) for key in ("mean", "scale", "coef")]
    if any(a.shape != (len(FEATURES),) for a in arrays):
        raise ValueError("the re-ranking model's arrays do not match its features")
    return RerankModel(features, *arrays, float(data["intercept"]), int(data["depth"]))


def _reciprocal_ranks(values: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(values.size)
    ranks[order] = np.arange(1, values.size + 1)
    out = 1.0 / ranks
    return out if present is None else np.where(present, out, 0.0)


def question_years(question: str) -> set[int]:
    """The years a question names."""
    return {int(y) for y in _YEAR.findall(question)}


def candidate_features(
    question: str,
    fused: np.ndarray,
    dense: np.ndarray,
    lexical: np.ndarray,
    passages: Sequence[IndexedPassage],
    metas: Sequence[DocMeta],
) -> np.ndarray:
    """The FEATURES of each candidate (rows in fused order, best first) for a question."""
    n = len(passages)
    out = np.zeros((n, len(FEATURES)))
    if n == 0:
        return out
    fused = np.asarray(fused, dtype=np.float64)
    dense = np.asarray(dense, dtype=np.float64)
    lexical = np.maximum(np.asarray(lexical, dtype=np.float64), 0.0)
    column = {name: i for i, name in enumerate(FEATURES)}
    out[:, column["fused"]] = fused
    out[:, column["fused_rr"]] = 1.0 / np.arange(1, n + 1)
    spread = dense.max() - dense.min()
    out[:, column["dense_minmax"]] = (dense - dense.min()) / spread if spread > 0 else 1.0
    out[:, column["dense_gap"]] = dense - dense.max()
    out[:, column["dense_rr"]] = _reciprocal_ranks(dense)
    top_lexical = lexical.max()
    if top_lexical > 0:
        out[:, column["lexical_norm"]] = lexical / top_lexical
        out[:, column["lexical_rr"]] = _reciprocal_ranks(lexical, lexical > 0)
    years = question_years(question)
    form = form_of(question)
    top_docs = [meta.doc_id for meta in metas[:10]]
    for i, (passage, meta) in enumerate(zip(passages, metas, strict=True)):
        row = out[i]
        row[column["length"]] = min(math.log(1 + len(passage.text)) / _LENGTH_SCALE, 1.5)
        kind = passage.kind if passage.kind in PASSAGE_KINDS else "mixed"
        row[column[f"kind_{kind}"]] = 1.0
        depth = len(passage.section.split(SECTION_SEPARATOR)) if passage.section else 0
        row[column["section_depth"]] = min(depth, 4) / 4
        row[column["protocol"]] = float((meta.kind or "").casefold() == "protokoll")
        if years:
            held = set(meta.years) | {int(y) for y in _YEAR.findall(passage.text)}
            row[column["year_match"]] = float(bool(years & held))
            row[column["year_other"]] = float(not years & held)
        row[column["doc_share"]] = top_docs.count(meta.doc_id) / len(top_docs)
        if form is not None and form.name in FORMS:
            row[column[f"{form.name}_cue"]] = float(bool(cue_sentences(passage.text, form)))
    return out


def rerank_order(model: RerankModel, features: np.ndarray) -> np.ndarray:
    """The order of the candidates (indices into the rows) by the model's score; ties keep the fused order."""
    depth = min(model.depth, features.shape[0])
    scores = model.score(features[:depth])
    head = np.lexsort((np.arange(depth), -scores))
    return np.concatenate([head, np.arange(depth, features.shape[0])]).astype(np.int64)
