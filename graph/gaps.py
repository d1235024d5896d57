"""Where the styrkedja is broken (`styrkedja gaps`): pure rules over the projection of graph/chain.py.

Kinds (contract): goal_without_activity, activity_without_owner, activity_without_deadline, deadline_passed,
challenge_without_strategy, sdg_without_activity, citation_not_in_force, law_duty_unaddressed. Severity,
Swedish wording and which document types get which kinds are data (graph/gaps.toml); the duties of skollagen
4 kap. 3–8 §§ and the phrasings that show a plan addresses them are data too (graph/law_duties.toml).

Rules, in short (each gap must be true of the graph):
- goal_without_activity: a goal or priority area with no strategy or activity among all that contributes to
  it, directly or through sub-goals, nor in its own section (heading path) or below; only the topmost such
  goal is reported, its empty sub-goals as evidence. Not reported: the plan's frame (goals stated before its
  first strategy or activity, in a section where no goal is linked to work), and any goal of a document
  without strategies or activities (nothing to judge the goals by).
- activity_without_owner / _without_deadline: an activity with no sk:responsible / no sk:deadline, sk:dueDate.
- deadline_passed: an element whose sk:dueDate is before `today`, with no follow-up recorded. A follow-up is
  a passage of a LATER document (by dcterms:date, else the first year of dcterms:temporal) from the same
  publisher that names the element (most of its content words) together with a follow-up cue ("genomförts",
  "klar", "uppföljning", ...).
- challenge_without_strategy: only in a document that pairs challenges with strategies at all (at least one
  sk:addresses); otherwise every finding of a nulägesanalys would be a gap. A challenge that a goal, strategy
  or activity of the document restates as an aim (most of its content words, compared by stem) is answered.
- sdg_without_activity: an Agenda 2030 goal or target the document references explicitly (a passage or an
  element) that no activity of the document serves: neither the activity nor anything it contributes to
  (transitively) references it (or, for a goal, one of its targets), explicitly or through an sk:Alignment.
  Not judged on a document the embedding model has not worked on (`unenriched`: no alignments to go by).
- citation_not_in_force: every sk:Citation with sk:notInForce true.
- law_duty_unaddressed: a duty of 4 kap. 3–8 §§ that the document neither cites explicitly nor describes
  (every aspect of the duty found in some passage, see graph/law_duties.toml). A school unit's own document
  (its title or issuing body names a unit, "Ekdalaskolan") is not held to the huvudman's duties (3, 7, 8 §§).

Which kinds a document gets (graph/gaps.toml): by its type ([applies]); some kinds only when the document
itself says it is part of the work the kind checks ([declared]: a verksamhetsplan with a heading on its
quality work is held to 4 kap.); and none of the plan kinds when its plan structure was not recognised with
confidence (`sk:planStructureRead false`): such a document is listed as unread (`unread_documents`).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import PROV

from graph.chain import GOAL_TYPES, ChainGraph, NodeInfo, _natural, _triples, provision_label, shorten
from graph.gap_kinds import KINDS
from ontology import SK

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
LABEL_LIMIT = 60


@dataclass
class Gap:
    """One break in the chain: what, how serious, where, and the IRIs that show it."""

    kind: str
    severity: str
    document: str
    node: str | None
    message: str
    evidence: list[str] = field(default_factory=list)


@dataclass
class Unread:
    """A document whose plan structure was not read with confidence: no plan gaps (contract: "unread")."""

    document: str
    source_file: str
    reason: str


@lru_cache(maxsize=1)
def gap_settings() -> dict:
    """The gap kinds' severities, messages and applicability (graph/gaps.toml)."""
    with open(Path(__file__).with_name("gaps.toml"), "rb") as handle:
        return tomllib.load(handle)


@lru_cache(maxsize=1)
def law_duties() -> dict:
    """The duties of skollagen 4 kap. 3–8 §§ and their lexicon (graph/law_duties.toml)."""
    with open(Path(__file__).with_name("law_duties.toml"), "rb") as handle:
        return tomllib.load(handle)


def applicable_kinds(document_kind: str, settings: dict | None = None) -> set[str]:
    """The gap kinds a document of this type gets."""
    settings = settings or gap_settings()
    table = settings["applies"]
    kinds = table.get(document_kind, table["default"])
    return set(KINDS) if "*" in kinds else set(kinds)


def plan_kinds(settings: dict | None = None) -> set[str]:
    """The gap kinds that depend on reading the plan structure (withheld from unread documents)."""
    settings = settings or gap_settings()
    return set(settings["unread"]["plan_kinds"])


def structure_read(chain: ChainGraph, document: str) -> bool:
    """Whether the document's plan structure was read (sk:planStructureRead; a document without it: yes)."""
    value = _first(chain.rdf, URIRef(document), SK.planStructureRead)
    return value is None or str(value).strip().lower() not in ("false", "0")


def unread_reason(note: str | None, settings: dict | None = None) -> str:
    """The reason shown for an unread document: "planens struktur kunde inte läsas: <note>"."""
    lead = (settings or gap_settings())["unread"]["reason"]
    note = " ".join((note or "").split())
    if not note:
        return lead
    if note.casefold().startswith(lead.casefold()):
        return note
    return f"{lead}: {note}"


def unread_documents(graph: Graph | ChainGraph, document: str | None = None) -> list[Unread]:
    """The documents (or the one) whose plan structure was not read and which therefore get no plan gaps.

    A document whose type gets no plan gaps anyway (a memo, a protocol, a scorecard) is not listed: not
    reading its structure withholds nothing.
    """
    chain = graph if isinstance(graph, ChainGraph) else ChainGraph(graph)
    settings = gap_settings()
    found = []
    for doc in sorted(chain.documents):
        if (document is not None and doc != document) or structure_read(chain, doc):
            continue
        if not genre_kinds(chain, doc, settings) & plan_kinds(settings):
            continue
        note = _first(chain.rdf, URIRef(doc), SK.planStructureNote)
        reason = unread_reason(str(note) if note is not None else None)
        found.append(Unread(doc, chain.documents[doc].source_file, reason))
    return found


def declares(chain: ChainGraph, document: str, patterns: Iterable[str]) -> bool:
    """Whether the document's title or one of its headings matches a pattern (it says it is part of it)."""
    pattern = _compile(tuple(patterns))
    info = chain.documents.get(document)
    if info is not None and pattern.search(info.title or ""):
        return True
    return any(p.section and pattern.search(p.section)
               for p in chain.passages.values() if p.document == document)


def unit_document(chain: ChainGraph, document: str, rule: dict | None = None) -> bool:
    """Whether the document is a school or preschool unit's own (its title or issuing body names a unit)."""
    rule = rule or gap_settings()["unit_documents"]
    info = chain.documents[document]
    names = [info.title or ""]
    for body in _triples(chain.rdf, URIRef(document), SK.issuedBy, None):
        names.append(_label_of(chain.rdf, body[2]) or "")
    not_units = {f.casefold() for f in rule["not_units"]}
    publisher = _label_of(chain.rdf, URIRef(info.publisher)) if info.publisher else None
    if publisher:  # "Ekdala kommun": "Ekdalas förskola" is the municipality's, not a unit
        own = publisher.split()[0].casefold()
        not_units |= {own, own + "s"}
    for name in names:
        for pattern in rule["unit_names"]:
            for match in re.finditer(pattern, name):
                if match.group("word").casefold() not in not_units:
                    return True
    return False


def genre_kinds(chain: ChainGraph, document: str, settings: dict | None = None) -> set[str]:
    """The gap kinds of a document's genre: by its type, less those it does not declare itself part of."""
    settings = settings or gap_settings()
    info = chain.documents[document]
    kinds = applicable_kinds(info.kind, settings)
    for kind, rule in settings.get("declared", {}).items():
        if kind in kinds and info.kind in rule["types"] and not declares(chain, document, rule["patterns"]):
            kinds.discard(kind)
    return kinds


def document_kinds(chain: ChainGraph, document: str, settings: dict | None = None) -> set[str]:
    """The gap kinds one document gets: those of its genre, no plan kinds if its structure was not read."""
    settings = settings or gap_settings()
    kinds = genre_kinds(chain, document, settings)
    if not structure_read(chain, document):
        kinds -= plan_kinds(settings)
    return kinds


def document_date(info) -> dt.date | None:
    """A document's date: dcterms:date, else 1 January of the first year of its period."""
    if info.date:
        try:
            return dt.date.fromisoformat(info.date[:10])
        except ValueError:
            pass
    if info.temporal:
        match = re.search(r"\b(19|20)\d\d\b", info.temporal)
        if match:
            return dt.date(int(match.group(0)), 1, 1)
        match = re.search(r"\b(\d\d)/(\d\d)\b", info.temporal)  # "22/23"
        if match:
            return dt.date(2000 + int(match.group(1)), 1, 1)
    return None


def deadline_candidates(chain: ChainGraph, document: str) -> list[NodeInfo]:
    """The elements of a document with a due date: what deadline_passed judges against a day."""
    return [e for e in chain.elements(document=document) if e.due_date]


def passed_deadlines(candidates: Iterable[NodeInfo], document: str, today: dt.date,
                     follow_up: Callable[[NodeInfo], str | None], settings: dict | None = None) -> list[Gap]:
    """deadline_passed: the candidates whose due date is before ``today`` and that nothing follows up."""
    settings = settings or gap_settings()
    spec, found = settings["kinds"]["deadline_passed"], []
    definite = settings["definite"]
    for element in candidates:
        try:
            due = dt.date.fromisoformat((element.due_date or "")[:10])
        except ValueError:
            continue
        if due >= today or follow_up(element):
            continue
        message = spec["message"].format(
            element=definite.get(element.type, "Elementet"), label=shorten(element.label, LABEL_LIMIT),
            deadline=element.deadline or element.due_date, due_date=element.due_date,
            today=today.isoformat(),
        )
        evidence = list(dict.fromkeys([element.iri] + ([element.passage] if element.passage else [])))
        found.append(Gap("deadline_passed", spec["severity"], document, element.iri, message, evidence))
    return found


def follow_up_cue(text: str, settings: dict | None = None) -> bool:
    """Whether a passage carries a follow-up cue ("genomförts", "uppföljning", ...)."""
    cues = [c.casefold() for c in (settings or gap_settings())["follow_up"]["cues"]]
    folded = text.casefold()
    return any(c in folded for c in cues)


def follow_up_in(label: str, passages: Iterable[tuple[str, str]], settings: dict | None = None,
                 folded: bool = False) -> str | None:
    """The first (iri, text) passage naming an element (most of its content words) with a follow-up cue.

    ``folded``: the texts are case-folded already. A passage is left as soon as too many words are missing.
    """
    settings = (settings or gap_settings())["follow_up"]
    words = _content_words(label, set(settings["stopwords"]))
    if not words:
        return None
    cues = [c.casefold() for c in settings["cues"]]
    wanted = settings["min_overlap"]
    allowed = len(words) * (1 - wanted) + 1e-6  # more words missing than this: below the overlap
    for iri, text in passages:
        if not folded:
            text = text.casefold()
        missing = 0
        for word in words:
            if word not in text:
                missing += 1
                if missing > allowed:
                    break
        else:
            if (len(words) - missing) / len(words) >= wanted and any(c in text for c in cues):
                return iri
    return None


class _Rules:
    """The gap rules over one projection."""

    def __init__(self, chain: ChainGraph, today: dt.date, settings: dict, duties: dict):
        self.chain = chain
        self.today = today
        self.settings = settings
        self.duties = duties

    # --- helpers ------------------------------------------------------------------------------------------

    def kind(self, name: str) -> dict:
        return self.settings["kinds"][name]

    def gap(self, kind: str, document: str, node: str | None, message: str, evidence: Iterable[str],
            severity: str | None = None) -> Gap:
        unique = list(dict.fromkeys(e for e in evidence if e))
        return Gap(kind, severity or self.kind(kind)["severity"], document, node, message, unique)

    def label(self, info: NodeInfo) -> str:
        return shorten(info.label, LABEL_LIMIT)

    def definite(self, info: NodeInfo) -> str:
        return self.settings["definite"].get(info.type, "Elementet")

    def evidence_of(self, info: NodeInfo) -> list[str]:
        return [info.iri] + ([info.passage] if info.passage else [])

    # --- kinds --------------------------------------------------------------------------------------------

    def section_of(self, info: NodeInfo) -> str | None:
        """The heading path of the passage an element was read from."""
        passage = self.chain.passages.get(info.passage or "")
        return passage.section if passage is not None and passage.section else None

    def goal_without_activity(self, doc: str) -> list[Gap]:
        goals = self.chain.elements(document=doc, types=GOAL_TYPES)
        doers = self.chain.elements(document=doc, types=["Strategy", "Activity"])
        doer_sections = {s for s in (self.section_of(d) for d in doers) if s}
        empty: dict[str, list[str]] = {}
        for goal in goals:
            contributors = self.chain.ancestors(goal.iri, "contributesTo")
            if any(self.chain.nodes[c].type in ("Strategy", "Activity") for c in contributors
                   if c in self.chain.nodes):
                continue
            section = self.section_of(goal)
            if section and any(s == section or s.startswith(section + " › ") for s in doer_sections):
                continue  # the strategies or activities of its own section serve it, linked or not
            empty[goal.iri] = sorted(contributors, key=_natural)
        headings = {_heading_key(h) for p in self.chain.passages.values() if p.document == doc and p.section
                    for h in p.section.split(" › ")}
        sections = {g.iri: self.section_of(g) for g in goals}
        overarching = _overarching(goals, doers, empty, sections, headings)
        spec, found = self.kind("goal_without_activity"), []
        for goal in goals:
            if goal.iri not in empty or goal.iri in overarching:
                continue
            parents = [p for p in self.chain.out(goal.iri, "contributesTo")
                       if self.chain.nodes[p].type in GOAL_TYPES]
            if any(p in empty for p in parents):
                continue  # reported with the goal above it
            subgoals = empty[goal.iri]
            extra = ""
            if subgoals:
                key = "subgoals_one" if len(subgoals) == 1 else "subgoals_many"
                extra = spec[key].format(n=len(subgoals))
            message = spec["message"].format(
                element=self.definite(goal), label=self.label(goal), subgoals=extra
            )
            severity = spec["severity"] if not parents else spec["severity_subgoal"]
            found.append(self.gap("goal_without_activity", doc, goal.iri, message,
                                  self.evidence_of(goal) + subgoals, severity))
        return found

    def activity_without_owner(self, doc: str) -> list[Gap]:
        spec = self.kind("activity_without_owner")
        return [
            self.gap("activity_without_owner", doc, a.iri, spec["message"].format(label=self.label(a)),
                     self.evidence_of(a))
            for a in self.chain.elements(document=doc, types=["Activity"])
            if not self.chain.out(a.iri, "responsible") and not _has(self.chain, a.iri, SK.responsible)
        ]

    def activity_without_deadline(self, doc: str) -> list[Gap]:
        spec = self.kind("activity_without_deadline")
        return [
            self.gap("activity_without_deadline", doc, a.iri, spec["message"].format(label=self.label(a)),
                     self.evidence_of(a))
            for a in self.chain.elements(document=doc, types=["Activity"])
            if not a.deadline and not a.due_date
        ]

    def deadline_passed(self, doc: str) -> list[Gap]:
        candidates = deadline_candidates(self.chain, doc)
        return passed_deadlines(candidates, doc, self.today, self.follow_up, self.settings)

    def follow_up(self, element: NodeInfo) -> str | None:
        """A passage of a later document of the same publisher that reports on the element, else None."""
        own = self.chain.documents.get(element.document or "")
        if own is None or own.publisher is None:
            return None
        since = document_date(own)
        later = (
            (passage.iri, passage.text)
            for when, other, passage in self._publisher_passages().get(own.publisher, [])
            if other != own.iri and when is not None and (since is None or when > since)
        )
        return follow_up_in(element.label, later, self.settings)

    def _publisher_passages(self) -> dict[str, list]:
        """(document date, document, passage) by publisher, built once."""
        if not hasattr(self, "_by_publisher"):
            index: dict[str, list] = {}
            for passage in sorted(self.chain.passages.values(), key=lambda p: _natural(p.iri)):
                doc = self.chain.documents.get(passage.document)
                if doc is not None and doc.publisher is not None:
                    index.setdefault(doc.publisher, []).append((document_date(doc), doc.iri, passage))
            self._by_publisher = index
        return self._by_publisher

    def challenge_without_strategy(self, doc: str) -> list[Gap]:
        challenges = self.chain.elements(document=doc, types=["Challenge"])
        paired = any(self.chain.into(c.iri, "addresses") for c in challenges)
        if not paired:
            return []
        spec = self.kind("challenge_without_strategy")
        answers = self.chain.elements(document=doc, types=[*GOAL_TYPES, "Strategy", "Activity"])
        found = []
        for challenge in challenges:
            if self.chain.into(challenge.iri, "addresses"):
                continue
            answer = self.restated(challenge, answers, spec)
            if answer is not None:
                continue  # the plan turns the finding into a goal or strategy of the same words
            found.append(self.gap("challenge_without_strategy", doc, challenge.iri,
                                  spec["message"].format(label=self.label(challenge)),
                                  self.evidence_of(challenge)))
        return found

    def restated(self, challenge: NodeInfo, answers: list[NodeInfo], spec: dict) -> str | None:
        """An element that restates a challenge as an aim (most of its content words, by stem), else None."""
        stopwords = set(self.settings["follow_up"]["stopwords"])
        wanted = _content_words(challenge.label, stopwords)
        if not wanted:
            return None
        for answer in answers:
            have = _content_words(answer.label, stopwords)
            shared = sum(1 for w in wanted if any(_same_stem(w, h, spec["stem_length"]) for h in have))
            if shared / len(wanted) >= spec["restated_overlap"]:
                return answer.iri
        return None

    def _sdg_claims(self, doc: str) -> dict[str, list[str]]:
        """SDG goals/targets the document references explicitly -> the passages/elements that do."""
        claims: dict[str, list[str]] = {}
        subjects = [p.iri for p in self.chain.passages.values() if p.document == doc]
        subjects += [e.iri for e in self.chain.elements(document=doc)]
        for subject in subjects:
            for target in self.chain.out(subject, "references"):
                if self.chain.nodes[target].type in ("SdgGoal", "SdgTarget"):
                    claims.setdefault(target, []).append(subject)
        return claims

    def _served(self, activity: NodeInfo) -> set[str]:
        """SDG goals/targets an activity serves through its chain (explicit references or alignments)."""
        chain_nodes = {activity.iri} | self.chain.descendants(activity.iri, "contributesTo")
        served: set[str] = set()
        for node in chain_nodes:
            info = self.chain.nodes.get(node)
            sources = [node] + ([info.passage] if info and info.passage else [])
            for source in sources:
                served.update(self.chain.out(source, "references"))
            served.update(self.chain.out(node, "alignment"))
        for target in list(served):
            served.update(self.chain.out(target, "broader"))
        return served

    def sdg_without_activity(self, doc: str) -> list[Gap]:
        claims = self._sdg_claims(doc)
        if not claims:
            return []
        served: set[str] = set()
        for activity in self.chain.elements(document=doc, types=["Activity"]):
            served |= self._served(activity)
        spec, found = self.kind("sdg_without_activity"), []
        for target in sorted(claims, key=_natural):
            if target in served:
                continue
            label = self.chain.nodes[target].label
            message = spec["message"].format(sdg=label)
            found.append(self.gap("sdg_without_activity", doc, target, message, claims[target]))
        return found

    def citation_not_in_force(self, doc: str) -> list[Gap]:
        spec, found = self.kind("citation_not_in_force"), []
        rdf = self.chain.rdf
        info = self.chain.documents[doc]
        citations = sorted({c for c, _, _ in _triples(rdf, None, RDF.type, SK.Citation)}, key=_natural)
        for citation in citations:
            if not _true(rdf, citation, SK.notInForce):
                continue
            in_doc = _first(rdf, citation, SK.inDocument)
            passage = _first(rdf, citation, PROV.wasDerivedFrom)
            if in_doc is None and passage is not None and str(passage) in self.chain.passages:
                in_doc = URIRef(self.chain.passages[str(passage)].document)
            if in_doc is None or str(in_doc) != doc:
                continue
            cited = _first(rdf, citation, SK.cites)
            cited_as = _first(rdf, citation, SK.citedAs)
            provision = ""
            if cited is not None:
                known = self.chain.nodes.get(str(cited))
                provision = known.label if known else (
                    _label_of(rdf, cited) or provision_label(str(cited)) or str(cited)
                )
            date = f"dokumentets datum ({info.date})" if info.date else "dokumentets datum"
            message = spec["message"].format(
                cited_as=str(cited_as or provision), provision=provision, date=date
            )
            evidence = [str(citation)] + ([str(passage)] if passage is not None else [])
            found.append(self.gap("citation_not_in_force", doc, str(cited) if cited is not None else None,
                                  message, evidence))
        return found

    def law_duty_unaddressed(self, doc: str) -> list[Gap]:
        duties, spec = self.duties, self.kind("law_duty_unaddressed")
        passages = sorted((p for p in self.chain.passages.values() if p.document == doc),
                          key=lambda p: _natural(p.iri))
        subjects = [p.iri for p in passages] + [e.iri for e in self.chain.elements(document=doc)]
        has_pairs = any(self.chain.out(e.iri, "addresses") for e in self.chain.elements(document=doc))
        unit = self.settings["unit_documents"]
        not_held = set(unit["huvudman_duties"]) if unit_document(self.chain, doc, unit) else set()
        found = []
        for duty in duties["duty"]:
            if duty["provision"] in not_held:
                continue  # the huvudman's duty, asked of a school unit's own document
            citing = [s for s in subjects if duty["provision"] in self.chain.out(s, "references")]
            if citing:
                continue  # explicitly cited: addressed
            level = duties["levels"].get(duty.get("level", ""), None)
            covered: dict[str, list[str]] = {}
            for aspect in duty["aspects"]:
                groups = [_compile(tuple(g)) for g in duties["aspects"][aspect]]
                hits = [p.iri for p in passages if _matches(p.text, p.section, groups, level)]
                if duty.get("structural") == "addresses" and has_pairs:
                    hits += [e.iri for e in self.chain.elements(document=doc, types=["Strategy"])
                             if self.chain.out(e.iri, "addresses")]
                if hits:
                    covered[aspect] = hits[:3]
            missing = [a for a in duty["aspects"] if a not in covered]
            if not missing:
                continue
            names = duties["aspect_names"]
            fields = {
                "duty": duty["duty"],
                "provision": duty["label"],
                "missing": _join([names.get(a, a) for a in missing]),
                "covered": _join([names.get(a, a) for a in covered]),
            }
            if covered:
                message, severity = spec["message_partial"].format(**fields), spec["severity_partial"]
            else:
                message, severity = spec["message_none"].format(**fields), spec["severity"]
            evidence = [iri for hits in covered.values() for iri in hits]
            found.append(
                self.gap("law_duty_unaddressed", doc, duty["provision"], message, evidence, severity)
            )
        return found


def _overarching(goals: list[NodeInfo], doers: list[NodeInfo], empty: dict[str, list[str]],
                 sections: dict[str, str | None], headings: set[str]) -> set[str]:
    """The plan's frame: goals before its first strategy or activity, in a section no served goal shares.

    A plan opens with the goals that frame it (a vision, the goals of a higher level it quotes, the sector's
    overarching goals); its strategies and activities follow and serve them as a whole. A goal listed among
    goals that are linked to work (the same section) is no frame: left without work, it is a gap. A served
    goal that is itself a heading opens a section of its own and lists nothing. With no strategy or activity
    at all, no goal can be judged.
    """
    if not doers:
        return {g.iri for g in goals}
    starts = [d.char_start for d in doers if d.char_start is not None]
    if not starts:
        return set()
    first = min(starts)
    served_sections = {sections[g.iri] for g in goals
                       if g.iri not in empty and sections[g.iri] and _heading_key(g.label) not in headings}
    return {
        g.iri for g in goals
        if g.iri in empty and g.char_start is not None and g.char_start < first
        and sections[g.iri] and sections[g.iri] not in served_sections
    }


def _heading_key(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip(".:")


def _has(chain: ChainGraph, iri: str, predicate) -> bool:
    return any(True for _ in _triples(chain.rdf, URIRef(iri), predicate, None))


def _first(graph: Graph, subject, predicate):
    for _, _, o in _triples(graph, subject, predicate, None):
        return o
    return None


def _true(graph: Graph, subject, predicate) -> bool:
    value = _first(graph, subject, predicate)
    return value is not None and str(value).strip().lower() in ("true", "1")


def _label_of(graph: Graph, subject) -> str | None:
    from rdflib import RDFS

    value = _first(graph, subject, RDFS.label)
    return str(value) if value is not None else None


@lru_cache(maxsize=256)
def _compile(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _matches(text: str, section: str | None, groups: list[re.Pattern], level: list[str] | None) -> bool:
    """Whether a passage matches every group of an aspect (and the duty's level, in text or headings)."""
    if not all(g.search(text) for g in groups):
        return False
    if level:
        return _compile(tuple(level)).search(f"{section or ''}\n{text}") is not None
    return True


def _content_words(label: str, stopwords: set[str]) -> list[str]:
    words = re.findall(r"\w+", label.casefold())
    return list(dict.fromkeys(w for w in words if len(w) >= 4 and w not in stopwords and not w.isdigit()))


def _same_stem(a: str, b: str, length: int) -> bool:
    """Whether two words share their first `length` letters (or all of the shorter one's)."""
    k = min(length, len(a), len(b))
    return a[:k] == b[:k]


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


def find_gaps(graph: Graph | ChainGraph, today: dt.date | None = None, document: str | None = None,
              kinds: Iterable[str] | None = None, unenriched: Iterable[str] = ()) -> list[Gap]:
    """Every gap of every document (or one document, some kinds), by document, severity and kind.

    ``unenriched``: documents the embedding model has not worked on (built with --no-model): the kinds that
    need its inferred links (gaps.toml [model]) are not judged for them.
    """
    chain = graph if isinstance(graph, ChainGraph) else ChainGraph(graph)
    rules = _Rules(chain, today or dt.date.today(), gap_settings(), law_duties())
    wanted = set(kinds) if kinds is not None else set(KINDS)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown gap kind(s): {', '.join(sorted(unknown))}")
    gaps: list[Gap] = []
    unenriched = set(unenriched)
    for doc in sorted(chain.documents):
        if document is not None and doc != document:
            continue
        applies = document_kinds(chain, doc, rules.settings)
        if doc in unenriched:
            applies -= set(rules.settings["model"]["needs_inferred_links"])
        for kind in KINDS:
            if kind in wanted and kind in applies:
                gaps.extend(getattr(rules, kind)(doc))
    order = {k: i for i, k in enumerate(KINDS)}
    gaps.sort(key=lambda g: (g.document, SEVERITY_ORDER[g.severity], order[g.kind], _natural(g.node or "")))
    return gaps


# --- renderings -------------------------------------------------------------------------------------------


def gap_json(gap: Gap) -> dict:
    """One gap as the contract's JSON object."""
    return {
        "kind": gap.kind,
        "severity": gap.severity,
        "document": gap.document,
        "node": gap.node,
        "message": gap.message,
        "evidence": list(gap.evidence),
    }


def unread_json(item: Unread) -> dict:
    """One unread document as the contract's JSON object."""
    return {"document": item.document, "source_file": item.source_file, "reason": item.reason}


def gaps_json(gaps: list[Gap], unread: Iterable[Unread] = ()) -> dict:
    """The gap report as the contract's JSON: {"gaps": [...], "unread": [...]}."""
    return {"gaps": [gap_json(g) for g in gaps], "unread": [unread_json(u) for u in unread]}


SEVERITY_SV = {"high": "HÖG", "medium": "MEDEL", "low": "LÅG"}


def render_gaps(gaps: list[Gap], chain: ChainGraph | None = None, unread: Iterable[Unread] = (),
                sources: dict[str, str] | None = None, pages: dict[str, list[int]] | None = None) -> str:
    """The gap report as Swedish text, grouped by document, then the documents whose plan was not read.

    Document names and evidence pages come from ``chain``, or without it from ``sources`` (document ->
    source file) and ``pages`` (evidence IRI -> pages), as the stored analyses give them.
    """
    if chain is not None:
        sources = {doc: info.source_file for doc, info in chain.documents.items()}
        pages = {}
        for gap in gaps:
            for iri in gap.evidence:
                page = _page(chain, iri)
                pages[iri] = [page] if page is not None else []
    lines = _render_found(gaps, sources or {}, pages if pages is not None else None)
    unread = list(unread)
    if unread:
        lines += ["", gap_settings()["unread"]["heading"]]
        lines += [f"  {u.source_file}: {u.reason}" for u in unread]
    return "\n".join(lines)


def _render_found(gaps: list[Gap], sources: dict[str, str], pages: dict[str, list[int]] | None) -> list[str]:
    if not gaps:
        return ["Inga brister hittades i styrkedjan."]
    lines: list[str] = []
    current = None
    counts = Counter(g.document for g in gaps)  # counted once: a sum per document was quadratic at 10,000
    for gap in gaps:
        if gap.document != current:
            current = gap.document
            name = sources.get(gap.document, gap.document)
            count = counts[gap.document]
            if lines:
                lines.append("")
            lines.append(f"{name} — {count} brist{'er' if count != 1 else ''}")
        where = ""
        if pages is not None and gap.evidence:
            found = sorted({p for e in gap.evidence for p in pages.get(e, [])})
            if found:
                where = " (s. " + ", ".join(str(p) for p in found[:5]) + ")"
        lines.append(f"  [{SEVERITY_SV[gap.severity]}] {gap.message}{where}")
    return lines


def _page(chain: ChainGraph, iri: str) -> int | None:
    if iri in chain.passages:
        return chain.passages[iri].page
    info = chain.nodes.get(iri)
    return info.page if info else None
