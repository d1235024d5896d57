"""The styrkedja: a projection of the graph and the chain through one node (`styrkedja trace`).

Pure over an rdflib Graph or Dataset (the interface contract's terms). :class:`ChainGraph` reads the
plan elements, agents, passages, documents, provisions and Agenda 2030 nodes once and projects them onto
:class:`Relations` (plain adjacency maps; networkx alone took a second to import), whose edges keep the RDF
direction (subject -> object) and carry a ``relation``:

    contributesTo  element -> element        addresses   strategy -> challenge
    responsible    activity -> agent         references  passage/element -> provision or SDG goal/target
    alignment      element -> SDG (score)    inDocument  element/passage -> document
    derivedFrom    element -> passage        broader     SDG target -> SDG goal
    forum          element -> forum (a forum stated inside the element's span)

:func:`trace` walks it: up from an element to what it contributes to (strategy, goals, priority area, vision),
the challenges it answers and the laws and SDG goals/targets the chain cites (``references``, explicit) or is
inferred to serve (``alignment``); down to sub-goals, strategies, activities, owners and forums. From a
provision or an SDG goal/target it goes down to the passages and elements that cite it and their chains.

Each step's ``relation`` says how the step's node relates to the node it was reached from (``via``); see
``graph/chain.toml`` for the names and their Swedish wording.
"""

from __future__ import annotations

import re
import tomllib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV

from ontology import RPUBL, SK

SDGO = "http://metadata.un.org/sdg/ontology#"
SDG_BASE = "http://metadata.un.org/sdg"
LAGEN = "https://lagen.nu/"

# Plan element classes, most specific first (a PriorityArea may also be typed Goal).
ELEMENT_TYPES: dict[URIRef, str] = {
    SK.PriorityArea: "PriorityArea",
    SK.Vision: "Vision",
    SK.Goal: "Goal",
    SK.Strategy: "Strategy",
    SK.Activity: "Activity",
    SK.Challenge: "Challenge",
    SK.Forum: "Forum",
}
GOAL_TYPES = frozenset({"Goal", "PriorityArea"})
AGENT_TYPES: dict[URIRef, str] = {
    FOAF.Person: "Person",
    ORG.Role: "Role",
    ORG.OrganizationalUnit: "OrganizationalUnit",
    ORG.Organization: "Organization",
}
SDG_TYPES: dict[URIRef, str] = {URIRef(SDGO + "Goal"): "SdgGoal", URIRef(SDGO + "Target"): "SdgTarget"}
TARGET_TYPES = frozenset({"Provision", "Reference", "SdgGoal", "SdgTarget", "Agenda2030"})
SK_FROM = SK["from"]
TOP_ORDER = ("Vision", "PriorityArea", "Goal", "Strategy", "Activity", "Forum", "Challenge")


class ChainError(Exception):
    """A node that cannot be resolved (unknown, or ambiguous with the candidates named)."""


@dataclass
class NodeInfo:
    """What the projection knows about one node."""

    iri: str
    type: str
    label: str
    document: str | None = None
    passage: str | None = None  # prov:wasDerivedFrom
    char_start: int | None = None
    char_end: int | None = None
    page: int | None = None
    deadline: str | None = None
    due_date: str | None = None


@dataclass
class PassageInfo:
    """A passage: the unit of evidence."""

    iri: str
    document: str
    text: str
    page: int | None = None
    section: str | None = None
    char_start: int | None = None
    char_end: int | None = None


@dataclass
class DocumentInfo:
    """A document node with what gap rules and renderings need."""

    iri: str
    source_file: str
    title: str
    kind: str = "annat"
    date: str | None = None  # dcterms:date
    temporal: str | None = None
    publisher: str | None = None


@dataclass
class Step:
    """One step of a trace (contract: iri, type, label, relation, quote, page, source_file, ...)."""

    iri: str
    type: str
    label: str
    relation: str
    via: str | None = None
    quote: str | None = None
    page: int | None = None
    source_file: str | None = None
    owners: list[str] | None = None
    deadline: str | None = None
    due_date: str | None = None
    score: float | None = None
    method: str | None = None


@dataclass
class Trace:
    """The chain through one node: the node, the steps up and the steps down."""

    node: Step
    up: list[Step] = field(default_factory=list)
    down: list[Step] = field(default_factory=list)
    # Set when the trace read only some of the documents holding the node: {"documents": n, "shown": m}.
    scope: dict | None = None


# --- reading the RDF ----------------------------------------------------------------------------------------


def _triples(graph: Graph, s=None, p=None, o=None) -> Iterator[tuple]:
    """Triples of a Graph, or of every named graph of a Dataset (whatever its default-graph setting)."""
    if isinstance(graph, Dataset):
        seen = set()
        for subject, predicate, obj, _ in graph.quads((s, p, o, None)):
            if (subject, predicate, obj) not in seen:
                seen.add((subject, predicate, obj))
                yield subject, predicate, obj
    else:
        yield from graph.triples((s, p, o))


def _label(literals: Iterable[Literal]) -> str | None:
    """Prefer a Swedish label, then one without language, then any."""
    found = [x for x in literals if isinstance(x, Literal)]
    for wanted in ("sv", None):
        for literal in found:
            if literal.language == wanted:
                return str(literal)
    return str(found[0]) if found else None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@lru_cache(maxsize=1)
def swedish_names() -> dict[str, dict[str, str]]:
    """Swedish names of step types and relations (graph/chain.toml)."""
    with open(Path(__file__).with_name("chain.toml"), "rb") as handle:
        return tomllib.load(handle)


def shorten(text: str, limit: int = 60) -> str:
    """Shorten a label at a word boundary with an ellipsis ("Utarbeta en plan för analys…")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,.;:–-")
    return cut + "…"


class Relations:
    """The projection's nodes (with their type) and typed directed edges, one per source, target, relation."""

    def __init__(self):
        self.types: dict[str, str] = {}
        self._out: dict[str, dict[str, dict[str, dict]]] = {}  # source -> relation -> target -> data
        self._in: dict[str, dict[str, set[str]]] = {}  # target -> relation -> sources

    def __contains__(self, node: str) -> bool:
        return node in self.types

    def add_node(self, iri: str, type: str) -> None:  # noqa: A002 - the node's type, as the contract names it
        """Add a node (or set the type of one already there)."""
        self.types[iri] = type

    def add_edge(self, source: str, target: str, relation: str, **data) -> None:
        """Add an edge (a second one of the same relation updates its data)."""
        edge = self._out.setdefault(source, {}).setdefault(relation, {}).setdefault(target, {})
        edge.update(relation=relation, **data)
        self._in.setdefault(target, {}).setdefault(relation, set()).add(source)

    def targets(self, source: str, relation: str) -> Iterable[str]:
        """The targets of a node's edges of one relation."""
        return self._out.get(source, {}).get(relation, {}).keys()

    def sources(self, target: str, relation: str) -> Iterable[str]:
        """The sources of the edges of one relation into a node."""
        return self._in.get(target, {}).get(relation, set())

    def data(self, source: str, target: str, relation: str) -> dict | None:
        """The data of one edge, None when absent."""
        return self._out.get(source, {}).get(relation, {}).get(target)

    def reachable(self, start: str, relation: str, forward: bool = True) -> set[str]:
        """Every node reached from ``start`` along a relation's edges (or against them), but ``start``."""
        step = self.targets if forward else self.sources
        seen: set[str] = set()
        queue = deque([start])
        while queue:
            for nxt in step(queue.popleft(), relation):
                if nxt not in seen and nxt != start:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen


class ChainGraph:
    """The projection of an RDF graph onto nodes and relations, with lookups for evidence."""

    def __init__(self, graph: Graph):
        self.rdf = graph
        self.nodes: dict[str, NodeInfo] = {}
        self.passages: dict[str, PassageInfo] = {}
        self.documents: dict[str, DocumentInfo] = {}
        self.g = Relations()
        self._read()

    # --- construction -------------------------------------------------------------------------------------

    def _labels(self, subject) -> str | None:
        return _label(o for _, _, o in _triples(self.rdf, subject, RDFS.label, None))

    def _value(self, subject, predicate):
        for _, _, o in _triples(self.rdf, subject, predicate, None):
            return o
        return None

    def _read(self) -> None:
        self._read_documents()
        self._read_passages()
        self._read_elements()
        self._read_agents()
        self._read_edges()
        self._read_references()
        self._read_alignments()
        self._link_forums()

    def _add_node(self, info: NodeInfo) -> None:
        self.nodes[info.iri] = info
        self.g.add_node(info.iri, type=info.type)

    def _read_documents(self) -> None:
        documents = {d for d, _, _ in _triples(self.rdf, None, RDF.type, SK.Document)}
        for doc in sorted(documents, key=lambda d: _natural(str(d))):  # one order, however the RDF was read
            iri = str(doc)
            kind_node = self._value(doc, SK.documentType)
            kind = "annat"
            if kind_node is not None:
                notation = self._value(kind_node, SKOS.notation)
                fallback = str(kind_node).rstrip("/").rsplit("/", 1)[-1]
                kind = str(notation) if notation is not None else fallback
            source = self._value(doc, SK.sourceFile)
            title = self._value(doc, DCTERMS.title)
            date = self._value(doc, DCTERMS.date)
            temporal = self._value(doc, DCTERMS.temporal)
            publisher = self._value(doc, DCTERMS.publisher)
            info = DocumentInfo(
                iri=iri,
                source_file=str(source) if source is not None else iri.rsplit("/", 1)[-1],
                title=str(title) if title is not None else iri.rsplit("/", 1)[-1],
                kind=kind,
                date=str(date) if date is not None else None,
                temporal=str(temporal) if temporal is not None else None,
                publisher=str(publisher) if publisher is not None else None,
            )
            self.documents[iri] = info
            self._add_node(NodeInfo(iri, "Document", info.title, document=iri))

    def _read_passages(self) -> None:
        texts = {str(s): str(o) for s, _, o in _triples(self.rdf, None, SK.text, None)}
        passages = {p for p, _, _ in _triples(self.rdf, None, RDF.type, SK.Passage)}
        for passage in sorted(passages, key=lambda p: _natural(str(p))):
            iri = str(passage)
            doc = self._value(passage, SK.inDocument)
            section = self._value(passage, SK.section)
            self.passages[iri] = PassageInfo(
                iri=iri,
                document=str(doc) if doc is not None else "",
                text=texts.get(iri, ""),
                page=_int(self._value(passage, SK.page)),
                section=str(section) if section is not None else None,
                char_start=_int(self._value(passage, SK.charStart)),
                char_end=_int(self._value(passage, SK.charEnd)),
            )

    def _read_elements(self) -> None:
        types: dict[str, str] = {}
        for cls, name in ELEMENT_TYPES.items():  # most specific class first: the first one found wins
            for subject, _, _ in _triples(self.rdf, None, RDF.type, cls):
                types.setdefault(str(subject), name)
        priority = {name: i for i, name in enumerate(ELEMENT_TYPES.values())}
        for iri, kind in sorted(types.items(), key=lambda item: (priority[item[1]], _natural(item[0]))):
            node = URIRef(iri)
            doc = self._value(node, SK.inDocument)
            passage = self._value(node, PROV.wasDerivedFrom)
            deadline = self._value(node, SK.deadline)
            due = self._value(node, SK.dueDate)
            self._add_node(
                NodeInfo(
                    iri=iri,
                    type=kind,
                    label=" ".join((self._labels(node) or "").split()),
                    document=str(doc) if doc is not None else None,
                    passage=str(passage) if passage is not None else None,
                    char_start=_int(self._value(node, SK.charStart)),
                    char_end=_int(self._value(node, SK.charEnd)),
                    page=_int(self._value(node, SK.page)),
                    deadline=str(deadline) if deadline is not None else None,
                    due_date=str(due) if due is not None else None,
                )
            )

    def _read_agents(self) -> None:
        agents = {str(o) for _, _, o in _triples(self.rdf, None, SK.responsible, None)}
        for agent in sorted(agents, key=_natural):
            node = URIRef(agent)
            kinds = {o for _, _, o in _triples(self.rdf, node, RDF.type, None)}
            kind = next((name for cls, name in AGENT_TYPES.items() if cls in kinds), "Organization")
            self._add_node(NodeInfo(agent, kind, self._labels(node) or agent.rsplit("/", 1)[-1]))

    def _edge(self, s: str, o: str, relation: str, **data) -> None:
        if s in self.g and o in self.g:
            self.g.add_edge(s, o, relation, **data)

    def _read_edges(self) -> None:
        for predicate, relation in (
            (SK.contributesTo, "contributesTo"),
            (SK.addresses, "addresses"),
            (SK.responsible, "responsible"),
        ):
            for s, _, o in _triples(self.rdf, None, predicate, None):
                self._edge(str(s), str(o), relation)
        for iri, info in self.nodes.items():
            if info.document and info.type != "Document":
                self._edge(iri, info.document, "inDocument")

    def _target_node(self, iri: str) -> None:
        """Add a provision, reference or Agenda 2030 node (once) with its label and type."""
        if iri in self.nodes:
            return
        node = URIRef(iri)
        kinds = {o for _, _, o in _triples(self.rdf, node, RDF.type, None)}
        kind = next((name for cls, name in SDG_TYPES.items() if cls in kinds), None)
        if kind is None:
            if iri.rstrip("/") == SDG_BASE:
                kind = "Agenda2030"
            elif iri.startswith(SDG_BASE + "/"):
                kind = "SdgTarget" if "." in iri.rsplit("/", 1)[-1] else "SdgGoal"
            elif iri.startswith(LAGEN) or RPUBL.Paragraf in kinds:
                kind = "Provision"
            else:
                kind = "Reference"
        label = self._labels(node)
        if label is None:
            label = "Agenda 2030" if kind == "Agenda2030" else provision_label(iri) or iri.rsplit("/", 1)[-1]
        self._add_node(NodeInfo(iri, kind, label))
        if kind == "SdgTarget":
            for _, _, broader in _triples(self.rdf, node, SKOS.broader, None):
                self._target_node(str(broader))
                self._edge(iri, str(broader), "broader")

    def _read_references(self) -> None:
        found = {(str(s), str(o)) for s, _, o in _triples(self.rdf, None, DCTERMS.references, None)}
        for subject, o in sorted(found, key=lambda pair: (_natural(pair[0]), _natural(pair[1]))):
            if subject not in self.nodes and subject not in self.passages:
                continue
            self._target_node(str(o))
            if subject in self.passages and subject not in self.g:
                self.g.add_node(subject, type="Passage")
            self._edge(subject, str(o), "references")

    def _read_alignments(self) -> None:
        found = []
        for alignment, _, _ in _triples(self.rdf, None, RDF.type, SK.Alignment):
            source, target = self._value(alignment, SK_FROM), self._value(alignment, SK.to)
            if source is None or target is None:
                continue
            score = self._value(alignment, SK.score)
            method = self._value(alignment, SK.method)
            found.append((str(source), str(target), score, method, alignment))
        # one order however the RDF was read (of two alignments of one pair, the higher score's data stays)
        found.sort(key=lambda a: (_natural(a[0]), _natural(a[1]), float(a[2]) if a[2] is not None else -1.0))
        for source, target, score, method, alignment in found:
            self._target_node(str(target))
            if str(source) in self.passages and str(source) not in self.g:
                self.g.add_node(str(source), type="Passage")
            self._edge(
                str(source),
                str(target),
                "alignment",
                score=float(score) if score is not None else None,
                method=str(method) if method is not None else None,
                node=str(alignment),
            )

    def _link_forums(self) -> None:
        """A forum stated inside an element's span (without spans: in its passage) is that element's forum."""
        elements = [n for n in self.nodes.values() if n.type not in ("Forum", "Document") and n.document]
        for forum in (n for n in self.nodes.values() if n.type == "Forum"):
            for element in elements:
                if element.document != forum.document or element.type not in ("Activity", "Strategy"):
                    continue
                spans = None not in (element.char_start, element.char_end, forum.char_start)
                if spans:
                    linked = element.char_start <= forum.char_start < element.char_end
                else:  # without spans, the same passage
                    linked = forum.passage is not None and forum.passage == element.passage
                if linked:
                    self._edge(element.iri, forum.iri, "forum")

    # --- the projection without RDF -------------------------------------------------------------------------

    def projection(self) -> dict:
        """The projection as JSON-ready data (documents, passages, nodes, edges): trace needs no RDF then."""
        edges = sorted(
            ([source, target, relation, {k: v for k, v in data.items() if k not in ("relation", "node")}]
             for source, relations in self.g._out.items()
             for relation, targets in relations.items()
             for target, data in targets.items()),
            key=lambda e: (_natural(e[0]), e[2], _natural(e[1])),
        )
        return {
            "documents": [asdict(d) for d in self.documents.values()],
            "passages": [asdict(p) for p in self.passages.values()],
            "nodes": [asdict(n) for n in self.nodes.values()],
            "typed": sorted(([iri, kind] for iri, kind in self.g.types.items() if iri not in self.nodes),
                            key=lambda t: _natural(t[0])),
            "edges": edges,
        }

    @classmethod
    def from_projections(cls, parts: Iterable[dict]) -> ChainGraph:
        """A projection put together from :meth:`projection` data (of one or more documents' graphs)."""
        chain = cls.__new__(cls)
        chain.rdf = Graph()
        chain.nodes, chain.passages, chain.documents, chain.g = {}, {}, {}, Relations()
        for part in parts:
            for data in part["documents"]:
                chain.documents.setdefault(data["iri"], DocumentInfo(**data))
            for data in part["passages"]:
                chain.passages.setdefault(data["iri"], PassageInfo(**data))
            for data in part["nodes"]:
                if data["iri"] not in chain.nodes:
                    chain._add_node(NodeInfo(**data))
            for iri, kind in part["typed"]:
                if iri not in chain.g:
                    chain.g.add_node(iri, kind)
            for source, target, relation, data in part["edges"]:
                chain.g.add_edge(source, target, relation, **data)
        return chain

    # --- lookups ------------------------------------------------------------------------------------------

    def out(self, iri: str, relation: str) -> list[str]:
        """Targets of a node's out-edges with a relation, in a stable order."""
        return sorted(self.g.targets(iri, relation), key=_natural)

    def into(self, iri: str, relation: str) -> list[str]:
        """Sources of a node's in-edges with a relation, in a stable order."""
        return sorted(self.g.sources(iri, relation), key=_natural)

    def edge_data(self, s: str, o: str, relation: str) -> dict:
        """The data of one edge (empty when absent)."""
        return dict(self.g.data(s, o, relation) or {})

    def descendants(self, iri: str, relation: str) -> set[str]:
        """Every node a node reaches along one relation (what it contributes to, transitively)."""
        return self.g.reachable(iri, relation)

    def ancestors(self, iri: str, relation: str) -> set[str]:
        """Every node that reaches a node along one relation (what contributes to it, transitively)."""
        return self.g.reachable(iri, relation, forward=False)

    def elements(self, document: str | None = None, types: Iterable[str] | None = None) -> list[NodeInfo]:
        """Plan elements, optionally of one document and of some types, in IRI order."""
        wanted = set(types) if types is not None else set(ELEMENT_TYPES.values())
        found = [
            n for n in self.nodes.values()
            if n.type in wanted and (document is None or n.document == document)
        ]
        return sorted(found, key=lambda n: _natural(n.iri))

    def owners(self, iri: str) -> list[str]:
        """Labels of an element's responsible agents."""
        return [self.nodes[a].label for a in self.out(iri, "responsible")]

    def quote(self, iri: str) -> tuple[str | None, int | None, str | None]:
        """(quote, page, source_file) evidencing a node: its exact span of its passage, else the passage."""
        if iri in self.passages:
            passage = self.passages[iri]
            doc = self.documents.get(passage.document)
            return passage.text, passage.page, doc.source_file if doc else None
        info = self.nodes.get(iri)
        if info is None:
            return None, None, None
        doc = self.documents.get(info.document or "")
        source = doc.source_file if doc else None
        passage = self.passages.get(info.passage or "")
        if passage is None:
            return (info.label or None), info.page, source
        page = info.page if info.page is not None else passage.page
        if None not in (info.char_start, info.char_end, passage.char_start):
            start, end = info.char_start - passage.char_start, info.char_end - passage.char_start
            span = passage.text[start:end] if 0 <= start < end <= len(passage.text) else ""
            if span.strip() and _squash(span) == _squash(info.label):
                return span.strip(), page, source
        if _squash(info.label) and _squash(info.label) in _squash(passage.text):
            return passage.text, page, source
        # A heading (not a passage) states the element: its own text is the quote.
        return info.label or None, page, source

    def document_of(self, iri: str) -> DocumentInfo | None:
        """The document a node or passage belongs to."""
        if iri in self.passages:
            return self.documents.get(self.passages[iri].document)
        info = self.nodes.get(iri)
        return self.documents.get(info.document or "") if info else None

    # --- resolving a node ---------------------------------------------------------------------------------

    def resolve(self, node: str) -> str:
        """An IRI, else an exact label, else a case-insensitive one, else a unique substring (ChainError)."""
        node = node.strip()
        if node in self.nodes:
            return node
        if node in self.passages:
            return node
        candidates = list(self.nodes.values())
        for test in LABEL_TESTS:
            found = [n for n in candidates if n.label and test(n, node)]
            if len(found) == 1:
                return found[0].iri
            if len(found) > 1:
                raise ChainError(self._ambiguous(node, found))
        raise ChainError(unknown_message(node))

    def _ambiguous(self, node: str, found: list[NodeInfo]) -> str:
        sources = {d: info.source_file for d, info in self.documents.items()}
        return ambiguous_message(node, found, sources)


LABEL_TESTS = (
    lambda n, node: n.label == node,
    lambda n, node: n.label.casefold() == node.casefold(),
    lambda n, node: re.search(r"(?<!\w)" + re.escape(node.casefold()), n.label.casefold()) is not None,
    lambda n, node: node.casefold() in n.label.casefold(),
)


def ambiguous_message(node: str, found: list[NodeInfo], sources: dict[str, str]) -> str:
    """The error for a label that several nodes match: the first five (by type and IRI) and how many more."""
    shown = []
    for info in sorted(found, key=lambda n: (n.type, _natural(n.iri)))[:5]:
        source = sources.get(info.document or "")
        where = f", {source}" if source else ""
        shown.append(f"{info.type} ”{shorten(info.label, 50)}”{where} <{info.iri}>")
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    return f"”{node}” matches {len(found)} nodes: " + "; ".join(shown) + more


def unknown_message(node: str) -> str:
    """The error for a node nothing matches (an IRI not in the store, or a label no node has)."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", node):
        return f"{node}: no such node in the store"
    return f"”{node}”: no node has that label (try part of a goal, strategy or activity)"


def provision_label(iri: str) -> str | None:
    """A label for a lagen.nu provision IRI ("https://lagen.nu/2010:800#K4P3" -> "4 kap. 3 § (2010:800)")."""
    match = re.match(r"^https://lagen\.nu/(\d{4}:\d+)(?:#K(\d+[a-z]?)(?:P(\d+[a-z]?))?)?$", iri)
    if not match:
        return None
    sfs, chapter, paragraph = match.groups()
    parts = [f"{chapter} kap." if chapter else None, f"{paragraph} §" if paragraph else None, f"({sfs})"]
    return " ".join(p for p in parts if p)


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


@lru_cache(maxsize=1 << 16)
def _natural(iri: str) -> tuple:
    """Sort key that orders ".../activity/10" after ".../activity/9"."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", iri))


# --- trace ------------------------------------------------------------------------------------------------


class _Walk:
    """Collects steps once per node for one direction of a trace."""

    def __init__(self, chain: ChainGraph, start: str):
        self.chain = chain
        self.steps: list[Step] = []
        self.seen = {start}

    def add(self, iri: str, relation: str, via: str | None, **extra) -> bool:
        if iri in self.seen:
            return False
        self.seen.add(iri)
        self.steps.append(make_step(self.chain, iri, relation, via, **extra))
        return True


def make_step(chain: ChainGraph, iri: str, relation: str, via: str | None = None, **extra) -> Step:
    """A step for a node, with its evidence quote; activities carry owners, deadline and due date."""
    if iri in chain.passages:
        quote, page, source = chain.quote(iri)
        label = shorten(quote or "", 80)
        step = Step(iri, "Passage", label, relation, via, quote, page, source)
    else:
        info = chain.nodes[iri]
        quote, page, source = (None, None, None)
        if info.document and info.type != "Document":
            quote, page, source = chain.quote(iri)
        if info.type == "Document":
            source = chain.documents[iri].source_file
        step = Step(iri, info.type, info.label, relation, via, quote, page, source)
        if info.type == "Activity":
            step.owners = chain.owners(iri)
            step.deadline = info.deadline
            step.due_date = info.due_date
    for key, value in extra.items():
        setattr(step, key, value)
    return step


def _evidence_for(chain: ChainGraph, subject: str, target: str) -> dict:
    """Quote and page for a reference step: the passage that states it (the subject's own, for elements)."""
    if subject in chain.passages:
        quote, page, source = chain.quote(subject)
    else:
        info = chain.nodes[subject]
        passage = info.passage if info.passage in chain.passages else None
        quote, page, source = chain.quote(passage) if passage else chain.quote(subject)
    return {"quote": quote, "page": page, "source_file": source}


def _references_of(chain: ChainGraph, element: str) -> list[tuple[str, str]]:
    """(target, stated-by) explicit references of an element: its own, then its passage's."""
    found = [(t, element) for t in chain.out(element, "references")]
    passage = chain.nodes[element].passage
    if passage:
        found += [(t, passage) for t in chain.out(passage, "references") if (t, element) not in found]
    return found


def _up_from_element(chain: ChainGraph, start: str, walk: _Walk) -> None:
    chain_nodes = [start]
    queue = deque([start])
    while queue:  # breadth-first: the nearest goal first
        current = queue.popleft()
        for parent in chain.out(current, "contributesTo"):
            if walk.add(parent, "contributesTo", current):
                chain_nodes.append(parent)
                queue.append(parent)
    for element in chain_nodes:
        for challenge in chain.out(element, "addresses"):
            walk.add(challenge, "addresses", element)
    for element in chain_nodes:
        for target, stated_by in _references_of(chain, element):
            walk.add(target, "references", element, **_evidence_for(chain, stated_by, target))
    for element in chain_nodes:
        for target in chain.out(element, "alignment"):
            data = chain.edge_data(element, target, "alignment")
            walk.add(target, "alignment", element, score=data.get("score"), method=data.get("method"))
    for step in list(walk.steps):
        if step.type == "SdgTarget":
            for goal in chain.out(step.iri, "broader"):
                walk.add(goal, "broader", step.iri)


def _down_from_element(chain: ChainGraph, start: str, walk: _Walk) -> None:
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for child in chain.into(current, "addresses"):
            if walk.add(child, "addressedBy", current):
                queue.append(child)
        for child in chain.into(current, "contributesTo"):
            if walk.add(child, "contributor", current):
                queue.append(child)
        for agent in chain.out(current, "responsible"):  # the owner is stated in the activity's passage
            quote, page, source = chain.quote(current)
            walk.add(agent, "responsible", current, quote=quote, page=page, source_file=source)
        for forum in chain.out(current, "forum"):
            walk.add(forum, "forum", current)


def _down_from_target(chain: ChainGraph, start: str, walk: _Walk) -> None:
    """From a provision or SDG goal/target: what cites it (and its targets), then those elements' chains."""
    targets = [start] + chain.into(start, "broader")
    citing: list[str] = []
    for target in targets:
        cited = chain.into(target, "references") or chain.into(target, "alignment")
        if target != start and cited:
            walk.add(target, "narrower", start)  # a target of the goal that is itself cited or aligned
        for subject in chain.into(target, "references"):
            if walk.add(subject, "referencedBy", target):
                citing.append(subject)
        for subject in chain.into(target, "alignment"):
            data = chain.edge_data(subject, target, "alignment")
            if walk.add(subject, "alignment", target, score=data.get("score"), method=data.get("method")):
                citing.append(subject)
    elements: list[str] = []
    for subject in citing:
        if subject in chain.passages:
            for info in chain.nodes.values():
                if info.passage != subject or info.type == "Document":
                    continue
                if walk.add(info.iri, "derivedFrom", subject):
                    elements.append(info.iri)
        else:
            elements.append(subject)
    for element in elements:
        for parent in chain.descendants(element, "contributesTo"):
            walk.add(parent, "contributesTo", element)
        _down_from_element(chain, element, walk)


def trace(graph: Graph | ChainGraph, node: str) -> Trace:
    """The chain through a node (IRI or label): up to goals, law, Agenda 2030; down to activities, owners."""
    chain = graph if isinstance(graph, ChainGraph) else ChainGraph(graph)
    iri = chain.resolve(node)
    start = make_step(chain, iri, "self")
    result = Trace(node=start)
    up, down = _Walk(chain, iri), _Walk(chain, iri)
    kind = start.type
    if kind == "Passage":
        for target in chain.out(iri, "references"):
            up.add(target, "references", iri, **_evidence_for(chain, iri, target))
        for info in chain.nodes.values():
            if info.passage == iri and info.type != "Document" and down.add(info.iri, "derivedFrom", iri):
                _down_from_element(chain, info.iri, down)
    elif kind in TARGET_TYPES:
        for goal in chain.out(iri, "broader"):
            up.add(goal, "broader", iri)
        _down_from_target(chain, iri, down)
    elif kind == "Document":
        tops = [
            info for info in chain.elements(document=iri)
            if not chain.out(info.iri, "contributesTo") and not chain.into(info.iri, "forum")
        ]
        for info in sorted(tops, key=lambda n: TOP_ORDER.index(n.type)):  # from vision down to challenges
            if down.add(info.iri, "topLevel", iri):
                _down_from_element(chain, info.iri, down)
    elif kind in AGENT_TYPES.values():
        for activity in chain.into(iri, "responsible"):
            down.add(activity, "responsible", iri)
    else:
        _up_from_element(chain, iri, up)
        _down_from_element(chain, iri, down)
    result.up, result.down = up.steps, down.steps
    return result


# --- renderings -------------------------------------------------------------------------------------------

STEP_KEYS = ("iri", "type", "label", "relation", "quote", "page", "source_file")


def step_json(step: Step) -> dict:
    """A step as the contract's JSON object (plus via; score/method on alignments; owners on activities)."""
    data = {key: getattr(step, key) for key in STEP_KEYS}
    data["via"] = step.via
    if step.type == "Activity":
        data["owners"] = list(step.owners or [])
        data["deadline"] = step.deadline
        data["due_date"] = step.due_date
    if step.relation == "alignment":
        data["score"] = step.score
        data["method"] = step.method
    return data


def trace_json(result: Trace) -> dict:
    """The trace as the contract's JSON: {"node": {iri, type, label}, "up": [steps], "down": [steps]}.

    An activity node also carries its owners, deadline and due date (as activity steps do).
    """
    node = {"iri": result.node.iri, "type": result.node.type, "label": result.node.label}
    if result.node.type == "Activity":
        node.update(owners=list(result.node.owners or []), deadline=result.node.deadline,
                    due_date=result.node.due_date)
    data = {
        "node": node,
        "up": [step_json(s) for s in result.up],
        "down": [step_json(s) for s in result.down],
    }
    if result.scope is not None:
        data["scope"] = dict(result.scope)
    return data


def _where(step: Step) -> str:
    parts = [p for p in (step.source_file, f"s. {step.page}" if step.page is not None else None) if p]
    return f"  [{', '.join(parts)}]" if parts else ""


def _line(step: Step, names: dict, indent: str) -> list[str]:
    kind = names["types"].get(step.type, step.type)
    relation = names["relations"].get(step.relation, step.relation)
    lines = [f"{indent}{relation} → {kind}: {shorten(step.label, 100)}{_where(step)}"]
    if step.type == "Activity":
        owners = ", ".join(step.owners or []) or "—"
        deadline = step.deadline or "—"
        if step.due_date:
            deadline += f" ({step.due_date})"
        lines.append(f"{indent}    ansvar: {owners} · klart: {deadline}")
    if step.score is not None:
        lines.append(f"{indent}    poäng {step.score:.2f}" + (f" ({step.method})" if step.method else ""))
    if step.quote and _squash(step.quote) != _squash(step.label) and shorten(step.quote, 80) != step.label:
        lines.append(f"{indent}    ”{shorten(step.quote, 160)}”")
    return lines


def _tree(steps: list[Step], root: str, names: dict) -> list[str]:
    children: dict[str | None, list[Step]] = {}
    for step in steps:
        children.setdefault(step.via, []).append(step)
    lines: list[str] = []

    def walk(parent: str, depth: int) -> None:
        for step in children.get(parent, []):
            lines.extend(_line(step, names, "  " * depth))
            walk(step.iri, depth + 1)

    walk(root, 1)
    return lines


def render_trace(result: Trace) -> str:
    """The trace as indented Swedish text for the terminal."""
    names = swedish_names()
    node = result.node
    head = f"{names['types'].get(node.type, node.type)}: {node.label}{_where(node)}"
    lines = [head]
    if node.type == "Activity":
        lines.append(f"  ansvar: {', '.join(node.owners or []) or '—'} · klart: {node.deadline or '—'}"
                     + (f" ({node.due_date})" if node.due_date else ""))
    if node.quote and _squash(node.quote) != _squash(node.label):
        lines.append(f"  ”{shorten(node.quote, 160)}”")
    lines.append("Uppåt:" if result.up else "Uppåt: —")
    lines += _tree(result.up, node.iri, names)
    lines.append("Nedåt:" if result.down else "Nedåt: —")
    lines += _tree(result.down, node.iri, names)
    if result.scope is not None:
        lines += ["", scope_note(result.scope)]
    return "\n".join(lines)


def scope_note(scope: dict) -> str:
    """The Swedish note under a trace that read only the first of the documents holding its node."""
    total, shown = scope["documents"], scope["shown"]
    return (f"Kedjan visas i de första {shown} av {total} dokument som noden finns i (i filnamnsordning). "
            "Avgränsa med --document FIL, eller visa fler med --limit N eller alla med --all.")
