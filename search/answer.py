"""Mark the sentence(s) of a passage that answer a question: extractive, no generated text (pure).

A passage is split into sentences (and lines: list items and table cells often have no full stop). Each
sentence is scored by lexical overlap with the question (the share of the question's distinct lexical tokens
it contains, from search.tokenize, so stems and exact references both count) and, when sentence vectors are
given, by cosine similarity with the query vector (min-max over the passage's sentences). The best sentence
is marked, and its neighbours too when they score almost as well.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from search.tokenize import tokenize

# A sentence end: . ! ? … then space and a capital, digit, quote or bullet; or a line break or tab.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[A-ZÅÄÖ0-9\"”•–-])|\s*\n\s*|\t+")
# Abbreviations whose full stop does not end a sentence.
_ABBREVIATION = re.compile(
    r"(?:\b(?:bl\.a|t\.ex|t\.o\.m|m\.m|o\.s\.v|dvs|resp|ca|kap|nr|st|jfr|enl|s\.k)\.|(?:^|\s)\d{1,2}\.)$",
    re.IGNORECASE,
)
DENSE_WEIGHT = 0.5  # weight of the dense score when sentence vectors are given
NEIGHBOUR_SHARE = 0.85  # a neighbour is marked too when it scores at least this share of the best


@dataclass(frozen=True)
class AnswerSpan:
    """A marked stretch of a passage: character offsets into the passage text and its score."""

    start: int
    end: int
    score: float


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split a text into sentence spans (start, end), whitespace trimmed; abbreviations do not split."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        separator = match.group(0)
        hard = "\n" in separator or "\t" in separator
        if not hard and _ABBREVIATION.search(text[start : match.start()]):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def lexical_overlap(question_tokens: set[str], sentence: str) -> float:
    """The share of the question's distinct tokens that a sentence contains."""
    if not question_tokens:
        return 0.0
    return len(question_tokens & set(tokenize(sentence))) / len(question_tokens)


def mark_answer(
    question: str,
    text: str,
    query_vector: np.ndarray | None = None,
    embed_sentences: Callable[[Sequence[str]], np.ndarray] | None = None,
    max_sentences: int = 2,
) -> list[AnswerSpan]:
    """Return the span(s) of ``text`` that best answer ``question``, in text order.

    ``embed_sentences`` (e.g. search.model.embed_passages) and ``query_vector`` add dense similarity to the
    lexical overlap; without them only the overlap counts (ties go to the earlier sentence).
    """
    spans = sentence_spans(text)
    if not spans:
        return []
    if len(spans) == 1:
        return [AnswerSpan(spans[0][0], spans[0][1], 1.0)]
    question_tokens = set(tokenize(question))
    scores = np.array([lexical_overlap(question_tokens, text[s:e]) for s, e in spans], dtype=np.float64)
    if query_vector is not None and embed_sentences is not None:
        vectors = np.asarray(embed_sentences([text[s:e] for s, e in spans]), dtype=np.float64)
        dense = vectors @ np.asarray(query_vector, dtype=np.float64)
        spread = dense.max() - dense.min()
        dense = (dense - dense.min()) / spread if spread > 0 else np.ones_like(dense)
        scores = DENSE_WEIGHT * dense + (1 - DENSE_WEIGHT) * scores
    best = int(np.argmax(scores))
    chosen = [best]
    for neighbour in sorted((best - 1, best + 1), key=lambda i: -scores[i] if 0 <= i < len(spans) else 0):
        if len(chosen) >= max_sentences:
            break
        close = 0 <= neighbour < len(spans) and scores[neighbour] >= NEIGHBOUR_SHARE * scores[best]
        if close and scores[best] > 0:
            chosen.append(neighbour)
    return [AnswerSpan(spans[i][0], spans[i][1], float(scores[i])) for i in sorted(chosen)]
