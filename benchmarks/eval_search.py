"""Retrieval quality on the development questions: dense only, stemmed BM25 only, and fused, side by side.

A question is answered at rank r when the r-th returned passage contains one of its ``answer_contains``
phrases (whitespace and case normalised). Reported per ranking: hit@1, hit@5 and MRR (reciprocal rank of the
first hit within the top 10, else 0). All questions are asked of the whole corpus (every document indexed at
once, no filters), as a user would. The documents come from ``corpus/`` (with its manifest: what the product
ingests) and from ``tests/data/seeds/`` (the source texts), read by ingest.reader.read_document and cut by
graph.passages.passages_of, and indexed by search.index.index_document (the store's code path).

``--tune`` also searches a coarse grid of fusion settings: weighted score fusion (dense min-max, z-score or
max-normalised; BM25 divided by its maximum) and weighted reciprocal-rank fusion (k = 10, 30, 60), with the
dense weight in steps of 0.1 and candidate pools of 20, 50 and 100 passages per ranking. The objective is the
mean of hit@1, hit@5 and MRR over corpus and seed questions together. Against overfitting the 19 questions
it reports a leave-one-question-out estimate (each question ranked by the setting that is best on the other
18) and the plateau of settings within 0.01 of the best; the default (search.fusion.DEFAULT_FUSION) is the
middle of that plateau, not a lone maximum.

``--real-dev [DIR]`` (default ../shared/real-dev) also asks DIR/questions.json of the real documents in
DIR/docs, read as ``styrkedja add`` reads them (no manifest), against two baselines in the same run: stemmed
BM25 over the same passages (the product's lexical side alone), and plain RAG: each file's raw text (pypdfium2
page text for PDFs, the file as is for .md/.txt) in 1,000-character windows with 200 characters of overlap,
embedded with the same e5 model and ranked by cosine (a window answers when it contains an answer phrase).
Plain RAG is reported for the development sources too. ``--per-question`` lists each question's first
answering rank under every ranking. With ``--tune`` and ``--real-dev``, the fusion setting is also chosen on
one question set and scored on the other (development -> real-dev and back): leave-one-document-set-out.

``--cache DIR`` keeps what is slow between runs: the parsed documents and their graph elements' labels (one
pickle per source folder, keyed as the store keys an extraction: the files' bytes and EXTRACTOR_VERSION), the
index folders (vectors are reused by the hash of what was embedded, so only passages whose text changed are
embedded again) and the plain-RAG window vectors. Passages are cut anew every run, so a change to
graph/passages.py or to the fusion is measured in the time the questions take to embed.

``--constructed`` adds benchmarks/questions/constructed.json (20 questions of why/who/when form written for
issue 10) to the development questions; ``--variants why_sentence,form_cue`` measures the question-form
re-rankings (search/forms.py) on them. ``--blind`` adds benchmarks/questions/blind.json (60 questions written
without any ranking run on them); ``--distractors`` indexes the constructed distractor documents
(benchmarks/questions/distractors: protocols and memos of fictional municipalities) with each development
source. ``--variants dense_prf`` measures dense pseudo-relevance feedback (Rocchio on the fused top k).

Run: .venv/bin/python benchmarks/eval_search.py [--tune] [--sections] [--real-dev [DIR]] [--per-question]
[--cache DIR] [--constructed] [--blind] [--distractors] [--variants [FAMILIES]]
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.metadata import load_manifest  # noqa: E402
from ingest.reader import read_document  # noqa: E402
from search.answer import mark_answer, sentence_spans  # noqa: E402
from search.embedder import E5Embedder  # noqa: E402
from search.forms import QuestionForm, cue_sentences, form_of  # noqa: E402
from search.fusion import DEFAULT_FUSION, FusionConfig, fuse, top_indices  # noqa: E402
from search.index import SearchIndex, index_document  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "questions.json"
# Constructed development questions of several forms (why/who/when), asked of the same sources.
CONSTRUCTED = ROOT / "benchmarks" / "questions" / "constructed.json"
# Development questions written blind (no ranking run on them), and constructed competitor documents.
BLIND = ROOT / "benchmarks" / "questions" / "blind.json"
DISTRACTORS = ROOT / "benchmarks" / "questions" / "distractors"
SOURCES = {"corpus": ROOT / "corpus", "seeds": ROOT / "tests" / "data" / "seeds"}
REAL_DEV = ROOT.parent / "shared" / "real-dev"
MRR_CUTOFF = 10
READABLE = (".pdf", ".txt", ".md")
# Plain RAG baseline: raw-text windows of this many characters, each starting this many after the last.
WINDOW_CHARS = 1000
WINDOW_OVERLAP = 200


def norm(text: str) -> str:
    """Whitespace- and case-normalised text."""
    return " ".join(text.split()).casefold()


def source_files(folder: Path) -> list[Path]:
    """The readable files of a source folder (.pdf, .txt, .md), sorted."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in READABLE and not p.name.startswith("."))


def load_documents(folder: Path) -> list:
    """Read every readable file of a source folder (with its manifest when there is one)."""
    manifest_path = folder / "manifest.toml"
    manifest = load_manifest(manifest_path) if manifest_path.exists() else {}
    return [read_document(path, known=manifest.get(path.name)) for path in source_files(folder)]


def is_development(source: str) -> bool:
    """A development source ("corpus", "seeds", with or without "+distractors"), not real-dev."""
    return source.split("+")[0] in SOURCES


def with_distractors(folder: Path, target: Path) -> Path:
    """A folder holding (links to) a source folder's files and manifest and the distractor documents."""
    target.mkdir(parents=True, exist_ok=True)
    for path in [*folder.iterdir(), *DISTRACTORS.iterdir()]:
        if path.is_file() and not (target / path.name).exists():
            (target / path.name).symlink_to(path.resolve())
    return target


def build_index(
    folder: Path, docs: list, embedder: E5Embedder, with_labels: bool = True, labels_of: dict | None = None
) -> SearchIndex:
    """Index the documents into a folder, with their graph elements' labels (as the store does).

    ``labels_of`` (source file -> labels) gives labels already built; the others are built and added there.
    """
    from dataclasses import replace

    from app.pipeline import load_context
    from graph.iris import document_iri
    from graph.rdf import build_document_graph, element_labels
    from graph.store import Store

    # As app.pipeline.ingest_file: the plan stage gets the search model's passage embedding.
    context = replace(load_context(Store(folder / "unused-store")), embed=embedder.passages)
    index = SearchIndex(folder, embedder=embedder)
    known = labels_of if labels_of is not None else {}
    for doc in docs:
        labels = []
        if with_labels:
            if doc.source_file not in known:
                graph = build_document_graph(doc, context)
                known[doc.source_file] = element_labels(graph, document_iri(doc.source_file))
            labels = known[doc.source_file]
        index_document(index, doc, labels=labels)
    index.prepare()
    return index


def _cache_file(documents: Path, cache: Path) -> Path:
    """The cache file of a source folder's parsed documents and labels, keyed as the store keys a document's
    extraction: by the files' bytes and the extractor version (graph.store.EXTRACTOR_VERSION)."""
    import hashlib

    from graph.store import EXTRACTOR_VERSION

    digest = hashlib.sha256(EXTRACTOR_VERSION.encode())
    for path in source_files(documents):
        digest.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    return cache / f"docs-{documents.name}-{digest.hexdigest()[:16]}.pkl"


def cached_documents(documents: Path, cache: Path | None) -> tuple[list, dict, Path | None]:
    """The parsed documents of a source folder, their labels (source file -> labels) when cached, and the
    cache file to write once the labels are built (None when read from the cache or without a cache)."""
    import pickle

    if cache is None:
        return load_documents(documents), {}, None
    file = _cache_file(documents, cache)
    if file.exists():
        docs, labels = pickle.loads(file.read_bytes())
        return docs, labels, None
    cache.mkdir(parents=True, exist_ok=True)
    return load_documents(documents), {}, file


def relevant_rows(index: SearchIndex, question: dict) -> set[int]:
    """Rows of the index whose passage contains one of the question's answer phrases."""
    phrases = [norm(p) for p in question["answer_contains"]]
    rows = set()
    for row in range(len(index)):
        passage, _ = index.passage_at(row)
        text = norm(passage.text)
        if any(phrase in text for phrase in phrases):
            rows.add(row)
    return rows


def raw_text(path: Path) -> str:
    """A file's raw text as plain RAG reads it: pypdfium2's page text for a PDF, the file as is otherwise."""
    if path.suffix.lower() != ".pdf":
        return path.read_text(encoding="utf-8", errors="replace")
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def windows(text: str, size: int = WINDOW_CHARS, overlap: int = WINDOW_OVERLAP) -> list[str]:
    """Windows of ``size`` characters, each overlapping the one before by ``overlap``."""
    step = size - overlap
    starts = range(0, max(len(text) - overlap, 1), step)
    return [text[start : start + size] for start in starts if text[start : start + size].strip()]


class PlainRag:
    """The plain RAG baseline: raw-text windows of every file, embedded with the same model, cosine-ranked."""

    def __init__(self, folder: Path, embedder: E5Embedder, cache: Path | None = None) -> None:
        import hashlib

        self.windows = [(path.name, w) for path in source_files(folder) for w in windows(raw_text(path))]
        self.normalised = [norm(w) for _, w in self.windows]
        file = None
        if cache is not None:
            key = hashlib.sha256("\n\0".join([embedder.recipe, *(w for _, w in self.windows)]).encode())
            file = cache / f"plain-{folder.name}-{key.hexdigest()[:16]}.npy"
        if file is not None and file.exists():
            self.vectors = np.load(file)
        else:
            self.vectors = np.asarray(embedder.passages([w for _, w in self.windows]), dtype=np.float32)
            if file is not None:
                np.save(file, self.vectors)

    def rankings(self, query_vectors: np.ndarray) -> list[list[int]]:
        """Windows by cosine similarity to each query, best first (top MRR_CUTOFF)."""
        scores = query_vectors @ self.vectors.T
        return [top_indices(row, MRR_CUTOFF).tolist() for row in scores]

    def relevant(self, question: dict) -> set[int]:
        """Windows holding one of the question's answer phrases."""
        phrases = [norm(p) for p in question["answer_contains"]]
        return {i for i, text in enumerate(self.normalised) if any(p in text for p in phrases)}


def first_rank(ranking: list[int], relevant: set[int]) -> int | None:
    """1-based rank of the first relevant row within the top MRR_CUTOFF, else None."""
    return next((i + 1 for i, row in enumerate(ranking[:MRR_CUTOFF]) if row in relevant), None)


def metrics(rankings: list[list[int]], relevant: list[set[int]]) -> dict[str, float]:
    """hit@1, hit@5 and MRR@10 of rankings (lists of rows, best first) against relevant rows."""
    h1 = h5 = rr = 0.0
    for ranking, rel in zip(rankings, relevant, strict=True):
        first = next((i for i, row in enumerate(ranking[:MRR_CUTOFF]) if row in rel), None)
        if first is not None:
            h1 += first == 0
            h5 += first < 5
            rr += 1.0 / (first + 1)
    n = len(rankings) or 1
    return {"hit@1": round(h1 / n, 4), "hit@5": round(h5 / n, 4), "mrr": round(rr / n, 4)}


def per_question_rr(rankings: list[list[int]], relevant: list[set[int]]) -> np.ndarray:
    """Per question: (hit@1, hit@5, reciprocal rank)."""
    out = np.zeros((len(rankings), 3))
    for q, (ranking, rel) in enumerate(zip(rankings, relevant, strict=True)):
        first = next((i for i, row in enumerate(ranking[:MRR_CUTOFF]) if row in rel), None)
        if first is not None:
            out[q] = (first == 0, first < 5, 1.0 / (first + 1))
    return out


class Run:
    """One source's index, its questions' dense and lexical scores, and relevant rows."""

    def __init__(
        self, source: str, questions: list[dict], folder: Path, embedder: E5Embedder, documents: Path,
        plain_rag: bool = False, cache: Path | None = None,
    ) -> None:
        import pickle

        self.source = source
        docs, labels, pending = cached_documents(documents, cache)
        self.index = build_index(folder, docs, embedder, labels_of=labels)
        if pending is not None:
            pending.write_bytes(pickle.dumps((docs, labels)))
        self.questions = questions
        self.relevant = [relevant_rows(self.index, q) for q in questions]
        query_vectors = embedder.queries([q["q"] for q in questions])
        self.dense = self.index.dense_scores(query_vectors)
        self.lexical = np.stack([self.index.lexical_scores(q["q"]) for q in questions])
        self.plain: PlainRag | None = PlainRag(documents, embedder, cache) if plain_rag else None
        self.plain_rankings = self.plain.rankings(query_vectors) if self.plain else []
        self.plain_relevant = [self.plain.relevant(q) for q in questions] if self.plain else []

    def dense_rankings(self) -> list[list[int]]:
        """Rows by dense score."""
        return [top_indices(d, MRR_CUTOFF).tolist() for d in self.dense]

    def lexical_rankings(self) -> list[list[int]]:
        """Rows by BM25 score (passages sharing no token are not returned)."""
        return [top_indices(np.where(lx > 0, lx, -np.inf), MRR_CUTOFF).tolist() for lx in self.lexical]

    def fused_rankings(self, config: FusionConfig) -> list[list[int]]:
        """Rows by fused score."""
        pairs = zip(self.dense, self.lexical, strict=True)
        return [fuse(d, lx, MRR_CUTOFF, config)[0].tolist() for d, lx in pairs]

    def product_rankings(self) -> list[list[int]]:
        """Rows as SearchIndex.batch_search returns them (the product's code path)."""
        hits = self.index.batch_search([q["q"] for q in self.questions], k=MRR_CUTOFF)
        rows = {(p.doc_id, p.index): r for r in range(len(self.index)) for p in [self.index.passage_at(r)[0]]}
        return [[rows[(h.passage.doc_id, h.passage.index)] for h in hs] for hs in hits]

    def report(self, config: FusionConfig) -> dict:
        """The three rankings' metrics side by side."""
        fused = self.product_rankings() if config == self.index.fusion else self.fused_rankings(config)
        out = {
            "questions": len(self.questions),
            "passages": len(self.index),
            "answerable": sum(bool(r) for r in self.relevant),
            "dense": metrics(self.dense_rankings(), self.relevant),
            "bm25": metrics(self.lexical_rankings(), self.relevant),
            "fused": metrics(fused, self.relevant),
        }
        if self.plain is not None:
            out["plain_rag"] = metrics(self.plain_rankings, self.plain_relevant)
            out["plain_rag_windows"] = len(self.plain.windows)
        return out

    def per_question(self) -> list[dict]:
        """Each question's first answering rank (1-based, None beyond MRR_CUTOFF) under every ranking."""
        rankings = {"fused": self.product_rankings(), "dense": self.dense_rankings(),
                    "bm25": self.lexical_rankings()}
        out = []
        for q, question in enumerate(self.questions):
            row = {"id": question["id"], "answerable": bool(self.relevant[q])}
            row.update({name: first_rank(r[q], self.relevant[q]) for name, r in rankings.items()})
            if self.plain is not None:
                row["plain_rag"] = first_rank(self.plain_rankings[q], self.plain_relevant[q])
            top = rankings["fused"][q][:1]
            if top:
                passage, meta = self.index.passage_at(top[0])
                row["top1"] = f"{meta.source_file} p{passage.page}: {' '.join(passage.text.split())[:80]}"
            out.append(row)
        return out

    def answer_marking(self, embedder: E5Embedder) -> dict[str, float]:
        """Share of answered questions whose marked sentence(s) in the first answering passage of the top 5
        hold an answer phrase (or lie inside one): lexical marking, and lexical + dense marking."""
        lexical = dense = total = 0
        query_vectors = embedder.queries([q["q"] for q in self.questions])
        for q, ranking, rel, vector in zip(self.questions, self.product_rankings(), self.relevant,
                                          query_vectors, strict=True):
            row = next((row for row in ranking[:5] if row in rel), None)
            if row is None:
                continue
            text = self.index.passage_at(row)[0].text
            total += 1
            lexical += _marks_answer(q, text, mark_answer(q["q"], text))
            dense += _marks_answer(q, text, mark_answer(q["q"], text, vector, embedder.passages))
        return {"answered_in_top5": total, "lexical": round(lexical / max(total, 1), 4),
                "lexical+dense": round(dense / max(total, 1), 4)}

    def misses(self, config: FusionConfig) -> list[dict]:
        """Questions the fused ranking does not answer at rank 1, with the ranks of each ranking."""
        out = []
        for q, d, f, lx, rel in zip(self.questions, self.dense_rankings(), self.fused_rankings(config),
                                   self.lexical_rankings(), self.relevant, strict=True):
            ranks = {name: next((i + 1 for i, row in enumerate(r) if row in rel), None)
                     for name, r in (("dense", d), ("bm25", lx), ("fused", f))}
            if ranks["fused"] != 1:
                out.append({"id": q["id"], **ranks})
        return out


def _marks_answer(question: dict, text: str, spans: list) -> bool:
    marked = [norm(text[s.start : s.end]) for s in spans]
    phrases = [norm(p) for p in question["answer_contains"]]
    return any(p in m or m in p for p in phrases for m in marked)


def grid() -> list[FusionConfig]:
    """The coarse grid of fusion settings searched by --tune."""
    weights = [round(w, 1) for w in np.arange(0.0, 1.01, 0.1)]
    configs = [
        FusionConfig("score", w, norm, pool)
        for norm, w, pool in itertools.product(("minmax", "zscore", "max"), weights, (20, 50, 100))
    ]
    configs += [FusionConfig("rrf", w, "minmax", pool, k)
                for k, w, pool in itertools.product((10, 30, 60), weights, (20, 50, 100))]
    return configs


def tune(runs: list[Run]) -> dict:
    """Grid search with a leave-one-question-out estimate; returns the plateau and the LOO numbers."""
    configs = grid()
    # scores[c] : (questions over all runs, 3) per-question hit@1, hit@5, rr
    scores = np.stack([
        np.concatenate([per_question_rr(run.fused_rankings(c), run.relevant) for run in runs])
        for c in configs
    ])
    objective = scores.mean(axis=2)  # (configs, questions): mean of hit@1, hit@5, rr per question
    totals = objective.mean(axis=1)
    best = totals.max()
    plateau = [configs[i] for i in np.flatnonzero(totals >= best - 0.01)]
    loo = []
    chosen_default = 0
    for q in range(objective.shape[1]):
        rest = np.delete(objective, q, axis=1).mean(axis=1)
        winners = np.flatnonzero(rest >= rest.max() - 1e-9)
        pick = winners[len(winners) // 2]  # middle of the tied winners (configs are ordered by weight)
        loo.append(scores[pick, q])
        chosen_default += configs[pick] == DEFAULT_FUSION
    loo_arr = np.array(loo)
    return {
        "grid_size": len(configs),
        "best_objective": round(float(best), 4),
        "default_objective": round(float(totals[configs.index(DEFAULT_FUSION)]), 4)
        if DEFAULT_FUSION in configs else None,
        "plateau": [asdict(c) for c in plateau],
        "leave_one_out": {
            "hit@1": round(float(loo_arr[:, 0].mean()), 4),
            "hit@5": round(float(loo_arr[:, 1].mean()), 4),
            "mrr": round(float(loo_arr[:, 2].mean()), 4),
        },
        "by_weight": {
            f"{method}/{w}": round(float(max(totals[i] for i, c in enumerate(configs)
                                             if (c.method, c.dense_weight) == (method, w))), 4)
            for method in ("score", "rrf") for w in sorted({c.dense_weight for c in configs})
        },
    }


def cross_tune(choose: list[Run], score: list[Run]) -> dict:
    """Choose the fusion setting on one question set, score it on another (leave-one-document-set-out)."""
    configs = grid()
    objective = np.array([
        np.concatenate([per_question_rr(run.fused_rankings(c), run.relevant) for run in choose]).mean()
        for c in configs
    ])
    winners = np.flatnonzero(objective >= objective.max() - 1e-9)
    pick = configs[winners[len(winners) // 2]]
    held_out = {run.source: metrics(run.fused_rankings(pick), run.relevant) for run in score}
    return {"chosen_on": [run.source for run in choose], "setting": asdict(pick),
            "objective_there": round(float(objective.max()), 4), "scored": held_out}


# ------------------------------------------------------------------------------------------ variants
# Re-rankings tried against the fused ranking (issue 10, point 3), each a family of settings. ``--variants``
# chooses each family's setting on the development questions and scores it on real-dev, and the reverse.
VARIANT_POOL = 50  # the fused candidates a variant re-ranks
VARIANTS: dict[str, list[tuple]] = {
    "baseline": [()],
    # A document-level score: each candidate gains ``weight`` x the mean of its document's ``top`` best
    # fused scores among the candidates (a document about the question lifts all its passages).
    "doc_prior": [(top, weight) for top in (1, 3, 5) for weight in (0.1, 0.2, 0.3, 0.5)],
    # At most ``cap`` passages of one document before the other documents' passages (diversity).
    "doc_cap": [(1,), (2,), (3,)],
    # The dense score of the top ``depth`` candidates becomes the max of the passage's and of its best
    # sentence's cosine (sentences embedded with the document line and section, as passages are).
    "sentence_max": [(10,), (20,)],
    # Question forms (search/forms.py). For a why-question only, the dense score of the top ``depth``
    # candidates becomes the max of the passage's and of its best reason sentence's cosine (the sentence
    # embedded with the document line and section when ``context``, else bare); other questions keep the
    # fused ranking.
    "why_sentence": [(depth, context) for depth in (10, 20, 30) for context in (True, False)],
    # For a question of ``form``, a fused candidate with a sentence carrying that form's cue gains ``weight``.
    "form_cue": [(form, weight) for form in ("why", "who", "when") for weight in (0.05, 0.1, 0.2)],
    # Dense pseudo-relevance feedback (Rocchio): the query vector plus ``beta`` x the mean vector of the fused
    # top ``k`` passages, normalised, is ranked again (dense and BM25 fused as in the product).
    "dense_prf": [(k, beta) for k in (3, 5, 10) for beta in (0.2, 0.5, 1.0)],
}


def doc_prior_order(
    rows: np.ndarray, fused: np.ndarray, dense: np.ndarray, docs: np.ndarray, top: int, weight: float
) -> list[int]:
    """Candidates by fused score plus ``weight`` x the mean of their document's ``top`` best fused scores
    (a document with fewer candidates counts the missing ones as 0); ties by dense score."""
    prior = np.zeros(len(rows))
    for doc in set(docs.tolist()):
        mine = docs == doc
        prior[mine] = np.sort(fused[mine])[::-1][:top].sum() / top
    score = fused + weight * prior
    return [int(rows[i]) for i in np.lexsort((-dense, -score))]


def doc_cap_order(rows: np.ndarray, docs: np.ndarray, cap: int) -> list[int]:
    """Candidates in order, but at most ``cap`` of one document before every other document's next ones."""
    seen: dict[int, int] = {}
    first, rest = [], []
    for row, doc in zip(rows.tolist(), docs.tolist(), strict=True):
        seen[doc] = seen.get(doc, 0) + 1
        (first if seen[doc] <= cap else rest).append(row)
    return first + rest


class Variants:
    """The re-ranking variants over one run's fused candidates (sentence vectors computed once, kept)."""

    def __init__(self, run: Run, embedder: E5Embedder) -> None:
        from search.embedder import document_line

        self.run = run
        self.embedder = embedder
        ordinal: dict[str, int] = {}
        self.row_doc = np.array([ordinal.setdefault(run.index.passage_at(r)[1].doc_id, len(ordinal))
                                 for r in range(len(run.index))])
        self.query_vectors = embedder.queries([q["q"] for q in run.questions])
        self._line = document_line
        self._sentences: dict[int, float] = {}
        self._cue_vectors: dict[tuple[int, bool], np.ndarray | None] = {}
        self._cues: dict[tuple[str, int], bool] = {}

    def rankings(self, family: str, setting: tuple) -> list[list[int]]:
        """Rows by the variant's score for every question, best first (top MRR_CUTOFF)."""
        out = []
        for q, (dense, lexical) in enumerate(zip(self.run.dense, self.run.lexical, strict=True)):
            rows, fused = fuse(dense, lexical, VARIANT_POOL)
            out.append(self._rerank(family, setting, q, rows, fused, dense, lexical)[:MRR_CUTOFF])
        return out

    def _rerank(
        self, family: str, setting: tuple, q: int, rows: np.ndarray, fused: np.ndarray, dense: np.ndarray,
        lexical: np.ndarray,
    ) -> list[int]:
        if family == "doc_prior":
            return doc_prior_order(rows, fused, dense[rows], self.row_doc[rows], *setting)
        if family == "doc_cap":
            return doc_cap_order(rows, self.row_doc[rows], setting[0])
        if family == "sentence_max":
            depth = setting[0]
            head = rows[:depth].tolist()
            lifted = np.full(dense.shape, -np.inf, dtype=np.float32)
            lifted[head] = [max(float(dense[r]), self._best_sentence(q, r)) for r in head]
            kept = np.full(lexical.shape, -np.inf, dtype=np.float32)
            kept[head] = lexical[head]
            return fuse(lifted, kept, depth)[0].tolist() + rows[depth:].tolist()
        if family == "why_sentence":
            form = form_of(self.run.questions[q]["q"])
            if form is None or form.name != "why":
                return rows.tolist()
            depth, context = setting
            head = rows[:depth].tolist()
            lifted = np.full(dense.shape, -np.inf, dtype=np.float32)
            lifted[head] = [max(float(dense[r]), self._best_cue_sentence(q, r, form, context)) for r in head]
            kept = np.full(lexical.shape, -np.inf, dtype=np.float32)
            kept[head] = lexical[head]
            return fuse(lifted, kept, depth)[0].tolist() + rows[depth:].tolist()
        if family == "dense_prf":
            k, beta = setting
            centroid = np.mean([self._row_vector(int(r)) for r in rows[:k]], axis=0)
            vector = self.query_vectors[q] + beta * centroid
            vector = (vector / np.linalg.norm(vector)).astype(np.float32)
            return fuse(self.run.index.dense_scores(vector[None, :])[0], lexical, VARIANT_POOL)[0].tolist()
        if family == "form_cue":
            form = form_of(self.run.questions[q]["q"])
            if form is None or form.name != setting[0]:
                return rows.tolist()
            cue = np.array([self._has_cue(form, int(r)) for r in rows], dtype=np.float64)
            score = fused + setting[1] * cue
            return [int(rows[i]) for i in np.lexsort((-dense[rows], -score))]
        return rows.tolist()

    def _row_vector(self, row: int) -> np.ndarray:
        passage, meta = self.run.index.passage_at(row)
        return self.run.index.vectors(meta.doc_id)[passage.index]

    def _has_cue(self, form: QuestionForm, row: int) -> bool:
        key = (form.name, row)
        if key not in self._cues:
            passage, _ = self.run.index.passage_at(row)
            self._cues[key] = bool(form.cues.search(passage.described or passage.text))
        return self._cues[key]

    def _best_cue_sentence(self, q: int, row: int, form: QuestionForm, context: bool) -> float:
        key = (row, context)
        if key not in self._cue_vectors:
            passage, meta = self.run.index.passage_at(row)
            sentences = cue_sentences(passage.described or passage.text, form)
            prefix = [part for part in (self._line(meta), passage.section) if part] if context else []
            texts = ["\n".join([*prefix, s]) for s in sentences]
            self._cue_vectors[key] = (
                np.asarray(self.embedder.passages(texts), dtype=np.float32) if sentences else None
            )
        vectors = self._cue_vectors[key]
        return -1.0 if vectors is None else float((vectors @ self.query_vectors[q]).max())

    def _best_sentence(self, q: int, row: int) -> float:
        key = q * 10_000_000 + row
        if key not in self._sentences:
            passage, meta = self.run.index.passage_at(row)
            text = passage.described or passage.text
            spans = sentence_spans(text)
            if len(spans) < 2:
                self._sentences[key] = -1.0
            else:
                context = [part for part in (self._line(meta), passage.section) if part]
                texts = ["\n".join([*context, text[s:e]]) for s, e in spans]
                vectors = np.asarray(self.embedder.passages(texts), dtype=np.float32)
                self._sentences[key] = float((vectors @ self.query_vectors[q]).max())
        return self._sentences[key]


def _objective(variants: list[Variants], family: str, setting: tuple) -> float:
    """Mean of hit@1, hit@5 and MRR over the runs' questions."""
    scores = [per_question_rr(v.rankings(family, setting), v.run.relevant) for v in variants]
    return float(np.concatenate(scores).mean())


def compare_variants(
    dev: list[Variants], real: list[Variants], families: Sequence[str] = tuple(VARIANTS)
) -> dict:
    """Each family's setting chosen on one question set and scored on the other; every setting's scores."""
    out: dict = {}
    for family in families:
        settings = VARIANTS[family]
        table = {
            str(list(setting)): {v.run.source: metrics(v.rankings(family, setting), v.run.relevant)
                                 for v in [*dev, *real]}
            for setting in settings
        }
        entry: dict = {"settings": table}
        for name, choose, score in (("dev_to_real", dev, real), ("real_to_dev", real, dev)):
            if not choose or not score:
                continue
            # The baseline competes: a family is adopted only when one of its settings beats it there.
            options = [("baseline", ()), *((family, setting) for setting in settings)]
            objective = [_objective(choose, *option) for option in options]
            pick = options[int(np.argmax(objective))]  # ties: the baseline, then the mildest setting
            scored = {v.run.source: metrics(v.rankings(*pick), v.run.relevant) for v in score}
            entry[name] = {"setting": None if pick[0] == "baseline" else list(pick[1]),
                           "objective_there": round(max(objective), 4), "scored": scored}
        out[family] = entry
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tune", action="store_true", help="grid-search the fusion settings (leave-one-out)")
    parser.add_argument("--sections", action="store_true", help="also compare embedding without section text")
    parser.add_argument("--misses", action="store_true", help="list the questions not answered at rank 1")
    parser.add_argument("--real-dev", nargs="?", type=Path, const=REAL_DEV, default=None, metavar="DIR",
                        help="also ask the real-dev questions (default DIR ../shared/real-dev)")
    parser.add_argument("--no-dev", action="store_true", help="skip the development sources")
    parser.add_argument("--constructed", action="store_true",
                        help="add the constructed questions (benchmarks/questions/constructed.json) to the "
                             "development questions")
    parser.add_argument("--blind", action="store_true",
                        help="add the blind questions (benchmarks/questions/blind.json) to the development "
                             "questions")
    parser.add_argument("--distractors", action="store_true",
                        help="index the constructed distractor documents (benchmarks/questions/distractors) "
                             "with each development source")
    parser.add_argument("--per-question", action="store_true", help="ranks per question")
    parser.add_argument("--variants", nargs="?", const=",".join(VARIANTS), default=None, metavar="FAMILIES",
                        help="re-ranking variants (document score, per-document cap, best sentence, question "
                             "forms), chosen on one question set and scored on the other; "
                             "FAMILIES: comma-separated, of "
                             + ", ".join(VARIANTS))
    parser.add_argument("--json", action="store_true", help="print JSON (the default; kept for symmetry)")
    parser.add_argument("--cache", type=Path, default=None, metavar="DIR",
                        help="keep parsed documents, labels, index folders and plain-RAG vectors in DIR "
                             "between runs (re-read when a file or the extractor version changes)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    questions = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    if args.constructed:
        questions += json.loads(CONSTRUCTED.read_text(encoding="utf-8"))
    if args.blind:
        questions += json.loads(BLIND.read_text(encoding="utf-8"))
    sources: list[tuple[str, list[dict], Path]] = []
    if not args.no_dev:
        sources += [(name, questions, folder) for name, folder in SOURCES.items()]
    if args.real_dev is not None:
        if not (args.real_dev / "docs").is_dir():
            parser.error(f"{args.real_dev}: no docs/ folder of real documents there")
        real_questions = json.loads((args.real_dev / "questions.json").read_text(encoding="utf-8"))
        sources.append(("real-dev", real_questions, args.real_dev / "docs"))
    if not sources:
        parser.error("nothing to evaluate: --no-dev needs --real-dev")
    out: dict = {"fusion": asdict(DEFAULT_FUSION), "mrr_cutoff": MRR_CUTOFF}
    variants = [True, False] if args.sections else [True]
    with tempfile.TemporaryDirectory() as tmp:
        work = args.cache or Path(tmp)
        if args.distractors:
            sources = [
                (f"{name}+distractors", qs, with_distractors(folder, Path(tmp) / f"{name}+distractors"))
                if name in SOURCES else (name, qs, folder)
                for name, qs, folder in sources
            ]
        for with_section in variants:
            embedder = E5Embedder(with_section=with_section)
            first = with_section == variants[0]
            runs = [Run(name, qs, work / f"{name}-{with_section}", embedder, folder, plain_rag=first,
                        cache=args.cache)
                    for name, qs, folder in sources]
            key = "results" if first else "results_without_section"
            out[key] = {run.source: run.report(DEFAULT_FUSION) for run in runs}
            if first:
                out["answer_marking"] = {run.source: run.answer_marking(embedder) for run in runs}
            if first and args.per_question:
                out["per_question"] = {run.source: run.per_question() for run in runs}
            if args.misses:
                out.setdefault("misses", {})[str(with_section)] = {
                    run.source: run.misses(DEFAULT_FUSION) for run in runs
                }
            if args.tune and first:
                dev = [run for run in runs if is_development(run.source)]
                real = [run for run in runs if not is_development(run.source)]
                if dev:
                    out["tuning"] = tune(dev)
                if real:
                    out["tuning_real_dev"] = tune(real)
                if dev and real:
                    out["cross_set"] = [cross_tune(dev, real), cross_tune(real, dev)]
            if args.variants and first:
                wrapped = [Variants(run, embedder) for run in runs]
                families = [name for name in args.variants.split(",") if name in VARIANTS]
                dev_v = [v for v in wrapped if is_development(v.run.source)]
                real_v = [v for v in wrapped if not is_development(v.run.source)]
                out["variants"] = compare_variants(dev_v, real_v, families)
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
