"""The on-disk quad index of a store folder: all its graphs in an embedded SPARQL store (pyoxigraph).

Commands open it; nothing is parsed or rebuilt per command. The manifest and the TriG files stay the source of
truth (graph.store); the index is derived from them and can always be recreated (``rebuild``).

Public API (read side; ``folder`` is the store folder)::

    index = QuadIndex(folder)
    index.ready()                 # True when the index exists and agrees with the manifest (no writes)
    index.query(sparql)           # a pyoxigraph result over the union of the store's graphs (read-only)
    index.select(sparql)          # SELECT rows as dicts of rdflib terms
    index.construct(sparql)       # CONSTRUCT/DESCRIBE answer as an rdflib Graph
    index.graph_names()           # the named graphs it holds (documents, reference data, ontology)

Writers (graph.store.Store, under the store's lock) call ``replace_graph``, ``drop_graph``,
``load_reference``, ``sync`` and ``rebuild``. ``graph.store.Store.quads()`` opens the index for reading and
re-syncs it first when it disagrees with the manifest.

Layout of ``<store>/quads/``::

    live/            the writers' database (RocksDB through pyoxigraph); opened read-write under the lock only
    snapshots/<n>/   read-only checkpoints of ``live`` (hard links: cheap); readers open the newest
    state.json       which TriG file each document graph came from, the reference stamp, the generation of
                     ``live`` and of the newest snapshot

The default graph is the union of the store's graphs kept as a set: every triple of a named graph is also in
the default graph, once however many graphs hold it, and leaves it when the last graph holding it is
replaced or dropped. Oxigraph's own union mode (``use_default_graph_as_union``) is a bag: a triple in 1,600
document graphs (an organisation's label) comes back 1,600 times, so a join over it grows with the square of
the store and counts differ from rdflib's Dataset. Queries therefore read the real default graph (set
semantics, as rdflib's union does); ``GRAPH`` reads the named graphs; ``FROM``/``FROM NAMED`` work as written.

Why snapshots: RocksDB allows one read-write process, and a read-only open of a database another process is
writing is undefined (measured: it fails with "No such file … .sst" once compaction deletes a file). A
snapshot is never written after it is made, so a reader opens it while ``add`` writes ``live``.

Atomicity (a writer killed at any moment leaves the previous or the new answer, never a mix): one document
graph is replaced in one SPARQL update (``DROP SILENT GRAPH`` + ``INSERT DATA``), which Oxigraph applies as
one transaction. Around it, ``state.json`` first forgets which file the graph came from (pending) and
records the new file only after the transaction; the manifest is written after that (graph.store). So a
writer killed before the manifest commit leaves an index whose record for that graph is missing or names a
file the manifest does not. **On open, every document whose recorded graph file differs from the
manifest's (and every graph the manifest no longer names) is re-synced from the manifest's TriG file, one
document at a time, under the lock**; the same check finds the reference graphs stale when the reference
folder or the ontology changed (a stamp of their paths, sizes and modification times).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

log = logging.getLogger(__name__)

FOLDER = "quads"
LIVE = "live"
SNAPSHOTS = "snapshots"
STATE = "state.json"
STATE_FORMAT = 2  # 2: the default graph holds the union
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# A superseded snapshot is deleted once it is this old (a reader that opened it still has its files).
SNAPSHOT_GRACE_S = 120.0
OPEN_RETRIES = 5


_WRITERS: dict[str, ox.Store] = {}  # read-write handles of ``live`` by folder, while the store's lock is held
# The process that first opened a database here. RocksDB's background threads (flush, compaction) do not
# survive a fork: a forked child of that process that writes (flush, checkpoint) waits for threads that are
# not there. Such a child does its writes in a freshly spawned process instead (``_fork_safe``).
_USED_BY: list[int] = []


def _mark_used() -> None:
    if not _USED_BY:
        _USED_BY.append(os.getpid())


def _forked_after_use() -> bool:
    """True in a forked child of a process that had opened a RocksDB database."""
    return bool(_USED_BY) and _USED_BY[0] != os.getpid()


def _apply(store_folder: str, name: str, args: tuple, kwargs: dict):
    """In a spawned process: run one write method of a store's index, then let go of the database."""
    try:
        return getattr(QuadIndex(store_folder), name)(*args, **kwargs)
    finally:
        release_writer(store_folder)


def _fork_safe(method):
    """Run a write method in a spawned process when this process is a fork of one that used RocksDB."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if not _forked_after_use():
            return method(self, *args, **kwargs)
        release_writer(self.folder.parent)
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            return pool.apply(_apply, (str(self.folder.parent), method.__name__, args, kwargs))

    return wrapper


def release_writer(store_folder: str | Path) -> None:
    """Close the read-write handle of a store's index, if open (the store's lock is being let go)."""
    live = _WRITERS.pop(str((Path(store_folder) / FOLDER).resolve()), None)
    if live is not None:
        live.flush()
        del live


class QuadIndexError(Exception):
    """The quad index cannot be opened or written."""


@dataclass
class IndexState:
    """What ``state.json`` records: the source of each document graph, the reference stamp, generations."""

    graphs: dict[str, str] = field(default_factory=dict)  # document graph IRI -> graph file (store-relative)
    reference: str = ""  # stamp of the reference data and ontology loaded ("" = none or pending)
    generation: int = 0  # bumped by every write to ``live``
    snapshot: int = -1  # generation of the newest snapshot (-1: none)

    def to_json(self) -> bytes:
        """The state as the bytes of state.json."""
        data = {"format": STATE_FORMAT, "graphs": dict(sorted(self.graphs.items())),
                "reference": self.reference, "generation": self.generation, "snapshot": self.snapshot}
        return json.dumps(data, ensure_ascii=False, indent=0).encode("utf-8")


def to_rdflib(term: object) -> Node | None:
    """A pyoxigraph term as the rdflib term rdflib's own engine would give (xsd:string literals plain)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported RDF term {term!r}")


def reference_stamp(paths: Iterable[Path]) -> str:
    """A stamp of files (name, size, modification time): changes when any of them does."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        digest.update(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:32]


def _write_atomic(path: Path, data: bytes) -> None:
    from graph.store import write_atomic  # the store's helper (import here: the store imports this module)

    write_atomic(path, data)


def _insert_data(trig: bytes, graph_iri: str) -> str:
    """The triples of one named graph of a TriG text as the body of an INSERT DATA (N-Triples lines)."""
    triples = [q.triple for q in ox.parse(trig, ox.RdfFormat.TRIG) if _graph_name(q) == graph_iri]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def _drop(graph_iri: str) -> str:
    """SPARQL update operations that drop a named graph and take its triples out of the default graph (the
    union) unless another named graph holds them too."""
    return (f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != <{graph_iri}>) }} }} ;\n"
            f"DROP SILENT GRAPH <{graph_iri}>")


def _graph_name(quad: ox.Quad) -> str | None:
    name = quad.graph_name
    return name.value if isinstance(name, ox.NamedNode) else None


class QuadIndex:
    """The on-disk quad index of one store folder (see the module docstring)."""

    def __init__(self, store_folder: str | Path):
        self.folder = Path(store_folder) / FOLDER
        self._reader: ox.Store | None = None
        self._reader_generation = -2

    # --- state ----------------------------------------------------------------------------------------------

    @property
    def state_path(self) -> Path:
        """The path of state.json."""
        return self.folder / STATE

    def state(self) -> IndexState | None:
        """The recorded state, or None when there is no index (or its state cannot be read)."""
        try:
            data = json.loads(self.state_path.read_text("utf-8"))
        except (OSError, json.JSONDecodeError):
            return None
        if data.get("format") != STATE_FORMAT or not (self.folder / LIVE).is_dir():
            return None
        return IndexState(dict(data.get("graphs", {})), str(data.get("reference", "")),
                          int(data.get("generation", 0)), int(data.get("snapshot", -1)))

    def _save(self, state: IndexState) -> None:
        _write_atomic(self.state_path, state.to_json())

    # --- reading --------------------------------------------------------------------------------------------

    def _open_snapshot(self) -> ox.Store:
        """Open the newest snapshot read-only (retrying when a writer replaces it meanwhile)."""
        error: Exception | None = None
        for _ in range(OPEN_RETRIES):
            state = self.state()
            if state is None or state.snapshot < 0:
                raise QuadIndexError(f"{self.folder}: the quad index has no snapshot (see Store.quads)")
            if self._reader is not None and self._reader_generation == state.snapshot:
                return self._reader
            try:
                _mark_used()
                reader = ox.Store.read_only(str(self.folder / SNAPSHOTS / str(state.snapshot)))
            except (OSError, RuntimeError) as failure:  # replaced between reading the state and opening
                error = failure
                time.sleep(0.05)
                continue
            self._reader, self._reader_generation = reader, state.snapshot
            return reader
        raise QuadIndexError(f"{self.folder}: the quad index cannot be opened ({error})")

    def close(self) -> None:
        """Let go of the open snapshot (the next query opens the newest)."""
        self._reader = None
        self._reader_generation = -2

    def query(self, sparql: str, prefixes: Mapping[str, str] | None = None):
        """Run a read-only query; a pyoxigraph result. The default graph is the union of the store's graphs
        (each triple once); a query's own FROM / FROM NAMED applies as written."""
        return self._open_snapshot().query(sparql, prefixes=dict(prefixes or {}))

    def select(self, sparql: str, prefixes: Mapping[str, str] | None = None) -> list[dict[str, Node | None]]:
        """SELECT rows as dicts of rdflib terms (unbound variables are None)."""
        result = self.query(sparql, prefixes)
        names = [v.value for v in result.variables]
        return [{name: to_rdflib(row[name]) for name in names} for row in result]

    def construct(self, sparql: str, prefixes: Mapping[str, str] | None = None) -> Graph:
        """A CONSTRUCT or DESCRIBE answer as an rdflib Graph."""
        graph = Graph()
        for triple in self.query(sparql, prefixes):
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    def graph_names(self) -> set[str]:
        """The named graphs the index holds."""
        return {g.value for g in self._open_snapshot().named_graphs() if isinstance(g, ox.NamedNode)}

    def quads(self) -> Iterable[ox.Quad]:
        """Every quad of the store's named graphs (for export)."""
        return (q for q in self._open_snapshot().quads_for_pattern(None, None, None)
                if isinstance(q.graph_name, ox.NamedNode))

    def serialize(self, fmt: str, prefixes: Mapping[str, str] | None = None, output=None) -> bytes | None:
        """Every named graph in an RDF format: "trig", "nquads", "json-ld" (graphs kept) or "turtle" (their
        union, each triple once). Written to ``output`` (a binary file) when given, else returned."""
        formats = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
                   "json-ld": ox.RdfFormat.JSON_LD, "turtle": ox.RdfFormat.TURTLE}
        if fmt not in formats:
            raise ValueError(f"unknown export format {fmt!r}")
        if fmt == "turtle":  # the union, each triple once: the default graph
            quads = self._open_snapshot().quads_for_pattern(None, None, None, ox.DefaultGraph())
            items: Iterable = (q.triple for q in quads)
        else:
            items = self.quads()
        return ox.serialize(items, output, formats[fmt], prefixes=dict(prefixes or {}))

    def __len__(self) -> int:
        """The number of quads in the named graphs (the default graph's copies not counted)."""
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(next(iter(rows))["n"].value)

    # --- agreement with the manifest ----------------------------------------------------------------------

    def disagreements(self, manifest: Mapping[str, str], reference: str) -> tuple[list[str], list[str], bool]:
        """What differs from the manifest: graphs to (re)load, graphs to drop, whether the reference is stale.

        ``manifest`` maps each document graph IRI to the graph file the manifest names.
        """
        state = self.state() or IndexState()
        reload = [g for g, f in manifest.items() if state.graphs.get(g) != f]
        drop = [g for g in state.graphs if g not in manifest]
        return reload, drop, state.reference != reference

    def ready(self, manifest: Mapping[str, str], reference: str) -> bool:
        """True when the index exists, agrees with the manifest and has a snapshot of its newest state."""
        state = self.state()
        if state is None or state.snapshot != state.generation:
            return False
        reload, drop, stale = self.disagreements(manifest, reference)
        return not (reload or drop or stale)

    # --- writing (the caller holds the store's lock) ------------------------------------------------------

    @contextlib.contextmanager
    def _live(self):
        """The writers' database, open read-write until the store's lock is let go (``release_writer``)."""
        key = str(self.folder.resolve())
        live = _WRITERS.get(key)
        if live is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            _mark_used()
            live = _WRITERS[key] = ox.Store(str(self.folder / LIVE))
        yield live
        live.flush()

    def _begin(self) -> IndexState:
        state = self.state()
        if state is None:
            state = IndexState()
            (self.folder / LIVE).mkdir(parents=True, exist_ok=True)
        return state

    @_fork_safe
    def replace_graph(self, graph_iri: str, graph_file: str, trig: bytes) -> None:
        """Replace one document graph with the triples of its TriG text, in one transaction."""
        state = self._begin()
        state.graphs.pop(graph_iri, None)  # pending: a writer killed from here on leaves a disagreement
        state.generation += 1
        self._save(state)
        body = _insert_data(trig, graph_iri)
        with self._live() as live:
            live.update(f"{_drop(graph_iri)} ;\n"
                        f"INSERT DATA {{\n{body}\nGRAPH <{graph_iri}> {{\n{body}\n}} }}")
        state.graphs[graph_iri] = graph_file
        self._save(state)

    @_fork_safe
    def drop_graph(self, graph_iri: str) -> None:
        """Remove one document graph."""
        state = self._begin()
        state.graphs.pop(graph_iri, None)
        state.generation += 1
        self._save(state)
        with self._live() as live:
            live.update(_drop(graph_iri))

    @_fork_safe
    def load_reference(self, graphs: Mapping[str, bytes], stamp: str) -> None:
        """Replace the reference graphs (and the ontology graph): graph IRI -> N-Triples, one transaction."""
        state = self._begin()
        state.reference = ""
        state.generation += 1
        self._save(state)
        parts = [_drop(iri) for iri in graphs]
        body = "\n".join(f"{data.decode('utf-8')}\nGRAPH <{iri}> {{\n{data.decode('utf-8')}\n}}"
                         for iri, data in graphs.items())
        parts.append(f"INSERT DATA {{\n{body}\n}}")
        with self._live() as live:
            live.update(" ;\n".join(parts))
        state.reference = stamp
        self._save(state)

    def sync(
        self,
        manifest: Mapping[str, str],
        read_file: Callable[[str], bytes | None],
        reference: tuple[str, Callable[[], Mapping[str, bytes]]],
    ) -> int:
        """Bring the index in line with the manifest, one document at a time; return how many graphs changed.

        ``read_file(graph_file)`` gives a TriG file's bytes (None when it is gone); ``reference`` is the
        current stamp and a function that builds the reference graphs.
        """
        reload, drop, stale = self.disagreements(manifest, reference[0])
        for iri in drop:
            self.drop_graph(iri)
        for iri in reload:
            data = read_file(manifest[iri])
            if data is None:
                log.error("%s: the stored graph file is missing; rebuild or remove it", manifest[iri])
                continue
            self.replace_graph(iri, manifest[iri], data)
        if stale:
            self.load_reference(reference[1](), reference[0])
        changed = len(reload) + len(drop) + int(stale)
        if changed:
            log.info("quad index re-synced: %d graphs loaded, %d dropped%s", len(reload), len(drop),
                     ", reference data reloaded" if stale else "")
        self.snapshot()
        return changed

    @_fork_safe
    def snapshot(self) -> None:
        """Checkpoint ``live`` read-only when the newest snapshot is older; delete superseded ones."""
        state = self._begin()
        if state.snapshot == state.generation and (self.folder / SNAPSHOTS / str(state.snapshot)).is_dir():
            return
        target = self.folder / SNAPSHOTS / str(state.generation)
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        with self._live() as live:
            live.backup(str(target))
        state.snapshot = state.generation
        self._save(state)
        self._sweep_snapshots(keep=target.name)

    def _sweep_snapshots(self, keep: str) -> None:
        now = time.time()
        for path in (self.folder / SNAPSHOTS).iterdir():
            if path.name == keep:
                continue
            with contextlib.suppress(FileNotFoundError):
                if now - path.stat().st_mtime > SNAPSHOT_GRACE_S or not path.name.isdigit():
                    shutil.rmtree(path, ignore_errors=True)

    @_fork_safe
    def rebuild(
        self, graph_files: Mapping[str, tuple[str, Path]], reference: tuple[str, Mapping[str, bytes]]
    ) -> None:
        """Recreate the index from TriG files (document graph IRI -> (graph file as the manifest names it,
        its path)) and the reference graphs (stamp, graph IRI -> N-Triples)."""
        started = time.perf_counter()
        old = self.state()
        if self.folder.exists():
            for name in (LIVE, STATE):
                path = self.folder / name
                if path.is_dir():
                    shutil.rmtree(path)
                elif path.exists():
                    path.unlink()
        release_writer(self.folder.parent)
        state = IndexState(generation=(old.generation + 1) if old else 0)
        (self.folder / LIVE).mkdir(parents=True, exist_ok=True)
        def quads() -> Iterable[ox.Quad]:
            for iri, (name, path) in graph_files.items():
                try:
                    yield from ox.parse(path=str(path), format=ox.RdfFormat.TRIG)
                except (OSError, SyntaxError) as error:  # one damaged file must not hide the rest
                    log.error("%s: the stored graph cannot be read (%s); rebuild or remove it", path, error)
                    continue
                state.graphs[iri] = name
            for iri, data in reference[1].items():
                graph = ox.NamedNode(iri)
                for triple in ox.parse(data, ox.RdfFormat.N_TRIPLES):
                    yield ox.Quad(triple.subject, triple.predicate, triple.object, graph)

        def with_union(quads: Iterable[ox.Quad]) -> Iterable[ox.Quad]:
            for quad in quads:  # each triple also in the default graph (a set: repeats vanish)
                yield quad
                yield ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph())

        with self._live() as live:
            live.bulk_extend(with_union(quads()))  # one stream: far faster than a bulk load per file
            live.optimize()
        state.reference = reference[0]
        self._save(state)
        self.snapshot()
        log.info("quad index rebuilt from %d graph files in %.1f s", len(graph_files),
                 time.perf_counter() - started)

    def remove(self) -> None:
        """Delete the whole index folder."""
        release_writer(self.folder.parent)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.close()


def remove_index(store_folder: str | Path) -> None:
    """Delete a store's quad index (it is recreated from the TriG files when next opened)."""
    QuadIndex(store_folder).remove()

