"""Ingestion runs: files -> parsed documents -> document graphs in the store (and the search index).

This is the one place where the layers meet for writing; it does I/O, logs progress and never lets one bad
file stop the others.

Concurrent writers (two ``add`` runs, an upload while ``build`` runs) are kept apart per document: reading,
extraction and embedding happen outside the store's lock; the commit of one document (its search index entry,
its graph file, its manifest entry, in that order) happens inside it, against the manifest as it is then.
Decisions that depend on the store (whether a document left its corpus) are taken again under the lock.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from rdflib import Graph, Literal, URIRef

from app.document_reader import read_document_limited
from graph.iris import document_graph, document_iri
from graph.rdf import Context, StageFailure, build_document
from graph.store import EXTRACTOR_VERSION, DocumentEntry, Removal, Store, StoreError
from ingest.metadata import load_manifest
from ingest.model import DocumentMetadata, IngestError, ParsedDocument
from ingest.reader import SUPPORTED_SUFFIXES, ReadOptions, sha256_bytes
from ontology import SK

log = logging.getLogger("app.pipeline")

MANIFEST_NAME = "manifest.toml"


@dataclass
class RunReport:
    """What a build or add run did."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # Files whose bytes equal a stored document's: recorded as another name of it, not a second document.
    aliased: list[str] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    # Files stored with what the other stages found, while one or more stages failed: file -> failures.
    partial: dict[str, list[StageFailure]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether every file was read."""
        return not self.errors


# Called after each file of a run with its name and the pages read (0 when it was not read).
Progress = Callable[[str, int], None]


class Services:
    """What ingestion needs beyond the graph layer: the embedding model's work (inferred SDG links).

    Everything that loads the model is created on first use, so a run where every file is unchanged never
    loads it. ``use_model=False`` skips the model's work altogether (quick builds; the graph is complete
    except for the inferred links).
    """

    def __init__(self, store: Store, use_model: bool = True):
        self.store = store
        self.use_model = use_model
        self._aligner = None
        self._index = None

    @property
    def index(self):
        """The store's search index (the model loads on the first embedding, not here)."""
        if self._index is None:
            from search.index import SearchIndex

            self._index = SearchIndex(self.store.folder / "search")
        return self._index

    def index_document(self, doc: ParsedDocument, graph=None) -> None:
        """Put a document's passages, and its graph elements' labels, into the search index (under the lock).

        Only changed passages and labels are embedded again.
        """
        prepared = self.prepare_index(doc, graph)
        if prepared is not None:
            with self.store.lock():
                self.commit_index(prepared)

    def prepare_index(self, doc: ParsedDocument, graph=None):
        """Embed a document's passages and its elements' labels for the index; None without the model."""
        if not self.use_model:
            return None
        from graph.rdf import element_labels
        from search.index import prepare_document

        labels = element_labels(graph, document_iri(doc.source_file)) if graph is not None else []
        return prepare_document(self.index, doc, labels=labels)

    def commit_index(self, prepared) -> None:
        """Write a prepared index entry (the caller holds the store's lock)."""
        written = self.index.commit_update(prepared)
        log.debug("%s: search index %s", prepared.doc.meta.source_file, "written" if written else "unchanged")

    def forget(self, document_iri: str) -> None:
        """Remove a document's vectors and lexical entries from the search index."""
        from search.index import index_file

        if self._index is not None:
            self._index.remove(document_iri)
        else:  # nothing loaded: the entry is one file
            with contextlib.suppress(FileNotFoundError):
                index_file(self.index_folder, document_iri).unlink()

    @property
    def index_folder(self) -> Path:
        """The folder of the store's search index."""
        return self.store.folder / "search"

    @property
    def aligner(self):
        """The SDG aligner (target vectors cached in the store's search folder)."""
        if self._aligner is None:
            import json

            from search.alignment import SdgAligner, sdg_targets
            from search.model import embed_queries

            sdg = json.loads((self.store.reference_dir() / "sdg.json").read_text("utf-8"))
            self._aligner = SdgAligner(
                sdg_targets(sdg), embed_queries, cache_dir=self.store.folder / "search"
            )
        return self._aligner

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts for the graph layer's learned steps (the search model's passage embedding)."""
        from search.model import embed_passages

        return embed_passages(list(texts))

    def enrich(self, doc: ParsedDocument, graph) -> None:
        """Add what needs the model to a document graph (inferred SDG links)."""
        if not self.use_model:
            return
        from search.alignment import align_document_graph

        count = align_document_graph(graph, document_iri(doc.source_file), self.aligner)
        log.debug("%s: %d inferred Agenda 2030 links", doc.source_file, count)


def _guarded(stage: str, source_file: str, step: Callable[[], object]) -> StageFailure | None:
    """Run a model stage (inferred links, search index); a failure is logged and returned, never raised."""
    try:
        step()
    except Exception as error:  # the document still lands with its graph
        log.exception("%s: the %s stage failed; the document keeps the rest", source_file, stage)
        return StageFailure(stage, f"{type(error).__name__}: {error}")
    return None


def prune_index(store: Store) -> None:
    """Delete search index entries of documents the manifest lacks (the caller holds the store's lock)."""
    from search.index import prune

    deleted = prune(store.folder / "search", {entry.document for entry in store.documents().values()})
    if deleted:
        log.info("search index: %d entries without a stored document deleted", len(deleted))


def commit_document(
    store: Store, entry: DocumentEntry, graph, services: Services | None, prepared=None, encoded=None
) -> DocumentEntry | None:
    """Commit one document under the store's lock: its search index entry, then its graph and manifest entry.

    ``prepared`` is its embedded index entry (None without the model, or when that stage failed). An index
    entry that would no longer match the stored document (another version's, or a failed stage's leftover)
    is deleted. ``encoded`` is the graph's TriG and analysis when made already (Store.encode; made again
    here when the graph changes under the lock). Returns the manifest entry it replaced, if any.
    """
    with store.lock():
        documents = store.documents()
        previous = documents.get(entry.source_file)
        holder = store.holder(entry.source_file)
        other_holder = holder is not None and holder.source_file != entry.source_file  # an alias elsewhere
        moved = other_holder or (holder is not None and holder.sha256 != entry.sha256)
        if moved and (holder.aliases or other_holder):
            # The name leaves a document that keeps its other names (new content under an old name).
            after_removal(store, store.remove_name(entry.source_file), services)
            documents = store.documents()
            previous = documents.get(entry.source_file)
        elif previous is not None and previous.aliases:  # the same content read again: it keeps its names
            entry.aliases = dict(previous.aliases)
            for name in entry.aliases:
                graph.add((URIRef(entry.document), SK.sourceFile, Literal(name)))
            encoded = None  # the graph changed
        for other in documents.values():  # two names, one IRI ('Plan 2024.pdf', 'plan_2024.pdf'): refused
            if other.document == entry.document and other.source_file != entry.source_file:
                raise IngestError(
                    entry.origin,
                    f"its document IRI {entry.document} is that of the stored {other.source_file} (the names "
                    "differ only in case or punctuation); rename the file or remove the other document first",
                )
        stage_failed = services is not None and services.use_model
        if prepared is not None:
            services.commit_index(prepared)
        elif stage_failed or previous is None or previous.sha256 != entry.sha256:
            (services or Services(store, use_model=False)).forget(entry.document)
        replaced = store.put(entry, graph, encoded)
        prune_index(store)
    return replaced


def commit_alias(store: Store, path: Path, sha256: str, services: Services | None = None) -> str | None:
    """Record a file whose bytes equal a stored document's as another name of it (under the lock); return
    "aliased", "unchanged" (already that name of it), or None when no stored document has those bytes."""
    name = path.name
    if store.with_content(sha256) is None:  # nothing to alias: no lock taken, the store is not touched
        return None
    with store.lock():
        same = store.with_content(sha256)
        if same is None or same.source_file == name:
            return None
        if name in same.aliases:
            if same.aliases[name] != str(path):
                store.add_alias(same.source_file, name, str(path))  # the same name read from elsewhere
            return "unchanged"
        if store.holder(name) is not None:  # the name held other content before: it leaves that document
            after_removal(store, store.remove_name(name), services)
            same = store.with_content(sha256)
            if same is None:
                return None
        store.add_alias(same.source_file, name, str(path))
    return "aliased"


def after_removal(store: Store, removal: Removal, services: Services | None = None) -> None:
    """Bring the search index in line with a removed name (the caller holds the store's lock): a document
    that left is forgotten; one whose IRIs moved to its remaining name is indexed under them."""
    services = services or Services(store, use_model=False)
    if removal.document:
        services.forget(removal.document)
    if removal.renamed_from and removal.kept is not None:
        _reindex(store, removal.kept, removal.renamed_from, services)
        services.forget(removal.renamed_from)


def _reindex(store: Store, entry: DocumentEntry, old_iri: str, services: Services) -> None:
    """Index a document under its new IRIs (vectors of unchanged text are reused from its old entry)."""
    from search.index import SearchIndex, index_file, prepare_document

    if not index_file(store.folder / "search", old_iri).exists():
        return  # it was never indexed (a store built without the model): nothing to move
    try:
        from graph.rdf import element_labels

        doc = read_document_limited(Path(entry.origin), None, None)
        index = services.index if services.use_model else SearchIndex(store.folder / "search")
        labels = element_labels(store.document_graph(entry.source_file), URIRef(entry.document))
        index.commit_update(prepare_document(index, doc, labels=labels))
    except Exception:  # the explorer indexes it from its file when it next loads the index
        log.exception("%s: not indexed under its new name", entry.source_file)


def load_context(store: Store) -> Context:
    """Load the reference data the document graphs are built against."""
    import json

    from graph.legal.statute import load_statute

    folder = store.reference_dir()
    kommuner = json.loads((folder / "kommuner.json").read_text("utf-8"))
    records = kommuner.get("kommuner", kommuner) if isinstance(kommuner, dict) else kommuner
    return Context(statute=load_statute(folder / "skollagen.json"), kommuner=records)


def corpus_files(corpus: Path) -> list[Path]:
    """Return the readable files of a corpus folder (not its reference data or manifest), sorted."""
    return sorted(
        path
        for path in corpus.iterdir()
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.startswith(".")
    )


@dataclass
class Prepared:
    """A file read, extracted and embedded, not yet committed: what the map of an ingest run gives back."""

    entry: DocumentEntry
    graph: Graph
    index: Any  # the embedded search index entry (search.index.PreparedUpdate), None without the model
    failures: list[StageFailure]
    doc: ParsedDocument | None  # None once sent back from a worker (the graph and index entry suffice)
    encoded: tuple[bytes, bytes | None] | None = None  # the graph's TriG and analysis (Store.encode), if made


def settle_unread(
    store: Store, path: Path, force: bool = False, services: Services | None = None
) -> str | None:
    """Settle a file that needs no reading: "aliased" (its bytes are a stored document's; recorded as another
    name of it, under the lock), "unchanged" (stored, current), or None when it must be read."""
    if path.is_file():
        aliased = commit_alias(store, path, sha256_bytes(path.read_bytes()), services)
        if aliased:
            return aliased
    previous = store.documents().get(path.name)  # a first look; the commit reads the manifest again
    use_model = services is not None and services.use_model
    current = previous is not None and not force and previous.extractor == EXTRACTOR_VERSION
    current = current and (previous.enriched or not use_model)  # a --no-model build is finished later
    current = current and not previous.failed_stages  # a stage that failed is tried again
    if current and path.is_file() and sha256_bytes(path.read_bytes()) == previous.sha256:
        return "unchanged"
    return None


def prepare_file(
    path: Path,
    context: Context,
    known: DocumentMetadata | None = None,
    options: ReadOptions | None = None,
    services: Services | None = None,
) -> Prepared:
    """Read, extract and embed one file without writing anything (the map; raises IngestError)."""
    doc = read_document_limited(path, options, known)  # a worker process, within the time limit
    use_model = services is not None and services.use_model
    if use_model:
        context = replace(context, embed=services.embed_texts)
    built = build_document(doc, context)
    graph, failures = built.graph, list(built.failures)
    prepared: list = []
    if services is not None:
        failure = _guarded("alignment", doc.source_file, lambda: services.enrich(doc, graph))
        failures += [failure] if failure else []
        failure = _guarded(
            "search", doc.source_file, lambda: prepared.append(services.prepare_index(doc, graph))
        )
        failures += [failure] if failure else []
    entry = DocumentEntry(
        source_file=doc.source_file,
        sha256=doc.sha256,
        graph_file="",
        document=str(document_iri(doc.source_file)),
        graph=str(document_graph(doc.source_file)),
        origin=str(path),
        title=doc.metadata.title,
        kind=doc.metadata.kind,
        organisation=doc.metadata.organisation,
        pages=len(doc.pages),
        enriched=use_model,
        failed_stages={f.stage: f.error for f in failures},
    )
    return Prepared(entry, graph, prepared[0] if prepared else None, failures, doc)


def commit_prepared(store: Store, prepared: Prepared, services: Services | None = None) -> str:
    """Commit a prepared file (the merge, one document at a time); return "added" or "replaced"."""
    prepared.entry.added = time.time()  # when it enters the store (it may have been mapped long before)
    replaced = commit_document(
        store, prepared.entry, prepared.graph, services, prepared.index, prepared.encoded
    )
    return "replaced" if replaced is not None else "added"


def ingest_file(
    store: Store,
    path: Path,
    context: Context,
    known: DocumentMetadata | None = None,
    options: ReadOptions | None = None,
    force: bool = False,
    services: Services | None = None,
) -> tuple[str, ParsedDocument | None, list[StageFailure]]:
    """Read one file into the store; return its status, the parsed document (or None), the failed stages.

    The status is "added", "replaced", "unchanged" or "aliased" (its bytes are a stored document's: the name
    became another name of that document, and nothing was read). A failed extraction stage does not stop the
    file: the document is stored with what the other stages found and the failures are recorded in the
    manifest.
    """
    path = path.resolve()
    settled = settle_unread(store, path, force, services)
    if settled:
        return settled, None, []
    prepared = prepare_file(path, context, known, options, services)
    return commit_prepared(store, prepared, services), prepared.doc, prepared.failures


@dataclass(frozen=True)
class Outcome:
    """What became of one file of a run: a status and its failed stages, or an error; pages read."""

    path: Path
    status: str = ""
    failures: list[StageFailure] = field(default_factory=list)
    error: IngestError | None = None
    pages: int = 0


def unexpected(path: Path, exc: BaseException) -> IngestError:
    """The error a run records for a file whose ingestion raised something unforeseen (a bug)."""
    return IngestError(str(path), f"could not be ingested ({type(exc).__name__}: {exc})")


def ingest_sequential(
    store: Store,
    paths: Iterable[Path],
    manifest: dict[str, DocumentMetadata],
    options: ReadOptions | None,
    force: bool,
    services: Services | None,
) -> Iterator[Outcome]:
    """Ingest files one after another in this process."""
    context = load_context(store)
    for path in paths:
        path = Path(path)
        try:
            status, doc, failures = ingest_file(
                store, path, context, manifest.get(path.name), options, force, services
            )
        except IngestError as error:
            log.error("%s", error)
            yield Outcome(path, error=error)
            continue
        except Exception as exc:  # a bug in one extraction must not stop the run
            log.exception("%s: unexpected error", path)
            yield Outcome(path, error=unexpected(path, exc))
            continue
        yield Outcome(path, status, failures, pages=len(doc.pages) if doc is not None else 0)


def add_files(
    store: Store,
    paths: Iterable[Path],
    manifest: dict[str, DocumentMetadata] | None = None,
    options: ReadOptions | None = None,
    force: bool = False,
    progress: Progress | None = None,
    services: Services | None = None,
    workers: int = 1,
    cluster: str | None = None,
) -> RunReport:
    """Ingest files into the store; a file already stored is replaced, an unchanged one skipped.

    With ``workers`` > 1 (or a Dask ``cluster`` address) files are read, extracted and embedded in parallel
    (app/parallel.py) and committed here in their given order: the store is the same as a one-worker run's.
    """
    report = RunReport()
    manifest = manifest or {}
    if workers > 1 or cluster:
        from app.parallel import ingest_parallel

        outcomes = ingest_parallel(store, paths, manifest, options, force, services, workers, cluster)
    else:
        outcomes = ingest_sequential(store, paths, manifest, options, force, services)
    for outcome in outcomes:
        name = outcome.path.name
        if outcome.error is not None:
            report.errors.append(outcome.error)
        else:
            getattr(report, outcome.status).append(name)
            if outcome.failures:
                report.partial[name] = outcome.failures
            log.info("%s: %s", name, outcome.status)
        if progress:
            progress(name, outcome.pages)
    return report


def remove_document(store: Store, name_or_iri: str, services: Services | None = None) -> Removal:
    """Remove one name of a document (under the lock): with its last name the document goes, graph, manifest
    entry and search index entry; while another name remains it stays. Returns what was done."""
    with store.lock():
        removal = store.remove_name(name_or_iri)
        after_removal(store, removal, services)
        prune_index(store)
    return removal


def _origins(store: Store) -> dict[str, str]:
    """Every stored file name (a document's own and its other names) -> the path it was read from."""
    found: dict[str, str] = {}
    for entry in store.documents().values():
        found[entry.source_file] = entry.origin
        found.update(entry.aliases)
    return found


def remove_if_gone(store: Store, name: str, corpus: Path, services: Services | None = None) -> bool:
    """Remove a name read from ``corpus`` whose file is no longer there; decided under the lock."""
    with store.lock():
        origin = _origins(store).get(name)
        if origin is None or Path(origin).parent != corpus or Path(origin).exists():
            return False  # replaced from elsewhere, or its file came back (someone added it meanwhile)
        try:
            remove_document(store, name, services)
        except StoreError:
            return False
    return True


def build_corpus(
    store: Store,
    corpus: Path,
    options: ReadOptions | None = None,
    force: bool = False,
    progress: Progress | None = None,
    services: Services | None = None,
    workers: int = 1,
    cluster: str | None = None,
) -> RunReport:
    """(Re)build the store from a corpus folder, incrementally; documents whose files left the folder go.

    ``workers`` and ``cluster`` are add_files' (the map in parallel, the merge here).
    """
    corpus = corpus.resolve()
    if not corpus.is_dir():
        raise IngestError(str(corpus), "no such corpus folder")
    reference = corpus / "reference"
    if reference.is_dir() and store.install_reference(reference):
        log.info("reference data installed from %s", reference)
        force = True  # graphs resolve provisions and municipalities against it
    manifest_path = corpus / MANIFEST_NAME
    manifest = load_manifest(manifest_path) if manifest_path.exists() else {}
    files = corpus_files(corpus)
    report = add_files(store, files, manifest, options, force, progress, services, workers, cluster)
    present = {path.name for path in files}
    for name, origin in _origins(store).items():
        gone = Path(origin).parent == corpus and name not in present
        if gone and remove_if_gone(store, name, corpus, services):
            report.removed.append(name)
            log.info("%s: removed (no longer in the corpus)", name)
    return report
