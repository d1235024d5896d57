"""Owners and deadlines in prose (graph/plan/owners.py), scored on the gold activities of real-dev and dev.

For every gold activity, the sentence (or run of up to three sentences) of the parsed document that is most
like the gold text (the outside scorer's token similarity, at least 0.6) is found; the owner and deadline
rules are run on it with its block, heading path and earlier blocks of its section, and scored with the
outside scorer's rule: an owner is right when every gold owner is contained in / contains a predicted label,
a deadline when the gold deadline equals / is contained in the predicted one. False owners (deadlines) are
predictions on gold activities that have none.

The rules are written, not learned: there is nothing to hold out. Which cases a rule was written after seeing
is said in the report, not here.

Run: .venv/bin/python benchmarks/eval_owners.py [--real-dev DIR] [--no-dev] [--json] [--verbose]
     [--unit sentence|block|alone] [--with-extraction]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.plan import owners as owner_rules  # noqa: E402
from graph.plan.text import normalise, sentences  # noqa: E402
from ingest.model import BlockKind, ParsedDocument  # noqa: E402
from ingest.reader import read_document  # noqa: E402

log = logging.getLogger("eval_owners")
DEV_GOLD = ROOT / "tests" / "data" / "gold"
DEV_SEEDS = ROOT / "tests" / "data" / "seeds"
# Hold-out plans the lead wrote without looking at the extraction rules (constructed; never seen while
# writing the owner rules either).
HOLDOUT = ROOT / "tests" / "fixtures" / "plan_holdout"
THRESHOLD = 0.6


def _scorer(real_dev: Path):
    """The outside scorer's text normalisation and similarity (../shared/tools/score_extraction.py)."""
    tools = real_dev.parent / "tools"
    sys.path.insert(0, str(tools))
    import score_extraction  # noqa: PLC0415

    return score_extraction.norm, score_extraction.sim


@dataclass
class DocScore:
    """Per-document counts."""

    file: str
    activities: int = 0
    found: int = 0
    owners_ok: int = 0
    owners_n: int = 0
    deadlines_ok: int = 0
    deadlines_n: int = 0
    false_owners: int = 0
    no_owner_n: int = 0
    false_deadlines: int = 0
    no_deadline_n: int = 0
    in_tables: int = 0  # gold activities found in table rows: their owners and deadlines are columns' job
    cases: list[dict] = field(default_factory=list)


@dataclass
class Span:
    """A run of sentences of one block."""

    block: int
    text: str


def _spans(doc: ParsedDocument) -> list[Span]:
    out = []
    for i, b in enumerate(doc.blocks):
        if b.kind is BlockKind.HEADING:
            continue
        text = normalise(b.text)
        cuts = sentences(text)
        for k in range(len(cuts)):
            for n in (1, 2, 3):
                if k + n <= len(cuts):
                    out.append(Span(i, text[cuts[k][0] : cuts[k + n - 1][1]]))
    return out


def predict(doc: ParsedDocument, span: Span, unit: str) -> tuple[list[str], str | None]:
    """The owners (labels) and deadline the rules give a sentence span (or its block) in its document."""
    if unit == "alone":  # the sentence alone, no setting
        exclude = [x for x in (doc.metadata.organisation, doc.metadata.body) if x]
        owners = owner_rules.owners_in_sentence(span.text, exclude)
        return [o.label for o in owners], owner_rules.deadline_in_sentence(span.text)
    text = None if unit == "block" else span.text
    owners = owner_rules.owners_in_document(doc, span.block, text)
    return [o.label for o in owners], owner_rules.deadline_in_document(doc, span.block, text)


def score_document(doc: ParsedDocument, gold: dict, norm, sim, unit: str) -> DocScore:
    """Score the owner and deadline rules on one document's gold activities."""
    score = DocScore(doc.source_file)
    spans = _spans(doc)
    for g in gold.get("activities") or []:
        score.activities += 1
        best = max(spans, key=lambda s: sim(g["text"], s.text), default=None)
        if best is None or sim(g["text"], best.text) < THRESHOLD:
            continue
        score.found += 1
        if doc.blocks[best.block].kind is BlockKind.TABLE_ROW:
            score.in_tables += 1
            continue
        owners, deadline = predict(doc, best, unit)
        got = [norm(o) for o in owners]
        case = {
            "gold_owners": g.get("responsible"),
            "owners": owners,
            "gold_deadline": g.get("deadline"),
            "deadline": deadline,
            "text": best.text,
        }
        if g.get("responsible") is None:
            pass  # the hold-out case does not say
        elif g["responsible"]:
            score.owners_n += 1
            want = [norm(x) for x in g["responsible"]]
            ok = all(any(w == o or w in o or o in w for o in got) for w in want)
            score.owners_ok += ok
            case["owner_ok"] = ok
        else:
            score.no_owner_n += 1
            score.false_owners += bool(owners)
        if "deadline" not in g:
            pass
        elif g["deadline"]:
            score.deadlines_n += 1
            ok = deadline is not None and (
                norm(g["deadline"]) == norm(deadline) or norm(g["deadline"]) in norm(deadline)
            )
            score.deadlines_ok += ok
            case["deadline_ok"] = ok
        else:
            score.no_deadline_n += 1
            score.false_deadlines += deadline is not None
        score.cases.append(case)
    return score


def score_extraction(doc: ParsedDocument, gold: dict, norm, sim) -> dict:
    """Owners and deadlines right on the activities today's plan extraction finds (matched to gold as the
    outside scorer does), before and after filling the missing ones with the prose rules."""
    import score_extraction as outside  # noqa: PLC0415

    from graph.plan import extract_plan  # noqa: PLC0415

    acts = [e for e in extract_plan(doc).elements if e.kind == "activity"]
    golds = gold.get("activities") or []
    pairs = outside.greedy_match(golds, acts, lambda g: g["text"], lambda e: e.text, THRESHOLD)
    out = {"matched": len(pairs), "gold": len(golds), "predicted": len(acts)}
    for stage in ("before", "after"):
        own_ok = own_n = dl_ok = dl_n = false_own = 0
        for i, j, _s in pairs:
            g, e = golds[i], acts[j]
            owners = [o.label for o in e.owners]
            deadline = e.deadline
            if stage == "after":
                owners = owners or [o.label for o in owner_rules.owners_in_document(doc, e.block, e.text)]
                deadline = deadline or owner_rules.deadline_in_sentence(e.text)
            got = [norm(o) for o in owners]
            if g.get("responsible") is None:
                pass  # the hold-out case does not say
            elif g["responsible"]:
                own_n += 1
                own_ok += all(
                    any(w == o or w in o or o in w for o in got) for w in map(norm, g["responsible"])
                )
            else:
                false_own += bool(got)
            if g.get("deadline"):
                dl_n += 1
                dl_ok += bool(deadline) and norm(g["deadline"]) in norm(deadline)
        out[stage] = {
            "owners": f"{own_ok}/{own_n}",
            "deadlines": f"{dl_ok}/{dl_n}",
            "false_owners": false_own,
        }
    return out


def _documents(real_dev: Path | None, dev: bool):
    if real_dev is not None:
        for gold_file in sorted((real_dev / "gold").glob("*.json")):
            gold = json.loads(gold_file.read_text(encoding="utf-8"))
            if not gold.get("activities"):
                continue
            docs = list((real_dev / "docs").glob(gold_file.stem + ".*"))
            if docs:
                yield "real-dev", docs[0], gold
    if dev:
        cases = json.loads((HOLDOUT / "cases.json").read_text(encoding="utf-8"))["cases"]
        for case in cases:
            acts = [
                {"text": e["text"], "responsible": [o[0] for o in e["owners"]] if "owners" in e else None}
                | ({"deadline": e["deadline"]} if "deadline" in e else {})
                for e in case["elements"]
                if e["kind"] == "activity"
            ]
            if acts:
                yield "holdout", HOLDOUT / case["file"], {"activities": acts}
        for gold_file in sorted(DEV_GOLD.glob("*.json")):
            gold = json.loads(gold_file.read_text(encoding="utf-8"))
            seeds = list(DEV_SEEDS.glob(gold_file.stem + ".*"))
            if gold.get("activities") and seeds:
                yield "dev", seeds[0], gold


def _total(scores: list[DocScore]) -> dict:
    keys = [k for k in asdict(DocScore("")) if k not in ("file", "cases")]
    return {k: sum(getattr(s, k) for s in scores) for k in keys}


def _line(group: str, name: str, c: dict) -> str:
    return (
        f"{group:8} {name[:48]:48} found {c['found']:2}/{c['activities']:2}"
        f"  owners {c['owners_ok']}/{c['owners_n']}  deadlines {c['deadlines_ok']}/{c['deadlines_n']}"
        f"  false owners {c['false_owners']}/{c['no_owner_n']}"
        f"  false deadlines {c['false_deadlines']}/{c['no_deadline_n']}  in tables {c['in_tables']}"
    )


def evaluate(
    real_dev: Path | None, dev: bool = True, unit: str = "sentence", with_extraction: bool = False
) -> tuple[dict, dict[str, list[DocScore]]]:
    """Score real-dev (when given), the hold-out plans and the development set: the report (per document and
    total per group) and the per-document scores with their cases."""
    tools = (real_dev.parent if real_dev is not None else ROOT.parent / "shared") / "tools"
    norm, sim = _scorer(tools.parent / "real-dev")
    results: dict[str, list[DocScore]] = {"real-dev": [], "holdout": [], "dev": []}
    extraction: dict[str, dict] = {}
    for group, path, gold in _documents(real_dev, dev):
        doc = read_document(path)
        results[group].append(score_document(doc, gold, norm, sim, unit))
        if with_extraction:
            extraction[f"{group} {path.name}"] = score_extraction(doc, gold, norm, sim)
    report: dict = {
        group: {
            "documents": [{k: v for k, v in asdict(s).items() if k != "cases"} for s in scores],
            "total": _total(scores),
        }
        for group, scores in results.items()
        if scores
    }
    if extraction:
        report["with_extraction"] = extraction
    return report, results


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print per-document numbers (or JSON)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real-dev", type=Path, default=ROOT.parent / "shared" / "real-dev")
    ap.add_argument("--no-dev", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--verbose", action="store_true", help="print every case (real text: never commit it)")
    ap.add_argument(
        "--unit",
        choices=["sentence", "block", "alone"],
        default="sentence",
        help="the gold's sentence in its setting (default), its whole block, or the sentence alone",
    )
    ap.add_argument(
        "--with-extraction",
        action="store_true",
        help="also score owners/deadlines on the activities extract_plan finds, before/after the rules",
    )
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    real_dev = args.real_dev if args.real_dev.is_dir() else None
    if real_dev is None:
        log.warning("no real-dev at %s: scoring the development set only", args.real_dev)
    report, results = evaluate(real_dev, not args.no_dev, args.unit, args.with_extraction)
    extraction = report.get("with_extraction", {})
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    for name, counts in extraction.items():
        print(f"extract_plan {name[:56]:56} {json.dumps(counts, ensure_ascii=False)}")
    for group, scores in results.items():
        for s in scores:
            print(_line(group, s.file, asdict(s)))
            if args.verbose:
                for c in s.cases:
                    if c["owners"] or c["gold_owners"] or c["deadline"] or c["gold_deadline"]:
                        print("    ", json.dumps(c, ensure_ascii=False)[:400])
        if scores:
            print(_line(group, "TOTAL", _total(scores)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
