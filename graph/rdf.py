"""One document's graph: a ParsedDocument and what was extracted from it, as RDF (contract terms).

Pure given its inputs: the parsed document and a :class:`Context` holding the reference data it resolves
against. Each extraction (legal references, Agenda 2030 mentions, protocol, plan elements) lives in its own
module and returns dataclasses; this module maps them to triples, every fact tied to its passage.
"""

from __future__ import annotations

import datetime as dt
import logging
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV

from graph.iris import agent_iri, document_iri, element_iri, kommun_iri, organisation_iri, passage_iri, slug
from graph.legal import Citation, context_from_sections, find_citations, find_citations_in_headings
from graph.legal.statute import in_force, statute_text
from graph.passages import Passage, passages_of
from ingest.dates import find_dates
from ingest.model import ParsedDocument
from ontology import DOCTYPE, DOCUMENT_TYPES, RPUBL, SK, bind_prefixes

log = logging.getLogger(__name__)

SKOLLAGEN = "2010:800"
PLAN_CLASSES = {
    "vision": SK.Vision,
    "goal": SK.Goal,
    "priority_area": SK.PriorityArea,
    "strategy": SK.Strategy,
    "activity": SK.Activity,
    "challenge": SK.Challenge,
    "forum": SK.Forum,
}


@dataclass
class Context:
    """Reference data a document graph is built against."""

    statute: list[dict] = field(default_factory=list)  # skollagen paragraph versions (corpus/reference)
    kommuner: list[dict] = field(default_factory=list)  # kommun records (name, kommunkod, län)
    today: dt.date = field(default_factory=dt.date.today)
    # Texts -> L2-normalised rows (the search model's passage embedding), for the learned plan-block
    # classifier; None (a --no-model build) uses the classifier's structure-only variant.
    embed: Callable[[Sequence[str]], np.ndarray] | None = None


def document_date(doc: ParsedDocument) -> dt.date | None:
    """The date a document speaks from: its decision/meeting date, else the start of its period."""
    meta = doc.metadata
    if meta.date:
        try:
            return dt.date.fromisoformat(meta.date)
        except ValueError:
            pass
    if meta.period:
        for mention in find_dates(meta.period):
            if mention.start:
                return dt.date.fromisoformat(mention.start)
    return None


class DocumentGraphBuilder:
    """Builds the graph of one document; each ``add_*`` step maps one extraction."""

    def __init__(self, doc: ParsedDocument, context: Context):
        self.doc = doc
        self.context = context
        self.graph = bind_prefixes(Graph())
        self.iri = document_iri(doc.source_file)
        self.passages: list[Passage] = passages_of(doc)
        self.passage_iris = [passage_iri(self.iri, p.index) for p in self.passages]
        self._passage_starts = [p.char_start for p in self.passages]
        self.date = document_date(doc)
        self.organisation: URIRef | None = None
        self._found_citations: list[tuple[int, Citation]] | None = None
        self.failures: list[StageFailure] = []

    # --- lookups ------------------------------------------------------------------------------------------

    def passage_at(self, offset: int) -> int | None:
        """Return the index of the passage that holds a character offset of the document text."""
        i = bisect_right(self._passage_starts, offset) - 1
        if i >= 0 and self.passages[i].char_start <= offset < max(self.passages[i].char_end, offset + 1):
            return i
        return None

    # --- steps --------------------------------------------------------------------------------------------

    def add_document(self) -> None:
        """The document node, its type, dates, organisation and issuing body."""
        g, doc, meta = self.graph, self.doc, self.doc.metadata
        g.add((self.iri, RDF.type, SK.Document))
        g.add((self.iri, SK.sourceFile, Literal(doc.source_file)))
        g.add((self.iri, DCTERMS.title, Literal(meta.title or doc.source_file.rsplit(".", 1)[0])))
        kind = meta.kind if meta.kind in DOCUMENT_TYPES else "annat"
        g.add((self.iri, SK.documentType, DOCTYPE[kind]))
        if meta.date:
            g.add((self.iri, DCTERMS.date, Literal(meta.date, datatype=XSD.date)))
        if meta.period:
            g.add((self.iri, DCTERMS.temporal, Literal(meta.period)))
        g.add((self.iri, DCTERMS.identifier, Literal(doc.sha256)))
        g.add((self.iri, DCTERMS["format"], Literal(doc.media_type)))
        if meta.organisation:
            self.organisation = self._organisation(meta.organisation)
            g.add((self.iri, DCTERMS.publisher, self.organisation))
        if meta.body:
            g.add((self.iri, SK.issuedBy, self._body(meta.body)))

    def _organisation(self, name: str) -> URIRef:
        from graph.organisations import resolve_kommun

        g = self.graph
        found = resolve_kommun(name, self.context.kommuner) if self.context.kommuner else None
        if found is not None:
            kod, label = found
            node = kommun_iri(kod)
            g.add((node, RDF.type, ORG.Organization))
            g.add((node, RDFS.label, Literal(label)))
            g.add((node, SK.kommunkod, Literal(kod)))
            return node
        node = organisation_iri(name)
        g.add((node, RDF.type, ORG.Organization))
        g.add((node, RDFS.label, Literal(name)))
        return node

    def add_passages(self) -> None:
        """Every passage with its text, page, section and character span."""
        g = self.graph
        for passage, node in zip(self.passages, self.passage_iris, strict=True):
            g.add((node, RDF.type, SK.Passage))
            g.add((node, SK.inDocument, self.iri))
            g.add((node, SK.text, Literal(passage.text)))
            if passage.page is not None:
                g.add((node, SK.page, Literal(passage.page)))
            if passage.section:
                g.add((node, SK.section, Literal(passage.section)))
            g.add((node, SK.charStart, Literal(passage.char_start)))
            g.add((node, SK.charEnd, Literal(passage.char_end)))

    @property
    def _citations(self) -> list[tuple[int, Citation]]:
        if self._found_citations is None:
            self._found_citations = self.citations()
        return self._found_citations

    def citations(self) -> list[tuple[int, Citation]]:
        """Legal citations per passage; a bare "3 §" takes its chapter from the headings above it."""
        found: list[tuple[int, Citation]] = []
        for passage in self.passages:
            block = self.doc.blocks[passage.blocks[0]]
            chapter, sfs = context_from_sections(block.section)
            for citation in find_citations(
                passage.text, doc_date=self.date, context_chapter=chapter, context_sfs=sfs
            ):
                if citation.kind != "protocol_paragraph" and citation.iri:
                    found.append((passage.index, citation))
        for citation in find_citations_in_headings(self.doc, doc_date=self.date):  # "MBL-behandling"
            if (index := self.evidence_passage(citation.char_start)) is not None:
                found.append((index, citation))
        return found

    def add_legal_references(self) -> None:
        """dcterms:references from passages to provisions; cited skollagen paragraphs with their text."""
        g = self.graph
        on = self.date or self.context.today
        for index, citation in self._citations:
            target = URIRef(citation.iri)
            g.add((self.passage_iris[index], DCTERMS.references, target))
            if citation.sfs == SKOLLAGEN and citation.chapter and citation.paragraph and self.context.statute:
                self._add_provision(target, citation, on, index)
            elif citation.kind != "statute":
                g.add((target, RDFS.label, Literal(citation.title or citation.text)))
                g.add((target, DCTERMS.type, Literal(citation.kind)))

    def _add_provision(self, target: URIRef, citation: Citation, on: dt.date, index: int) -> None:
        g = self.graph
        records = self.context.statute
        record = statute_text(records, citation.chapter, citation.paragraph, on)
        label = f"{_spaced(citation.chapter)} kap. {_spaced(citation.paragraph)} § skollagen (2010:800)"
        g.add((target, RDF.type, RPUBL.Paragraf))
        g.add((target, RDFS.label, Literal(record["citation"] if record else label)))
        if record is not None:
            g.add((target, SK.text, Literal(record["text"])))
        valid = in_force(records, citation.chapter, citation.paragraph, on)
        if valid is False:
            node = URIRef(f"{self.passage_iris[index]}/citation/{citation.chapter}-{citation.paragraph}")
            g.add((node, RDF.type, SK.Citation))
            g.add((node, SK.cites, target))
            g.add((node, SK.citedAs, Literal(citation.text)))
            g.add((node, SK.notInForce, Literal(True)))
            g.add((node, SK.inDocument, self.iri))
            g.add((node, PROV.wasDerivedFrom, self.passage_iris[index]))

    def evidence_passage(self, offset: int) -> int | None:
        """The passage that holds an offset, else (a heading) the first passage after it, else None."""
        index = self.passage_at(offset)
        if index is None:
            index = bisect_right(self._passage_starts, offset)
            if index >= len(self.passages):
                return None
        return index

    def passage_within(self, offset: int) -> int | None:
        """The passage whose text holds an offset, else the first passage after it, else None."""
        i = bisect_right(self._passage_starts, offset) - 1
        if i >= 0 and self.passages[i].char_start <= offset < self.passages[i].char_end:
            return i
        index = bisect_right(self._passage_starts, offset)
        return index if index < len(self.passages) else None

    def add_sdg_mentions(self) -> None:
        """Explicit Agenda 2030 mentions: dcterms:references passage -> goal, target or agenda."""
        from graph.sdg import find_sdg_mentions_in_document

        for mention in find_sdg_mentions_in_document(self.doc):
            index = self.evidence_passage(mention.char_start)
            subject = self.passage_iris[index] if index is not None else self.iri
            self.graph.add((subject, DCTERMS.references, URIRef(mention.iri)))

    def add_protocol(self) -> None:
        """Meetings, their agenda items (§ number, diarienummer, title, decision) and participants."""
        from graph.protocol import extract_protocol

        g = self.graph
        scope = self.organisation or self.iri
        for m_index, meeting in enumerate(extract_protocol(self.doc)):
            node = element_iri(self.iri, "meeting", m_index)
            g.add((node, RDF.type, SK.Meeting))
            g.add((node, SK.inDocument, self.iri))
            self._derived(node, meeting.char_start)
            if meeting.date:
                g.add((node, DCTERMS.date, Literal(meeting.date, datatype=XSD.date)))
            if meeting.body:
                g.add((node, SK.body, self._body(meeting.body)))
            if meeting.place:
                g.add((node, SK.meetingPlace, Literal(meeting.place)))
            for prop, value in ((SK.startTime, meeting.start_time), (SK.endTime, meeting.end_time)):
                if value:
                    g.add((node, prop, Literal(f"{value}:00", datatype=XSD.time)))
            for person in meeting.participants:
                agent = agent_iri(scope, "person", person.name)
                g.add((agent, RDF.type, FOAF.Person))
                g.add((agent, RDFS.label, Literal(person.name)))
                g.add((agent, SK.roleLabel, Literal(person.role)))
                if person.party:
                    g.add((agent, SK.party, Literal(person.party)))
                if person.title:
                    g.add((agent, FOAF.title, Literal(person.title)))
                g.add((node, SK.participant, agent))
            for item in meeting.items:
                item_node = element_iri(
                    self.iri, "item", int(item.number) if item.number.isdigit() else m_index
                )
                if not item.number.isdigit():
                    item_node = URIRef(f"{node}/item/{slug(item.number)}")
                g.add((item_node, RDF.type, SK.AgendaItem))
                g.add((item_node, SK.inDocument, self.iri))
                g.add((item_node, SK.paragraphNumber, Literal(item.number)))
                g.add((node, SK.hasItem, item_node))
                self._derived(item_node, item.char_start, within=True)
                if item.dnr:
                    g.add((item_node, DCTERMS.identifier, Literal(item.dnr)))
                if item.title:
                    g.add((item_node, DCTERMS.title, Literal(item.title)))
                if item.decision:
                    g.add((item_node, SK.decision, Literal(item.decision)))
                for prop, names in ((SK.reservedBy, item.reservations), (SK.disqualified, item.disqualified)):
                    for name in names:
                        agent = agent_iri(scope, "person", name)
                        g.add((agent, RDF.type, FOAF.Person))
                        g.add((agent, RDFS.label, Literal(name)))
                        g.add((item_node, prop, agent))
                for c_index, commission in enumerate(item.commissions):
                    task = URIRef(f"{item_node}/commission/{c_index}")
                    g.add((task, RDF.type, SK.Commission))  # a task ordered by a decision: no sk:Activity
                    g.add((task, SK.inDocument, self.iri))
                    g.add((task, RDFS.label, Literal(commission.task)))
                    g.add((task, SK.assignee, Literal(commission.assignee)))
                    if commission.deadline:
                        g.add((task, SK.deadline, Literal(commission.deadline)))
                    if commission.due_date:
                        g.add((task, SK.dueDate, Literal(commission.due_date, datatype=XSD.date)))
                    g.add((item_node, SK.commission, task))
                    self._derived(task, commission.char_start, within=True)

    def _body(self, name: str) -> URIRef:
        """The node of a body (nämnd, utskott) of the document's organisation."""
        body = agent_iri(self.organisation or organisation_iri(name), "body", name)
        self.graph.add((body, RDF.type, ORG.OrganizationalUnit))
        self.graph.add((body, RDF.type, ORG.Organization))
        self.graph.add((body, RDFS.label, Literal(name)))
        if self.organisation is not None:
            self.graph.add((body, ORG.unitOf, self.organisation))
        return body

    def _derived(self, node: URIRef, offset: int, within: bool = False) -> None:
        """prov:wasDerivedFrom the passage that holds (or follows) an offset. ``within``: only a passage whose
        text holds the offset, else the next one (an agenda item's heading is in no passage: its page is the
        page of its own text, not of the item before it)."""
        index = self.passage_within(offset) if within else self.evidence_passage(offset)
        if index is not None:
            self.graph.add((node, PROV.wasDerivedFrom, self.passage_iris[index]))

    def element_node(self, element_id: str) -> URIRef:
        """The IRI of a plan element by its extraction id ("activity-3")."""
        kind, _, number = element_id.rpartition("-")
        return element_iri(self.iri, kind.replace("_", "-"), int(number))

    def add_plan(self) -> None:
        """Plan elements with links, owners, deadlines and frequencies, each derived from its passage."""
        from graph.plan import extract_plan

        g = self.graph
        extraction = extract_plan(self.doc, reference_date=self.date, embed=self.context.embed)
        g.add((self.iri, SK.planStructureRead, Literal(extraction.structure_read)))
        if not extraction.structure_read and extraction.unread_reason:
            g.add((self.iri, SK.planStructureNote, Literal(extraction.unread_reason, lang="sv")))
        for element in extraction.elements:
            node = self.element_node(element.id)
            g.add((node, RDF.type, PLAN_CLASSES[element.kind]))
            g.add((node, RDFS.label, Literal(element.text)))
            g.add((node, SK.inDocument, self.iri))
            g.add((node, SK.charStart, Literal(element.char_start)))
            g.add((node, SK.charEnd, Literal(element.char_end)))
            if element.page is not None:
                g.add((node, SK.page, Literal(element.page)))
            self._derived(node, element.char_start)
            if element.parent:
                g.add((node, SK.contributesTo, self.element_node(element.parent)))
            for challenge in element.addresses:
                g.add((node, SK.addresses, self.element_node(challenge)))
            for owner in element.owners:
                g.add((node, SK.responsible, self._agent(owner.label, owner.kind)))
            if element.deadline:
                g.add((node, SK.deadline, Literal(element.deadline)))
            if element.due_date:
                g.add((node, SK.dueDate, Literal(element.due_date, datatype=XSD.date)))
            if element.frequency:
                g.add((node, SK.frequency, Literal(element.frequency)))
            if element.kind in ("activity", "strategy", "goal", "priority_area", "vision"):
                self._cite_from_element(node, element.char_start, element.char_end)

    def _cite_from_element(self, node: URIRef, start: int, end: int) -> None:
        """The element states what its passage cites inside the element's own span: it references it too."""
        for index, citation in self._citations:
            passage = self.passages[index]
            absolute = passage.char_start + citation.char_start
            if start <= absolute < end:
                self.graph.add((node, DCTERMS.references, URIRef(citation.iri)))

    def _agent(self, label: str, kind: str) -> URIRef:
        """An owner node: an org:Role, a body (org:OrganizationalUnit), an organisation or a foaf:Person."""
        g = self.graph
        scope = self.organisation or self.iri
        if kind == "person":
            node = agent_iri(scope, "person", label)
            g.add((node, RDF.type, FOAF.Person))
        elif kind == "role":
            node = agent_iri(scope, "role", label)
            g.add((node, RDF.type, ORG.Role))
        elif kind == "body":
            return self._body(label)
        else:
            node = organisation_iri(label)
            g.add((node, RDF.type, ORG.Organization))
        g.add((node, RDFS.label, Literal(label)))
        return node

    def extraction_stages(self) -> list[tuple[str, Callable[[], None]]]:
        """The extraction stages that run after the document and its passages, by name, in order.

        A protocol yields no plan elements (goals, strategies, activities): it records decisions, not a plan.
        """
        stages: list[tuple[str, Callable[[], None]]] = [
            ("legal", self.add_legal_references),
            ("sdg", self.add_sdg_mentions),
            ("protocol", self.add_protocol),
        ]
        if self.doc.metadata.kind != "protokoll":
            stages.append(("plan", self.add_plan))
        return stages

    def run_stage(self, name: str, step: Callable[[], None]) -> StageFailure | None:
        """Run one extraction stage into a graph of its own; merge it only when the stage finishes.

        A failing stage adds nothing (no half of a protocol), is logged with the file and the stage, and is
        returned so the store can record it and a later build can retry.
        """
        whole, self.graph = self.graph, Graph()
        failure = None
        try:
            step()
        except Exception as error:  # one extractor's bug must not lose the document
            log.exception("%s: the %s stage failed; the document keeps the rest", self.doc.source_file, name)
            failure = StageFailure(name, f"{type(error).__name__}: {error}")
        staged, self.graph = self.graph, whole
        if failure is None:
            whole += staged
        return failure

    def build(self) -> Graph:
        """Run every step and return the graph (failed stages are in ``self.failures``)."""
        self.add_document()
        self.add_passages()
        for name, step in self.extraction_stages():
            failure = self.run_stage(name, step)
            if failure is not None:
                self.failures.append(failure)
        return self.graph


def _spaced(number: str) -> str:
    """Write a chapter or paragraph number as the statute does: "6a" -> "6 a"."""
    return number[:-1] + " " + number[-1] if number[-1:].isalpha() and number[:-1].isdigit() else number


def element_labels(graph: Graph, document: URIRef) -> list[tuple[int, str]]:
    """(passage position, label) of every plan element, meeting item and forum derived from a passage."""
    prefix = f"{document}/p/"
    found: list[tuple[int, str]] = []
    for node, passage in graph.subject_objects(PROV.wasDerivedFrom):
        label = graph.value(node, RDFS.label) or graph.value(node, DCTERMS.title)
        in_document = (node, SK.inDocument, document) in graph
        if label is None or not str(passage).startswith(prefix) or not in_document:
            continue
        found.append((int(str(passage)[len(prefix) :]), str(label)))
    return sorted(set(found))


@dataclass
class StageFailure:
    """An extraction stage that failed on a document: its name and the error, in one line."""

    stage: str  # "legal", "sdg", "protocol", "plan"
    error: str


@dataclass
class DocumentBuild:
    """A document's graph and the extraction stages that failed on it (empty when all ran)."""

    graph: Graph
    failures: list[StageFailure] = field(default_factory=list)


def build_document(doc: ParsedDocument, context: Context) -> DocumentBuild:
    """Return the RDF graph of one parsed document with the stages that failed (they add nothing)."""
    builder = DocumentGraphBuilder(doc, context)
    graph = builder.build()
    return DocumentBuild(graph, builder.failures)


def build_document_graph(doc: ParsedDocument, context: Context) -> Graph:
    """Return the RDF graph of one parsed document."""
    return build_document(doc, context).graph
