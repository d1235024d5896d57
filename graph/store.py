"""The store: one TriG file per document graph (the source of truth), reference data, and a manifest.

Layout of a store folder::

    manifest.json            documents: source file -> hash, graph file, IRIs, origin, extractor version
    graphs/<slug>.<id>.trig  one named graph per source document (a new file name each time it is written)
    reference/*.json         the reference data the graphs were built with (skollagen, SDG, kommuner)
    search/                  the search index (written by the search package through its own API)
    quads/                   the quad index: every graph in an on-disk SPARQL store (graph.quadstore)

Every write goes to a temporary file in the same folder and is renamed into place, so a crash never leaves a
half-written graph or manifest. Writers commit one document at a time under the store's lock (``.lock``, an
exclusive flock, re-entrant within a thread): the new graph goes to a file of its own, then the manifest is
re-read and rewritten (the commit point), then the replaced graph file goes. A writer killed at any moment
leaves the previous state readable; files it left unreferenced are swept by the next writer. Readers take no
lock: a graph file replaced while they read the manifest is looked up again. SPARQL runs over the union of all
graphs.

The quad index (``quads()``, graph.quadstore) is updated under the same lock after a document's TriG file is
written and before the manifest is: a writer killed in between leaves an index that disagrees with the
manifest for that document, and the next reader re-syncs that document from the manifest's file.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef

from graph.iris import document_graph, document_iri, slug
from graph.quadstore import QuadIndex, release_writer

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
STORE_FORMAT = 1
# Bump when extraction changes, so that `build` re-extracts documents whose files have not changed.
EXTRACTOR_VERSION = "2026-12-03.7"
REPOSITORY_REFERENCE = Path(__file__).resolve().parent.parent / "corpus" / "reference"
REFERENCE_FILES = ("skollagen.json", "sdg.json", "kommuner.json", "SOURCES.md")


GRAPHS = "graphs"
# Folders whose temporary files only writers holding the lock make (a killed writer's are swept).
LOCKED_FOLDERS = (".", GRAPHS, "reference")
_HELD = threading.local()  # lock depth per store folder in this thread (the lock is re-entrant)


class StoreError(Exception):
    """A problem with the store or with a request to it (unknown document, unreadable store)."""


@dataclass
class DocumentEntry:
    """What the manifest records about one stored document."""

    source_file: str
    sha256: str
    graph_file: str  # relative to the store folder
    document: str  # document IRI
    graph: str  # named graph IRI
    origin: str  # absolute path of the file it was read from
    extractor: str = EXTRACTOR_VERSION
    added: float = field(default_factory=time.time)
    title: str | None = None
    kind: str | None = None
    organisation: str | None = None
    pages: int = 0
    enriched: bool = False  # the embedding model's work is done: inferred links, search index
    # Extraction stages that failed on this document ("protocol": "IndexError: ..."): the document was stored
    # with what the other stages found, and the next build or add retries it.
    failed_stages: dict[str, str] = field(default_factory=dict)
    # Other names of the same content (file name -> the path it was read from): one document, several
    # sk:sourceFile values. The entry's own source_file is the name its IRIs are minted from.
    aliases: dict[str, str] = field(default_factory=dict)

    def names(self) -> list[str]:
        """Every file name of this document: its own first, then its other names."""
        return [self.source_file, *sorted(self.aliases)]


@dataclass(frozen=True)
class Removal:
    """What removing one file name did: the document left the store, or it stays under another name."""

    source_file: str  # the name removed
    origin: str  # the path that name was read from
    document: str | None  # the IRI of the document that left the store (None: the document stays)
    kept: DocumentEntry | None = None  # the document after the removal, when another name remains
    renamed_from: str | None = None  # the document's IRI before, when its IRIs moved to a remaining name


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes to a temporary file beside ``path`` and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


BACKENDS = ("rdflib", "oxigraph")


def new_dataset() -> Dataset:
    """A new empty Dataset (union default graph) on the RDF backend chosen by STYRKEDJA_RDF_BACKEND.

    rdflib's own memory store is the default; "oxigraph" plugs pyoxigraph in through oxrdflib (rdflib's store
    plugin interface), which answers SPARQL one to three orders of magnitude faster on large stores.
    """
    backend = os.environ.get("STYRKEDJA_RDF_BACKEND", "rdflib").strip().lower() or "rdflib"
    if backend not in BACKENDS:
        raise StoreError(f"STYRKEDJA_RDF_BACKEND={backend!r} is not one of {', '.join(BACKENDS)}")
    if backend == "oxigraph":
        try:
            import oxrdflib  # noqa: F401  (registers the "Oxigraph" store plugin)
        except ImportError:
            raise StoreError(
                "the oxigraph backend needs oxrdflib: pip install 'styrkedja[oxigraph]'"
            ) from None
        return Dataset(store="Oxigraph", default_union=True)
    return Dataset(default_union=True)


class Store:
    """A store folder: read the manifest, write and remove document graphs, load everything as a Dataset."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._dataset: Dataset | None = None
        self._quads: QuadIndex | None = None

    # --- manifest -----------------------------------------------------------------------------------------

    @property
    def manifest_path(self) -> Path:
        """Return the path of the manifest file."""
        return self.folder / MANIFEST

    def documents(self) -> dict[str, DocumentEntry]:
        """Return the stored documents by source file name (empty for a new store)."""
        if not self.manifest_path.exists():
            return {}
        try:
            data = json.loads(self.manifest_path.read_text("utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise StoreError(f"{self.manifest_path}: the store's manifest cannot be read ({error})") from None
        if data.get("format") != STORE_FORMAT:
            raise StoreError(f"{self.manifest_path}: unknown store format {data.get('format')!r}")
        return {name: DocumentEntry(**entry) for name, entry in data.get("documents", {}).items()}

    def _write_manifest(self, documents: dict[str, DocumentEntry]) -> None:
        data = {"format": STORE_FORMAT, "documents": {k: asdict(v) for k, v in sorted(documents.items())}}
        write_atomic(self.manifest_path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
        from graph.analysis_index import sync_index

        sync_index(self, documents)  # gaps and trace read a cache in step with it (graph/analysis_index.py)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store's write lock: other processes and threads wait; the same thread may enter again."""
        self.folder.mkdir(parents=True, exist_ok=True)
        key = str(self.folder.resolve())
        held = _HELD.__dict__.setdefault("depth", {})
        if held.get(key):
            held[key] += 1
            try:
                yield
            finally:
                held[key] -= 1
            return
        with open(self.folder / ".lock", "a") as handle:
            waited = time.perf_counter()
            fcntl.flock(handle, fcntl.LOCK_EX)
            log.debug("store lock taken after %.3f s", time.perf_counter() - waited)
            held[key] = 1
            try:
                yield
            finally:
                held[key] = 0
                try:
                    release_writer(self.folder)  # the quad index's read-write handle goes with the lock
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def sweep(self) -> list[Path]:
        """Delete what a killed writer left: graph files the manifest does not name, temporary files.

        Takes the lock; returns the deleted paths.
        """
        from graph.analyses import stale_analyses
        from graph.profiles import stale_profiles

        deleted = []
        with self.lock():
            keep = {entry.graph_file for entry in self.documents().values()}
            graphs = self.folder / GRAPHS
            leftovers = [p for p in graphs.glob("*.trig") if str(p.relative_to(self.folder)) not in keep]
            leftovers += stale_analyses(self.folder, keep)
            leftovers += stale_profiles(self.folder, keep)
            for folder in LOCKED_FOLDERS:
                leftovers += (self.folder / folder).glob(".*.tmp")
            for path in leftovers:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    deleted.append(path)
        if deleted:
            log.info("swept %d files a stopped writer left in %s", len(deleted), self.folder)
        return deleted

    # --- reference data -----------------------------------------------------------------------------------

    def reference_dir(self) -> Path:
        """Return the folder of the reference data this store uses (its own copy, else the repository's)."""
        own = self.folder / "reference"
        # All data files, not just the first: a writer installing them one by one must not let a reader in
        # half-way (regression: `add` while `build` installed the reference data found no kommuner.json).
        if all((own / name).exists() for name in REFERENCE_FILES if name.endswith(".json")):
            return own
        return REPOSITORY_REFERENCE

    def install_reference(self, source: Path) -> bool:
        """Copy reference data into the store when it differs; return whether anything changed."""
        target = self.folder / "reference"
        changed = False
        with self.lock():
            for name in REFERENCE_FILES:
                src = source / name
                if not src.exists():
                    continue
                data = src.read_bytes()
                dst = target / name
                if not dst.exists() or dst.read_bytes() != data:
                    write_atomic(dst, data)
                    changed = True
        if changed:
            self._dataset = None
        return changed

    # --- document graphs ----------------------------------------------------------------------------------

    def new_graph_file(self, source_file: str) -> Path:
        """Return a new path for a document's TriG file (each write gets its own; the manifest names it)."""
        return self.folder / GRAPHS / f"{slug(source_file)}.{uuid.uuid4().hex[:12]}.trig"

    def encode(self, graph_iri: str, graph: Graph) -> tuple[bytes, bytes | None]:
        """A document graph as put writes it: its TriG and its analysis (made in a parallel ingest's map)."""
        from graph.analyses import encode_analysis

        # The analysis: gaps and trace read it (graph/analyses.py).
        return _trig(graph_iri, graph), encode_analysis(graph, self.reference_dir())

    def put(
        self, entry: DocumentEntry, graph: Graph, encoded: tuple[bytes, bytes | None] | None = None
    ) -> DocumentEntry | None:
        """Store one document graph (replacing the document's previous graph) and record it.

        Under the lock: the graph goes to a new file, the manifest is re-read and rewritten with the entry,
        then the previous graph file is deleted. ``encoded`` is ``encode(entry.graph, graph)`` when made
        already. Returns the entry it replaced, if any.
        """
        from graph.analyses import write_analysis
        from graph.profiles import write_profile

        data, analysis = encoded or self.encode(entry.graph, graph)
        with self.lock():
            path = self.new_graph_file(entry.source_file)
            write_atomic(path, data)
            write_analysis(path, analysis)  # beside the graph, before the manifest names it
            write_profile(path, graph, entry.document, self.reference_dir())  # what similar, history read
            documents = self.documents()
            previous = documents.get(entry.source_file)
            entry.graph_file = str(path.relative_to(self.folder))
            if (index := self._index_writer(documents)) is not None:
                index.replace_graph(entry.graph, entry.graph_file, data)
            documents[entry.source_file] = entry
            self._write_manifest(documents)
            if previous is not None and previous.graph_file != entry.graph_file:
                with contextlib.suppress(FileNotFoundError):
                    (self.folder / previous.graph_file).unlink()
            self.sweep()
        self._dataset = None
        return previous

    def remove(self, source_file: str) -> DocumentEntry:
        """Remove a document's graph and its manifest entry; nothing else is touched."""
        with self.lock():
            documents = self.documents()
            entry = documents.pop(source_file, None)
            if entry is None:
                raise StoreError(f"{source_file}: no such document in the store")
            if (index := self._index_writer(documents)) is not None:
                index.drop_graph(entry.graph)
            self._write_manifest(documents)
            with contextlib.suppress(FileNotFoundError):
                (self.folder / entry.graph_file).unlink()
            self.sweep()
        self._dataset = None
        return entry

    def find(self, name_or_iri: str) -> DocumentEntry:
        """Find a stored document by file name (its own or another name), path, document IRI or graph IRI."""
        documents = self.documents()
        base = Path(name_or_iri).name
        if base in documents:
            return documents[base]
        for entry in documents.values():
            if name_or_iri in (entry.document, entry.graph) or base in entry.aliases:
                return entry
        raise StoreError(f"{name_or_iri}: no such document in the store")

    def holder(self, name: str) -> DocumentEntry | None:
        """The document that has a file name as its own or as another name, if any."""
        documents = self.documents()
        if name in documents:
            return documents[name]
        return next((e for e in documents.values() if name in e.aliases), None)

    def with_content(self, sha256: str) -> DocumentEntry | None:
        """The stored document whose file has these bytes (by sha256), if any."""
        return next((e for e in self.documents().values() if e.sha256 == sha256), None)

    def stored_graph(self, entry: DocumentEntry) -> Graph:
        """A document's named graph read from its TriG file (a fresh Graph, not the loaded Dataset's)."""
        dataset = Dataset()
        dataset.parse(self.folder / entry.graph_file, format="trig")
        graph = Graph(identifier=URIRef(entry.graph))
        for prefix, namespace in dataset.namespaces():
            graph.bind(prefix, namespace, replace=True)
        for triple in dataset.graph(URIRef(entry.graph)):
            graph.add(triple)
        return graph

    def add_alias(self, source_file: str, name: str, origin: str) -> DocumentEntry:
        """Record ``name`` as another name of the stored document ``source_file`` (same bytes): the graph gets
        a second sk:sourceFile, the manifest the alias. Returns the updated entry."""
        from ontology import SK

        with self.lock():
            entry = self.documents().get(source_file)
            if entry is None:
                raise StoreError(f"{source_file}: no such document in the store")
            graph = self.stored_graph(entry)
            graph.add((URIRef(entry.document), SK.sourceFile, Literal(name)))
            entry.aliases = {**entry.aliases, name: origin}
            self.put(entry, graph)
        log.info("%s: another name of %s (same content)", name, source_file)
        return entry

    def remove_name(self, name: str) -> Removal:
        """Remove one file name. The document goes with its last name; while another name remains it stays,
        and when the name removed was the one its IRIs were minted from, they move to the remaining name."""
        from ontology import SK

        with self.lock():
            entry = self.holder(Path(name).name)
            if entry is None:
                entry = self.find(name)  # by IRI or path: the whole document
                name = entry.source_file
            name = Path(name).name
            if not entry.aliases:
                removed = self.remove(entry.source_file)
                return Removal(name, removed.origin, removed.document)
            if name in entry.aliases:  # another name goes; the document stays as it is
                origin = entry.aliases[name]
                graph = self.stored_graph(entry)
                graph.remove((URIRef(entry.document), SK.sourceFile, Literal(name)))
                entry.aliases = {k: v for k, v in entry.aliases.items() if k != name}
                self.put(entry, graph)
                return Removal(name, origin, None, entry)
            # The document's own name goes: the first other name takes its place, IRIs and all.
            heir = sorted(entry.aliases)[0]
            kept = promoted(entry, heir)
            graph = rekey(self.stored_graph(entry), URIRef(entry.document), URIRef(kept.document))
            graph.remove((URIRef(kept.document), SK.sourceFile, Literal(name)))
            documents = self.documents()
            if kept.source_file in documents:
                raise StoreError(f"{heir}: a document of that name is already stored")
            path = self.new_graph_file(kept.source_file)
            data = _trig(kept.graph, graph)
            write_atomic(path, data)
            kept.graph_file = str(path.relative_to(self.folder))
            if (index := self._index_writer(documents)) is not None:
                index.drop_graph(entry.graph)
                index.replace_graph(kept.graph, kept.graph_file, data)
            documents.pop(entry.source_file, None)
            documents[kept.source_file] = kept
            self._write_manifest(documents)
            with contextlib.suppress(FileNotFoundError):
                (self.folder / entry.graph_file).unlink()
            self.sweep()
        self._dataset = None
        log.info("%s removed; its document stays as %s", name, heir)
        return Removal(name, entry.origin, None, kept, renamed_from=entry.document)

    # --- reading ------------------------------------------------------------------------------------------

    def dataset(self) -> Dataset:
        """Load every document graph and the reference graphs into one Dataset (cached until a write)."""
        if self._dataset is None:
            started = time.perf_counter()
            dataset = new_dataset()
            from graph.iris import ONTOLOGY_GRAPH
            from graph.reference import load_reference_graphs
            from ontology import bind_prefixes, load_ontology

            bind_prefixes(dataset)
            load_reference_graphs(self.reference_dir(), dataset=dataset)
            dataset.graph(ONTOLOGY_GRAPH).__iadd__(load_ontology())
            for entry in self.documents().values():
                self._parse_graph(dataset, entry)
            log.debug("store loaded in %.2f s", time.perf_counter() - started)
            self._dataset = dataset
        return self._dataset

    def _parse_graph(self, dataset: Dataset, entry: DocumentEntry) -> None:
        """Parse a document's graph file into the dataset (a file replaced meanwhile is looked up again)."""
        for _ in range(5):
            path = self.folder / entry.graph_file
            try:
                dataset.parse(path, format="trig")
                return
            except FileNotFoundError as error:
                fresh = self.documents().get(entry.source_file)
                if fresh is None:  # removed since the manifest was read
                    return
                if fresh.graph_file == entry.graph_file:
                    log.error("%s: the stored graph is missing (%s); rebuild or remove it", path, error)
                    return
                entry = fresh
            except Exception as error:  # one damaged file must not hide the rest
                log.error("%s: the stored graph cannot be read (%s); rebuild or remove it", path, error)
                return
        log.error("%s: the stored graph kept changing while it was read; reload the store", entry.source_file)

    def document_graph(self, source_file: str) -> Graph:
        """One document's named graph: the loaded Dataset's if there is one, else its TriG file alone."""
        entry = self.find(source_file)
        if self._dataset is not None:
            return self._dataset.graph(URIRef(entry.graph))
        for _ in range(5):
            try:
                return self.stored_graph(entry)
            except FileNotFoundError:  # replaced meanwhile: look it up again
                entry = self.find(source_file)
        return self.stored_graph(entry)

    # --- the quad index -----------------------------------------------------------------------------------

    def _index(self) -> QuadIndex:
        if self._quads is None:
            self._quads = QuadIndex(self.folder)
        return self._quads

    def _index_writer(self, documents: dict[str, DocumentEntry]) -> QuadIndex | None:
        """The quad index for a writer (who holds the lock), or None when a store with documents has none
        yet: it is then built whole from the TriG files when it is first read."""
        index = self._index()
        if index.state() is None and documents:
            return None
        return index

    def reference_stamp(self) -> str:
        """A stamp of the reference data and ontology the index should hold (changes when they do)."""
        from graph.quadstore import reference_stamp
        from ontology import ONTOLOGY_PATH

        folder = self.reference_dir()
        names = [folder / name for name in REFERENCE_FILES if name.endswith(".json")]
        return reference_stamp([*names, Path(ONTOLOGY_PATH)])

    def reference_ntriples(self) -> dict[str, bytes]:
        """The reference graphs and the ontology graph as N-Triples, by graph IRI (what the index loads)."""
        from graph.iris import ONTOLOGY_GRAPH
        from graph.reference import load_reference_graphs
        from ontology import load_ontology

        graphs = {str(iri): graph for iri, graph in load_reference_graphs(self.reference_dir()).items()}
        graphs[str(ONTOLOGY_GRAPH)] = load_ontology()
        return {iri: graph.serialize(format="nt", encoding="utf-8") for iri, graph in graphs.items()}

    def _graph_files(self) -> dict[str, str]:
        return {entry.graph: entry.graph_file for entry in self.documents().values()}

    def _read_graph_file(self, name: str) -> bytes | None:
        try:
            return (self.folder / name).read_bytes()
        except FileNotFoundError:
            return None

    def quads(self) -> QuadIndex:
        """The store's quad index, open for reading, in agreement with the manifest.

        Cheap when nothing changed (the manifest and the index's state.json are compared). Otherwise, under
        the lock: a missing index is rebuilt from the TriG files; documents whose recorded graph file differs
        from the manifest's are re-synced one by one; stale reference graphs are reloaded; a snapshot of the
        result is made for readers.
        """
        index = self._index()
        if not index.ready(self._graph_files(), self.reference_stamp()):
            with self.lock():
                files = self._graph_files()
                reload, _, _ = index.disagreements(files, "")
                if index.state() is None or len(reload) > max(100, len(files) // 2):
                    self.rebuild_index()
                else:
                    index.sync(self._graph_files(), self._read_graph_file,
                               (self.reference_stamp(), self.reference_ntriples))
            index.close()
        return index

    def rebuild_index(self) -> QuadIndex:
        """Recreate the quad index from the TriG files and the reference data (takes the lock)."""
        index = self._index()
        with self.lock():
            files = {e.graph: (e.graph_file, self.folder / e.graph_file) for e in self.documents().values()}
            index.rebuild(files, (self.reference_stamp(), self.reference_ntriples()))
        index.close()
        return index

    def clear(self) -> None:
        """Delete the whole store folder."""
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self._dataset = None



def _trig(graph_iri: str, graph: Graph) -> bytes:
    """A document graph as TriG, in its named graph."""
    dataset = Dataset()
    named = dataset.graph(URIRef(graph_iri))
    for prefix, namespace in graph.namespaces():
        dataset.bind(prefix, namespace, replace=True)
    for triple in graph:
        named.add(triple)
    return dataset.serialize(format="trig").encode("utf-8")


def promoted(entry: DocumentEntry, name: str) -> DocumentEntry:
    """The entry of a document whose other name ``name`` becomes its own (IRIs minted from it)."""
    aliases = {k: v for k, v in entry.aliases.items() if k != name}
    return replace(entry, source_file=name, origin=entry.aliases[name], document=str(document_iri(name)),
                   graph=str(document_graph(name)), aliases=aliases, graph_file="")


def rekey(graph: Graph, old: URIRef, new: URIRef) -> Graph:
    """A copy of a document graph with the IRIs under ``old`` (the document, its passages and elements)
    moved under ``new``."""
    prefix = str(old)

    def move(term):
        text = str(term)
        if isinstance(term, URIRef) and (text == prefix or text.startswith(prefix + "/")):
            return URIRef(str(new) + text[len(prefix):])
        return term

    out = Graph()
    for name, namespace in graph.namespaces():
        out.bind(name, namespace, replace=True)
    for s, p, o in graph:
        out.add((move(s), p, move(o)))
    return out
