"""Train a search re-ranker on the development questions; score it leave-one-document-out against fusion.

The re-ranker's features and model: benchmarks/rerank_features.py.

Development questions: tests/data/questions.json (19), benchmarks/questions/constructed.json (20) and
benchmarks/questions/blind.json (60, written without any ranking run on them), each asked of the corpus PDFs
(corpus/) and of their seed texts (tests/data/seeds/), indexed as benchmarks/eval_search.py indexes them (the
store's code path). For every question the top ``depth`` candidates of the product's fused ranking
(search.fusion.DEFAULT_FUSION) get the features of rerank_features.candidate_features; a candidate is positive
when it contains one of the question's answer phrases. ``--distractors`` indexes the constructed distractor
documents (benchmarks/questions/distractors: committee protocols and memos of fictional municipalities) with
each development source, so that the candidates compete with protocols as in a real collection.

Leave-one-document-out: a question belongs to the document its answer passage is in (a seed text and its PDF
are one document); for each of the five documents the model is trained on the questions of the other four
and ranks the held-out document's questions. The grid (pointwise or pairwise logistic regression; depth 10,
20 or 30; C 0.01/0.1/1) is scored by the mean of hit@1, hit@5 and MRR over the held-out rankings, against
the fused ranking on the same questions; the chosen setting is the best of that grid (so the setting is
chosen on the folds it is reported on). A re-ranker would be adopted only when it beats the fused ranking
there by ADOPT_MARGIN; so far none has (README, *Search*), and the product ranks by the fused score.

``--real-dev [DIR]`` then ranks DIR's questions with the chosen setting trained on every development question
and prints fused and re-ranked ranks per question; nothing of DIR is used in training or choosing.

Run: .venv/bin/python benchmarks/train_rerank.py [--cache DIR] [--distractors] [--real-dev [DIR]]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import eval_search as es  # noqa: E402
from benchmarks.rerank_features import FEATURES, RerankModel, candidate_features, rerank_order  # noqa: E402
from search.fusion import DEFAULT_FUSION, fuse  # noqa: E402

QUESTION_FILES = (
    ROOT / "tests" / "data" / "questions.json",
    ROOT / "benchmarks" / "questions" / "constructed.json",
    ROOT / "benchmarks" / "questions" / "blind.json",
)
DEPTHS = (10, 20, 30)
CS = (0.01, 0.1, 1.0)
METHODS = ("pointwise", "pairwise")
CUTOFF = 10
# The re-ranker is adopted only when it beats the fused ranking leave-one-document-out by this much in the
# objective (a question moving in or out of the top 5 in one of 198 rankings changes the objective by ~0.002).
ADOPT_MARGIN = 0.01


@dataclass
class Ranked:
    """One question asked of one source: its fused candidates, their features and labels."""

    source: str
    qid: str
    group: str  # the answer's document (the file's number), "" when no passage answers
    rows: np.ndarray  # candidate rows, fused order
    features: np.ndarray
    labels: np.ndarray  # 1 where the candidate answers
    relevant: set[int]


def ranked_questions(run, depth: int) -> list[Ranked]:
    """The fused top ``depth`` of each of a run's questions with features and labels."""
    out = []
    for q, question in enumerate(run.questions):
        rows, fused = fuse(run.dense[q], run.lexical[q], depth, DEFAULT_FUSION)
        pairs = [run.index.passage_at(int(r)) for r in rows]
        passages = [p for p, _ in pairs]
        metas = [m for _, m in pairs]
        features = candidate_features(question["q"], fused, run.dense[q][rows], run.lexical[q][rows],
                                      passages, metas)
        relevant = run.relevant[q]
        groups = sorted({run.index.passage_at(r)[1].source_file[:3] for r in relevant})
        out.append(Ranked(run.source, question["id"], groups[0] if groups else "", rows, features,
                          np.array([int(r) in relevant for r in rows], dtype=int), relevant))
    return out


def fit(examples: list[Ranked], depth: int, c: float, method: str = "pointwise") -> RerankModel:
    """A logistic regression over the top ``depth`` candidates of the examples.

    ``pointwise``: each candidate answers or not (classes balanced). ``pairwise``: for each question, each
    answering candidate against each other candidate, on feature differences (a ranking SVM's pairs, with the
    logistic loss); the score orders candidates the same way, its intercept is 0.
    """
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([e.features[:depth] for e in examples])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    if method == "pointwise":
        y = np.concatenate([e.labels[:depth] for e in examples])
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
        model.fit((x - mean) / scale, y)
        return RerankModel(FEATURES, mean, scale, model.coef_[0], float(model.intercept_[0]), depth)
    diffs, weights = [], []
    for e in examples:
        z = (e.features[:depth] - mean) / scale
        labels = e.labels[:depth]
        pos, neg = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
        if not pos.size or not neg.size:
            continue
        pairs = z[pos][:, None, :] - z[neg][None, :, :]
        pairs = pairs.reshape(-1, z.shape[1])
        diffs.append(pairs)
        weights.append(np.full(len(pairs), 1.0 / len(pairs)))  # each question counts once
    d = np.concatenate(diffs)
    w = np.concatenate(weights)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000)
    model.fit(np.concatenate([d, -d]), np.r_[np.ones(len(d)), np.zeros(len(d))], sample_weight=np.r_[w, w])
    return RerankModel(FEATURES, mean, scale, model.coef_[0], 0.0, depth)


def reranked(model: RerankModel, example: Ranked) -> list[int]:
    """The example's candidate rows in the model's order (the top CUTOFF)."""
    return [int(example.rows[i]) for i in rerank_order(model, example.features)][:CUTOFF]


def first_rank(ranking: list[int], relevant: set[int]) -> int | None:
    """1-based rank of the first answering row within CUTOFF, else None."""
    return next((i + 1 for i, row in enumerate(ranking[:CUTOFF]) if row in relevant), None)


def summary(ranks: list[int | None]) -> dict[str, float]:
    """hit@1, hit@5, MRR@10 and their mean from first ranks."""
    n = len(ranks) or 1
    h1 = sum(r == 1 for r in ranks) / n
    h5 = sum(r is not None and r <= 5 for r in ranks) / n
    mrr = sum(1 / r for r in ranks if r is not None) / n
    return {"hit@1": round(h1, 4), "hit@5": round(h5, 4), "mrr": round(mrr, 4),
            "objective": round((h1 + h5 + mrr) / 3, 4), "questions": len(ranks)}


def leave_one_document_out(examples: list[Ranked], depth: int, c: float, method: str) -> dict:
    """Each document's questions ranked by a model trained on the other documents' questions."""
    groups = sorted({e.group for e in examples if e.group})
    fused_ranks, model_ranks, per_source = [], [], {}
    per_document = {}
    for group in groups:
        train = [e for e in examples if e.group != group]
        test = [e for e in examples if e.group == group]
        model = fit(train, depth, c, method)
        f = [first_rank([int(r) for r in e.rows[:CUTOFF]], e.relevant) for e in test]
        m = [first_rank(reranked(model, e), e.relevant) for e in test]
        fused_ranks += f
        model_ranks += m
        per_document[group] = {"fused": summary(f), "reranked": summary(m)}
        for e, fr, mr in zip(test, f, m, strict=True):
            per_source.setdefault(e.source, ([], []))
            per_source[e.source][0].append(fr)
            per_source[e.source][1].append(mr)
    return {
        "fused": summary(fused_ranks), "reranked": summary(model_ranks),
        "per_source": {s: {"fused": summary(f), "reranked": summary(m)} for s, (f, m) in per_source.items()},
        "per_document": per_document,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_cache = ROOT / "benchmarks" / ".cache" / "search"
    parser.add_argument("--cache", type=Path, default=default_cache, metavar="DIR",
                        help="eval_search's cache of parsed documents and index folders")
    parser.add_argument("--real-dev", nargs="?", type=Path, const=ROOT.parent / "shared" / "real-dev",
                        default=None, metavar="DIR", help="rank DIR's questions with the shipped model")
    parser.add_argument("--distractors", action="store_true",
                        help="index the constructed distractor documents (benchmarks/questions/distractors) "
                             "with each development source")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    questions = [q for path in QUESTION_FILES for q in json.loads(path.read_text("utf-8"))]
    embedder = es.E5Embedder()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.cache or Path(tmp)
        sources = dict(es.SOURCES)
        if args.distractors:
            sources = {f"{name}+distractors": es.with_distractors(folder, Path(tmp) / f"{name}+distractors")
                       for name, folder in sources.items()}
        runs = [es.Run(name, questions, work / f"{name}-True", embedder, folder, cache=args.cache)
                for name, folder in sources.items()]
        by_depth = {depth: [e for run in runs for e in ranked_questions(run, depth)] for depth in DEPTHS}
        settings = [(m, d, c) for m in METHODS for d in DEPTHS for c in CS]
        grid = {f"{m},depth={d},C={c}": leave_one_document_out(by_depth[d], d, c, m) for m, d, c in settings}
        best_at = max(range(len(settings)), key=lambda i: list(grid.values())[i]["reranked"]["objective"])
        method, depth, c = settings[best_at]
        best = list(grid)[best_at]
        chosen = grid[best]
        adopt = chosen["reranked"]["objective"] >= chosen["fused"]["objective"] + ADOPT_MARGIN
        model = fit(by_depth[depth], depth, c, method)
        out: dict = {
            "questions": len(questions), "unanswerable": sum(not e.group for e in by_depth[depth]),
            "grid": {k: {"fused": v["fused"], "reranked": v["reranked"]} for k, v in grid.items()},
            "chosen": best, "leave_one_document_out": chosen, "adopt": adopt,
            "model": model.to_json(),
            "coefficients": {name: round(float(v), 3) for name, v in zip(FEATURES, model.coef / model.scale,
                                                                          strict=True)},
        }
        if args.real_dev is not None:
            real_questions = json.loads((args.real_dev / "questions.json").read_text("utf-8"))
            run = es.Run("real-dev", real_questions, work / "real-dev-True", embedder, args.real_dev / "docs",
                         cache=args.cache)
            examples = ranked_questions(run, depth)
            f = [first_rank([int(r) for r in e.rows[:CUTOFF]], e.relevant) for e in examples]
            m = [first_rank(reranked(model, e), e.relevant) for e in examples]
            ranks = {e.qid: [fr, mr] for e, fr, mr in zip(examples, f, m, strict=True)}
            out["real_dev"] = {"fused": summary(f), "reranked": summary(m), "per_question": ranks}
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
