"""Score the document graphs against the gold answers (tests/data/gold): what the store really holds.

Each corpus file (and each seed text, read as text) is read and turned into its document graph by the same
code the store uses; the graph is then read back and compared with the gold.

Run: .venv/bin/python benchmarks/eval_extraction.py [--json] [--only corpus|seeds]
     .venv/bin/python benchmarks/eval_extraction.py --real-dev [DIR]   (real documents, outside scorer)

With --real-dev, the real documents in DIR/docs (default ../shared/real-dev) are read and built exactly as
`styrkedja add` does, exported as N-Quads and scored per document by DIR/../tools/score_extraction.py (the
scorer the outside evaluation uses); failed extraction stages and plan elements in protocols are listed.

Matching rules (documented in the README):
- legal references: sets of provisions per document. A gold statute entry is the lagen.nu IRI built from its
  law, chapter and paragraph; a gold non-statute entry (allmänna råd, läroplan) is the IRI our citation reader
  gives its quote. Exact IRI match, after dropping a law-only (chapter-only) IRI where the same set holds a
  more specific one of that law (chapter), as the outside scorer does.
- SDG mentions: sets of (goal, target) per document, exact.
- organisation: the publisher's label equals gold (case-insensitively), kommunkod equal (None = not a kommun).
- agenda items: number and diarienummer exact, title similar (see TEXT_THRESHOLD).
- plan elements (goals, strategies, activities with owner and deadline, challenges, forums): read back from
  the graph into the extraction's dataclasses and scored by benchmarks/eval_plan.py's score_plan (its
  docstring gives the text-matching rule).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from eval_plan import combine, score_plan  # noqa: E402
from rdflib import RDF, RDFS, Graph, URIRef  # noqa: E402
from rdflib.namespace import DCTERMS  # noqa: E402

from app.pipeline import load_context  # noqa: E402
from benchmarks import outside_scorer  # noqa: E402
from graph.iris import document_iri  # noqa: E402
from graph.legal import find_citations, provision_iri  # noqa: E402
from graph.plan import Element, Owner, PlanExtraction  # noqa: E402
from graph.rdf import build_document_graph  # noqa: E402
from graph.store import Store  # noqa: E402
from ingest.metadata import load_manifest  # noqa: E402
from ingest.reader import read_document  # noqa: E402
from ontology import SK  # noqa: E402

GOLD = ROOT / "tests" / "data" / "gold"
SEEDS = ROOT / "tests" / "data" / "seeds"
CORPUS = ROOT / "corpus"
SDG_PREFIX = "http://metadata.un.org/sdg/"
# Texts (titles) match when difflib's ratio on normalised text is at least this.
TEXT_THRESHOLD = 0.8


def normalise(text: str | None) -> str:
    """Lowercase and collapse whitespace."""
    return re.sub(r"\s+", " ", (text or "")).strip().casefold()


def similar(a: str | None, b: str | None) -> bool:
    """Whether two texts match after normalisation (ratio >= TEXT_THRESHOLD)."""
    return difflib.SequenceMatcher(None, normalise(a), normalise(b)).ratio() >= TEXT_THRESHOLD


@dataclass
class Counts:
    """True positives, false positives and false negatives, summed over documents."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    def add_sets(self, found: set, expected: set, label: str) -> None:
        """Count one document's sets."""
        self.tp += len(found & expected)
        self.fp += len(found - expected)
        self.fn += len(expected - found)
        self.misses += [f"{label}: missing {x}" for x in sorted(map(str, expected - found))]
        self.misses += [f"{label}: extra {x}" for x in sorted(map(str, found - expected))]

    def scores(self) -> dict:
        """Precision, recall, F1 (1.0 when there is nothing to find and nothing found)."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def collapse_law_only(iris: set[str]) -> set[str]:
    """Drop a law-only (or chapter-only) IRI where a more specific one of the same law (chapter) is there.

    The outside scorer does the same: gold lists a law by name only where no chapter or § of it is cited.
    """
    kept = set()
    for iri in iris:
        base, _, frag = iri.partition("#")
        if not frag and any(other.startswith(base + "#") for other in iris):
            continue
        if re.fullmatch(r"K[0-9a-z]+", frag) and any(other.startswith(iri + "P") for other in iris):
            continue
        kept.add(iri)
    return kept


def gold_provisions(gold: dict) -> set[str]:
    """The provision IRIs of a gold file's legal references."""
    found: set[str] = set()
    for ref in gold["legal_refs"]:
        if re.fullmatch(r"\d{4}:\d+", ref["law"] or ""):
            found.add(provision_iri(ref["law"], ref["kap"], ref["par"]))
        else:
            found.update(c.iri for c in find_citations(ref["quote"]) if c.iri)
    return found


def graph_provisions(graph: Graph, doc: URIRef) -> set[str]:
    """The provisions (statutes and other legal references) the document's passages cite."""
    return {
        str(o)
        for s, o in graph.subject_objects(DCTERMS.references)
        if (s, SK.inDocument, doc) in graph and not str(o).startswith(SDG_PREFIX.rstrip("/"))
    }


def graph_sdg(graph: Graph, doc: URIRef) -> set[tuple[str, str | None]]:
    """(goal, target) pairs the document's passages mention explicitly."""
    pairs: set[tuple[str, str | None]] = set()
    for s, o in graph.subject_objects(DCTERMS.references):
        code = str(o)[len(SDG_PREFIX) :] if str(o).startswith(SDG_PREFIX) else ""
        if code and (s, SK.inDocument, doc) in graph:
            goal, _, target = code.partition(".")
            pairs.add((goal, code if target else None))
    return pairs


def gold_sdg(gold: dict) -> set[tuple[str, str | None]]:
    """(goal, target) pairs of the gold."""
    return {(str(m["goal"]), m["target"]) for m in gold["sdg"]}


def graph_organisation(graph: Graph, doc: URIRef) -> tuple[str | None, str | None]:
    """The publisher's label and kommunkod."""
    org = graph.value(doc, DCTERMS.publisher)
    if org is None:
        return None, None
    label = graph.value(org, RDFS.label)
    kod = graph.value(org, SK.kommunkod)
    return (str(label) if label else None), (str(kod) if kod else None)


def graph_agenda_items(graph: Graph, doc: URIRef) -> list[dict]:
    """The agenda items of the document's meetings."""
    items = []
    for item in graph.subjects(RDF.type, SK.AgendaItem):
        if (item, SK.inDocument, doc) not in graph:
            continue
        items.append(
            {
                "number": str(graph.value(item, SK.paragraphNumber) or ""),
                "dnr": str(graph.value(item, DCTERMS.identifier) or "") or None,
                "title": str(graph.value(item, DCTERMS.title) or "") or None,
                "decision": str(graph.value(item, SK.decision) or "") or None,
            }
        )
    return items


def score_agenda_items(found: list[dict], expected: list[dict], counts: Counts, label: str) -> None:
    """Match items on number and diarienummer exactly and title by similarity."""
    unmatched = list(found)
    for gold in expected:
        match = next(
            (
                item
                for item in unmatched
                if item["number"] == str(gold["number"])
                and normalise(item["dnr"]) == normalise(gold.get("dnr"))
                and similar(item["title"], gold.get("title"))
            ),
            None,
        )
        if match is None:
            counts.fn += 1
            counts.misses.append(f"{label}: missing item § {gold['number']} {gold.get('title')}")
        else:
            counts.tp += 1
            unmatched.remove(match)
    counts.fp += len(unmatched)
    counts.misses += [f"{label}: extra item § {i['number']} {i['title']}" for i in unmatched]


CLASS_KINDS = {
    SK.Vision: "vision",
    SK.PriorityArea: "priority_area",
    SK.Goal: "goal",
    SK.Strategy: "strategy",
    SK.Activity: "activity",
    SK.Challenge: "challenge",
    SK.Forum: "forum",
}


def plan_from_graph(graph: Graph, doc: URIRef) -> PlanExtraction:
    """Read the plan elements of a document graph back into the extraction's dataclasses."""
    elements: list[Element] = []
    ids: dict[URIRef, str] = {}
    nodes = []
    for cls, kind in CLASS_KINDS.items():
        for node in graph.subjects(RDF.type, cls):
            if (node, SK.inDocument, doc) in graph and node not in ids:
                ids[node] = f"{kind}-{len(ids)}"
                nodes.append((node, kind))
    for node, kind in nodes:
        owners = [Owner(str(graph.value(a, RDFS.label)), "role") for a in graph.objects(node, SK.responsible)]
        parent = graph.value(node, SK.contributesTo)
        elements.append(
            Element(
                id=ids[node],
                kind=kind,
                text=str(graph.value(node, RDFS.label)),
                block=0,
                char_start=int(graph.value(node, SK.charStart) or 0),
                char_end=int(graph.value(node, SK.charEnd) or 0),
                page=None,
                parent=ids.get(parent) if parent is not None else None,
                owners=owners,
                deadline=str(graph.value(node, SK.deadline)) if graph.value(node, SK.deadline) else None,
                frequency=str(graph.value(node, SK.frequency)) if graph.value(node, SK.frequency) else None,
            )
        )
    elements.sort(key=lambda e: e.char_start)
    return PlanExtraction(elements=elements)


def _context(use_model: bool):
    """The build context as `styrkedja add` makes it: with the search model's passage embedding for the plan
    classifier, or without (as a --no-model build)."""
    from dataclasses import replace

    context = load_context(Store(ROOT / ".eval-store-unused"))
    if not use_model:
        return context
    from search.model import embed_passages

    return replace(context, embed=lambda texts: embed_passages(list(texts)))


def evaluate(pairs: list[tuple[Path, dict]], manifest: dict, use_model: bool = True) -> dict:
    """Score every (file, gold) pair; return the report."""
    context = _context(use_model)
    legal, sdg, items = Counts(), Counts(), Counts()
    organisations = []
    plan_reports = []
    for path, gold in pairs:
        doc = read_document(path, known=manifest.get(path.name))
        graph = build_document_graph(doc, context)
        iri = document_iri(doc.source_file)
        cited, wanted = graph_provisions(graph, iri), gold_provisions(gold)
        legal.add_sets(collapse_law_only(cited), collapse_law_only(wanted), path.name)
        sdg.add_sets(graph_sdg(graph, iri), gold_sdg(gold), path.name)
        score_agenda_items(graph_agenda_items(graph, iri), gold["agenda_items"], items, path.name)
        plan_reports.append(score_plan(gold, plan_from_graph(graph, iri)))
        label, kod = graph_organisation(graph, iri)
        organisations.append(
            {
                "file": path.name,
                "organisation": label,
                "expected": gold["organisation"],
                "kommunkod": kod,
                "expected_kommunkod": gold.get("kommunkod"),
                "right": normalise(label) == normalise(gold["organisation"]) and kod == gold.get("kommunkod"),
            }
        )
    return {
        "legal_references": legal.scores() | {"misses": legal.misses},
        "sdg_mentions": sdg.scores() | {"misses": sdg.misses},
        "agenda_items": items.scores() | {"misses": items.misses},
        "plan": combine(plan_reports),
        "organisation": {
            "right": sum(o["right"] for o in organisations),
            "documents": len(organisations),
            "details": organisations,
        },
    }


def corpus_pairs() -> list[tuple[Path, dict]]:
    """The corpus files with their gold (matched by the number prefix)."""
    golds = {p.name[:3]: json.loads(p.read_text("utf-8")) for p in GOLD.glob("*.json")}
    files = sorted(p for p in CORPUS.iterdir() if p.suffix in (".pdf", ".txt", ".md"))
    return [(p, golds[p.name[:3]]) for p in files if p.name[:3] in golds]


def seed_pairs() -> list[tuple[Path, dict]]:
    """The seed texts with their gold."""
    return [
        (SEEDS / json.loads(p.read_text("utf-8"))["file"], json.loads(p.read_text("utf-8")))
        for p in sorted(GOLD.glob("*.json"))
    ]


def evaluate_real_dev(real_dev: Path, use_model: bool = True) -> dict:
    """Read every real-dev document as the store would, export the graphs and score them per document.

    Nothing is tuned here. Read errors and failed extraction stages are reported per file; a document that
    could not be read scores zero (the scorer counts a missing gold document as nothing found).
    """
    import tempfile

    from rdflib import Dataset

    from graph.iris import ONTOLOGY_GRAPH, document_graph
    from graph.rdf import build_document
    from ingest.model import IngestError
    from ontology import load_ontology

    scorer = outside_scorer.load(real_dev)
    context = _context(use_model)
    dataset = Dataset()
    dataset.graph(ONTOLOGY_GRAPH).__iadd__(load_ontology())  # the document types' notations, as in an export
    problems: dict[str, list[str]] = {}
    plan_elements_in_protocols: dict[str, int] = {}
    files = sorted(p for p in (real_dev / "docs").iterdir() if p.suffix.lower() in (".pdf", ".txt", ".md"))
    for path in files:
        try:
            doc = read_document(path)
        except IngestError as error:
            problems[path.name] = [f"read: {error.problem}"]
            continue
        built = build_document(doc, context)
        if built.failures:
            problems[path.name] = [f"{f.stage}: {f.error}" for f in built.failures]
        named = dataset.graph(document_graph(doc.source_file))
        for triple in built.graph:
            named.add(triple)
        if doc.metadata.kind == "protokoll":
            plan_elements_in_protocols[path.name] = sum(
                1 for cls in (SK.Goal, SK.PriorityArea, SK.Vision, SK.Strategy, SK.Activity)
                for _ in built.graph.subjects(RDF.type, cls)
            )
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "real-dev.nq"
        export.write_bytes(dataset.serialize(format="nquads", encoding="utf-8"))
        ds = scorer.load(str(export))
    gold_files = (real_dev / "gold").glob("*.json")
    gold = {p.name.split("_")[0]: json.loads(p.read_text("utf-8")) for p in gold_files}
    per_doc: dict[str, dict] = {}
    for doc_iri, source in scorer.doc_views(ds).items():
        key = source.split("_")[0]
        if key in gold and key not in per_doc:
            per_doc[key] = scorer.score_doc(ds, doc_iri, gold[key])
    for key in sorted(set(gold) - set(per_doc)):
        per_doc[key] = scorer.score_doc(ds, URIRef("urn:missing:" + key), gold[key])
    return {
        "aggregate": scorer.aggregate(per_doc),
        "per_document": {key: _compact(gold[key]["file"], per_doc[key]) for key in sorted(per_doc)},
        "scores": {key: per_doc[key] for key in sorted(per_doc)},  # the scorer's own per-document output
        "failures": problems,
        "plan_elements_in_protocols": plan_elements_in_protocols,
    }


def _compact(name: str, scores: dict) -> dict:
    """One line's worth of a document's scores: F1 and counts per measure, and the metadata checks."""
    out: dict = {"file": name}
    for key in ("legal", "agenda_items", "goals", "strategies", "activities"):
        part = scores[key]
        if part["gold"] or part["pred"]:
            out[key] = f"{part['f1']:.2f} ({part['tp']}/{part['pred']}/{part['gold']})"
    items = scores["agenda_items"]
    if items["tp"]:
        out["agenda_items"] += f" dnr {items['dnr_ok']}/{items['tp']} title {items['title_ok']}/{items['tp']}"
    for key in ("owners", "deadlines"):
        if scores[key]["n"]:
            out[key] = f"{scores[key]['ok']}/{scores[key]['n']}"
    org = scores["org_ok"] and scores["kommunkod_ok"]
    out.update(kind=scores["kind_ok"], org=org, body=scores["body_ok"])
    return out


def main() -> None:
    """Print the evaluation report (JSON)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="JSON output (the default)")
    parser.add_argument("--only", choices=["corpus", "seeds"])
    parser.add_argument("--no-misses", action="store_true", help="leave out the lists of misses")
    parser.add_argument(
        "--no-model", action="store_true", help="build without the embedding model (as --no-model builds)"
    )
    parser.add_argument(
        "--real-dev",
        type=Path,
        nargs="?",
        const=ROOT.parent / "shared" / "real-dev",
        help="score real documents (DIR/docs, DIR/gold) with the outside scorer (default ../shared/real-dev)",
    )
    args = parser.parse_args()
    if args.real_dev is not None:
        if not (args.real_dev / "docs").is_dir():
            parser.error(f"{args.real_dev}: no docs/ folder of real documents there")
        report = evaluate_real_dev(args.real_dev, not args.no_model)
        if args.no_misses:
            report.pop("scores")
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    manifest = load_manifest(CORPUS / "manifest.toml")
    report = {}
    if args.only in (None, "corpus"):
        report["corpus"] = evaluate(corpus_pairs(), manifest, not args.no_model)
    if args.only in (None, "seeds"):
        report["seeds"] = evaluate(seed_pairs(), {}, not args.no_model)
    if args.no_misses:
        for part in report.values():
            for value in part.values():
                if isinstance(value, dict):
                    value.pop("misses", None)
                    value.pop("details", None)
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
