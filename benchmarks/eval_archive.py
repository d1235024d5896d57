"""The explorer on a real archive (issue 12): real-dev plus a renamed copy of one file, built as `add` does.

Builds a store of ``../shared/real-dev/docs`` and a renamed copy of one of its files (in a temporary folder),
with the model, exactly as ``styrkedja add`` does, and prints JSON:

- ``body``: the issuing body right, per document and in all (the outside scorer's ``body`` score);
- ``documents``: manifest entries and distinct ``sk:Document`` nodes in the store (16 expected once
  identical files are one document), and which files share a document;
- ``bodies``: per issuing body, from the protocols (SPARQL): meetings, distinct members (``sk:participant``),
  members of the latest meeting, agenda items, items with a decision (``sk:AgendaItem``/``sk:decision``);
- ``history``: every plan with several versions (real-dev: the styrkort 2017, 2018, 2019–2022), per step
  kept / reworded / added / dropped with the labels, pages and scores; with ``--labels FILE`` (hand labels
  in the format of search/data/history_pairs.toml plus ``from`` / ``to``, the leading numbers of the two
  files; kept outside the repository) each step is checked: pairs right, labelled pairs missed, added and
  dropped right.

Skips (exit 0, one sentence on stderr) when the real-dev folder is missing. ``--store DIR`` builds into (or
reuses) a folder instead of a temporary one; unchanged files are skipped there, as ``add`` skips them.

Run: .venv/bin/python benchmarks/eval_archive.py [--real-dev DIR] [--store DIR] [--copy FILE] [--labels FILE]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import outside_scorer  # noqa: E402

log = logging.getLogger("benchmarks.eval_archive")

DEFAULT_REAL_DEV = Path(os.environ.get("STYRKEDJA_REAL_DEV") or ROOT.parent / "shared" / "real-dev")
COPY_PREFIX = "kopia av "

BODIES_QUERY = """
PREFIX sk: <https://w3id.org/styrkedja/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?body ?meeting ?date ?person ?item ?decision WHERE {
  ?meeting a sk:Meeting ; sk:inDocument ?doc .
  OPTIONAL { ?meeting sk:body/rdfs:label ?mbody }
  OPTIONAL { ?doc sk:issuedBy/rdfs:label ?dbody }
  BIND(COALESCE(?mbody, ?dbody, "(okänt organ)") AS ?body)
  OPTIONAL { ?meeting dcterms:date ?date }
  OPTIONAL { ?meeting sk:participant/rdfs:label ?person }
  OPTIONAL { ?meeting sk:hasItem ?item . OPTIONAL { ?item sk:decision ?decision } }
}
"""


def build(store_folder: Path, files: list[Path]):
    """Add the files to the store with the model, as `styrkedja add` does; return the store and the report."""
    from app.pipeline import Services, add_files
    from graph.store import Store

    store = Store(store_folder)
    report = add_files(store, files, services=Services(store))
    return store, report


def body_scores(store, real_dev: Path) -> dict:
    """The outside scorer's body check per gold document, and how many are right."""
    from ontology import SK

    scorer = outside_scorer.load(real_dev)
    gold_files = (real_dev / "gold").glob("*.json")
    gold = {p.name.split("_")[0]: json.loads(p.read_text("utf-8")) for p in gold_files}
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "store.nq"
        export.write_bytes(store.dataset().serialize(format="nquads", encoding="utf-8"))
        ds = scorer.load(str(export))
    per_doc = {}
    views = scorer.doc_views(ds)  # one file name per document; a document with two names: every name counts
    names = [(doc, str(name)) for doc in views for name in ds.objects(doc, SK.sourceFile)]
    for doc_iri, source in names or views.items():
        key = source.split("_")[0]
        if key in gold and key not in per_doc:
            scores = scorer.score_doc(ds, doc_iri, gold[key])
            per_doc[key] = {"file": gold[key]["file"], "gold": gold[key].get("body"),
                            "found": scores["body_pred"], "right": scores["body_ok"]}
    scored = [d for d in per_doc.values() if d["right"] is not None]
    return {"right": sum(1 for d in scored if d["right"]), "of": len(scored),
            "per_document": dict(sorted(per_doc.items()))}


def document_counts(store) -> dict:
    """Manifest entries, distinct sk:Document nodes, and the documents with more than one file name."""
    from rdflib import RDF

    from ontology import SK

    dataset = store.dataset()
    documents = set(dataset.subjects(RDF.type, SK.Document))
    names = {str(d): sorted(str(f) for f in dataset.objects(d, SK.sourceFile)) for d in documents}
    return {"manifest_entries": len(store.documents()), "documents": len(documents),
            "several_names": {d: n for d, n in names.items() if len(n) > 1}}


def bodies(store) -> dict:
    """Per issuing body: meetings, distinct members, members of the latest meeting, items, decisions."""
    from graph.sparql import run_query

    rows = run_query(store.dataset(), BODIES_QUERY)
    found: dict[str, dict] = {}
    for body, meeting, date, person, item, decision in rows:
        entry = found.setdefault(
            str(body), {"meetings": {}, "members": set(), "items": set(), "decisions": set()})
        people = entry["meetings"].setdefault(
            str(meeting), {"date": str(date) if date else None, "people": set()})
        if person is not None:
            people["people"].add(str(person))
            entry["members"].add(str(person))
        if item is not None:
            entry["items"].add(str(item))
            if decision is not None:
                entry["decisions"].add(str(item))
    out = {}
    for body, entry in sorted(found.items()):
        meetings = sorted(entry["meetings"].values(), key=lambda m: m["date"] or "")
        out[body] = {
            "meetings": len(meetings),
            "meeting_dates": [m["date"] for m in meetings],
            "members": len(entry["members"]),
            "members_latest_meeting": len(meetings[-1]["people"]) if meetings else 0,
            "agenda_items": len(entry["items"]),
            "decisions": len(entry["decisions"]),
        }
    return out


def load_labels(path: Path | None) -> list[dict]:
    """Hand-labelled steps (series with ``from`` and ``to``), or none."""
    if path is None:
        return []
    return tomllib.loads(path.read_text("utf-8"))["series"]


def check_step(change: dict, labelled: dict) -> dict:
    """Compare one step of the history with its hand labels (by normalised label text)."""
    from search.history import normalise

    before = [normalise(t) for t in labelled["before"]]
    after = [normalise(t) for t in labelled["after"]]
    same = {(before[i], after[j]) for i, j in labelled["same"]}
    pairs = [(normalise(p["before"]["label"]), normalise(p["after"]["label"]))
             for p in change["kept"] + change["reworded"]]
    right = [p for p in pairs if p in same]
    same_before, same_after = {b for b, _ in same}, {a for _, a in same}
    dropped = [normalise(e["label"]) for e in change["dropped"]]
    added = [normalise(e["label"]) for e in change["added"]]
    return {
        "pairs": len(pairs), "pairs_right": len(right), "labelled_pairs": len(same),
        "labelled_pairs_missed": len(same - set(pairs)),
        "dropped": len(dropped), "dropped_right": sum(1 for d in dropped if d not in same_before),
        "added": len(added), "added_right": sum(1 for a in added if a not in same_after),
    }


def _key(file_name: str) -> str:
    return file_name.split("_")[0]


def history(store, labels: list[dict]) -> dict:
    """Every plan with several versions: its steps (search.history JSON, compact) and the hand check."""
    from graph.chain import ChainGraph
    from graph.versions import series_of
    from search.history import build_history, history_json
    from search.model import embed_queries

    chain = ChainGraph(store.dataset())
    result = history_json(build_history(chain, series_of(chain), embed_queries))
    by_step = {(s["from"], s["to"]): s for s in labels}

    def element(e: dict) -> str:
        return f"{e['label']} (s. {e['page']})" if e.get("page") is not None else e["label"]

    steps = []
    for change in result["changes"]:
        step = {
            "from": change["from_file"], "to": change["to_file"], "compared": change["compared"],
            "counts": {k: len(change[k]) for k in ("kept", "reworded", "added", "dropped")},
            "kept": [element(p["after"]) for p in change["kept"]],
            "reworded": [{"before": element(p["before"]), "after": element(p["after"]), "score": p["score"]}
                         for p in change["reworded"]],
            "added": [element(e) for e in change["added"]],
            "dropped": [element(e) for e in change["dropped"]],
        }
        labelled = by_step.get((_key(change["from_file"]), _key(change["to_file"])))
        if labelled is not None:
            step["hand_check"] = check_step(change, labelled)
        steps.append(step)
    checked = [s["hand_check"] for s in steps if "hand_check" in s]
    summary = {k: sum(c[k] for c in checked) for k in checked[0]} if checked else None
    return {"threshold": result["threshold"], "method": result["method"],
            "versions": [{"file": v["source_file"], "title": v["title"], "period": v["period"],
                          "series": v["series"]} for v in result["versions"]],
            "steps": steps, "hand_check": summary}


def main() -> int:
    """Build, measure, print JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--real-dev", type=Path, default=DEFAULT_REAL_DEV)
    parser.add_argument("--store", type=Path, help="build into (or reuse) this store folder")
    parser.add_argument("--copy", help="the file to add again under another name (default: the first one)")
    parser.add_argument(
        "--labels", type=Path, help="hand labels of the history steps (kept outside the repository)"
    )
    parser.add_argument("--json", action="store_true", help="JSON output (the default)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    docs = args.real_dev / "docs"
    if not docs.is_dir():
        print(f"eval_archive: skipped: {docs} is missing (the real documents are not here)", file=sys.stderr)
        return 0
    files = sorted(p for p in docs.iterdir() if p.suffix.lower() in (".pdf", ".txt", ".md"))
    original = next((p for p in files if p.name == args.copy), None) if args.copy else files[0]
    if original is None:
        print(f"eval_archive: {args.copy}: no such file in {docs}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / (COPY_PREFIX + original.name)
        shutil.copyfile(original, copy)
        store_folder = args.store or Path(work) / "store"
        store, report = build(store_folder, [*files, copy])
        output = {
            "real_dev": str(args.real_dev),
            "store": str(store_folder) if args.store else "(temporary)",
            "copied": {"file": original.name, "as": copy.name},
            "added": len(report.added), "unchanged": len(report.unchanged),
            "errors": [str(e) for e in report.errors],
            "failed_stages": {name: [f.stage for f in fails] for name, fails in report.partial.items()},
            "body": body_scores(store, args.real_dev),
            "documents": document_counts(store),
            "bodies": bodies(store),
            "history": history(store, load_labels(args.labels)),
        }
    print(json.dumps(output, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
