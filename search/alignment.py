"""Inferred Agenda 2030 links: plan goals and strategies to the SDG targets they serve, by embedding.

The model is multilingual-e5-small (cross-lingual: plan statements are Swedish, most target texts English).
Both sides are embedded with the "query: " prefix, as e5 advises for symmetric similarity; on the calibration
set this beat "passage: " targets (F0.5 0.58 vs 0.47–0.59 with lower recall).
Raw cosine similarities of e5 sit in a narrow band (0.78–0.87 for anything), so a statement's similarity to
each target is standardised against its similarities to all 169 targets (a z-score): a target links when it
stands out for this statement, not merely when the statement is "about something". The method and threshold
are calibrated on a hand-labelled set (search/data/sdg_calibration.toml) by benchmarks/calibrate_alignment.py,
which writes search/data/alignment_calibration.json; this module reads that file.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data"
CALIBRATION_FILE = DATA / "alignment_calibration.json"
MAX_LINKS = 3  # at most this many targets per statement

Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class Target:
    """An SDG target as the aligner sees it."""

    code: str  # "4.1"
    iri: str  # http://metadata.un.org/sdg/4.1
    text: str  # what is embedded


@dataclass(frozen=True)
class Link:
    """One inferred link from a statement to a target."""

    code: str
    iri: str
    score: float  # the calibrated score (see ``method``), comparable to the threshold
    cosine: float


@dataclass(frozen=True)
class Calibration:
    """How scores are computed and where the threshold lies."""

    method: str  # "zscore" | "cosine"
    threshold: float
    max_links: int = MAX_LINKS


def load_calibration(path: Path = CALIBRATION_FILE) -> Calibration:
    """Read the calibrated method and threshold."""
    data = json.loads(path.read_text("utf-8"))
    return Calibration(data["method"], float(data["threshold"]), int(data.get("max_links", MAX_LINKS)))


def sdg_targets(sdg: dict) -> list[Target]:
    """The 169 targets from the reference data, each text prefixed with its goal's short names (en / sv)."""
    goals = {g["code"]: g for g in sdg["goals"]}
    targets = []
    for t in sdg["targets"]:
        goal = goals[t["goal"]]
        head = " / ".join(n for n in (goal.get("short_en"), goal.get("short_sv")) if n)
        targets.append(Target(t["code"], t["uri"], f"{head}: {t['text_en']}"))
    return targets


def targets_key(targets: Sequence[Target], model_name: str) -> str:
    """A key for cached target vectors: the model and every target text."""
    digest = hashlib.sha256(model_name.encode())
    for target in targets:
        digest.update(target.text.encode())
    return digest.hexdigest()[:24]


def score_matrix(queries: np.ndarray, targets: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (scores, cosines) of every query against every target (vectors are normalised)."""
    cosines = queries @ targets.T
    if method == "cosine":
        return cosines, cosines
    if method == "zscore":
        mean = cosines.mean(axis=1, keepdims=True)
        std = cosines.std(axis=1, keepdims=True) + 1e-6
        return (cosines - mean) / std, cosines
    raise ValueError(f"unknown alignment method {method!r}")


def links_from_scores(
    scores: np.ndarray, cosines: np.ndarray, targets: Sequence[Target], calibration: Calibration
) -> list[list[Link]]:
    """The links above the threshold, best first, at most ``max_links`` per statement."""
    result = []
    for row_scores, row_cosines in zip(scores, cosines, strict=True):
        order = np.argsort(-row_scores)[: calibration.max_links]
        result.append(
            [
                Link(targets[j].code, targets[j].iri, float(row_scores[j]), float(row_cosines[j]))
                for j in order
                if row_scores[j] >= calibration.threshold
            ]
        )
    return result


def confidence(score: float, calibration: Calibration) -> float:
    """A score in [0, 1] for the graph (sk:score): a logistic centred on the calibrated threshold (= 0.5)."""
    scale = 2.0 if calibration.method == "zscore" else 50.0
    return float(1.0 / (1.0 + np.exp(-scale * (score - calibration.threshold))))


def align_document_graph(graph, document, aligner: SdgAligner) -> int:
    """Add inferred SDG links for a document graph's goals and strategies; return how many were written."""
    from rdflib import URIRef

    from graph.alignments import Alignment, add_alignments, statements_to_align

    statements = statements_to_align(graph, document)
    links = aligner.align([label for _, label in statements])
    alignments = [
        Alignment(node, URIRef(link.iri), confidence(link.score, aligner.calibration), "embedding")
        for (node, _), found in zip(statements, links, strict=True)
        for link in found
    ]
    return add_alignments(graph, document, alignments)


class SdgAligner:
    """Links statements to SDG targets; target vectors are embedded once and cached on disk."""

    def __init__(
        self,
        targets: Sequence[Target],
        embed_queries: Embed,
        cache_dir: Path | None = None,
        model_name: str = "multilingual-e5-small",
        calibration: Calibration | None = None,
    ):
        self.targets = list(targets)
        self.embed_queries = embed_queries
        self.calibration = calibration or load_calibration()
        self.target_vectors = self._target_vectors(embed_queries, cache_dir, model_name)

    def _target_vectors(self, embed: Embed, cache_dir: Path | None, model_name: str) -> np.ndarray:
        key = targets_key(self.targets, model_name)
        cache = cache_dir / f"sdg-targets-{key}.npy" if cache_dir else None
        if cache is not None and cache.exists():
            return np.load(cache)
        log.info("Embedding the %d SDG targets (once)...", len(self.targets))
        vectors = np.asarray(embed([t.text for t in self.targets]), dtype=np.float32)
        if cache is not None:
            from graph.store import write_atomic

            buffer = io.BytesIO()
            np.save(buffer, vectors)
            write_atomic(cache, buffer.getvalue())
        return vectors

    def align(self, statements: Sequence[str]) -> list[list[Link]]:
        """The targets each statement serves, by the calibrated method and threshold."""
        if not statements:
            return []
        queries = np.asarray(self.embed_queries(list(statements)), dtype=np.float32)
        scores, cosines = score_matrix(queries, self.target_vectors, self.calibration.method)
        return links_from_scores(scores, cosines, self.targets, self.calibration)
