"""Per-document profiles: what `similar` and `history` need of a document, computed at ingest and stored.

:func:`profile_document` is pure: one document's named graph, read together with the reference graphs
(skollagen, Agenda 2030, kommuner, the ontology), gives a :class:`DocumentProfile` — the graph features
`similar` compares (the provisions and SDG goals and targets it cites or is aligned to, the kinds of plan
element it holds, the roles made responsible; :func:`features`), and what `history` needs to find an
organisation's plan versions without reading every graph (the document's kind, its publisher and issuing
body with every label and kommunkod the graphs give them).

A profile is a JSON file beside its TriG file (``graphs/<stem>.profile.json``), written atomically before the
manifest names the graph and swept with it. It carries :func:`profile_version` (the format and a digest of
this module); one that is stale or missing is made again from its TriG file on read (logged) and written back
where the store is writable, so stores made before profiles keep working. :func:`make_profiles` makes every
missing one (``styrkedja rebuild-index``).

What crosses documents is answered by :class:`ProfileIndex`, a SQLite cache in the store folder
(``profiles.sqlite``) derived from the profiles and brought up to date with the manifest on every open (only
the documents that changed are read): every document's features, and the names (labels, kommunkoder) of
publishers and bodies, so that :meth:`ProfileIndex.plan_documents` finds an organisation's plans by query.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from graph.sqlite_cache import in_memory, open_cache
from ontology import SK

log = logging.getLogger(__name__)

PROFILE_SUFFIX = ".profile.json"
INDEX_FILE = "profiles.sqlite"
# Bump when the profile's shape changes; this module's own text is digested into the version as well.
PROFILE_FORMAT = "1"
FEATURES = ("laws", "sdg", "kinds", "roles")
ELEMENT_KINDS = {
    SK.Vision: "vision",
    SK.Goal: "mål",
    SK.PriorityArea: "prioriterat område",
    SK.Strategy: "strategi",
    SK.Activity: "aktivitet",
    SK.Challenge: "utmaning",
    SK.Forum: "forum",
    SK.Meeting: "sammanträde",
}
SDG_PREFIX = "http://metadata.un.org/sdg"

Features = dict[str, dict[str, str]]


@lru_cache(maxsize=1)
def profile_version() -> str:
    """The profiles' version: the format and a digest of the code and constants that make a profile."""
    import inspect

    digest = hashlib.sha256(PROFILE_FORMAT.encode())
    for part in (profile_document, features, display_label, document_kind):
        digest.update(inspect.getsource(part).encode())
    digest.update(repr((FEATURES, sorted(ELEMENT_KINDS.items()), PROFILE_PREDICATES)).encode())
    return f"{PROFILE_FORMAT}.{digest.hexdigest()[:16]}"


@dataclass
class DocumentProfile:
    """What `similar` and `history` need of one document."""

    version: str
    document: str
    kind: str
    publisher: str | None = None
    body: str | None = None  # the issuing body (sk:issuedBy)
    # Labels of the publisher and the body, as [IRI, value, language or ""], and kommunkoder as [IRI, code].
    labels: list[list[str]] = field(default_factory=list)
    codes: list[list[str]] = field(default_factory=list)
    features: Features = field(default_factory=dict)

    def encode(self) -> bytes:
        """The profile as compact UTF-8 JSON."""
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def decode(cls, data: bytes) -> DocumentProfile:
        """A profile from the bytes :meth:`encode` wrote."""
        return cls(**json.loads(data))


# --- the profile of one document (pure) ---------------------------------------------------------------------


def display_label(graph: Graph, node: URIRef) -> str:
    """A display label: Swedish rdfs:label, else any label, else skos:prefLabel, else the IRI."""
    labels = list(graph.objects(node, RDFS.label)) + list(graph.objects(node, SKOS.prefLabel))
    for label in labels:
        if getattr(label, "language", None) == "sv":
            return str(label)
    return str(labels[0]) if labels else ("Agenda 2030" if str(node) == SDG_PREFIX else str(node))


def features(graph: Graph, document: URIRef) -> Features:
    """A document's graph features by kind: IRI (or key) -> display label."""
    out: Features = {name: {} for name in FEATURES}
    for node in graph.subjects(SK.inDocument, document):
        for target in graph.objects(node, DCTERMS.references):
            key = "sdg" if str(target).startswith(SDG_PREFIX) else "laws"
            out[key][str(target)] = display_label(graph, target)
        types = set(graph.objects(node, RDF.type))
        for cls, name in ELEMENT_KINDS.items():
            if cls in types:
                out["kinds"][name] = name
        if SK.Alignment in types:
            target = graph.value(node, SK.to)
            if target is not None:
                out["sdg"][str(target)] = display_label(graph, target)
        for agent in graph.objects(node, SK.responsible):
            label = graph.value(agent, RDFS.label)
            if label:
                out["roles"][str(label).casefold()] = str(label)
    return out


def overlap(a: Features, b: Features) -> tuple[float, dict[str, list[str]]]:
    """Mean Jaccard overlap over the feature kinds either document has, and the shared labels per kind."""
    scores, shared = [], {}
    for name in FEATURES:
        left, right = set(a.get(name, ())), set(b.get(name, ()))
        if not left and not right:
            continue
        common = left & right
        scores.append(len(common) / len(left | right))
        if common:
            shared[name] = sorted(a[name][key] for key in common)
    return (sum(scores) / len(scores) if scores else 0.0), shared


def document_kind(graph: Graph, document: URIRef) -> str:
    """The document's kind as graph.chain reads it: its type's notation, else the type IRI's last part."""
    node = graph.value(document, SK.documentType)
    if node is None:
        return "annat"
    notation = graph.value(node, SKOS.notation)
    return str(notation) if notation is not None else str(node).rstrip("/").rsplit("/", 1)[-1]


def profile_document(graph: Graph, reference: Graph, document: str) -> DocumentProfile:
    """The profile of one document (IRI) from its graph read together with the reference graphs."""
    from graph.analyses import union

    both = union([graph, reference])
    doc = URIRef(document)
    publisher = both.value(doc, DCTERMS.publisher)
    body = both.value(doc, SK.issuedBy)
    profile = DocumentProfile(profile_version(), document, document_kind(both, doc),
                              str(publisher) if publisher is not None else None,
                              str(body) if body is not None else None)
    for agent in (publisher, body):
        if agent is None:
            continue
        for label in both.objects(agent, RDFS.label):
            if isinstance(label, Literal):
                profile.labels.append([str(agent), str(label), label.language or ""])
        profile.codes += [[str(agent), str(code)] for code in both.objects(agent, SK.kommunkod)]
    profile.features = features(both, doc)
    return profile


def label_graph(labels: Iterable[Iterable[str]], codes: Iterable[Iterable[str]]) -> Graph:
    """The labels and kommunkoder of publishers and bodies (profile rows) as a graph."""
    graph = Graph()
    for iri, value, language in labels:
        graph.add((URIRef(iri), RDFS.label, Literal(value, lang=language or None)))
    for iri, code in codes:
        graph.add((URIRef(iri), SK.kommunkod, Literal(code)))
    return graph


# --- files beside the TriG files ----------------------------------------------------------------------------


def profile_path(graph_file: str | Path) -> Path:
    """The profile file of a TriG file: the same stem, ``.profile.json``."""
    path = Path(graph_file)
    return path.with_name(path.stem + PROFILE_SUFFIX)


def stale_profiles(folder: Path, keep: set[str]) -> list[Path]:
    """Profile files in a store's graphs folder whose TriG file the manifest does not name."""
    found = []
    for path in (folder / "graphs").glob("*" + PROFILE_SUFFIX):
        trig = path.with_name(path.name[: -len(PROFILE_SUFFIX)] + ".trig")
        if str(trig.relative_to(folder)) not in keep:
            found.append(path)
    return found


def write_profile(graph_path: Path, graph: Graph, document: str, reference_folder: str | Path) -> None:
    """Make a document graph's profile and write it beside its TriG file; never raises (logged instead)."""
    from graph.analyses import reference_graph
    from graph.store import write_atomic

    try:
        data = profile_document(graph, reference_graph(reference_folder), document).encode()
    except Exception:  # noqa: BLE001 - the graph is the source of truth; the profile is made when first read
        log.exception("the profile of %s could not be made; it is made when first read", document)
        return
    write_atomic(profile_path(graph_path), data)


# The predicates a profile reads (profile_document, features, display_label): what read_graph keeps for it.
PROFILE_PREDICATES = (RDF.type, RDFS.label, SKOS.prefLabel, SKOS.notation, SK.inDocument, SK.to,
                      SK.responsible, SK.documentType, SK.issuedBy, SK.kommunkod, DCTERMS.references,
                      DCTERMS.publisher)


def read_graph(path: Path, graph_iri: str, predicates: Iterable[URIRef] | None = None) -> Graph:
    """A document's named graph from its TriG file, parsed by pyoxigraph (faster than rdflib's parser);
    with ``predicates``, only the triples of those."""
    import pyoxigraph as ox

    from graph.quadstore import to_rdflib

    graph = Graph(identifier=URIRef(graph_iri))
    wanted = ox.NamedNode(graph_iri)
    keep = None if predicates is None else {ox.NamedNode(str(p)) for p in predicates}
    with open(path, "rb") as handle:
        for quad in ox.parse(handle, format=ox.RdfFormat.TRIG):
            if quad.graph_name == wanted and (keep is None or quad.predicate in keep):
                graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def load_profile(store, entry, write: bool = True) -> DocumentProfile | None:
    """A stored document's profile; stale or missing: made again from its TriG file (logged, saved)."""
    from graph.analyses import reference_graph

    path = profile_path(store.folder / entry.graph_file)
    try:
        profile = DocumentProfile.decode(path.read_bytes())
        if profile.version == profile_version() and profile.document == entry.document:
            return profile
        log.info("%s: the profile is of other rules (%s); made again", entry.source_file, profile.version)
    except FileNotFoundError:
        log.debug("%s: no profile stored; made from its graph", entry.source_file)
    except (ValueError, KeyError, TypeError) as error:
        log.warning("%s: the stored profile cannot be read (%s); made again", entry.source_file, error)
    try:
        graph = read_graph(store.folder / entry.graph_file, entry.graph, PROFILE_PREDICATES)
    except FileNotFoundError:
        log.warning("%s: the stored graph is gone (%s)", entry.source_file, entry.graph_file)
        return None
    except Exception as error:  # noqa: BLE001 - one damaged file must not hide the rest
        log.error("%s: the stored graph cannot be read (%s); rebuild or remove it", entry.graph_file, error)
        return None
    profile = profile_document(graph, reference_graph(store.reference_dir()), entry.document)
    if write:
        from graph.store import write_atomic

        with contextlib.suppress(OSError):  # a read-only store: made again each time
            if (store.folder / entry.graph_file).exists():
                write_atomic(path, profile.encode())
    return profile


def make_profiles(store) -> int:
    """Make every missing or stale profile of a store and bring its profile index up to date; return how many
    documents the index holds."""
    index = ProfileIndex(store)
    try:
        return len(index.entries)
    finally:
        index.close()


# --- the cross-document index -------------------------------------------------------------------------------

SCHEMA_VERSION = 2  # PRAGMA user_version of profiles.sqlite: a cache of another shape is made again
_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (graph_file TEXT PRIMARY KEY, source_file TEXT, document TEXT, version TEXT,
                                 kind TEXT, publisher TEXT, body TEXT, keys TEXT, features TEXT);
CREATE INDEX IF NOT EXISTS docs_document ON docs (document);
CREATE INDEX IF NOT EXISTS docs_publisher ON docs (publisher);
CREATE INDEX IF NOT EXISTS docs_body ON docs (body);
CREATE TABLE IF NOT EXISTS names (graph_file TEXT, iri TEXT, what TEXT, value TEXT, language TEXT,
                                  folded TEXT);
CREATE INDEX IF NOT EXISTS names_iri ON names (iri);
CREATE INDEX IF NOT EXISTS names_file ON names (graph_file);
"""


def fold(text: str | None) -> str:
    """Text as graph.versions compares organisation names: case folded, one space."""
    return " ".join((text or "").casefold().split())


class ProfileIndex:
    """The store's profiles as one SQLite cache, brought up to date with the manifest when opened."""

    def __init__(self, store, documents: dict | None = None):
        """Open (and update) the index of a store; ``documents`` is its manifest when read already."""
        self.store = store
        self.entries = {e.graph_file: e for e in (documents or store.documents()).values()}
        self.db = _connect(store.folder / INDEX_FILE)
        try:
            self._sync()
        except sqlite3.OperationalError as error:  # a store this process may read but not write
            log.info("profile index of %s cannot be updated (%s); kept in memory", store.folder, error)
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
        version = profile_version()
        stored = dict(self.db.execute("SELECT graph_file, version FROM docs").fetchall())
        gone = [f for f, v in stored.items() if f not in self.entries or v != version]
        new = [f for f in self.entries if stored.get(f) != version]
        if not gone and not new:
            return
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            for graph_file in gone:
                for table in ("docs", "names"):
                    self.db.execute(f"DELETE FROM {table} WHERE graph_file = ?", (graph_file,))  # noqa: S608
            have = {f for (f,) in self.db.execute("SELECT graph_file FROM docs")}
            for number, graph_file in enumerate(new, 1):
                if graph_file not in have:
                    self._insert(graph_file)
                if number % 500 == 0:
                    log.info("profile index: %d of %d documents read", number, len(new))
        log.info("profile index: %d documents added, %d dropped in %.2f s", len(new), len(gone),
                 time.perf_counter() - started)

    def _insert(self, graph_file: str) -> None:
        entry = self.entries[graph_file]
        profile = load_profile(self.store, entry)
        if profile is None:
            return
        keys = {name: sorted(found) for name, found in profile.features.items() if found}
        self.db.execute(
            "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (graph_file, entry.source_file, entry.document, profile.version, profile.kind, profile.publisher,
             profile.body, _json(keys), _json(profile.features)),
        )
        rows = [(graph_file, iri, "label", value, language, fold(value))
                for iri, value, language in profile.labels]
        rows += [(graph_file, iri, "kommunkod", code, "", code) for iri, code in profile.codes]
        self.db.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?, ?)", rows)

    def keys(self) -> dict[str, dict[str, list[str]]]:
        """Every document's feature keys by kind (what the overlap score needs), by document IRI."""
        rows = self.db.execute("SELECT graph_file, document, keys FROM docs").fetchall()
        return {doc: json.loads(data) for graph_file, doc, data in rows if graph_file in self.entries}

    def features(self, documents: Iterable[str] | None = None) -> dict[str, Features]:
        """The graph features (keys with their labels) of some documents (IRIs) or of all, by document IRI."""
        if documents is None:
            rows = self.db.execute("SELECT graph_file, document, features FROM docs").fetchall()
        else:
            rows = [row for doc in set(documents) for row in self.db.execute(
                "SELECT graph_file, document, features FROM docs WHERE document = ?", (doc,))]
        return {doc: json.loads(data) for graph_file, doc, data in rows if graph_file in self.entries}

    def names_of(self, iris: Iterable[str]) -> tuple[list[list[str]], list[list[str]]]:
        """Every label ([IRI, value, language]) and kommunkod ([IRI, code]) the stored documents give some
        publishers or bodies."""
        labels: set[tuple[str, str, str]] = set()
        codes: set[tuple[str, str]] = set()
        for iri in set(iris):
            for graph_file, what, value, language in self.db.execute(
                "SELECT graph_file, what, value, language FROM names WHERE iri = ?", (iri,)
            ):
                if graph_file not in self.entries:
                    continue
                if what == "label":
                    labels.add((iri, value, language))
                else:
                    codes.add((iri, value))
        return [list(x) for x in sorted(labels)], [list(x) for x in sorted(codes)]

    def agents(self, graph_files: Iterable[str]) -> set[str]:
        """The publishers and bodies (IRIs) of some documents (graph files)."""
        found: set[str] = set()
        for graph_file in graph_files:
            query = "SELECT publisher, body FROM docs WHERE graph_file = ?"
            for row in self.db.execute(query, (graph_file,)):
                found.update(x for x in row if x)
        return found

    def plan_documents(self, query: str, kinds: Iterable[str]) -> list[str]:
        """The graph files of the documents of some kinds whose publisher or body a user's query names
        (graph.versions.matches_organisation, on every name a stored graph gives them): a superset of
        the documents that query matches over the whole store, in manifest order."""
        wanted = fold(query)
        if not wanted:
            return []
        iris = {iri for (iri,) in self.db.execute(
            "SELECT DISTINCT iri FROM names WHERE (what = 'kommunkod' AND value = ?) "
            "OR (what = 'label' AND instr(folded, ?) > 0)", (wanted, wanted))}
        kinds = set(kinds)
        found = set()
        for graph_file, kind, publisher, body in self.db.execute(
            "SELECT graph_file, kind, publisher, body FROM docs"
        ):
            if kind in kinds and (publisher in iris or body in iris):
                found.add(graph_file)
        return [f for f in self.entries if f in found]


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _connect(path: Path) -> sqlite3.Connection:
    """The index database (in memory where the store folder cannot be written)."""
    db = open_cache(path, "profile index")
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            db.executescript("DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS names;")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.executescript(_SCHEMA)
    except sqlite3.Error as error:
        log.info("profile index %s cannot be written (%s); kept in memory", path, error)
        db.close()
        db = in_memory()
        db.executescript(_SCHEMA)
    return db

