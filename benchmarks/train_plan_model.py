"""Train the plan-block classifier (graph/plan/block_model.json) from gold; score it leave-one-document-out.

Training documents: the development set (seed texts tests/data/seeds and corpus PDFs corpus/, gold in
tests/data/gold; a seed and its PDF are one document) and the real plan documents of ../shared/real-dev
(scorecards and memos with plan gold; protocols have none). Every candidate unit (graph.plan.units) is
labelled by matching the gold texts to units with the outside scorer's similarity (token sim >= 0.6, greedy
one-to-one, as tools/score_extraction.py matches), the rest are "none".

Run: .venv/bin/python benchmarks/train_plan_model.py [--real-dev DIR] [--loo] [--write] [--holdout] [--C 0.5]
  --loo      train on all documents but one, score the held-out one (per-document JSON on stdout);
             held-out scores use the scorer's matching on the elements the real classify_plan makes
  --write    train on all documents and write graph/plan/block_model.json
  --holdout  score the shipped model on tests/fixtures/plan_genre_holdout (constructed memos with gold
             labelled blind, never trained on)
Parsed documents and embeddings are cached in benchmarks/.cache (not committed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import outside_scorer  # noqa: E402
from graph.plan.classifier import (  # noqa: E402
    CLASSES,
    KEEP_RULE,
    MODEL_FILE,
    NEW_ELEMENT,
    BlockModel,
    classify_plan,
    model_from_dict,
    unit_matrix,
)
from graph.plan.extract import deadline_reference, rule_extraction  # noqa: E402
from graph.plan.features import FEATURE_NAMES  # noqa: E402
from graph.plan.model import GOAL_KINDS  # noqa: E402
from graph.plan.units import find_units  # noqa: E402
from ingest.metadata import load_manifest  # noqa: E402
from ingest.reader import read_document  # noqa: E402

log = logging.getLogger("train_plan_model")
CACHE = ROOT / "benchmarks" / ".cache"
GOLD = ROOT / "tests" / "data" / "gold"
SEEDS = ROOT / "tests" / "data" / "seeds"
CORPUS = ROOT / "corpus"
GOLD_KEYS = {"goals": "goal", "strategies": "strategy", "activities": "activity", "challenges": "challenge"}
THRESHOLD = 0.6
# Thresholds tried leave-one-out (classify_plan's keep_rule and new_element).
KEEP_GRID = (0.05, 0.2)
NEW_GRID = (0.6, 0.7, 0.8, 0.9)
# Constructed documents in the genres of real-dev (scorecard, annual report memo, decision memo) with gold.
GENRE = ROOT / "tests" / "fixtures" / "plan_genre"
# Constructed memos with gold labelled blind, never trained on: --holdout scores the shipped model on them.
GENRE_HOLDOUT = ROOT / "tests" / "fixtures" / "plan_genre_holdout"
# Constructed plans whose tests pin the rules' output: their rule elements are their labels.
FIXTURE_FOLDERS = (ROOT / "tests" / "fixtures" / "plan", ROOT / "tests" / "fixtures" / "plan_holdout")


@dataclass
class TrainDoc:
    """One document with its gold, units, features, embeddings and labels."""

    name: str
    group: str  # documents of one group are held out together (a seed and its PDF)
    gold: dict
    doc: object
    rules: object
    units: list
    structure: np.ndarray
    vectors: np.ndarray
    labels: np.ndarray


def _embedder():
    from search.model import embed_passages

    CACHE.mkdir(exist_ok=True)
    path = CACHE / "embeddings.pkl"
    cache: dict[str, np.ndarray] = pickle.loads(path.read_bytes()) if path.is_file() else {}

    def embed(texts):
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            log.info("embedding %d texts", len(missing))
            for t, v in zip(missing, embed_passages(missing), strict=True):
                cache[t] = np.asarray(v, dtype=np.float32)
            path.write_bytes(pickle.dumps(cache))
        return np.stack([cache[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    return embed


def _read(path: Path, known=None):
    CACHE.mkdir(exist_ok=True)
    key = hashlib.sha256(path.read_bytes() + repr(known).encode()).hexdigest()[:16]
    cached = CACHE / f"doc-{path.stem[:40]}-{key}.pkl"
    if cached.is_file():
        return pickle.loads(cached.read_bytes())
    doc = read_document(path, known=known)
    cached.write_bytes(pickle.dumps(doc))
    return doc


def label_units(units, gold: dict, sim) -> np.ndarray:
    """Each unit's class: the gold element it matches best (greedy one-to-one, sim >= 0.6), else none."""
    pairs = []
    for key, cls in GOLD_KEYS.items():
        for g in gold.get(key, []):
            for j, unit in enumerate(units):
                s = sim(g["text"], unit.text)
                if s >= THRESHOLD:
                    pairs.append((s, key, id(g), j, cls))
    pairs.sort(key=lambda p: -p[0])
    used_g, used_u = set(), set()
    labels = np.zeros(len(units), dtype=np.int64)
    for _s, _key, g, j, cls in pairs:
        if g in used_g or j in used_u:
            continue
        used_g.add(g)
        used_u.add(j)
        labels[j] = CLASSES.index(cls)
    return labels


def rule_labels(held) -> np.ndarray:
    """Labels of a constructed fixture: the rule elements its tests check (the first unit holding each)."""
    labels = np.zeros(len(held), dtype=np.int64)
    seen = set()
    for j, element in enumerate(held):
        if element is not None and element.id not in seen:
            seen.add(element.id)
            labels[j] = CLASSES.index("goal" if element.kind in GOAL_KINDS else element.kind)
    return labels


def rule_gold(rules) -> dict:
    """A fixture's gold in the gold files' form, from the rule elements its tests pin."""
    gold: dict = {key: [] for key in GOLD_KEYS}
    for e in rules.elements:
        cls = "goal" if e.kind in GOAL_KINDS else e.kind
        key = next((k for k, c in GOLD_KEYS.items() if c == cls), None)
        if key:
            gold[key].append(
                {"text": e.text, "responsible": [o.label for o in e.owners], "deadline": e.deadline}
            )
    return gold


def documents(real_dev: Path | None, sim) -> list[TrainDoc]:
    """The training documents with their units, features, embeddings and labels."""
    embed = _embedder()
    sources: list[tuple[str, str, Path, dict, object]] = []
    manifest = load_manifest(CORPUS / "manifest.toml")
    for gold_path in sorted(GOLD.glob("*.json")):
        gold = json.loads(gold_path.read_text("utf-8"))
        number = gold_path.name[:3]
        sources.append((f"seed-{number}", f"dev-{number}", SEEDS / gold["file"], gold, None))
        for pdf in sorted(CORPUS.glob(f"{number}_*")):
            sources.append((f"corpus-{pdf.name}", f"dev-{number}", pdf, gold, manifest.get(pdf.name)))
    for path in sorted(GENRE.glob("*.md")):
        gold = json.loads(path.with_suffix(".json").read_text("utf-8"))
        sources.append((f"genre-{path.stem}", f"genre-{path.stem}", path, gold, None))
    for folder in FIXTURE_FOLDERS:
        for case in json.loads((folder / "cases.json").read_text("utf-8"))["cases"]:
            path = folder / case["file"]
            sources.append((f"fixture-{path.name}", f"fixture-{path.name}", path, None, None))
    if real_dev is not None:
        for gold_path in sorted((real_dev / "gold").glob("*.json")):
            gold = json.loads(gold_path.read_text("utf-8"))
            if not any(gold.get(k) for k in GOLD_KEYS):
                continue  # protocols: no plan gold
            path = real_dev / "docs" / gold["file"]
            # Named by number only: nothing of a real document's name or text goes into the model file.
            sources.append((f"real-{path.name[:2]}", f"real-{path.name[:2]}", path, gold, None))
    return [train_doc(*source, embed, sim) for source in sources]


def holdout_documents(sim) -> list[TrainDoc]:
    """The held-out constructed memos (GENRE_HOLDOUT) with their units, features, embeddings and gold."""
    embed = _embedder()
    return [
        train_doc(f"holdout-{path.stem}", f"holdout-{path.stem}", path,
                  json.loads(path.with_suffix(".json").read_text("utf-8")), None, embed, sim)
        for path in sorted(GENRE_HOLDOUT.glob("*.md"))
    ]


def train_doc(name: str, group: str, path: Path, gold: dict | None, known, embed, sim) -> TrainDoc:
    """One document read, cut into units with features and embeddings, and labelled from its gold (or, for a
    fixture without gold, from the rule elements its tests pin)."""
    doc = _read(path, known)
    rules = rule_extraction(doc, deadline_reference(doc, None))
    units = find_units(doc)
    structure, vectors, held = unit_matrix(doc, units, rules, embed)
    if vectors is None:
        vectors = np.zeros((0, 384), np.float32)
    if gold is None:
        gold = rule_gold(rules)
        labels = rule_labels(held)
    else:
        labels = label_units(units, gold, sim)
    log.info("%s: %d units, %s", name, len(units), np.bincount(labels, minlength=len(CLASSES)).tolist())
    return TrainDoc(name, group, gold, doc, rules, units, structure, vectors, labels)


def fit(docs: list[TrainDoc], c: float, embedding: bool) -> dict:
    """Fit one variant on documents; return its JSON form (standardisation, weights, bias)."""
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([np.hstack([d.structure, d.vectors]) if embedding else d.structure for d in docs])
    y = np.concatenate([d.labels for d in docs])
    # Each document weighs the same whatever its length, so one long report does not decide the model.
    w = np.concatenate([np.full(len(d.labels), 1000.0 / max(1, len(d.labels))) for d in docs])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    clf.fit((x - mean) / scale, y, sample_weight=w)
    weights = np.zeros((x.shape[1], len(CLASSES)), dtype=np.float64)
    bias = np.full(len(CLASSES), -30.0)
    for k, cls in enumerate(clf.classes_):
        weights[:, cls] = clf.coef_[k]
        bias[cls] = clf.intercept_[k]
    return {
        "mean": np.round(mean, 5).tolist(),
        "scale": np.round(scale, 5).tolist(),
        "weights": np.round(weights, 5).tolist(),
        "bias": np.round(bias, 5).tolist(),
        "embedding": embedding,
    }


def train(docs: list[TrainDoc], c: float, variants: tuple[str, ...] = ("embed", "structure")) -> dict:
    """The variants trained on documents, as the JSON model file holds them."""
    return {
        "classes": list(CLASSES),
        "features": list(FEATURE_NAMES),
        "variants": {name: fit(docs, c, name == "embed") for name in variants},
        "trained_on": sorted({d.name for d in docs}),
        "C": c,
    }


def score_doc(
    model: BlockModel, d: TrainDoc, score, embedding: bool, keep: float = KEEP_RULE, new: float | None = None
) -> dict:
    """Score one document's elements as classify_plan makes them, with the outside scorer's matching."""
    vectors = {u.text: v for u, v in zip(d.units, d.vectors, strict=False)}

    def embed(texts):
        return np.stack([vectors[t] for t in texts])

    plan = classify_plan(
        d.doc, d.rules, deadline_reference(d.doc, None), embed if embedding else None, model, keep, new
    )
    out = {}
    for key, kinds in (
        ("goals", GOAL_KINDS),
        ("strategies", ("strategy",)),
        ("activities", ("activity",)),
        ("challenges", ("challenge",)),
    ):
        pred = [e for e in plan.elements if e.kind in kinds]
        gold = d.gold.get(key, [])
        matched = score.greedy_match(gold, pred, lambda g: g["text"], lambda p: p.text, THRESHOLD)
        out[key] = score.prf(len(matched), len(pred), len(gold))
        if key == "activities":
            own_ok = own_n = dl_ok = dl_n = 0
            for i, j, _ in matched:
                g, e = gold[i], pred[j]
                labels = [score.norm(o.label) for o in e.owners]
                if g.get("responsible"):
                    own_n += 1
                    want = [score.norm(x) for x in g["responsible"]]
                    own_ok += all(any(w == o or w in o or o in w for o in labels) for w in want)
                if g.get("deadline"):
                    dl_n += 1
                    dl = score.norm(e.deadline or "")
                    dl_ok += bool(e.deadline) and (
                        score.norm(g["deadline"]) == dl or score.norm(g["deadline"]) in dl
                    )
            out["owners"] = {"ok": own_ok, "n": own_n}
            out["deadlines"] = {"ok": dl_ok, "n": dl_n}
    out["structure_read"] = plan.structure_read
    return out


def aggregate(results: dict[str, dict], score) -> dict:
    """Micro-averaged F1 over documents, per measure."""
    agg = {}
    for key in ("goals", "strategies", "activities", "challenges"):
        tp = sum(r[key]["tp"] for r in results.values())
        pred = sum(r[key]["pred"] for r in results.values())
        gold = sum(r[key]["gold"] for r in results.values())
        agg[key] = score.prf(tp, pred, gold)
    for key in ("owners", "deadlines"):
        ok = sum(r[key]["ok"] for r in results.values())
        n = sum(r[key]["n"] for r in results.values())
        agg[key] = f"{ok}/{n}"
    return agg


def compact(r: dict) -> dict:
    """One line per document."""
    out = {
        k: f"{r[k]['f1']:.2f} ({r[k]['tp']}/{r[k]['pred']}/{r[k]['gold']})"
        for k in ("goals", "strategies", "activities", "challenges")
        if r[k]["gold"] or r[k]["pred"]
    }
    out.update({k: f"{r[k]['ok']}/{r[k]['n']}" for k in ("owners", "deadlines") if r[k]["n"]})
    out["read"] = r["structure_read"]
    return out


def main() -> None:
    """Train, score leave-one-document-out, write the model."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--real-dev", type=Path, default=ROOT.parent / "shared" / "real-dev")
    parser.add_argument("--loo", action="store_true")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--C", type=float, default=0.05)
    parser.add_argument(
        "--groups",
        choices=["document", "family"],
        default="document",
        help="hold out one document, or one family (all scorecards, all memos, one dev plan)",
    )
    parser.add_argument("--variant", choices=["embed", "structure"], default="embed")
    parser.add_argument("--grid", action="store_true", help="score every threshold pair of the grid (slower)")
    parser.add_argument("--holdout", action="store_true",
                        help="score the shipped model on the held-out constructed memos (never trained on)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    score = outside_scorer.load(args.real_dev)
    docs = documents(args.real_dev if args.real_dev.is_dir() else None, score.sim)
    embedding = args.variant == "embed"
    report: dict = {}
    if args.loo:

        def family(d: TrainDoc) -> str:
            if args.groups == "document":
                return d.group
            number = d.group.removeprefix("real-")
            return {
                "37": "scorecards",
                "38": "scorecards",
                "39": "scorecards",
                "40": "memos",
                "41": "memos",
                "42": "memos",
                "43": "memos",
            }.get(number, d.group)

        grid = (
            [(k, n) for k in KEEP_GRID for n in NEW_GRID]
            if args.grid
            else [(KEEP_RULE, NEW_ELEMENT[args.variant])]
        )
        results: dict[tuple[float, float], dict[str, dict]] = {point: {} for point in grid}
        for held in sorted({family(d) for d in docs}):
            train_docs = [d for d in docs if family(d) != held]
            model = model_from_dict(train(train_docs, args.C, (args.variant,)))
            for d in docs:
                if family(d) == held:
                    for keep, new in grid:
                        results[(keep, new)][d.name] = score_doc(model, d, score, embedding, keep, new)
                    log.info("%s %s", d.name, compact(results[grid[0]][d.name]))

        def sets(res: dict[str, dict]) -> dict:
            real = {k: v for k, v in res.items() if k.startswith("real-")}
            fixtures = {k: v for k, v in res.items() if k.startswith("fixture-")}
            dev = {k: v for k, v in res.items() if k.startswith(("seed-", "corpus-"))}
            genre = {k: v for k, v in res.items() if k.startswith("genre-")}
            return {
                "real_dev": aggregate(real, score) if real else None,
                "dev": aggregate(dev, score),
                "fixtures": aggregate(fixtures, score) if fixtures else None,
                "genre": aggregate(genre, score) if genre else None,
            }

        def objective(agg: dict) -> float:
            parts = [a[m]["f1"] for a in agg.values() if a for m in ("goals", "activities")]
            return sum(parts) / len(parts)

        table = {f"keep {k} new {n}": sets(results[(k, n)]) for k, n in grid}
        best = max(grid, key=lambda point: objective(table[f"keep {point[0]} new {point[1]}"]))
        report["loo"] = {
            "thresholds": {"keep_rule": best[0], "new_element": best[1]},
            "per_document": {k: compact(v) for k, v in results[best].items()},
            **sets(results[best]),
            "grid": {
                name: {
                    s: {m: a[m]["f1"] for m in ("goals", "strategies", "activities")}
                    for s, a in agg.items()
                    if a
                }
                | {"objective": round(objective(agg), 3)}
                for name, agg in table.items()
            },
        }
    if args.write:
        data = train(docs, args.C)
        MODEL_FILE.write_text(json.dumps(data, separators=(",", ":")) + "\n", "utf-8")
        model = model_from_dict(data)
        results = {d.name: score_doc(model, d, score, embedding) for d in docs}
        report["trained_on_all"] = {k: compact(v) for k, v in results.items()}
    if args.holdout:
        shipped = model_from_dict(json.loads(MODEL_FILE.read_text("utf-8")))
        held = {d.name: score_doc(shipped, d, score, embedding) for d in holdout_documents(score.sim)}
        report["holdout"] = {"per_document": {k: compact(v) for k, v in held.items()},
                             "aggregate": aggregate(held, score)}
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
