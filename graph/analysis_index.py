"""The cross-document index of the analyses: what `gaps` and `trace` read, kept in step with the manifest.

:class:`AnalysisIndex` is a SQLite cache in the store folder (``analyses.sqlite``) derived from the stored
analyses (graph/analyses.py): each document's gaps (rendered as `gaps --json` prints them, with their sort
key), its unread entries and metadata, its deadline candidates with whether a later report of the same
publisher follows each up (judged when documents come and go, not at query time), the follow-up passages by
publisher, and every node with its label and documents. Writers bring it up to date as they write the
manifest (:func:`sync_index`, from graph.store), and it records the manifest's stamp: opening it then costs
one stat, at 10 or 10,000 documents. A cache behind the manifest is brought up to date when read (logged).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from graph import analyses
from graph.analyses import INDEX_FILE, Candidate, StoredGap, analysis_path
from graph.chain import (
    LABEL_TESTS,
    ChainError,
    ChainGraph,
    NodeInfo,
    Trace,
    ambiguous_message,
    trace,
    unknown_message,
)
from graph.gaps import (
    KINDS,
    SEVERITY_ORDER,
    Gap,
    Unread,
    document_date,
    follow_up_in,
    gap_json,
    gap_settings,
    passed_deadlines,
    unread_json,
)
from graph.sqlite_cache import in_memory, open_cache

log = logging.getLogger(__name__)


# --- the cross-document index -------------------------------------------------------------------------------

# Bump when the tables change: an index of another format is emptied and made again from the analyses.
INDEX_FORMAT = "2"
TABLES = ("docs", "gaps", "deadlines", "nodes", "follow_ups")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    # One row per stored document: its file, its documents' metadata (JSON) and unread entries (JSON).
    "CREATE TABLE IF NOT EXISTS docs (graph_file TEXT PRIMARY KEY, source_file TEXT, document TEXT,"
    " graph TEXT, version TEXT, enriched INTEGER, metas TEXT, unread TEXT)",
    "CREATE INDEX IF NOT EXISTS docs_document ON docs (document)",
    "CREATE INDEX IF NOT EXISTS docs_source ON docs (source_file)",
    # The gaps that depend on one document alone, with their order inside it and their JSON as printed.
    "CREATE TABLE IF NOT EXISTS gaps (graph_file TEXT, document TEXT, kind TEXT, severity INTEGER,"
    " kind_order INTEGER, natural TEXT, data TEXT, rendered TEXT)",
    "CREATE INDEX IF NOT EXISTS gaps_file ON gaps (graph_file)",
    "CREATE INDEX IF NOT EXISTS gaps_document ON gaps (document)",
    # deadline_passed candidates; followed_by: the graph file of a later report following one up (checked=1).
    "CREATE TABLE IF NOT EXISTS deadlines (graph_file TEXT, document TEXT, publisher TEXT, since TEXT,"
    " label TEXT, data TEXT, followed_by TEXT, checked INTEGER)",
    "CREATE INDEX IF NOT EXISTS deadlines_file ON deadlines (graph_file)",
    "CREATE INDEX IF NOT EXISTS deadlines_open ON deadlines (followed_by, checked)",
    "CREATE INDEX IF NOT EXISTS deadlines_publisher ON deadlines (publisher)",
    "CREATE TABLE IF NOT EXISTS nodes (graph_file TEXT, iri TEXT, type TEXT, label TEXT, folded TEXT,"
    " document TEXT)",
    "CREATE INDEX IF NOT EXISTS nodes_iri ON nodes (iri)",
    "CREATE INDEX IF NOT EXISTS nodes_label ON nodes (label)",
    "CREATE INDEX IF NOT EXISTS nodes_folded ON nodes (folded)",
    "CREATE INDEX IF NOT EXISTS nodes_file ON nodes (graph_file)",
    "CREATE TABLE IF NOT EXISTS follow_ups (graph_file TEXT, publisher TEXT, since TEXT, document TEXT,"
    " iri TEXT, folded TEXT)",
    "CREATE INDEX IF NOT EXISTS follow_ups_publisher ON follow_ups (publisher)",
    "CREATE INDEX IF NOT EXISTS follow_ups_file ON follow_ups (graph_file)",
)
KIND_ORDER = {k: i for i, k in enumerate(KINDS)}


def manifest_stamp(path: Path) -> str:
    """The manifest's generation as the file system sees it (inode, size, mtime): new at each commit."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "none"
    return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"


def natural_text(iri: str) -> str:
    """graph.chain._natural as a string that sorts the same (".../activity/10" after ".../activity/9")."""
    parts = []
    for number, part in enumerate(re.split(r"(\d+)", iri)):
        if number % 2:  # a run of digits: its value, after its length (so 10 sorts after 9)
            value = str(int(part))
            parts.append(f"{len(value):04d}{value}")
        else:
            parts.append(part)
    return "\x00".join(parts)


def render_gap(gap: Gap) -> str:
    """One gap's JSON as `gaps --json` prints it inside the report (indent 1, two levels deep)."""
    return _nested(gap_json(gap))


def _nested(data: dict) -> str:
    # json.dumps escapes newlines inside strings, so every raw newline is structure.
    return "  " + json.dumps(data, ensure_ascii=False, indent=1).replace("\n", "\n  ")


def report_json_text(rendered: list[str], unread: list[Unread]) -> str:
    """The report as json.dumps(gaps_json(..), ensure_ascii=False, indent=1) prints it, from rendered gaps."""
    def block(items: list[str]) -> str:
        return "[\n" + ",\n".join(items) + "\n ]" if items else "[]"

    unread_text = [_nested(unread_json(u)) for u in unread]
    return "{\n \"gaps\": " + block(rendered) + ",\n \"unread\": " + block(unread_text) + "\n}"


class AnalysisIndex:
    """The store's analyses as one SQLite cache (``analyses.sqlite``), kept in step with the manifest.

    Writers bring it up to date when they commit (:func:`sync_index`, called as the manifest is written), and
    it records the manifest's stamp; opening it then reads nothing but that stamp. A cache behind the manifest
    (an old store, a writer killed between its commit and the cache, a store this process cannot write) is
    brought up to date on open, reading only the documents that changed (logged).
    """

    def __init__(self, store, entries: dict | None = None, rebuild: bool = False):
        self.store = store
        self.db = _connect(store.folder / INDEX_FILE)
        try:
            self._open(entries, rebuild)
        except sqlite3.Error as error:  # a store this process may read but not write
            log.info("analysis index of %s cannot be updated (%s); kept in memory", store.folder, error)
            self.db.close()
            self.db = in_memory()
            self._open(entries, False)

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def _open(self, entries: dict | None, rebuild: bool) -> None:
        _prepare(self.db)
        stamp = manifest_stamp(self.store.manifest_path)  # before the manifest is read
        meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        fresh = meta.get("manifest") == stamp and meta.get("rules") == analyses.rules_version()
        if entries is None and fresh and not rebuild:
            return  # in step with the manifest: nothing to read
        if entries is None:
            log.info("analysis index of %s is behind the manifest; brought up to date", self.store.folder)
            entries = self.store.documents()
        self._sync({e.graph_file: e for e in entries.values()}, stamp, rebuild)

    def _sync(self, live: dict, stamp: str, rebuild: bool = False) -> None:
        """Drop the rows of graph files the manifest no longer names (or of other rules); add the new ones.

        One transaction: readers see the previous state until it commits (a rebuild empties it first)."""
        started = time.perf_counter()
        version = analyses.rules_version()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            if rebuild:
                for table in TABLES:
                    self.db.execute(f"DELETE FROM {table}")  # noqa: S608
            stored = dict(self.db.execute("SELECT graph_file, version FROM docs").fetchall())
            gone = [f for f, v in stored.items() if f not in live or v != version]
            new = [f for f in live if stored.get(f) != version]
            self._drop(gone)
            publishers: set[str] = set()
            for number, graph_file in enumerate(new, 1):
                publishers |= self._insert(live[graph_file])
                if number % 500 == 0:
                    log.info("analysis index: %d of %d documents read", number, len(new))
            self._follow(set(new), publishers)
            self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                [("manifest", stamp), ("rules", version)])
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        if gone or new:
            log.info("analysis index: %d documents added, %d dropped in %.2f s", len(new), len(gone),
                     time.perf_counter() - started)

    def _drop(self, gone: list[str]) -> None:
        rows = [(f,) for f in gone]
        for table in TABLES:
            self.db.executemany(f"DELETE FROM {table} WHERE graph_file = ?", rows)  # noqa: S608
        # Deadlines a dropped document followed up are open again until checked against the rest.
        self.db.executemany("UPDATE deadlines SET followed_by = NULL, checked = 0 WHERE followed_by = ?",
                            rows)

    def _insert(self, entry) -> set[str]:
        """One document's rows; returns the publishers it adds follow-up passages to."""
        graph_file = entry.graph_file
        analysis = analyses.load_analysis(self.store, entry)
        if analysis is None:
            return set()
        self.db.execute(
            "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (graph_file, entry.source_file, entry.document, entry.graph, analysis.version,
             int(bool(entry.enriched)),
             _dumps([asdict(d) for d in analysis.documents]), _dumps([asdict(u) for u in analysis.unread])),
        )
        self.db.executemany(
            "INSERT INTO gaps VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(graph_file, g.document, g.kind, SEVERITY_ORDER[g.severity], KIND_ORDER[g.kind],
              natural_text(g.node or ""), _dumps(asdict(g)), render_gap(g.gap())) for g in analysis.gaps],
        )
        metas = {d.document: d for d in analysis.documents}
        rows = []
        for candidate in analysis.deadlines:
            meta = metas.get(candidate.document)
            since = document_date(meta) if meta else None
            rows.append((graph_file, candidate.document, meta.publisher if meta else None,
                         since.isoformat() if since else None, candidate.label, _dumps(asdict(candidate)),
                         None, 0))
        self.db.executemany("INSERT INTO deadlines VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self.db.executemany(
            "INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?)",
            [(graph_file, iri, kind, label or "", (label or "").casefold(), doc)
             for iri, kind, label, doc in analysis.nodes],
        )
        rows = []
        for doc, iri, text in analysis.follow_ups:
            meta = metas.get(doc)
            if meta is None or meta.publisher is None:
                continue
            since = document_date(meta)
            rows.append((graph_file, meta.publisher, since.isoformat() if since else None, doc, iri,
                         text.casefold()))
        self.db.executemany("INSERT INTO follow_ups VALUES (?, ?, ?, ?, ?, ?)", rows)
        return {row[1] for row in rows}

    def _follow(self, new: set[str], publishers: set[str]) -> None:
        """Judge whether later reports follow up the deadlines: the unchecked ones against every passage of
        their publisher, the open ones of publishers with new passages against those new passages only."""
        settings = gap_settings()
        todo = self.db.execute(
            "SELECT rowid, publisher, since, document, label, 0 FROM deadlines WHERE checked = 0").fetchall()
        for publisher in publishers:
            todo += self.db.execute(
                "SELECT rowid, publisher, since, document, label, 1 FROM deadlines "
                "WHERE checked = 1 AND followed_by IS NULL AND publisher = ?", (publisher,)).fetchall()
        by_publisher: dict[str | None, list] = {}
        for row in todo:
            by_publisher.setdefault(row[1], []).append(row)
        updates = []
        for publisher, rows in by_publisher.items():
            passages = self._passages(publisher) if publisher is not None else []
            files = {iri: f for _, _, iri, _, f in passages}
            fresh = [p for p in passages if p[4] in new]
            for rowid, _, since, document, label, only_new in rows:
                own = dt.date.fromisoformat(since) if since else None
                later = ((iri, text) for when, doc, iri, text, _ in (fresh if only_new else passages)
                         if doc != document and (own is None or when > own))
                hit = follow_up_in(label, later, settings, folded=True) if publisher is not None else None
                updates.append((files[hit] if hit else None, rowid))
        self.db.executemany("UPDATE deadlines SET followed_by = ?, checked = 1 WHERE rowid = ?", updates)

    def _passages(self, publisher: str) -> list[tuple]:
        """(date, document, passage IRI, folded text, graph file) of the publisher's dated follow-ups."""
        rows = self.db.execute(
            "SELECT since, document, iri, folded, graph_file FROM follow_ups "
            "WHERE publisher = ? AND since IS NOT NULL", (publisher,),
        ).fetchall()
        return [(dt.date.fromisoformat(when), doc, iri, text, f) for when, doc, iri, text, f in rows]

    def count(self) -> int:
        """The number of documents in the index."""
        return self.db.execute("SELECT count(*) FROM docs").fetchone()[0]

    # --- nodes --------------------------------------------------------------------------------------------

    def _nodes(self, where: str, value: str) -> list[tuple]:
        return self.db.execute(
            f"SELECT graph_file, iri, type, label, document FROM nodes WHERE {where}", (value,)  # noqa: S608
        ).fetchall()

    def files_of(self, iri: str) -> list[str]:
        """The graph files whose documents hold a node (by IRI), in manifest order (by file name)."""
        rows = self.db.execute(
            "SELECT graph_file FROM docs WHERE graph_file IN (SELECT graph_file FROM nodes WHERE iri = ?) "
            "ORDER BY source_file", (iri,)).fetchall()
        return [f for (f,) in rows]

    def files_of_document(self, document: str) -> list[str]:
        """The graph file of a document (by IRI), or none."""
        return [f for (f,) in self.db.execute("SELECT graph_file FROM docs WHERE document = ?", (document,))]

    def entry(self, graph_file: str):
        """A graph file as the manifest entry load_analysis needs (graph file, graph IRI, source file)."""
        graph, source_file, document = self.db.execute(
            "SELECT graph, source_file, document FROM docs WHERE graph_file = ?", (graph_file,)).fetchone()
        return _Entry(graph_file, graph, source_file, document)

    def file_of_passage(self, iri: str) -> str | None:
        """The graph file of the document a passage IRI is minted under (``<document>/p/<n>``)."""
        head = iri
        while "/" in head:
            head = head.rsplit("/", 1)[0]
            files = self.files_of_document(head)
            if files:
                return files[0]
        return None

    def resolve(self, node: str) -> tuple[str, list[str]]:
        """A node (IRI or label) as (IRI, graph files to read), as ChainGraph.resolve would over the store."""
        node = node.strip()
        files = self.files_of(node)
        if files:
            return node, files
        passage_file = self.file_of_passage(node)
        if passage_file is not None and _has_passage(self.store, self.entry(passage_file), node):
            return node, [passage_file]
        folded = node.casefold()
        parts = None  # the labels holding the text: read once for both tests of a part
        for number, test in enumerate(LABEL_TESTS):
            if number == 0:
                rows = self._nodes("label = ?", node)
            elif number == 1:
                rows = self._nodes("folded = ?", folded)
            else:
                parts = rows = parts if parts is not None else self._nodes("instr(folded, ?) > 0", folded)
            found: dict[str, NodeInfo] = {}
            for _, iri, kind, label, document in rows:
                info = NodeInfo(iri, kind, label, document=document)
                if label and test(info, node):
                    found.setdefault(iri, info)
            if len(found) == 1:
                iri = next(iter(found))
                return iri, self.files_of(iri)
            if len(found) > 1:
                sources = dict(self.db.execute("SELECT document, source_file FROM docs").fetchall())
                raise ChainError(ambiguous_message(node, list(found.values()), sources))
        raise ChainError(unknown_message(node))


@dataclass(frozen=True)
class _Entry:
    """What load_analysis reads of a manifest entry."""

    graph_file: str
    graph: str
    source_file: str
    document: str


def load_chain(store, entry) -> dict | None:
    """A stored document's chain projection (what trace reads), without making the rest of its analysis."""
    try:
        data = json.loads(analysis_path(store.folder / entry.graph_file).read_bytes())
        if data.get("version") == analyses.rules_version():
            return data["chain"]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # load_analysis says why and makes it again
    analysis = analyses.load_analysis(store, entry)
    return analysis.chain if analysis is not None else None


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _connect(path: Path) -> sqlite3.Connection:
    """The index database (in memory where the store folder cannot be written)."""
    return open_cache(path, "analysis index")



def _prepare(db: sqlite3.Connection) -> None:
    """Create the tables; make them again when they are of another format."""
    db.execute(_SCHEMA[0])
    row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if row is not None and row[0] == INDEX_FORMAT:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for table in TABLES:
            db.execute(f"DROP TABLE IF EXISTS {table}")  # noqa: S608
        db.execute("DELETE FROM meta")
        for statement in _SCHEMA[1:]:
            db.execute(statement)
        db.execute("INSERT INTO meta VALUES ('schema', ?)", (INDEX_FORMAT,))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _has_passage(store, entry, iri: str) -> bool:
    analysis = analyses.load_analysis(store, entry)
    return analysis is not None and any(p["iri"] == iri for p in analysis.chain.get("passages", []))


def sync_index(store, documents: dict | None = None) -> int:
    """Bring a store's analysis index up to date with its manifest; returns the documents it holds.

    Writers call it right after writing the manifest, under the store's lock, with the entries written (so the
    manifest is not read again). It never raises: a cache left behind is brought up to date when next read.
    """
    try:
        index = AnalysisIndex(store, entries=documents if documents is not None else store.documents())
        try:
            return index.count()
        finally:
            index.close()
    except Exception:  # noqa: BLE001 - the manifest is committed; the cache can catch up on read
        log.exception("the analysis index of %s could not be brought up to date; it is when next read",
                      store.folder)
        return 0


def rebuild_index(store) -> int:
    """Make the analysis index again from the stored analyses (`rebuild-index`); returns its documents."""
    index = AnalysisIndex(store, entries=store.documents(), rebuild=True)
    try:
        return index.count()
    finally:
        index.close()


# --- the commands' answers ----------------------------------------------------------------------------------


@dataclass
class GapReport:
    """The gap report from the stored analyses: gaps, unread documents, file names and evidence pages."""

    gaps: list[Gap]
    unread: list[Unread]
    sources: dict[str, str]
    pages: dict[str, list[int]]


def _wanted(kinds: Iterable[str] | None) -> set[str]:
    wanted = set(kinds) if kinds is not None else set(KINDS)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown gap kind(s): {', '.join(sorted(unknown))}")
    return wanted


def _collect(index: AnalysisIndex, today: dt.date, document: str | None, wanted: set[str], decode: bool):
    """The report's gaps in order as (data, rendered): stored data JSON (or a Gap) and the printed JSON; the
    unread documents; the sources and pages when ``decode``."""
    settings = gap_settings()
    needs_model = set(settings["model"]["needs_inferred_links"])
    db = index.db
    db.execute("BEGIN")  # one snapshot, whatever a writer commits meanwhile
    try:
        unenriched = {d for (d,) in db.execute("SELECT document FROM docs WHERE enriched = 0")}
        if document is None:
            where, args = "", ()
        else:  # the document's own rows, of its own graph file
            where = " WHERE document = ? AND graph_file IN (SELECT graph_file FROM docs WHERE document = ?)"
            args = (document, document)
        items = []
        for doc, kind, severity, kind_order, natural, data, rendered in db.execute(
                "SELECT document, kind, severity, kind_order, natural, data, rendered FROM gaps" + where
                + " ORDER BY rowid", args):
            if kind in wanted and not (doc in unenriched and kind in needs_model):
                items.append(((doc, severity, kind_order, natural), data, rendered))
        pages: dict[str, list[int]] = {}
        if "deadline_passed" in wanted:
            by_doc: dict[str, list[Candidate]] = {}
            for doc, data in db.execute("SELECT document, data FROM deadlines" + (where or " WHERE 1")
                                        + " AND followed_by IS NULL AND checked = 1 ORDER BY rowid", args):
                if not (doc in unenriched and "deadline_passed" in needs_model):
                    by_doc.setdefault(doc, []).append(Candidate(**json.loads(data)))
            for doc, candidates in by_doc.items():
                for gap in passed_deadlines([c.node() for c in candidates], doc, today, _never, settings):
                    items.append(((doc, SEVERITY_ORDER[gap.severity], KIND_ORDER[gap.kind],
                                   natural_text(gap.node or "")), gap, None))
                if decode:
                    for candidate in candidates:
                        pages.update(candidate.pages)
        docs_where = "" if document is None else " WHERE document = ?"
        rows = db.execute("SELECT metas, unread FROM docs" + docs_where, args[:1]).fetchall()
    finally:
        db.execute("COMMIT")
    items.sort(key=lambda item: item[0])
    unread = [Unread(**u) for _, text in rows for u in json.loads(text) if document in (None, u["document"])]
    unread.sort(key=lambda u: u.document)
    sources: dict[str, str] = {}
    if decode:
        for metas, _ in rows:
            sources.update({m["document"]: m["source_file"] for m in json.loads(metas)})
    return items, unread, sources, pages


def _never(element: NodeInfo) -> None:
    """The follow-up test of candidates already judged not followed up (at write time, graph/analyses)."""
    return None


def _collect_stored(store, today: dt.date | None, document: str | None, kinds: Iterable[str] | None,
                    decode: bool):
    """_collect over the store's analysis index, opened and closed here (today defaults to today)."""
    index = AnalysisIndex(store)
    try:
        return _collect(index, today or dt.date.today(), document, _wanted(kinds), decode=decode)
    finally:
        index.close()


def store_gaps(store, today: dt.date | None = None, document: str | None = None,
               kinds: Iterable[str] | None = None) -> GapReport:
    """Every gap of the store (or one document's, some kinds) from the stored analyses, as find_gaps gives."""
    items, unread, sources, pages = _collect_stored(store, today, document, kinds, decode=True)
    gaps = []
    for _, data, _ in items:
        if isinstance(data, Gap):
            gaps.append(data)
        else:
            stored = StoredGap(**json.loads(data))
            pages.update(stored.pages)
            gaps.append(stored.gap())
    return GapReport(gaps, unread, sources, pages)


def store_gaps_json(store, today: dt.date | None = None, document: str | None = None,
                    kinds: Iterable[str] | None = None) -> str:
    """The gap report as `gaps --json` prints it, from gaps rendered when stored (no gap decoded)."""
    items, unread, _, _ = _collect_stored(store, today, document, kinds, decode=False)
    rendered = [text if text is not None else render_gap(data) for _, data, text in items]
    return report_json_text(rendered, unread)


def store_trace(store, node: str, limit: int | None = None, document: str | None = None) -> Trace:
    """The chain through a node (IRI or label) from the stored projections of only the documents it is in.

    ``document`` (an IRI): only within that document. ``limit``: at most that many documents (in file-name
    order; None: all); the trace's ``scope`` then says how many hold the node.
    """
    started = time.perf_counter()
    index = AnalysisIndex(store)
    try:
        iri, files = index.resolve(node)
        if document is not None:
            own = set(index.files_of_document(document))
            files = [f for f in files if f in own]
            if not files:
                raise ChainError(f"{node}: not in the document {document}")
        total = len(files)
        if limit is not None and total > limit:
            files = files[:limit]
        parts = [c for c in (load_chain(store, index.entry(f)) for f in files) if c is not None]
    finally:
        index.close()
    result = trace(ChainGraph.from_projections(parts), iri)
    if len(files) < total:
        result.scope = {"documents": total, "shown": len(files)}
    log.debug("trace of %s over %d documents in %.2f s", iri, len(files), time.perf_counter() - started)
    return result


def prune(folder: Path) -> None:
    """Delete the analysis index (it is made again from the analyses on the next read)."""
    for name in (INDEX_FILE, INDEX_FILE + "-wal", INDEX_FILE + "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(folder / name)
