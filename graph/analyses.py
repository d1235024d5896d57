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

What crosses documents is answered by :class:`AnalysisIndex`, a SQLite cache in the store folder
(``analyses.sqlite``) derived from the analyses and brought up to date with the manifest on every read (only
the documents that changed are read): each document's report (gaps, unread, deadline candidates), the
follow-up passages by publisher, and every node with its label and documents.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import ReadOnlyGraphAggregate

from graph.chain import (
    LABEL_TESTS,
    ChainError,
    ChainGraph,
    NodeInfo,
    Trace,
    _natural,
    ambiguous_message,
    trace,
    unknown_message,
)
from graph.gaps import (
    KINDS,
    SEVERITY_ORDER,
    Gap,
    Unread,
    deadline_candidates,
    document_date,
    document_kinds,
    find_gaps,
    follow_up_cue,
    follow_up_in,
    gap_settings,
    passed_deadlines,
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


# --- the cross-document index -------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (graph_file TEXT PRIMARY KEY, source_file TEXT, document TEXT, version TEXT,
                                 report TEXT);
CREATE TABLE IF NOT EXISTS nodes (graph_file TEXT, iri TEXT, type TEXT, label TEXT, folded TEXT,
                                  document TEXT);
CREATE INDEX IF NOT EXISTS nodes_iri ON nodes (iri);
CREATE INDEX IF NOT EXISTS nodes_label ON nodes (label);
CREATE INDEX IF NOT EXISTS nodes_folded ON nodes (folded);
CREATE INDEX IF NOT EXISTS nodes_file ON nodes (graph_file);
CREATE TABLE IF NOT EXISTS follow_ups (graph_file TEXT, publisher TEXT, since TEXT, document TEXT, iri TEXT,
                                       text TEXT);
CREATE INDEX IF NOT EXISTS follow_ups_publisher ON follow_ups (publisher);
CREATE INDEX IF NOT EXISTS follow_ups_file ON follow_ups (graph_file);
"""


class AnalysisIndex:
    """The store's analyses as one SQLite cache, brought up to date with the manifest when opened."""

    def __init__(self, store):
        self.store = store
        self.entries = {e.graph_file: e for e in store.documents().values()}
        self.db = _connect(store.folder / INDEX_FILE)
        try:
            self._sync()
        except sqlite3.OperationalError as error:  # a store this process may read but not write
            log.info("analysis index of %s cannot be updated (%s); kept in memory", store.folder, error)
            self.db.close()
            self.db = sqlite3.connect(":memory:", isolation_level=None)
            self.db.executescript(_SCHEMA)
            self._sync()

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def _sync(self) -> None:
        """Drop the rows of graph files the manifest no longer names (or of other rules); add the new ones."""
        started = time.perf_counter()
        version = rules_version()
        stored = dict(self.db.execute("SELECT graph_file, version FROM docs").fetchall())
        gone = [f for f, v in stored.items() if f not in self.entries or v != version]
        new = [f for f in self.entries if f not in stored or stored[f] != version]
        if not gone and not new:
            return
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            for graph_file in gone:
                for table in ("docs", "nodes", "follow_ups"):
                    self.db.execute(f"DELETE FROM {table} WHERE graph_file = ?", (graph_file,))  # noqa: S608
            have = {f for (f,) in self.db.execute("SELECT graph_file FROM docs")}
            for number, graph_file in enumerate(new, 1):
                if graph_file not in have:
                    self._insert(graph_file)
                if number % 500 == 0:
                    log.info("analysis index: %d of %d documents read", number, len(new))
        log.info("analysis index: %d documents added, %d dropped in %.2f s", len(new), len(gone),
                 time.perf_counter() - started)

    def _insert(self, graph_file: str) -> None:
        entry = self.entries[graph_file]
        analysis = load_analysis(self.store, entry)
        if analysis is None:
            return
        report = {"documents": [asdict(d) for d in analysis.documents],
                  "gaps": [asdict(g) for g in analysis.gaps],
                  "unread": [asdict(u) for u in analysis.unread],
                  "deadlines": [asdict(c) for c in analysis.deadlines]}
        self.db.execute(
            "INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
            (graph_file, entry.source_file, entry.document, analysis.version,
             json.dumps(report, ensure_ascii=False, separators=(",", ":"))),
        )
        self.db.executemany(
            "INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?)",
            [(graph_file, iri, kind, label or "", (label or "").casefold(), doc)
             for iri, kind, label, doc in analysis.nodes],
        )
        metas = {d.document: d for d in analysis.documents}
        rows = []
        for doc, iri, text in analysis.follow_ups:
            meta = metas.get(doc)
            if meta is None or meta.publisher is None:
                continue
            since = document_date(meta)
            rows.append((graph_file, meta.publisher, since.isoformat() if since else None, doc, iri, text))
        self.db.executemany("INSERT INTO follow_ups VALUES (?, ?, ?, ?, ?, ?)", rows)

    # --- gaps ---------------------------------------------------------------------------------------------

    def reports(self, document: str | None = None) -> list[dict]:
        """The stored reports (documents, gaps, unread, deadline candidates), of every document or one."""
        live = set(self.entries)
        if document is None:
            rows = self.db.execute("SELECT graph_file, report FROM docs").fetchall()
        else:
            rows = self.db.execute("SELECT graph_file, report FROM docs WHERE document = ?",
                                   (document,)).fetchall()
        return [json.loads(report) for graph_file, report in rows if graph_file in live]

    def follow_ups(self, publisher: str) -> list[tuple[str | None, str, str, str]]:
        """(date, document, passage IRI, text) of the follow-up passages of a publisher's documents."""
        rows = self.db.execute(
            "SELECT graph_file, since, document, iri, text FROM follow_ups WHERE publisher = ?", (publisher,)
        ).fetchall()
        live = self.entries
        return [(since, doc, iri, text) for graph_file, since, doc, iri, text in rows if graph_file in live]

    # --- nodes --------------------------------------------------------------------------------------------

    def _nodes(self, where: str, value: str) -> list[tuple]:
        rows = self.db.execute(
            f"SELECT graph_file, iri, type, label, document FROM nodes WHERE {where}", (value,)  # noqa: S608
        ).fetchall()
        return [r for r in rows if r[0] in self.entries]

    def files_of(self, iri: str) -> list[str]:
        """The graph files whose documents hold a node (by IRI), in manifest order."""
        found = {r[0] for r in self._nodes("iri = ?", iri)}
        return [f for f in self.entries if f in found]

    def file_of_passage(self, iri: str) -> str | None:
        """The graph file of the document a passage IRI is minted under (``<document>/p/<n>``)."""
        by_document = {e.document: f for f, e in self.entries.items()}
        head = iri
        while "/" in head:
            head = head.rsplit("/", 1)[0]
            if head in by_document:
                return by_document[head]
        return None

    def resolve(self, node: str) -> tuple[str, list[str]]:
        """A node (IRI or label) as (IRI, graph files to read), as ChainGraph.resolve would over the store."""
        node = node.strip()
        files = self.files_of(node)
        if files:
            return node, files
        passage_file = self.file_of_passage(node)
        if passage_file is not None and _has_passage(self.store, self.entries[passage_file], node):
            return node, [passage_file]
        folded = node.casefold()
        for number, test in enumerate(LABEL_TESTS):
            if number == 0:
                rows = self._nodes("label = ?", node)
            elif number == 1:
                rows = self._nodes("folded = ?", folded)
            else:
                rows = self._nodes("instr(folded, ?) > 0", folded)
            found: dict[str, NodeInfo] = {}
            for _, iri, kind, label, document in rows:
                info = NodeInfo(iri, kind, label, document=document)
                if label and test(info, node):
                    found.setdefault(iri, info)
            if len(found) == 1:
                iri = next(iter(found))
                return iri, self.files_of(iri)
            if len(found) > 1:
                sources = {e.document: e.source_file for e in self.entries.values()}
                raise ChainError(ambiguous_message(node, list(found.values()), sources))
        raise ChainError(unknown_message(node))


def _connect(path: Path) -> sqlite3.Connection:
    """The index database (in memory where the store folder cannot be written)."""
    try:
        db = sqlite3.connect(path, timeout=60, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)
    except sqlite3.Error as error:
        log.info("analysis index %s cannot be written (%s); kept in memory", path, error)
        db = sqlite3.connect(":memory:", isolation_level=None)
        db.executescript(_SCHEMA)
    return db


def _has_passage(store, entry, iri: str) -> bool:
    analysis = load_analysis(store, entry)
    return analysis is not None and any(p["iri"] == iri for p in analysis.chain.get("passages", []))


# --- the commands' answers ----------------------------------------------------------------------------------


@dataclass
class GapReport:
    """The gap report from the stored analyses: gaps, unread documents, file names and evidence pages."""

    gaps: list[Gap]
    unread: list[Unread]
    sources: dict[str, str]
    pages: dict[str, list[int]]


def store_gaps(store, today: dt.date | None = None, document: str | None = None,
               kinds: Iterable[str] | None = None) -> GapReport:
    """Every gap of the store (or one document's, some kinds) from the stored analyses, as find_gaps gives."""
    today = today or dt.date.today()
    wanted = set(kinds) if kinds is not None else set(KINDS)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown gap kind(s): {', '.join(sorted(unknown))}")
    settings = gap_settings()
    index = AnalysisIndex(store)
    try:
        unenriched = {e.document for e in index.entries.values() if not e.enriched}
        needs_model = set(settings["model"]["needs_inferred_links"])
        gaps: list[Gap] = []
        unread: list[Unread] = []
        sources: dict[str, str] = {}
        pages: dict[str, list[int]] = {}
        follow = _FollowUps(index)
        for report in index.reports(document):
            metas = {d["document"]: DocumentMeta(**d) for d in report["documents"]}
            sources.update({doc: meta.source_file for doc, meta in metas.items()})
            for stored in report["gaps"]:
                gap = StoredGap(**stored)
                if gap.kind not in wanted or (gap.document in unenriched and gap.kind in needs_model):
                    continue
                gaps.append(gap.gap())
                pages.update(gap.pages)
            unread.extend(Unread(**u) for u in report["unread"] if document in (None, u["document"]))
            if "deadline_passed" in wanted:
                by_doc: dict[str, list[Candidate]] = {}
                for data in report["deadlines"]:
                    by_doc.setdefault(data["document"], []).append(Candidate(**data))
                for doc, candidates in by_doc.items():
                    if doc in unenriched and "deadline_passed" in needs_model:
                        continue
                    follow.own = metas[doc]
                    for gap in passed_deadlines([c.node() for c in candidates], doc, today, follow, settings):
                        gaps.append(gap)
                    for candidate in candidates:
                        pages.update(candidate.pages)
        if document is not None:
            gaps = [g for g in gaps if g.document == document]
    finally:
        index.close()
    order = {k: i for i, k in enumerate(KINDS)}
    gaps.sort(key=lambda g: (g.document, SEVERITY_ORDER[g.severity], order[g.kind], _natural(g.node or "")))
    unread.sort(key=lambda u: u.document)
    return GapReport(gaps, unread, sources, pages)


class _FollowUps:
    """The follow-up test of deadline_passed over the index: passages of later documents of the publisher."""

    def __init__(self, index: AnalysisIndex):
        self.index = index
        self.own: DocumentMeta | None = None
        self._cache: dict[str, list] = {}

    def __call__(self, element: NodeInfo) -> str | None:
        own = self.own
        if own is None or own.publisher is None:
            return None
        if own.publisher not in self._cache:  # (date, document, passage, folded text): only whether one is
            self._cache[own.publisher] = [
                (dt.date.fromisoformat(when), doc, iri, text.casefold())
                for when, doc, iri, text in self.index.follow_ups(own.publisher) if when is not None
            ]
        since = document_date(own)
        later = (
            (iri, text) for when, doc, iri, text in self._cache[own.publisher]
            if doc != own.document and (since is None or when > since)
        )
        return follow_up_in(element.label, later, folded=True)


def store_trace(store, node: str) -> Trace:
    """The chain through a node (IRI or label) from the stored projections of only the documents it is in."""
    started = time.perf_counter()
    index = AnalysisIndex(store)
    try:
        iri, files = index.resolve(node)
        parts = [a.chain for a in (load_analysis(store, index.entries[f]) for f in files) if a is not None]
    finally:
        index.close()
    result = trace(ChainGraph.from_projections(parts), iri)
    log.debug("trace of %s over %d documents in %.2f s", iri, len(files), time.perf_counter() - started)
    return result


def prune(folder: Path) -> None:
    """Delete the analysis index (it is made again from the analyses on the next read)."""
    for name in (INDEX_FILE, INDEX_FILE + "-wal", INDEX_FILE + "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(folder / name)
