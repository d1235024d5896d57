"""The shared reference data as RDF: skollagen's paragraphs, the Agenda 2030 goals and targets, the kommuner.

Each ``*_graph`` function is pure: it takes the loaded JSON of one file of corpus/reference/ and returns an
rdflib Graph; ``load_reference_graphs(folder)`` does the reading and returns them keyed by their named-graph
IRI (graph.iris.SKOLLAGEN_GRAPH, SDG_GRAPH, KOMMUNER_GRAPH).

Skollagen (paragraph IRIs as lagen.nu mints them, https://lagen.nu/2010:800#K4P3):

- the law ``https://lagen.nu/2010:800`` (rpubl:Lag) and its chapters ``…#K4`` (rpubl:Kapitel), with labels;
- one ``rpubl:Paragraf`` per provision with ``rdfs:label "4 kap. 3 § skollagen (2010:800)"``,
  ``dcterms:isPartOf`` its chapter and the law, ``dcterms:subject`` its section heading, and ``sk:text`` = the
  version in force on the graph's date (none when none is);
- every version of the paragraph as its own node (``dcterms:hasVersion`` / ``dcterms:isVersionOf``), minted
  in Styrkedja's namespace (``https://w3id.org/styrkedja/id/sfs/2010:800/K4P3/v/<key>``: lagen.nu publishes
  no per-version IRIs), with ``sk:text``, ``sk:validFrom``/``sk:validUntil`` where the source dates it, and
  ``rdfs:comment`` for the source's anomaly notes. A version without ``sk:validFrom`` applies since an
  unknown date; without ``sk:validUntil``, until further notice.

Municipalities are ``org:Organization`` at graph.iris.kommun_iri(kod) with ``sk:kommunkod``; a län is an
``org:Organization`` too, and a kommun is ``org:subOrganizationOf`` its län. (A kommun is not a unit *of* the
län in law, but ORG has no property for "lies in"; subOrganizationOf is the one it offers for a hierarchy of
organisations, and the one a SPARQL user will try first. The län node has ``dcterms:identifier`` = its
länskod, "05".)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS, XSD

from graph.iris import BASE, KOMMUNER_GRAPH, SDG_GRAPH, SKOLLAGEN_GRAPH, kommun_iri
from graph.legal.citations import compact, provision_iri
from graph.legal.statute import Record, in_force, statute_text, versions
from graph.organisations import official_kommun_name, self_designations
from ontology import RPUBL, SDGO, SK, bind_prefixes

SKOLLAGEN_SFS = "2010:800"
SKOLLAGEN_TITLE = "Skollag (2010:800)"
# The day skollagen (2010:800) began to apply to education in general (1985:1100 before).
SKOLLAGEN_FROM = date(2011, 7, 1)
SDG_SCHEME = URIRef("http://metadata.un.org/sdg")
LAN_BASE = BASE + "lan/"


@dataclass(frozen=True)
class ProvisionText:
    """A skollagen paragraph as a document of a given date cites it."""

    label: str  # "4 kap. 3 § skollagen (2010:800)"
    text: str | None  # the version in force on that date; None when none is (or it cannot be told)
    in_force: bool | None  # None when it cannot be told (not in the data, or a repeal of unknown date)

    def __iter__(self):
        """Unpack as ``label, text, in_force``."""
        return iter((self.label, self.text, self.in_force))


# --- I/O at the edge ---------------------------------------------------------------------------------------


def load_json(path: str | Path) -> dict:
    """The parsed JSON of a reference file."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_reference_graphs(
    folder: str | Path, on: date | None = None, dataset: Dataset | None = None
) -> dict[URIRef, Graph]:
    """Read skollagen.json, sdg.json and kommuner.json from a folder; return their graphs by graph IRI.

    ``on`` is the date whose paragraph versions give the provisions' ``sk:text`` (default: the statute
    data's reference date). With a ``dataset``, the triples go straight into its named graphs (saves copying
    them: about 0.4 s). A file that is missing is skipped.
    """
    folder = Path(folder)
    builders = (
        (SKOLLAGEN_GRAPH, "skollagen.json", lambda data, into: skollagen_graph(data, on, into=into)),
        (SDG_GRAPH, "sdg.json", lambda data, into: sdg_graph(data, into=into)),
        (KOMMUNER_GRAPH, "kommuner.json", lambda data, into: kommuner_graph(data, into=into)),
    )
    return {
        iri: build(load_json(folder / name), dataset.graph(iri) if dataset is not None else None)
        for iri, name, build in builders
        if (folder / name).exists()
    }


# --- skollagen ---------------------------------------------------------------------------------------------


def reference_date(data: dict) -> date | None:
    """The date the statute data was built for (its ``metadata.reference_date``)."""
    value = (data.get("metadata") or {}).get("reference_date")
    return date.fromisoformat(value) if value else None


def paragraph_label(chapter: str, paragraph: str, sfs: str = SKOLLAGEN_SFS) -> str:
    """The label of a skollagen paragraph: "4 kap. 3 § skollagen (2010:800)", "29 kap. 29 a § …"."""
    return f"{_spaced(chapter)} kap. {_spaced(paragraph)} § skollagen ({sfs})"


def _spaced(number: str) -> str:
    """ "29a" / "29 a" -> "29 a" (the statute's own way of writing a lettered number)."""
    return re.sub(r"^(\d+)\s*([a-z])$", r"\1 \2", number.strip().lower())


def version_key(record: Record) -> str:
    """A stable key for one paragraph version: "from-2026-07-01", "until-2026-07-01_sfs-2022-940", "orig"."""
    parts = []
    if record.get("valid_from"):
        parts.append(f"from-{record['valid_from']}")
    if record.get("valid_until"):
        parts.append(f"until-{record['valid_until']}")
    if record.get("status") == "upphävd":
        parts.append("upphavd")
    if record.get("last_amended_by"):
        parts.append("sfs-" + record["last_amended_by"].replace(":", "-"))
    return "_".join(parts) or "orig"


def version_iri(chapter: str, paragraph: str, key: str, sfs: str = SKOLLAGEN_SFS) -> URIRef:
    """The IRI of one version of a paragraph, in Styrkedja's namespace."""
    return URIRef(f"{BASE}sfs/{sfs}/K{compact(chapter)}P{compact(paragraph)}/v/{key}")


def skollagen_graph(data: dict, on: date | None = None, *, into: Graph | None = None) -> Graph:
    """Skollagen as RDF: law, chapters, paragraphs (text in force on ``on``) and every dated version.

    ``into``: a graph to add the triples to (a Dataset's named graph) instead of a new one.
    """
    records: list[Record] = list(data["paragraphs"])
    on = on or reference_date(data) or date.today()
    sfs = (data.get("metadata") or {}).get("sfs", SKOLLAGEN_SFS)
    g = into if into is not None else bind_prefixes(Graph())
    law = URIRef(provision_iri(sfs))
    g.add((law, RDF.type, RPUBL.Lag))
    g.add((law, RDFS.label, Literal((data.get("metadata") or {}).get("title", SKOLLAGEN_TITLE))))
    g.add((law, DCTERMS.identifier, Literal(f"SFS {sfs}")))

    titles = {c["kap"]: c["title"] for c in data.get("chapters", []) if isinstance(c, dict)}
    for record in records:
        titles.setdefault(record["kap"], record.get("chapter_title") or "")
    for kap, title in titles.items():
        chapter = URIRef(provision_iri(sfs, kap))
        g.add((chapter, RDF.type, RPUBL.Kapitel))
        g.add((chapter, RDFS.label, Literal(f"{_spaced(kap)} kap. {title}".strip())))
        g.add((chapter, RPUBL.kapitelnummer, Literal(_spaced(kap))))
        g.add((chapter, DCTERMS.isPartOf, law))

    by_paragraph: dict[tuple[str, str], list[Record]] = {}
    for record in records:
        by_paragraph.setdefault((record["kap"], record["paragraf"]), []).append(record)
    for (kap, par), group in by_paragraph.items():
        node = URIRef(provision_iri(sfs, kap, par))
        g.add((node, RDF.type, RPUBL.Paragraf))
        g.add((node, RDFS.label, Literal(group[0].get("citation") or paragraph_label(kap, par, sfs))))
        g.add((node, RPUBL.paragrafnummer, Literal(_spaced(par))))
        g.add((node, DCTERMS.isPartOf, URIRef(provision_iri(sfs, kap))))
        g.add((node, DCTERMS.isPartOf, law))
        current = statute_text(group, kap, par, on, law_from=SKOLLAGEN_FROM)
        if current is not None:
            g.add((node, SK.text, Literal(current["text"])))
        if group[0].get("section_heading"):
            g.add((node, DCTERMS.subject, Literal(group[0]["section_heading"])))
        seen: set[str] = set()
        for record in group:
            key = version_key(record)
            while key in seen:
                key += "_b"
            seen.add(key)
            _add_version(g, node, version_iri(kap, par, key, sfs), record)
    return g


def _add_version(g: Graph, paragraph: URIRef, node: URIRef, record: Record) -> None:
    g.add((paragraph, DCTERMS.hasVersion, node))
    g.add((node, DCTERMS.isVersionOf, paragraph))
    g.add((node, SK.text, Literal(record.get("text") or "")))
    start, end = record.get("valid_from"), record.get("valid_until")
    label = record.get("citation") or ""
    label += f", lydelse från {start}" if start else ""
    label += f", lydelse till {end}" if end else ""
    g.add((node, RDFS.label, Literal(label)))
    if start:
        g.add((node, SK.validFrom, Literal(start, datatype=XSD.date)))
    if end:
        g.add((node, SK.validUntil, Literal(end, datatype=XSD.date)))
    if record.get("source_note"):
        g.add((node, RDFS.comment, Literal(record["source_note"])))


def provision_for_document(
    records: list[Record],
    chapter: str,
    paragraph: str,
    on: date | None,
    *,
    sfs: str = SKOLLAGEN_SFS,
    law_from: date | None = SKOLLAGEN_FROM,
) -> ProvisionText:
    """Label, text and in-force status of a skollagen paragraph as cited by a document dated ``on``.

    Without a date (``on`` None) the latest version the records hold is taken (in_force from the records'
    own flag). The text is None when no version was in force on the date.
    """
    found = versions(records, chapter, paragraph)
    label = found[0].get("citation") if found else None
    label = label or paragraph_label(chapter, paragraph, sfs)
    if on is None:
        current = [r for r in found if r.get("in_force_on_reference_date")]
        text = current[0]["text"] if current else None
        return ProvisionText(label, text, bool(current) if found else None)
    status = in_force(records, chapter, paragraph, on, law_from=law_from)
    version = statute_text(records, chapter, paragraph, on, law_from=law_from)
    return ProvisionText(label, version["text"] if version else None, status)


# --- Agenda 2030 -------------------------------------------------------------------------------------------


def sdg_graph(data: dict, *, into: Graph | None = None) -> Graph:
    """The 17 goals and 169 targets as SKOS concepts of the UN SDG KOS (English always, Swedish if known)."""
    g = into if into is not None else bind_prefixes(Graph())
    g.add((SDG_SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((SDG_SCHEME, SKOS.prefLabel, Literal("Sustainable Development Goals", lang="en")))
    g.add(
        (
            SDG_SCHEME,
            SKOS.prefLabel,
            Literal("Agenda 2030: de globala målen för hållbar utveckling", lang="sv"),
        )
    )
    g.add((SDG_SCHEME, RDFS.label, Literal("Agenda 2030", lang="sv")))
    for goal in data["goals"]:
        node = URIRef(goal["uri"])
        g.add((node, RDF.type, SDGO.Goal))
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, SDG_SCHEME))
        g.add((node, SKOS.topConceptOf, SDG_SCHEME))
        g.add((SDG_SCHEME, SKOS.hasTopConcept, node))
        g.add((node, SKOS.notation, Literal(goal["code"])))
        _texts(g, node, SKOS.prefLabel, (("en", goal.get("short_en")), ("sv", goal.get("short_sv"))))
        _texts(g, node, SKOS.definition, (("en", goal.get("title_en")), ("sv", goal.get("title_sv"))))
        _texts(
            g,
            node,
            RDFS.label,
            (
                ("en", goal.get("short_en") and f"Goal {goal['code']}: {goal['short_en']}"),
                ("sv", goal.get("short_sv") and f"Mål {goal['code']}: {goal['short_sv']}"),
            ),
        )
        for match in goal.get("exact_match") or []:
            g.add((node, SKOS.exactMatch, URIRef(match)))
    goals = {goal["code"]: URIRef(goal["uri"]) for goal in data["goals"]}
    for target in data["targets"]:
        node = URIRef(target["uri"])
        g.add((node, RDF.type, SDGO.Target))
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, SDG_SCHEME))
        g.add((node, SKOS.notation, Literal(target["code"])))
        g.add((node, SKOS.broader, goals[target["goal"]]))
        g.add((goals[target["goal"]], SKOS.narrower, node))
        _texts(g, node, SKOS.prefLabel, (("en", target.get("text_en")), ("sv", target.get("short_sv"))))
        _texts(g, node, SKOS.definition, (("en", target.get("text_en")), ("sv", target.get("text_sv"))))
        _texts(g, node, RDFS.label, (("en", f"Target {target['code']}"), ("sv", f"Delmål {target['code']}")))
        if target.get("source_note"):
            g.add((node, RDFS.comment, Literal(target["source_note"])))
    return g


def _texts(g: Graph, node: URIRef, prop: URIRef, values: Iterable[tuple[str, str | None]]) -> None:
    for lang, value in values:
        if value:
            g.add((node, prop, Literal(value, lang=lang)))


# --- kommuner ----------------------------------------------------------------------------------------------


def lan_iri(lanskod: str) -> URIRef:
    """The IRI of a län (county), by its two-digit länskod."""
    return URIRef(f"{LAN_BASE}{lanskod}")


def kommuner_graph(data: dict, *, into: Graph | None = None) -> Graph:
    """The municipalities (label, kommunkod, self-designations) and the län they lie in."""
    g = into if into is not None else bind_prefixes(Graph())
    for lan in data.get("lan", []):
        node = lan_iri(lan["lanskod"])
        g.add((node, RDF.type, ORG.Organization))
        g.add((node, RDFS.label, Literal(lan["lan_namn"])))
        g.add((node, DCTERMS.identifier, Literal(lan["lanskod"])))
        if lan.get("lan_kortnamn"):
            g.add((node, SKOS.altLabel, Literal(lan["lan_kortnamn"])))
    for kommun in data["kommuner"]:
        node = kommun_iri(kommun["kommunkod"])
        label = official_kommun_name(kommun)
        g.add((node, RDF.type, ORG.Organization))
        g.add((node, RDFS.label, Literal(label)))
        g.add((node, SK.kommunkod, Literal(kommun["kommunkod"])))
        g.add((node, SKOS.altLabel, Literal(kommun["kommun_kortnamn"])))
        if kommun["kommun_namn"] != label:
            g.add((node, SKOS.hiddenLabel, Literal(kommun["kommun_namn"])))
        for name in self_designations(kommun["kommunkod"]):
            g.add((node, SKOS.altLabel, Literal(name)))
        if kommun.get("lanskod"):
            g.add((node, ORG.subOrganizationOf, lan_iri(kommun["lanskod"])))
    return g
