"""Snapshot of the plan extraction of every development and real-dev document, as sorted JSON.

A regression net for refactoring graph/plan: the snapshot before and after must be byte-equal. For every
file of corpus/, tests/data/seeds/, the constructed plan fixtures (tests/fixtures/plan, plan_holdout,
plan_genre) and ../shared/real-dev/docs/ (when present) it records three readings:

- ``rules``: the cue rules alone (``graph.plan.extract.rule_extraction``);
- ``structure``: ``extract_plan`` without embeddings (a ``--no-model`` build);
- ``embed``: ``extract_plan`` with the search model's passage embedding (what ``styrkedja add`` does).

Each lists the elements (id, kind, text, block, span, page, parent, addresses, owners, deadline, due date,
frequency), whether the plan structure was read and the actors. Documents are read as the store reads them
(corpus files with their manifest, seeds and real-dev files without) with the reference date the graph
builder uses (``graph.rdf.document_date``). Parsed documents and embeddings are cached (pickles under
``--cache``, outside the repository) so that a change elsewhere in ingestion does not move the snapshot and a
second run needs no model; ``--fresh`` reads and embeds again.

Run: .venv/bin/python benchmarks/snapshot_plan.py --out /tmp/plan-before.json [--no-model] [--fresh]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import pickle
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.plan import PlanExtraction, extract_plan  # noqa: E402
from graph.plan.extract import rule_extraction  # noqa: E402
from graph.rdf import document_date  # noqa: E402
from ingest.metadata import load_manifest  # noqa: E402
from ingest.model import ParsedDocument  # noqa: E402
from ingest.reader import read_document  # noqa: E402

log = logging.getLogger("snapshot_plan")

SUFFIXES = (".pdf", ".txt", ".md")
REAL_DEV = ROOT.parent / "shared" / "real-dev" / "docs"


def document_files() -> list[tuple[str, Path]]:
    """(set name, path) of every document to snapshot, sorted within each set."""
    fixtures = ROOT / "tests" / "fixtures"
    sets = [
        ("corpus", ROOT / "corpus"),
        ("seeds", ROOT / "tests" / "data" / "seeds"),
        *((f"fixtures-{name}", fixtures / name) for name in ("plan", "plan_holdout", "plan_genre")),
        ("real-dev", REAL_DEV),
    ]
    out = []
    for name, folder in sets:
        if folder.is_dir():
            out += [(name, p) for p in sorted(folder.iterdir()) if p.suffix.lower() in SUFFIXES]
    return out


def read_cached(set_name: str, path: Path, cache: Path, fresh: bool) -> ParsedDocument:
    """The parsed document, from the cache unless ``fresh`` (corpus files with their manifest)."""
    pickled = cache / "docs" / f"{set_name}-{path.name}.pickle"
    if pickled.is_file() and not fresh:
        return pickle.loads(pickled.read_bytes())
    known = None
    if set_name == "corpus":
        known = load_manifest(path.parent / "manifest.toml").get(path.name)
    doc = read_document(path, known=known)
    pickled.parent.mkdir(parents=True, exist_ok=True)
    pickled.write_bytes(pickle.dumps(doc))
    return doc


class CachedEmbedding:
    """The search model's passage embedding, remembered per text (so a second run needs no model)."""

    def __init__(self, file: Path, fresh: bool):
        self.file = file
        self.vectors: dict[str, np.ndarray] = {}
        if file.is_file() and not fresh:
            self.vectors = pickle.loads(file.read_bytes())
        self.changed = False

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Rows for the texts; missing ones are embedded together, in the order given."""
        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        missing = [(k, t) for k, t in zip(keys, texts, strict=True) if k not in self.vectors]
        if missing:
            from search.model import embed_passages  # noqa: PLC0415

            rows = embed_passages([t for _, t in dict(missing).items()])
            for (k, _t), row in zip(dict(missing).items(), rows, strict=True):
                self.vectors[k] = np.asarray(row, dtype=np.float32)
            self.changed = True
        return np.vstack([self.vectors[k] for k in keys]) if keys else np.zeros((0, 384), np.float32)

    def save(self) -> None:
        """Write the remembered vectors back when new ones were made."""
        if self.changed:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            self.file.write_bytes(pickle.dumps(self.vectors))


def as_json(extraction: PlanExtraction) -> dict:
    """A plan extraction as plain data (elements in their order, actors, whether the structure was read)."""
    return {
        "elements": [asdict(e) for e in extraction.elements],
        "actors": asdict(extraction.actors),
        "structure_read": extraction.structure_read,
        "unread_reason": extraction.unread_reason,
    }


def snapshot(cache: Path, fresh: bool, use_model: bool) -> dict:
    """Every document's readings (rules, structure, embed) keyed by "set/file name"."""
    embed: Callable[[Sequence[str]], np.ndarray] | None = None
    cached = CachedEmbedding(cache / "embeddings.pickle", fresh) if use_model else None
    embed = cached
    out = {}
    for set_name, path in document_files():
        log.info("snapshot %s/%s", set_name, path.name)
        doc = read_cached(set_name, path, cache, fresh)
        reference = document_date(doc)
        readings = {
            "rules": as_json(rule_extraction(doc, reference)),
            "structure": as_json(extract_plan(doc, reference_date=reference, embed=None)),
        }
        if embed is not None:
            readings["embed"] = as_json(extract_plan(doc, reference_date=reference, embed=embed))
        out[f"{set_name}/{path.name}"] = readings
    if cached is not None:
        cached.save()
    return out


def main() -> None:
    """Write the snapshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/styrkedja-snapshot-cache"))
    parser.add_argument("--no-model", action="store_true", help="skip the embedding reading")
    parser.add_argument("--fresh", action="store_true", help="read and embed again, ignoring the cache")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    data = snapshot(args.cache, args.fresh, not args.no_model)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    log.info("%d documents -> %s", len(data), args.out)


if __name__ == "__main__":
    main()
