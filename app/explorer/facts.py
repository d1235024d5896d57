"""What the views show, read from the graph: plain functions over the Dataset and the chain projection.

No Streamlit here: every function takes the store's objects and returns plain data (dicts, dataclasses of
strings and numbers) that the data layer caches and the views render. Every row that states a claim carries
its evidence: the quote, the source file and the page. SPARQL lives in graph/queries/*.rq.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import RDFS, SKOS, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS

from app.sparql_runner import QueryLimits, run_limited
from graph.chain import ChainError, ChainGraph, step_json, swedish_names, trace
from graph.gaps import find_gaps
from graph.sparql import QUERY_DIR, run_query
from ontology import SK

SDG_BASE = "http://metadata.un.org/sdg/"


@lru_cache(maxsize=1)
def labels() -> dict:
    """Swedish wording of the explorer (app/explorer/labels.toml) merged with graph/chain.toml's names."""
    with open(Path(__file__).with_name("labels.toml"), "rb") as handle:
        data = tomllib.load(handle)
    names = swedish_names()
    data["types"] = {**names["types"], **data.get("types", {})}
    data["relations"] = {**names["relations"], **data.get("relations", {})}
    return data


def type_sv(kind: str) -> str:
    """The Swedish name of a node type ("Activity" -> "Aktivitet")."""
    return labels()["types"].get(kind, kind)


def doc_kind_sv(kind: str | None) -> str:
    """The Swedish name of a document type notation ("kvalitetsplan" -> "Kvalitetsplan")."""
    return labels()["document_kinds"].get(kind or "annat", (kind or "annat").capitalize())


@lru_cache(maxsize=64)
def query_text(name: str) -> str:
    """The text of a saved query (graph/queries/<name>.rq)."""
    return (QUERY_DIR / f"{name}.rq").read_text("utf-8")


def _value(term) -> str | None:
    return None if term is None else str(term)


def _int(term) -> int | None:
    try:
        return int(term)
    except (TypeError, ValueError):
        return None


def select(dataset: Dataset, name: str) -> list[dict[str, str | None]]:
    """Run a saved SELECT query; one dict per row (variable -> string or None)."""
    result = run_query(dataset, query_text(name))
    names = [str(v) for v in result.vars]
    return [dict(zip(names, (_value(x) for x in row), strict=True)) for row in result]


def _label(dataset: Dataset, iri: str, predicate=RDFS.label) -> str | None:
    found = [o for o in dataset.objects(URIRef(iri), predicate) if isinstance(o, Literal)]
    for lang in ("sv", None):
        for literal in found:
            if literal.language == lang:
                return str(literal)
    return str(found[0]) if found else None


def provision_text(dataset: Dataset, iri: str) -> str | None:
    """The text of a paragraph of skollagen (sk:text), as the reference data has it."""
    value = dataset.value(URIRef(iri), SK.text)
    return str(value) if value is not None else None


def sdg_label(dataset: Dataset, iri: str) -> str:
    """"Delmål 4.1: Avgiftsfri och likvärdig …" / "Mål 4: God utbildning för alla" for an Agenda 2030 IRI."""
    code = iri.removeprefix(SDG_BASE).strip("/")
    if not code or code == iri.rstrip("/"):
        return "Agenda 2030"
    name = _label(dataset, iri, SKOS.prefLabel)
    if "." not in code:
        return _label(dataset, iri) or f"Mål {code}" + (f": {name}" if name else "")
    return f"Delmål {code}" + (f": {name}" if name else "")


def node_label(dataset: Dataset, iri: str, kind: str, label: str) -> str:
    """A readable label for a node beside an answer (SDG nodes get their Swedish names)."""
    if kind in ("SdgGoal", "SdgTarget", "Agenda2030") or iri.startswith(SDG_BASE):
        return sdg_label(dataset, iri)
    return label


def document_info(dataset: Dataset, document: str) -> dict[str, str | None]:
    """Title and publisher's name of a document IRI."""
    doc = URIRef(document)
    publisher = dataset.value(doc, DCTERMS.publisher)
    return {
        "title": _value(dataset.value(doc, DCTERMS.title)),
        "organisation": _label(dataset, str(publisher)) if publisher is not None else None,
    }


# --- documents and organisations --------------------------------------------------------------------------


def documents(chain: ChainGraph, dataset: Dataset, manifest: dict) -> list[dict]:
    """The stored documents: file, title, type, organisation, body, date, period, pages, origin."""
    bodies = {row["doc"]: row for row in select(dataset, "organisationer")}
    rows = []
    for entry in sorted(manifest.values(), key=lambda e: e.source_file):
        info = chain.documents.get(entry.document)
        body = bodies.get(entry.document, {})
        rows.append({
            "source_file": entry.source_file,
            "aliases": sorted(getattr(entry, "aliases", {}) or {}),  # other names of the same content
            "document": entry.document,
            "title": (info.title if info else None) or entry.title or entry.source_file,
            "kind": (info.kind if info else None) or entry.kind or "annat",
            "publisher": body.get("publisher"),
            "organisation": body.get("publisherLabel") or entry.organisation,
            "body": body.get("bodyLabel"),
            "body_iri": body.get("body"),
            "date": info.date if info else None,
            "period": info.temporal if info else None,
            "pages": entry.pages,
            "origin": entry.origin,
            "uploaded": "/uploads/" in entry.origin.replace("\\", "/"),
            "added": dt.datetime.fromtimestamp(entry.added).strftime("%Y-%m-%d %H:%M"),
        })
        if info is not None:
            status = plan_status(chain, entry.document)
            rows[-1].update(plan_state=status.state, plan_reason=status.reason)
        else:
            rows[-1].update(plan_state="read", plan_reason=None)
    return rows


def organisations(rows: list[dict]) -> dict[str, str]:
    """Publisher IRI -> name, from the document rows (documents without a publisher under their file)."""
    found: dict[str, str] = {}
    for row in rows:
        key = row["publisher"] or row["document"]
        found.setdefault(key, row["organisation"] or row["title"])
    return dict(sorted(found.items(), key=lambda item: item[1]))


@dataclass(frozen=True)
class OrgOption:
    """One line of the organisation picker: an organisation (depth 0) or one of its bodies (depth 1)."""

    key: str  # the organisation's key, or "<organisation key>\n<body IRI>" for a body
    label: str
    depth: int
    publisher: str
    body: str | None = None


BODY_SEPARATOR = "\n"  # never inside an IRI


UNKNOWN_ORG = "urn:styrkedja:organisation-okand"  # the picker's key of documents that name no organisation
UNKNOWN_ORG_LABEL = "Organisation okänd"


def org_key(row: dict) -> str:
    """The picker's key of a document row's organisation: its publisher IRI, else UNKNOWN_ORG."""
    return row["publisher"] or UNKNOWN_ORG


def organisation_tree(rows: list[dict]) -> list[OrgOption]:
    """Organisations by name, each followed by the bodies that issued its documents (by name); documents
    that name no organisation come last, under "Organisation okänd" (never under a title of theirs)."""
    names: dict[str, str] = {}
    for row in rows:
        if row["publisher"]:
            names.setdefault(row["publisher"], row["organisation"] or row["publisher"])
    names = dict(sorted(names.items(), key=lambda item: item[1]))
    if any(not row["publisher"] for row in rows):
        names[UNKNOWN_ORG] = UNKNOWN_ORG_LABEL
    bodies: dict[str, dict[str, str]] = {}
    for row in rows:
        if row.get("body_iri"):
            label = row.get("body") or row["body_iri"]
            bodies.setdefault(org_key(row), {}).setdefault(row["body_iri"], label)
    options = []
    for key, name in names.items():
        options.append(OrgOption(key, name, 0, key))
        under = sorted(bodies.get(key, {}).items(), key=lambda item: item[1])
        for body, label in under:
            if label.casefold() == name.casefold():
                continue  # the organisation itself as its own issuer
            options.append(OrgOption(key + BODY_SEPARATOR + body, label, 1, key, body))
    return options


def split_org_key(key: str) -> tuple[str, str | None]:
    """(organisation key, body IRI or None) of a picker key."""
    publisher, _, body = key.partition(BODY_SEPARATOR)
    return publisher, body or None


def in_selection(row: dict, publisher: str | None, body: str | None = None) -> bool:
    """Whether a document row belongs to the chosen organisation (any body) or body; None chooses all."""
    if publisher is None:
        return True
    if org_key(row) != publisher:
        return False
    return body is None or row.get("body_iri") == body


def years(row: dict) -> list[int]:
    """The years a document row is about (from its date and period)."""
    from search.records import years_of

    return list(years_of(row.get("date"), row.get("period")))


# --- answers ----------------------------------------------------------------------------------------------


def chain_choices(chain: ChainGraph, document: str) -> list[dict]:
    """The elements of a document one can trace, goals first: iri, type, label, page."""
    order = {"Vision": 0, "PriorityArea": 1, "Goal": 2, "Strategy": 3, "Activity": 4, "Challenge": 5,
             "Forum": 6}
    items = [
        {"iri": n.iri, "type": n.type, "label": n.label, "page": n.page}
        for n in chain.elements(document=document) if n.label
    ]
    return sorted(items, key=lambda x: order.get(x["type"], 9))


def trace_data(chain: ChainGraph, node: str) -> dict:
    """The chain through a node as the contract's JSON; an unknown node gives {"error": message}."""
    try:
        result = trace(chain, node)
    except ChainError as error:
        return {"error": str(error)}
    node_step = step_json(result.node)
    return {
        "node": node_step,
        "up": [step_json(s) for s in result.up],
        "down": [step_json(s) for s in result.down],
    }


def trace_rows(data: dict) -> list[dict]:
    """The steps of a trace as table rows in Swedish: the node itself, then up, then down."""
    names = labels()
    rows = []
    for direction, steps in (("vald", [data["node"]]), ("uppåt", data["up"]), ("nedåt", data["down"])):
        for step in steps:
            rows.append({
                "Riktning": direction,
                "Typ": names["types"].get(step["type"], step["type"]),
                "Text": step["label"],
                "Relation": "" if direction == "vald" else names["relations"].get(step["relation"],
                                                                                 step["relation"]),
                "Ansvarig": ", ".join(step.get("owners") or []) if step["type"] == "Activity" else "",
                "Klart": _deadline(step),
                "Citat": step.get("quote") or "",
                "Dokument": step.get("source_file") or "",
                "Sida": step.get("page"),
            })
    return rows


def _deadline(step: dict) -> str:
    if step["type"] != "Activity":
        return ""
    text = step.get("deadline") or ""
    if step.get("due_date"):
        text = f"{text} ({step['due_date']})".strip()
    return text or "—"


# --- gaps -------------------------------------------------------------------------------------------------


def gap_rows(chain: ChainGraph, today: dt.date | None = None) -> list[dict]:
    """The gap report as rows: severity, kind (Swedish), document, message, page and the evidence quotes."""
    names = labels()
    rows = []
    for gap in find_gaps(chain, today=today):
        doc = chain.documents.get(gap.document)
        evidence = []
        for iri in gap.evidence:
            quote, page, source = chain.quote(iri)
            if quote and all(e["quote"] != quote for e in evidence):
                evidence.append({"iri": iri, "quote": quote, "page": page, "source_file": source})
        pages = sorted({e["page"] for e in evidence if e["page"] is not None})
        rows.append({
            "severity": gap.severity,
            "Allvar": names["severity"][gap.severity],
            "kind": gap.kind,
            "Typ": names["gap_kinds"].get(gap.kind, gap.kind),
            "Dokument": doc.source_file if doc else gap.document,
            "Brist": gap.message,
            "Sidor": ", ".join(str(p) for p in pages),
            "Belägg": " | ".join(shorten_quote(e["quote"]) for e in evidence[:3]),
            "document": gap.document,
            "node": gap.node,
            "evidence": evidence,
        })
    return rows


def shorten_quote(text: str, limit: int = 140) -> str:
    """One line of a quote, shortened at a word boundary."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


# --- the law ----------------------------------------------------------------------------------------------


def _paragraph_key(iri: str) -> tuple:
    match = re.search(r"#K(\d+)([a-z]?)(?:P(\d+)([a-z]?))?", iri)
    if not match:
        return (999, "", 0, "")
    return (int(match.group(1)), match.group(2), int(match.group(3) or 0), match.group(4) or "")


def cited_provisions(dataset: Dataset) -> list[dict]:
    """Cited paragraphs of skollagen in statute order: label, text, and each citing passage with its page."""
    grouped: dict[str, dict] = {}
    for row in select(dataset, "lagrum_citat"):
        item = grouped.setdefault(row["paragraph"], {
            "iri": row["paragraph"], "label": row["label"], "text": row["lawtext"], "citations": [],
        })
        item["citations"].append({
            "source_file": row["file"], "page": _int(row["page"]), "quote": row["quote"],
            "section": row["section"], "passage": row["passage"], "document": row["doc"],
        })
    items = sorted(grouped.values(), key=lambda x: _paragraph_key(x["iri"]))
    for item in items:
        item["documents"] = sorted({c["source_file"] for c in item["citations"]})
    return items


# --- comparison -------------------------------------------------------------------------------------------


def law_label(label: str | None) -> str | None:
    """A whole statute cited by its number alone reads "SFS 1976:580", not "(1976:580)"."""
    match = re.fullmatch(r"\((\d{4}:\d+)\)", (label or "").strip())
    return f"SFS {match.group(1)}" if match else label


@dataclass(frozen=True)
class PlanStatus:
    """Whether a document's plan structure was read: "read", "unread" (with the reason) or "protocol"."""

    state: str
    reason: str | None = None


def plan_status(chain: ChainGraph, document: str) -> PlanStatus:
    """A protocol holds decisions, not a plan; else sk:planStructureRead false is unread, with its reason."""
    from graph.gaps import structure_read, unread_reason

    info = chain.documents.get(document)
    if info is not None and info.kind == "protokoll":
        return PlanStatus("protocol")
    if structure_read(chain, document):
        return PlanStatus("read")
    note = chain.rdf.value(URIRef(document), SK.planStructureNote)
    return PlanStatus("unread", unread_reason(str(note) if note is not None else None))


@dataclass
class Item:
    """One line of a profile: its text and its evidence."""

    label: str
    quote: str | None = None
    source_file: str | None = None
    page: int | None = None
    extra: str | None = None  # frequency of a forum, score of an inferred link, ...
    key: str | None = None  # what makes two items "the same" across documents


@dataclass
class Profile:
    """What one document contains, side by side with others."""

    document: str
    source_file: str
    title: str
    kind: str
    organisation: str | None
    period: str | None
    goals: list[Item] = field(default_factory=list)
    strategies: int = 0
    activities: int = 0
    provisions: list[Item] = field(default_factory=list)
    sdg_explicit: list[Item] = field(default_factory=list)
    sdg_inferred: list[Item] = field(default_factory=list)
    forums: list[Item] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    plan: PlanStatus = field(default_factory=lambda: PlanStatus("read"))


def _item(chain: ChainGraph, iri: str, label: str, key: str | None = None, extra: str | None = None) -> Item:
    quote, page, source = chain.quote(iri)
    return Item(label=label, quote=quote, source_file=source, page=page, extra=extra, key=key or label)


def profile(chain: ChainGraph, dataset: Dataset, document: str) -> Profile:
    """The profile of one document: goals, counts, paragraphs cited, Agenda 2030, forums, themes."""
    info = chain.documents[document]
    publisher = info.publisher
    result = Profile(
        document=document, source_file=info.source_file, title=info.title, kind=info.kind,
        organisation=_label(dataset, publisher) if publisher else None, period=info.temporal or info.date,
        plan=plan_status(chain, document),
    )
    elements = chain.elements(document=document)
    for node in elements:
        if node.type in ("Vision", "PriorityArea", "Goal") and node.label:
            result.goals.append(_item(chain, node.iri, node.label, key=_theme_key(node.label)))
        elif node.type == "Forum" and node.label:
            frequency = _value(dataset.value(URIRef(node.iri), SK.frequency))
            result.forums.append(_item(chain, node.iri, node.label, key=_theme_key(node.label),
                                       extra=frequency))
    result.strategies = sum(1 for n in elements if n.type == "Strategy")
    result.activities = sum(1 for n in elements if n.type == "Activity")
    passages = [p for p in chain.passages.values() if p.document == document]
    cited: dict[str, Item] = {}
    explicit: dict[str, Item] = {}
    for passage in passages:
        for target in chain.out(passage.iri, "references"):
            kind = chain.nodes[target].type
            if kind == "Provision" and target not in cited:
                cited[target] = _item(chain, passage.iri, law_label(chain.nodes[target].label), key=target)
            elif kind in ("SdgGoal", "SdgTarget", "Agenda2030") and target not in explicit:
                explicit[target] = _item(chain, passage.iri, sdg_label(dataset, target), key=target)
    result.provisions = sorted(cited.values(), key=lambda x: _paragraph_key(x.key or ""))
    result.sdg_explicit = sorted(explicit.values(), key=lambda x: _natural_sdg(x.key or ""))
    inferred: dict[str, Item] = {}
    for node in elements:
        for target in chain.out(node.iri, "alignment"):
            score = chain.edge_data(node.iri, target, "alignment").get("score")
            best = inferred.get(target)
            if best is None or (score or 0) > float(best.extra or 0):
                item = _item(chain, node.iri, sdg_label(dataset, target), key=target)
                item.extra = f"{score:.2f}" if score is not None else None
                inferred[target] = item
    result.sdg_inferred = sorted(inferred.values(), key=lambda x: _natural_sdg(x.key or ""))
    result.themes = themes([g.label for g in result.goals] + [p.text for p in passages if p.section], 12)
    return result


def _natural_sdg(iri: str) -> tuple:
    code = iri.removeprefix(SDG_BASE)
    return tuple((int(p), "") if p.isdigit() else (999, p) for p in re.split(r"[./]", code))


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(labels()["themes"]["stopwords"])


def _theme_key(label: str) -> str:
    words = [w for w in re.findall(r"[a-zåäöé]+", label.casefold()) if len(w) > 3 and w not in _stopwords()]
    return " ".join(words[:3]) or label.casefold()


def themes(texts: list[str], n: int = 10) -> list[str]:
    """The most frequent content words (at least 5 letters, no stop words) of some texts; names are left out
    (a word never written in lower case there, like a person's or a place's name, is no theme)."""
    counts: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for text in texts:
        words = re.findall(r"[A-Za-zÅÄÖÉåäöé]+", text)
        lower.update({w for w in words if w.islower()})
        counts.update({w.casefold() for w in words if len(w) >= 5} - _stopwords())
    return [word for word, count in counts.most_common() if count >= 2 and lower[word]][:n]


def shared(profiles: list[Profile]) -> dict[str, list[str]]:
    """What every compared document has in common: paragraphs, Agenda 2030 targets, themes, forum names."""
    if len(profiles) < 2:
        return {}

    def common(get) -> list[str]:
        sets = [{(i.key, i.label) for i in get(p)} for p in profiles]
        keys = set.intersection(*({k for k, _ in s} for s in sets))
        names = {k: label for s in sets for k, label in s}
        return sorted((names[k] for k in keys), key=str)

    return {
        "Lagrum": common(lambda p: p.provisions),
        "Agenda 2030 (uttryckligen)": common(lambda p: p.sdg_explicit),
        "Agenda 2030 (beräknat)": common(lambda p: p.sdg_inferred),
        "Forum": common(lambda p: p.forums),
        "Teman": sorted(set.intersection(*(set(p.themes) for p in profiles))),
    }


def similar(index, chain: ChainGraph, document: str, k: int = 5) -> list[dict]:
    """Documents most like one document (search.similar over passage vectors), with matching passage pairs."""
    from search.similar import similar_documents

    vectors = index.all_vectors()
    if document not in vectors:
        return []
    rows = []
    mine = index.passages(document)
    for other in similar_documents(vectors, document, k=k):
        theirs = index.passages(other.doc_id)
        info = chain.documents.get(other.doc_id)
        pairs = []
        for i, j, cosine in other.pairs:
            if i < len(mine) and j < len(theirs):
                pairs.append({
                    "mine": mine[i].text, "mine_page": mine[i].page,
                    "theirs": theirs[j].text, "theirs_page": theirs[j].page, "cosine": round(cosine, 3),
                })
        rows.append({
            "document": other.doc_id,
            "source_file": info.source_file if info else other.doc_id,
            "title": info.title if info else "",
            "score": round(other.score, 3),
            "pairs": pairs,
        })
    return rows


# --- new in the steering group ----------------------------------------------------------------------------


@dataclass
class Line:
    """One cited line of the onboarding page."""

    text: str
    quote: str | None = None
    source_file: str | None = None
    page: int | None = None
    detail: str | None = None


@dataclass
class Onboarding:
    """For one organisation: who is who, priorities, the year's cycle, decisions, documents to read first."""

    organisation: str
    documents: list[dict] = field(default_factory=list)
    bodies: list[Line] = field(default_factory=list)
    roles: list[Line] = field(default_factory=list)
    people: list[Line] = field(default_factory=list)
    plan: str | None = None
    priorities: list[Line] = field(default_factory=list)
    cycle: list[Line] = field(default_factory=list)
    deadlines: list[Line] = field(default_factory=list)
    decisions: list[Line] = field(default_factory=list)


READING_ORDER = ("verksamhetsplan", "kvalitetsplan", "uppdragsbeskrivning", "affarsplan", "styrkort",
                 "kvalitetsrapport", "arsbokslut", "presentation", "protokoll", "tjansteskrivelse", "annat")


def onboarding(chain: ChainGraph, dataset: Dataset, publisher: str) -> Onboarding:
    """What a new member should know about one organisation (publisher IRI, or a document IRI)."""
    if publisher == UNKNOWN_ORG:  # the picker's group of documents that name no organisation
        docs = [d for d in chain.documents.values() if not d.publisher]
        name = UNKNOWN_ORG_LABEL
    else:
        docs = [d for d in chain.documents.values() if d.publisher == publisher or d.iri == publisher]
        name = _label(dataset, publisher) or (docs[0].title if docs else publisher)
    result = Onboarding(organisation=name)
    if not docs:
        return result
    doc_iris = {d.iri for d in docs}

    def newest(d) -> str:
        return d.date or re.sub(r"\D.*", "", d.temporal or "") or ""

    ordered = sorted(docs, key=lambda d: (READING_ORDER.index(d.kind) if d.kind in READING_ORDER else 99,
                                          _negate(newest(d))))
    reasons = labels()["reading_reasons"]
    for d in ordered:
        result.documents.append({
            "source_file": d.source_file, "title": d.title, "kind": doc_kind_sv(d.kind),
            "period": d.temporal or d.date or "", "why": reasons.get(d.kind, reasons["annat"]),
        })
    bodies = {row["body"]: row for row in select(dataset, "organisationer")
              if row["doc"] in doc_iris and row["body"]}
    for body, row in bodies.items():
        result.bodies.append(Line(row["bodyLabel"] or body, source_file=row["file"],
                                  detail="ger ut dokumentet"))
    roles: dict[str, list[str]] = {}
    for node in chain.nodes.values():
        if node.type == "Activity" and node.document in doc_iris:
            for owner in chain.owners(node.iri):
                roles.setdefault(owner, []).append(node.iri)
    for role, activities in sorted(roles.items(), key=lambda item: -len(item[1])):
        quote, page, source = chain.quote(activities[0])
        plural = "er" if len(activities) != 1 else ""
        result.roles.append(Line(role, quote=quote, source_file=source, page=page,
                                 detail=f"ansvarar för {len(activities)} aktivitet{plural}, till exempel:"))
    for row in select(dataset, "personer_i_protokoll"):
        if row["doc"] in doc_iris:
            result.people.append(Line(row["name"] or "", source_file=row["file"],
                                      detail=", ".join(x for x in (row["role"], row["date"]) if x)))
    plans = [d for d in ordered if d.kind != "protokoll"]
    if plans:
        plan = plans[0]
        result.plan = plan.source_file
        for node in chain.elements(document=plan.iri, types=("Vision", "PriorityArea", "Goal")):
            if chain.out(node.iri, "contributesTo") and node.type == "Goal":
                continue  # sub-goals: the priorities are the top of the plan
            quote, page, source = chain.quote(node.iri)
            result.priorities.append(Line(node.label, quote=quote, source_file=source, page=page,
                                          detail=type_sv(node.type)))
    for node in chain.nodes.values():
        if node.type == "Forum" and node.document in doc_iris:
            quote, page, source = chain.quote(node.iri)
            frequency = _value(dataset.value(URIRef(node.iri), SK.frequency))
            result.cycle.append(Line(node.label, quote=quote, source_file=source, page=page,
                                     detail=frequency or "frekvens ej angiven"))
    dated = [n for n in chain.nodes.values() if n.document in doc_iris and n.due_date]
    for node in sorted(dated, key=lambda n: (n.due_date, n.label)):
        quote, page, source = chain.quote(node.iri)
        owners = ", ".join(chain.owners(node.iri)) or "ansvarig saknas"
        result.deadlines.append(Line(node.label, quote=quote, source_file=source, page=page,
                                     detail=f"{node.deadline or ''} ({node.due_date}) · {owners}".strip()))
    for row in select(dataset, "beslut"):
        if row["doc"] in doc_iris:
            head = " ".join(x for x in (f"§ {row['paragraph']}" if row["paragraph"] else None,
                                        row["title"]) if x)
            detail = " · ".join(x for x in (row["diarienummer"] and f"Dnr {row['diarienummer']}", row["body"],
                                           row["date"]) if x)
            result.decisions.append(Line(head or "Ärende", quote=row["decision"], source_file=row["file"],
                                         page=_int(row["page"]), detail=detail))
    return result


def _negate(text: str) -> str:
    """A sort key that orders ISO dates and years newest first."""
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


def month_of(due_date: str) -> str:
    """The Swedish month and year of an ISO date ("2023-06-30" -> "juni 2023")."""
    months = labels()["months"]
    try:
        day = dt.date.fromisoformat(due_date[:10])
    except ValueError:
        return due_date
    return f"{months[day.month - 1]} {day.year}"


# --- SPARQL -----------------------------------------------------------------------------------------------


def sparql_table(
    dataset: Dataset, query: str, limits: QueryLimits | None = None
) -> tuple[list[str], list[list[str | None]], bool]:
    """Run a user's read-only query within the limits: (column names, rows as strings, cut at the row limit).

    The query runs in a worker process that is stopped at the time limit (app.sparql_runner); ASK gives one
    cell, CONSTRUCT/DESCRIBE one row per triple. Raises graph.sparql.QueryError (QueryTimeout at the limit).
    """
    answer = run_limited(dataset, query, limits)
    if answer.kind == "ASK":
        return ["svar"], [["ja" if answer.answer else "nej"]], False
    if answer.kind in ("CONSTRUCT", "DESCRIBE"):
        columns = ["subjekt", "predikat", "objekt"]
    else:
        columns = answer.variables
    return columns, [[_value(x) for x in row] for row in answer.rows], answer.truncated
