"""A goal's history: how a plan's goals and focus areas changed between its versions (`styrkedja history`).

For each step between consecutive versions of a plan (graph/versions.py), the goals, priority areas and
visions of the two are matched one to one:

- **kept**: the same text after normalisation (case, whitespace, list markers, end punctuation);
- **reworded**: the rest are matched by meaning — their labels embedded with multilingual-e5-small
  (symmetric "query: " prefixes, as search/alignment.py does), pairs taken greedily by score, best first,
  each element at most once, while the score reaches the calibrated threshold (and, when the calibration
  says so, only pairs that are each other's best match among all elements of the two versions);
- **added** / **dropped**: what is left on the newer / older side.

The threshold and the score are calibrated on constructed version pairs (search/data/history_pairs.toml) by
benchmarks/calibrate_history.py, which writes search/data/history_calibration.json. :func:`match` is pure
(vectors in, indices out); :func:`build_history` takes the embedding function as a parameter.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from graph.chain import ChainGraph
from graph.versions import Series, Version, series_for

log = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data"
CALIBRATION_FILE = DATA / "history_calibration.json"
GOAL_TYPES = ("Vision", "PriorityArea", "Goal")  # what the history follows (the scorer's "goals")

Embed = Callable[[Sequence[str]], np.ndarray]


# --- calibration and matching (pure) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    """How pairs are scored and where the threshold lies."""

    method: str  # "cosine" | "csls"
    threshold: float
    neighbours: int = 2  # CSLS: how many nearest neighbours make an element's hubness
    mutual: bool = False  # a reworded pair must also be each other's best match among all elements


def load_calibration(path: Path = CALIBRATION_FILE) -> Calibration:
    """Read the calibrated method and threshold."""
    data = json.loads(path.read_text("utf-8"))
    return Calibration(data["method"], float(data["threshold"]), int(data.get("neighbours", 2)),
                       bool(data.get("mutual", False)))


_MARKER = re.compile(r"^\s*(?:[•·▪●○◦\-–—*✓]|\(?\d+[.)]|\(?[a-zåäö][.)])\s+", re.IGNORECASE)


def normalise(text: str) -> str:
    """Text for the "kept" test: NFKC, case folded, no list marker, one space, no end punctuation."""
    text = unicodedata.normalize("NFKC", text)
    text = _MARKER.sub("", text)
    text = text.replace("–", "-").replace("—", "-")
    return " ".join(text.casefold().split()).rstrip(" .;:!,")


def score_matrix(before: np.ndarray, after: np.ndarray, method: str, neighbours: int = 2) -> np.ndarray:
    """Scores of every older element against every newer one (rows: before; vectors are normalised).

    ``cosine`` is the plain cosine. ``csls`` (cross-domain similarity local scaling) subtracts each side's
    mean cosine to its ``neighbours`` nearest on the other side, so an element that is close to everything
    (a short, generic heading) does not win every pair: 2·cos − r_before − r_after.
    """
    cosines = np.asarray(before, dtype=np.float32) @ np.asarray(after, dtype=np.float32).T
    if method == "cosine" or cosines.size == 0:
        return cosines
    if method == "csls":
        k_rows, k_cols = min(neighbours, cosines.shape[1]), min(neighbours, cosines.shape[0])
        r_before = np.sort(cosines, axis=1)[:, -k_rows:].mean(axis=1, keepdims=True)
        r_after = np.sort(cosines, axis=0)[-k_cols:, :].mean(axis=0, keepdims=True)
        return 2 * cosines - r_before - r_after
    raise ValueError(f"unknown history method {method!r}")


@dataclass
class Matching:
    """Indices of a matching between two versions' elements."""

    kept: list[tuple[int, int]] = field(default_factory=list)
    reworded: list[tuple[int, int, float]] = field(default_factory=list)
    added: list[int] = field(default_factory=list)  # indices into after
    dropped: list[int] = field(default_factory=list)  # indices into before


def match_kept(before: Sequence[str], after: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs whose normalised texts are equal, one to one, in order."""
    free: dict[str, list[int]] = {}
    for j, text in enumerate(after):
        free.setdefault(normalise(text), []).append(j)
    pairs = []
    for i, text in enumerate(before):
        slots = free.get(normalise(text))
        if slots:
            pairs.append((i, slots.pop(0)))
    return pairs


def greedy_pairs(scores: np.ndarray, threshold: float) -> list[tuple[int, int, float]]:
    """One-to-one pairs taken best score first while the score reaches the threshold."""
    pairs: list[tuple[int, int, float]] = []
    if scores.size == 0:
        return pairs
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    order = np.argsort(-scores, axis=None, kind="stable")
    for flat in order:
        i, j = divmod(int(flat), scores.shape[1])
        if scores[i, j] < threshold:
            break
        if i in used_rows or j in used_cols:
            continue
        used_rows.add(i)
        used_cols.add(j)
        pairs.append((i, j, float(scores[i, j])))
    return pairs


def mutual_best(scores: np.ndarray, i: int, j: int) -> bool:
    """Whether i and j are each other's best match (over every element of both versions, kept ones too)."""
    return int(np.argmax(scores[i])) == j and int(np.argmax(scores[:, j])) == i


def match(
    before: Sequence[str],
    after: Sequence[str],
    before_vectors: np.ndarray,
    after_vectors: np.ndarray,
    calibration: Calibration,
) -> Matching:
    """Match two versions' element labels: kept by text, reworded by score, the rest added or dropped."""
    kept = match_kept(before, after)
    rest_b = [i for i in range(len(before)) if i not in {i for i, _ in kept}]
    rest_a = [j for j in range(len(after)) if j not in {j for _, j in kept}]
    reworded: list[tuple[int, int, float]] = []
    if rest_b and rest_a:
        # Scores against every element of the other side (kept ones too: they make the neighbourhood).
        scores = score_matrix(before_vectors, after_vectors, calibration.method, calibration.neighbours)
        sub = scores[np.ix_(rest_b, rest_a)]
        reworded = [(rest_b[i], rest_a[j], s) for i, j, s in greedy_pairs(sub, calibration.threshold)]
        if calibration.mutual:
            reworded = [p for p in reworded if mutual_best(scores, p[0], p[1])]
    matched_b = {i for i, _ in kept} | {i for i, _, _ in reworded}
    matched_a = {j for _, j in kept} | {j for _, j, _ in reworded}
    return Matching(
        kept=kept,
        reworded=sorted(reworded, key=lambda p: p[0]),
        added=[j for j in range(len(after)) if j not in matched_a],
        dropped=[i for i in range(len(before)) if i not in matched_b],
    )


# --- the history of an organisation's plans -----------------------------------------------------------------


@dataclass(frozen=True)
class Element:
    """A goal, priority area or vision of one version, with its evidence."""

    iri: str
    type: str
    label: str
    quote: str | None
    page: int | None


@dataclass
class Change:
    """What changed from one version to the next."""

    before: Version
    after: Version
    kept: list[tuple[Element, Element]] = field(default_factory=list)
    reworded: list[tuple[Element, Element, float]] = field(default_factory=list)
    added: list[Element] = field(default_factory=list)
    dropped: list[Element] = field(default_factory=list)

    @property
    def compared(self) -> bool:
        """Whether both versions' plan structure was read (else nothing is said about their goals)."""
        return self.before.structure_read and self.after.structure_read


@dataclass
class History:
    """The versions of an organisation's plans and the changes between consecutive ones."""

    query: str
    series: list[Series]
    changes: list[Change]
    calibration: Calibration

    @property
    def organisation(self) -> str | None:
        """The organisation's name (of its longest series)."""
        return self.series[0].organisation if self.series else None


def elements_of(chain: ChainGraph, document: str) -> list[Element]:
    """A version's goals, priority areas and visions, in reading order (page, then IRI order)."""
    found = []
    for node in chain.elements(document=document, types=GOAL_TYPES):
        if not node.label:
            continue
        quote, page, _ = chain.quote(node.iri)
        found.append(Element(node.iri, node.type, node.label, quote, page))
    return sorted(found, key=lambda e: e.page if e.page is not None else 10**6)


def compare_versions(
    chain: ChainGraph, before: Version, after: Version, embed: Embed, calibration: Calibration
) -> Change:
    """The change from one version to the next (nothing listed when either's structure was not read)."""
    change = Change(before, after)
    if not change.compared:
        return change
    old, new = elements_of(chain, before.document), elements_of(chain, after.document)
    labels = [e.label for e in old] + [e.label for e in new]
    vectors = np.asarray(embed(labels), dtype=np.float32) if labels else np.zeros((0, 0), np.float32)
    found = match([e.label for e in old], [e.label for e in new], vectors[: len(old)], vectors[len(old):],
                  calibration)
    change.kept = [(old[i], new[j]) for i, j in found.kept]
    change.reworded = [(old[i], new[j], score) for i, j, score in found.reworded]
    change.added = [new[j] for j in found.added]
    change.dropped = [old[i] for i in found.dropped]
    return change


def build_history(
    chain: ChainGraph,
    series: list[Series],
    embed: Embed,
    calibration: Calibration | None = None,
    query: str = "",
) -> History:
    """The history of some plan series (graph.versions); series of one version are left out."""
    calibration = calibration or load_calibration()
    series = [s for s in series if len(s.versions) >= 2]
    changes = []
    for one in series:
        for before, after in zip(one.versions, one.versions[1:], strict=False):
            log.info("history: %s → %s", before.source_file, after.source_file)
            changes.append(compare_versions(chain, before, after, embed, calibration))
    return History(query, series, changes, calibration)


def history_for(
    chain: ChainGraph, query: str, embed: Embed, calibration: Calibration | None = None
) -> History:
    """The history of the organisation a user named (name, kommunkod or body)."""
    return build_history(chain, series_for(chain, query), embed, calibration, query)


# --- output ------------------------------------------------------------------------------------------------


def element_json(element: Element) -> dict:
    """An element as JSON: iri, type, label, quote, page."""
    return {"iri": element.iri, "type": element.type, "label": element.label, "quote": element.quote,
            "page": element.page}


def version_json(version: Version, series: Series) -> dict:
    """A version as JSON."""
    return {"document": version.document, "source_file": version.source_file, "title": version.title,
            "period": version.period, "date": version.date, "kind": version.kind, "series": series.name,
            "body": version.body, "structure_read": version.structure_read}


def change_json(change: Change) -> dict:
    """A change as JSON (the contract's kept / reworded / added / dropped)."""
    return {
        "from": change.before.document,
        "to": change.after.document,
        "from_file": change.before.source_file,
        "to_file": change.after.source_file,
        "compared": change.compared,
        "kept": [{"before": element_json(a), "after": element_json(b)} for a, b in change.kept],
        "reworded": [{"before": element_json(a), "after": element_json(b), "score": round(s, 4)}
                     for a, b, s in change.reworded],
        "added": [element_json(e) for e in change.added],
        "dropped": [element_json(e) for e in change.dropped],
    }


def history_json(history: History) -> dict:
    """`styrkedja history --json`."""
    return {
        "organisation": history.organisation,
        "organisations": sorted({s.organisation for s in history.series if s.organisation}),
        "query": history.query,
        "versions": [version_json(v, s) for s in history.series for v in s.versions],
        "changes": [change_json(c) for c in history.changes],
        "threshold": history.calibration.threshold,
        "method": history.calibration.method,
    }


def _where(element: Element) -> str:
    return f" (s. {element.page})" if element.page is not None else ""


def render_history(history: History) -> str:
    """The history as readable text (Swedish, as the explorer speaks)."""
    lines = [f"Historik för {history.organisation or history.query}"]
    for series in history.series:
        lines.append(f"\n{series.name}" + (f" — {series.body}" if series.body else ""))
        for version in series.versions:
            when = version.period or version.date or "okänd tid"
            note = "" if version.structure_read else "  [planens struktur kunde inte läsas]"
            lines.append(f"  {when}: {version.title} ({version.source_file}){note}")
    for change in history.changes:
        lines.append(f"\n{change.before.title} ({change.before.source_file}) → "
                     f"{change.after.title} ({change.after.source_file})")
        if not change.compared:
            lines.append("  Planens struktur kunde inte läsas i en av versionerna: inget jämfört.")
            continue
        lines.append(f"  Kvar ({len(change.kept)}):")
        lines += [f"    = {b.label}{_where(b)}" for _, b in change.kept]
        lines.append(f"  Omformulerat ({len(change.reworded)}):")
        for a, b, score in change.reworded:
            lines.append(f"    ~ {a.label}{_where(a)}\n      → {b.label}{_where(b)}  [{score:.2f}]")
        lines.append(f"  Nytt ({len(change.added)}):")
        lines += [f"    + {e.label}{_where(e)}" for e in change.added]
        lines.append(f"  Borttaget ({len(change.dropped)}):")
        lines += [f"    - {e.label}{_where(e)}" for e in change.dropped]
    return "\n".join(lines)


# --- from the store, reading only the organisation's plans -------------------------------------------------


def store_chain(store, query: str) -> ChainGraph:
    """The chain of only the stored documents that can be versions of the named organisation's plans.

    The profile index (graph.profiles) names them by query: documents of a plan kind whose publisher or body
    has a name (or kommunkod) the query matches. Their graphs are read, with the reference graphs and every
    name the store gives their publishers and bodies, so graph.versions sees them as over the whole store.
    """
    from graph.analyses import reference_graph, union
    from graph.profiles import ProfileIndex, label_graph, read_graph
    from graph.versions import settings

    index = ProfileIndex(store)
    try:
        files = index.plan_documents(query, settings()["plan_kinds"])
        labels, codes = index.names_of(index.agents(files))
        graphs = [read_graph(store.folder / f, index.entries[f].graph) for f in files]
    finally:
        index.close()
    log.info("history: %d of %d documents may be %s's plans", len(files), len(index.entries), query)
    return ChainGraph(union([*graphs, label_graph(labels, codes), reference_graph(store.reference_dir())]))
