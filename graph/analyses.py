"""Per-document analyses: what `gaps` and `trace` need, computed at ingest so no command loads the world.

:func:`analyse_document` is pure: one document's named graph plus the reference graphs (skollagen, Agenda
2030, kommuner, the ontology) give a :class:`DocumentAnalysis` — the document's gaps of every kind that
depends on it alone, the unread flag with its reason, the dated candidates of ``deadline_passed`` (judged at
query time, against a day and the later documents of the same publisher), the passages that could report a
follow-up (those with a follow-up cue), the nodes of its chain with their type and label (to resolve a node by
label), and the document's chain projection (graph.chain.ChainGraph.projection), so that a trace reads only
the analyses of the documents it touches, and no RDF. Gaps are computed by graph/gaps.py's own rules over the
document and the reference graphs: the same rules, the same output, as over the whole store.

An analysis is a JSON file beside its TriG file (``graphs/<stem>.analysis.json``), written atomically before
the manifest that points to the graph changes, and swept with the graph. It carries :func:`rules_version` (a
digest of the gap and chain rules and their data); one that is stale or missing is recomputed from its TriG
file on read (logged) and written back where the store is writable, so stores made before analyses keep
working.

What crosses documents is answered by graph/analysis_index.py, a SQLite cache of the analyses kept in step
with the manifest by writers; it is not part of the analyses' version, so changing it leaves them valid.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import ReadOnlyGraphAggregate

from graph.chain import ChainGraph, NodeInfo, _natural
from graph.gaps import (
    KINDS,
    Gap,
    Unread,
    deadline_candidates,
    document_kinds,
    find_gaps,
    follow_up_cue,
    gap_settings,
    unread_documents,
)

log = logging.getLogger(__name__)

ANALYSIS_SUFFIX = ".analysis.json"
INDEX_FILE = "analyses.sqlite"
# Bump when the analysis' shape changes; the rules' own files are digested into the version as well.
ANALYSIS_FORMAT = "1"
RULE_FILES = ("gaps.py", "gaps.toml", "law_duties.toml", "chain.py", "chain.toml", "analyses.py")


@lru_cache(maxsize=1)
def rules_version() -> str:
    """The analyses' version: the format and a digest of the gap and chain rules and their data files."""
    digest = hashlib.sha256(ANALYSIS_FORMAT.encode())
    here = Path(__file__).parent
    for name in RULE_FILES:
        digest.update((here / name).read_bytes())
    return f"{ANALYSIS_FORMAT}.{digest.hexdigest()[:16]}"


@dataclass
class DocumentMeta:
    """A document as gap reports and follow-ups need it."""

    document: str
    source_file: str
    title: str
    kind: str
    date: str | None = None
    temporal: str | None = None
    publisher: str | None = None


@dataclass
class StoredGap:
    """A gap with the pages of its evidence (for the text report)."""

    kind: str
    severity: str
    document: str
    node: str | None
    message: str
    evidence: list[str]
    pages: dict[str, list[int]] = field(default_factory=dict)

    def gap(self) -> Gap:
        """The gap itself (graph.gaps.Gap)."""
        return Gap(self.kind, self.severity, self.document, self.node, self.message, list(self.evidence))


@dataclass
class Candidate:
    """An element with a due date: deadline_passed judges it against a day and later documents."""

    iri: str
    type: str
    label: str
    document: str
    deadline: str | None
    due_date: str
    passage: str | None = None
    pages: dict[str, list[int]] = field(default_factory=dict)

    def node(self) -> NodeInfo:
        """The candidate as the chain's NodeInfo (what graph.gaps.passed_deadlines takes)."""
        return NodeInfo(self.iri, self.type, self.label, document=self.document, passage=self.passage,
                        deadline=self.deadline, due_date=self.due_date)


@dataclass
class DocumentAnalysis:
    """What is per document: gaps, the unread flag, deadline candidates, follow-up passages, nodes."""

    version: str
    documents: list[DocumentMeta] = field(default_factory=list)
    gaps: list[StoredGap] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)
    deadlines: list[Candidate] = field(default_factory=list)
    follow_ups: list[list[str]] = field(default_factory=list)  # [document, passage IRI, text]
    nodes: list[list[str | None]] = field(default_factory=list)  # [iri, type, label, document]
    chain: dict = field(default_factory=dict)  # the document's chain projection (ChainGraph.projection)

    def to_json(self) -> dict:
        """The analysis as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> DocumentAnalysis:
        """An analysis from its JSON dict (inverse of to_json)."""
        return cls(
            version=data["version"],
            documents=[DocumentMeta(**d) for d in data.get("documents", [])],
            gaps=[StoredGap(**g) for g in data.get("gaps", [])],
            unread=[Unread(**u) for u in data.get("unread", [])],
            deadlines=[Candidate(**c) for c in data.get("deadlines", [])],
            follow_ups=[list(f) for f in data.get("follow_ups", [])],
            nodes=[list(n) for n in data.get("nodes", [])],
            chain=data.get("chain", {}),
        )

    def encode(self) -> bytes:
        """The analysis as compact UTF-8 JSON."""
        return json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def decode(cls, data: bytes) -> DocumentAnalysis:
        """An analysis from the bytes :meth:`encode` wrote."""
        return cls.from_json(json.loads(data))


# --- the analysis of one document (pure) --------------------------------------------------------------------


def union(graphs: Iterable[Graph]) -> Graph:
    """A read-only view of several graphs as one (no triples copied)."""
    return ReadOnlyGraphAggregate(list(graphs))


def analyse_document(graph: Graph, reference: Graph) -> DocumentAnalysis:
    """The analysis of one document's graph, read together with the reference graphs (and the ontology)."""
    chain = ChainGraph(union([graph, reference]))
    wanted = [k for k in KINDS if k != "deadline_passed"]
    gaps = find_gaps(chain, dt.date.max, kinds=wanted)
    settings = gap_settings()
    analysis = DocumentAnalysis(version=rules_version())
    for doc, info in sorted(chain.documents.items()):
        analysis.documents.append(DocumentMeta(doc, info.source_file, info.title, info.kind, info.date,
                                               info.temporal, info.publisher))
        if "deadline_passed" in document_kinds(chain, doc, settings):
            for node in deadline_candidates(chain, doc):
                analysis.deadlines.append(Candidate(
                    node.iri, node.type, node.label, doc, node.deadline, node.due_date or "", node.passage,
                    _pages(chain, [node.iri, node.passage]),
                ))
    analysis.gaps = [StoredGap(g.kind, g.severity, g.document, g.node, g.message, list(g.evidence),
                               _pages(chain, g.evidence)) for g in gaps]
    analysis.unread = unread_documents(chain)
    for passage in sorted(chain.passages.values(), key=lambda p: _natural(p.iri)):
        if passage.document in chain.documents and follow_up_cue(passage.text, settings):
            analysis.follow_ups.append([passage.document, passage.iri, passage.text])
    nodes = sorted(chain.nodes.values(), key=lambda n: _natural(n.iri))
    analysis.nodes = [[n.iri, n.type, n.label, n.document] for n in nodes]
    analysis.chain = chain.projection()
    return analysis


def _pages(chain: ChainGraph, iris: Iterable[str | None]) -> dict[str, list[int]]:
    pages = {}
    for iri in iris:
        if not iri:
            continue
        if iri in chain.passages:
            page = chain.passages[iri].page
        else:
            info = chain.nodes.get(iri)
            page = info.page if info else None
        if page is not None:
            pages[iri] = [page]
    return pages


@lru_cache(maxsize=4)
def _reference_graph(folder: str, stamp: float) -> Graph:
    from graph.reference import load_reference_graphs
    from ontology import load_ontology

    started = time.perf_counter()
    graph = load_ontology()
    for part in load_reference_graphs(folder).values():
        graph += part
    log.debug("reference graphs for analyses read in %.2f s", time.perf_counter() - started)
    return graph


def reference_graph(folder: str | Path) -> Graph:
    """The reference graphs of a folder (skollagen, sdg, kommuner) and the ontology as one graph (cached)."""
    folder = Path(folder)
    stamps = [p.stat().st_mtime for p in folder.glob("*.json")]
    return _reference_graph(str(folder.resolve()), max(stamps, default=0.0))


# --- files beside the TriG files ----------------------------------------------------------------------------


def analysis_path(graph_file: str | Path) -> Path:
    """The analysis file of a TriG file: the same stem, ``.analysis.json``."""
    path = Path(graph_file)
    return path.with_name(path.stem + ANALYSIS_SUFFIX)


def graph_file_of(analysis_file: str | Path) -> Path:
    """The TriG file an analysis file belongs to (inverse of analysis_path)."""
    path = Path(analysis_file)
    return path.with_name(path.name[: -len(ANALYSIS_SUFFIX)] + ".trig")


def encode_analysis(graph: Graph, reference_folder: str | Path) -> bytes | None:
    """A document graph's analysis as bytes for writing; None (logged) when it cannot be made.

    Never raises: a document is stored without its analysis rather than not at all (it is made on read).
    """
    try:
        return analyse_document(graph, reference_graph(reference_folder)).encode()
    except Exception:  # noqa: BLE001 - the graph is the source of truth; the analysis can wait
        log.exception("the analysis of a document graph could not be made; it is made when first read")
        return None


def write_analysis(graph_path: Path, data: bytes | None) -> None:
    """Write an analysis (from encode_analysis) beside its TriG file, atomically; None writes nothing."""
    if data is not None:
        from graph.store import write_atomic

        write_atomic(analysis_path(graph_path), data)


def stale_analyses(folder: Path, keep: set[str]) -> list[Path]:
    """Analysis files in a store's graphs folder whose TriG file the manifest does not name."""
    found = []
    for path in (folder / "graphs").glob("*" + ANALYSIS_SUFFIX):
        if str(graph_file_of(path).relative_to(folder)) not in keep:
            found.append(path)
    return found


def load_analysis(store, entry) -> DocumentAnalysis | None:
    """A stored document's analysis; stale or missing: made again from its TriG file (logged, saved)."""
    path = analysis_path(store.folder / entry.graph_file)
    try:
        analysis = DocumentAnalysis.decode(path.read_bytes())
        if analysis.version == rules_version():
            return analysis
        log.info("%s: the analysis is of other rules (%s); made again", entry.source_file, analysis.version)
    except FileNotFoundError:
        log.info("%s: no analysis stored; made from its graph", entry.source_file)
    except (ValueError, KeyError, TypeError) as error:
        log.warning("%s: the stored analysis cannot be read (%s); made again", entry.source_file, error)
    graph = _read_graph(store, entry)
    if graph is None:
        return None
    analysis = analyse_document(graph, reference_graph(store.reference_dir()))
    with contextlib.suppress(OSError):  # a read-only store: recomputed each time
        if (store.folder / entry.graph_file).exists():
            write_analysis(store.folder / entry.graph_file, analysis.encode())
    return analysis


def _read_graph(store, entry) -> Graph | None:
    """A document's named graph from its TriG file (None, logged, when it is gone or damaged)."""
    path = store.folder / entry.graph_file
    dataset = Dataset()
    try:
        dataset.parse(path, format="trig")
    except FileNotFoundError:
        log.warning("%s: the stored graph is gone (%s)", entry.source_file, path)
        return None
    except Exception as error:  # noqa: BLE001 - one damaged file must not hide the rest
        log.error("%s: the stored graph cannot be read (%s); rebuild or remove it", path, error)
        return None
    return dataset.graph(URIRef(entry.graph))
