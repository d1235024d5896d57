"""Versions of one plan: an organisation's documents of one kind whose titles differ only in their years.

Pure over the chain projection (graph.chain.ChainGraph). A *series* is the documents of one publisher and one
issuing body, of one plan kind (graph/versions.toml), whose titles name the same plan once years, dates,
numbers and words of time are removed ("Styrkort Välfärd skola 2018" and "Styrkort Välfärd skola
2019–2022"); its versions are ordered by the first year of their period, then their date. An organisation is
found by its name, its kommunkod or the name of one of its bodies (`styrkedja history ORGANISATION`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import RDFS, URIRef

from graph.chain import ChainGraph, _label, _triples
from graph.gaps import structure_read
from ontology import SK

YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@lru_cache(maxsize=1)
def settings() -> dict:
    """The plan kinds, title similarity and word lists (graph/versions.toml)."""
    with open(Path(__file__).with_name("versions.toml"), "rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True)
class Version:
    """One stored document as a version of a plan."""

    document: str
    source_file: str
    title: str
    kind: str
    period: str | None
    date: str | None
    publisher: str | None
    organisation: str | None  # the publisher's name
    kommunkod: str | None
    body: str | None  # the issuing body's name
    body_iri: str | None = None
    structure_read: bool = True

    @property
    def start_year(self) -> int | None:
        """The first year the version is about: its period's, else its date's, else its title's."""
        for text in (self.period, self.date, self.title):
            found = YEAR.search(text or "")
            if found:
                return int(found.group())
        return None


@dataclass
class Series:
    """The versions of one plan, oldest first."""

    name: str  # the title without its years ("Styrkort Välfärd skola")
    versions: list[Version] = field(default_factory=list)

    @property
    def organisation(self) -> str | None:
        """The publisher's name (the same for every version)."""
        return self.versions[0].organisation if self.versions else None

    @property
    def body(self) -> str | None:
        """The issuing body's name (the same for every version)."""
        return self.versions[0].body if self.versions else None


def title_words(title: str) -> frozenset[str]:
    """The words that name a plan: the title without years, numbers, words of time and small words."""
    conf = settings()
    drop = {w.casefold() for w in conf["time_words"]} | {w.casefold() for w in conf["stop_words"]}
    text = _DIGITS.sub(" ", title.casefold())
    return frozenset(w for w in _WORD.findall(text) if w not in drop and len(w) > 1)


def series_name(title: str) -> str:
    """A title with its years, dates and numbers removed, for display ("Styrkort Välfärd skola")."""
    text = _DIGITS.sub(" ", title)
    text = re.sub(r"[\s–—/\-.,:]+(?=\s|$)", " ", text)
    return " ".join(text.split()).strip(" –-/,") or title


def same_plan(a: str, b: str, threshold: float | None = None) -> bool:
    """Whether two titles name one plan (their words, without years and time words, overlap enough)."""
    threshold = settings()["title_similarity"] if threshold is None else threshold
    left, right = title_words(a), title_words(b)
    if not left or not right:
        return False
    return len(left & right) / len(left | right) >= threshold


def version_key(version: Version) -> tuple:
    """Sort key: first year, date, file name."""
    year = version.start_year
    return (year is None, year or 0, version.date or "", version.source_file)


def _name(chain: ChainGraph, node) -> str | None:
    return _label(o for _, _, o in _triples(chain.rdf, node, RDFS.label, None))


def versions_of(chain: ChainGraph) -> list[Version]:
    """Every stored document of a plan kind, with its publisher, kommunkod and issuing body."""
    kinds = set(settings()["plan_kinds"])
    found = []
    for iri, info in sorted(chain.documents.items()):
        if info.kind not in kinds:
            continue
        publisher = URIRef(info.publisher) if info.publisher else None
        kod = None
        if publisher is not None:
            kod = next((str(o) for _, _, o in _triples(chain.rdf, publisher, SK.kommunkod, None)), None)
        body = next((o for _, _, o in _triples(chain.rdf, URIRef(iri), SK.issuedBy, None)), None)
        found.append(
            Version(
                document=iri, source_file=info.source_file, title=info.title, kind=info.kind,
                period=info.temporal, date=info.date, publisher=info.publisher,
                organisation=_name(chain, publisher) if publisher is not None else None, kommunkod=kod,
                body=_name(chain, body) if body is not None else None,
                body_iri=str(body) if body is not None else None,
                structure_read=structure_read(chain, iri),
            )
        )
    return found


def group_series(versions: list[Version]) -> list[Series]:
    """Group versions into series (same publisher and kind, titles of one plan, the same body where both
    name one: a version whose body was not read joins the others); longest first."""
    groups: list[Series] = []
    for version in sorted(versions, key=version_key):
        for series in groups:
            first = series.versions[0]
            same_owner = (first.publisher, first.kind) == (version.publisher, version.kind)
            bodies = {v.body_iri for v in series.versions} - {None}
            same_body = version.body_iri is None or not bodies or version.body_iri in bodies
            if same_owner and same_body and same_plan(first.title, version.title):
                series.versions.append(version)
                break
        else:
            groups.append(Series(series_name(version.title), [version]))
    return sorted(groups, key=lambda s: (-len(s.versions), s.name))


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def matches_organisation(version: Version, query: str) -> bool:
    """Whether a version belongs to the organisation a user named: its name, kommunkod or body (a part)."""
    wanted = _fold(query)
    if not wanted:
        return False
    if version.kommunkod and wanted == version.kommunkod:
        return True
    return any(wanted in _fold(name) for name in (version.organisation, version.body) if name)


def series_for(chain: ChainGraph, query: str) -> list[Series]:
    """The plan series of the organisation (name, kommunkod or body) a user named; longest first."""
    return group_series([v for v in versions_of(chain) if matches_organisation(v, query)])


def series_of(chain: ChainGraph, publisher: str | None = None, body: str | None = None) -> list[Series]:
    """The plan series of one publisher (IRI) and, if given, one body (IRI); every series when None."""
    chosen = [
        v for v in versions_of(chain)
        if publisher is None or (v.publisher == publisher and (body is None or v.body_iri == body))
    ]
    return group_series(chosen)


def documents_with_versions(chain: ChainGraph) -> set[str]:
    """The documents that are one of at least two versions of a plan."""
    return {v.document for s in group_series(versions_of(chain)) if len(s.versions) >= 2 for v in s.versions}
