"""The explorer's data layer: heavy objects once per process, query results cached per store version.

``st.cache_resource`` holds what every session shares (the store's Dataset, the chain projection, the search
index, the embedding model); ``st.cache_data`` holds query results. Both are keyed by the store folder and its
*version* (the manifest's and the search index's modification stamps), so after an upload or a removal every
session sees the new store on its next rerun while older versions drop out of the cache.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st
from rdflib import Dataset, URIRef

from app.explorer import facts
from graph.chain import ChainGraph
from graph.store import Store
from ontology import SK

log = logging.getLogger("app.explorer")

STORE_ENV = "STYRKEDJA_STORE"
_configured: str | None = None
_warm_lock = threading.Lock()
_warm_started = False


# --- which store ------------------------------------------------------------------------------------------


def configure(folder: str | Path) -> None:
    """Set the store folder for this process (the entry script calls it with --store)."""
    global _configured
    _configured = str(Path(folder).resolve())


def store_folder() -> str:
    """The store folder: as configured, else $STYRKEDJA_STORE, else ./data."""
    if _configured:
        return _configured
    return str(Path(os.environ.get(STORE_ENV) or "data").resolve())


def store_version(folder: str) -> str:
    """A stamp that changes whenever a document is added, replaced or removed (or the index changes)."""
    parts = []
    for path in (Path(folder) / "manifest.json", Path(folder) / "search" / "docs"):
        try:
            stat = path.stat()
            parts.append(f"{stat.st_mtime_ns}:{stat.st_size}")
        except FileNotFoundError:
            parts.append("-")
    return "|".join(parts)


def current() -> tuple[str, str]:
    """(store folder, its version) for the cache keys of this rerun."""
    folder = store_folder()
    return folder, store_version(folder)


# --- heavy objects, shared across sessions ----------------------------------------------------------------


@st.cache_resource(max_entries=2, show_spinner="Läser in kunskapsgrafen …")
def dataset(folder: str, version: str) -> Dataset:
    """The union of the store's graphs (loaded once per store version)."""
    started = time.perf_counter()
    data = Store(folder).dataset()
    log.info("explorer: store %s loaded in %.2f s (%d quads)", folder, time.perf_counter() - started,
             len(data))
    return data


@st.cache_resource(max_entries=2, show_spinner=False)
def chain(folder: str, version: str) -> ChainGraph:
    """The chain projection of the store (graph.chain), once per store version."""
    return ChainGraph(dataset(folder, version))


@st.cache_resource(max_entries=2, show_spinner="Läser in sökindexet …")
def search_index(folder: str, version: str):
    """The store's search index; documents missing from it are indexed first (from their stored files)."""
    from search.index import SearchIndex

    index = SearchIndex(Path(folder) / "search")
    ensure_indexed(Store(folder), index)
    return index


def ensure_indexed(store: Store, index) -> list[str]:
    """Index stored documents the search index lacks (read again from their files); return their names."""
    from rdflib import URIRef

    from graph.rdf import element_labels
    from ingest.model import IngestError
    from ingest.reader import read_document
    from search.index import prepare_document

    done = []
    for entry in store.documents().values():
        if entry.document in index:
            continue
        path = Path(entry.origin)
        if not path.is_file():
            log.warning("%s: not in the search index and its file %s is gone", entry.source_file, path)
            continue
        try:
            labels = element_labels(store.document_graph(entry.source_file), URIRef(entry.document))
            parsed = read_document(path)
            prepared = prepare_document(index, parsed, labels=labels)  # embedding: outside the lock
        except IngestError as error:
            log.warning("%s", error)
            continue
        with store.lock():  # written only if the store still holds this version (a writer may have run)
            current = store.documents().get(entry.source_file)
            if current is None or current.sha256 != parsed.sha256:
                continue
            index.commit_update(prepared)
        done.append(entry.source_file)
    def stale() -> set[str]:
        return {meta.doc_id for meta in index.documents()} - {e.document for e in store.documents().values()}

    if stale():  # decided again under the lock: a writer may be committing that document right now
        with store.lock():
            for doc_id in stale():
                index.remove(doc_id)
    if done:
        log.info("explorer: indexed %s for search", ", ".join(done))
    return done


@st.cache_resource(show_spinner="Laddar språkmodellen …")
def model():
    """The embedding model (search.model), loaded once per process."""
    from search.model import load_model

    return load_model()


def warm_up() -> None:
    """Load the model and the index in a background thread, once per process: the first question is fast."""
    global _warm_started
    with _warm_lock:
        if _warm_started:
            return
        _warm_started = True
    folder, version = current()

    def work() -> None:
        try:
            from search.model import load_model

            load_model()
            index = search_index(folder, version)
            index.prepare()
        except Exception:  # the views report problems when they need the objects
            log.exception("explorer: warm-up failed")

    threading.Thread(target=work, name="styrkedja-warm-up", daemon=True).start()


# --- answers ----------------------------------------------------------------------------------------------


# Type names search.ask uses that the explorer knows under the chain's names.
TYPE_ALIASES = {"Paragraf": "Provision"}


@dataclass(frozen=True)
class NodeView:
    """A graph node beside an answer: its IRI, type (contract name), label and, for a paragraph, its text."""

    iri: str
    type: str
    label: str
    text: str | None = None


@dataclass(frozen=True)
class AnswerView:
    """One answer as the Fråga view shows it."""

    rank: int
    score: float
    text: str
    source_file: str
    page: int | None
    document: str
    passage: str
    spans: tuple[tuple[int, int], ...]
    section: str | None
    title: str | None = None
    organisation: str | None = None
    nodes: tuple[NodeView, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Question:
    """A question with its filters (hashable, so answers can be cached)."""

    text: str
    doc_ids: frozenset[str] | None = None  # restrict to these documents (the view's filters resolved)
    k: int = 5


@st.cache_data(max_entries=256, show_spinner=False)
def answers(folder: str, version: str, question: Question) -> list[AnswerView]:
    """Answer a question from the store: passages with the answering sentences and their graph nodes."""
    from search.ask import ask
    from search.records import Filters

    data = dataset(folder, version)
    index = search_index(folder, version)
    filters = Filters(doc_ids=question.doc_ids)
    result = ask(data, index, question.text, k=question.k, filters=None if filters.is_empty() else filters)
    return [_answer_view(data, item) for item in result.results]


def _answer_view(data: Dataset, item) -> AnswerView:
    """The view's form of a search.ask.Answer (paragraph nodes carry their law text)."""
    nodes = []
    for node in item.nodes:
        kind = TYPE_ALIASES.get(node.type, node.type)
        text = facts.provision_text(data, node.iri) if kind == "Provision" else None
        nodes.append(NodeView(node.iri, kind, facts.node_label(data, node.iri, kind, node.label), text))
    doc_info = {"title": item.title, "organisation": item.organisation}
    if not doc_info["title"]:
        doc_info = facts.document_info(data, item.document)
    return AnswerView(
        rank=item.rank, score=float(item.score), text=item.text, source_file=item.source_file,
        page=item.page, document=item.document, passage=item.passage,
        spans=tuple(item.answer_spans), section=item.section or None,
        title=doc_info.get("title"), organisation=doc_info.get("organisation"), nodes=tuple(nodes),
    )


# --- cached query results ---------------------------------------------------------------------------------


@st.cache_data(max_entries=8, show_spinner=False)
def documents(folder: str, version: str) -> list[dict]:
    """The stored documents with their metadata from the graph (one dict per document)."""
    return facts.documents(chain(folder, version), dataset(folder, version), Store(folder).documents())


@st.cache_data(max_entries=8, show_spinner=False)
def gaps(folder: str, version: str) -> list[dict]:
    """The gap report as rows with evidence quotes."""
    return facts.gap_rows(chain(folder, version))


@st.cache_data(max_entries=8, show_spinner=False)
def unread(folder: str, version: str) -> list[dict]:
    """Documents whose plan structure was not read (no plan gaps computed): document, source_file, reason."""
    from graph.gaps import unread_documents, unread_json

    return [unread_json(u) for u in unread_documents(chain(folder, version))]


@st.cache_data(max_entries=32, show_spinner=False)
def trace_steps(folder: str, version: str, node: str) -> dict:
    """The chain through one node (graph.chain.trace) as plain data."""
    return facts.trace_data(chain(folder, version), node)


@st.cache_data(max_entries=8, show_spinner=False)
def provisions(folder: str, version: str) -> list[dict]:
    """The paragraphs of skollagen cited in the store, with their text and every citing passage."""
    return facts.cited_provisions(dataset(folder, version))


@st.cache_data(max_entries=32, show_spinner=False)
def profile(folder: str, version: str, document: str) -> facts.Profile:
    """What one document contains, for comparison."""
    return facts.profile(chain(folder, version), dataset(folder, version), document)


@st.cache_data(max_entries=16, show_spinner=False)
def similar(folder: str, version: str, document: str, k: int = 5) -> list[dict]:
    """Documents most like one document, with the best matching passage pairs as evidence."""
    return facts.similar(search_index(folder, version), chain(folder, version), document, k)


@st.cache_data(max_entries=16, show_spinner=False)
def onboarding(folder: str, version: str, publisher: str) -> facts.Onboarding:
    """What a new member of a styrgrupp should know about one organisation."""
    return facts.onboarding(chain(folder, version), dataset(folder, version), publisher)


@st.cache_data(max_entries=64, show_spinner=False)
def sparql(folder: str, version: str, query: str) -> tuple[list[str], list[list[str | None]]]:
    """Run a read-only SPARQL query; (column names, rows of strings). Raises graph.sparql.QueryError."""
    return facts.sparql_table(dataset(folder, version), query)


def law_text(folder: str, version: str, iri: str) -> str | None:
    """The text of a paragraph of skollagen in the store (sk:text)."""
    value = dataset(folder, version).value(URIRef(iri), SK.text)
    return str(value) if value is not None else None


def clear_after_write() -> None:
    """Forget cached query results (the version key already separates them; this frees memory at once)."""
    st.cache_data.clear()
