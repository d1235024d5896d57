"""What the search index holds and returns: document metadata, passages, hits, filters (pure)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from graph.iris import document_iri
from graph.passages import Passage
from ingest.model import ParsedDocument

_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")


@dataclass(frozen=True)
class DocMeta:
    """Document-level metadata kept beside a document's passages (for filters and for showing hits)."""

    doc_id: str  # the document IRI
    source_file: str  # base name of the file
    title: str | None = None
    kommun: str | None = None  # "Finspång" (or as the caller resolved it)
    organisation: str | None = None  # "Finspångs kommun", "Skaraborgs kommunalförbund"
    kind: str | None = None  # document type notation: verksamhetsplan, protokoll, ...
    years: tuple[int, ...] = ()  # the years the document is about: its date's year, or its period's years

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {**asdict(self), "years": list(self.years)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocMeta:
        """Rebuild from ``to_json``'s dict."""
        return cls(**{**data, "years": tuple(data.get("years") or ())})


@dataclass(frozen=True, slots=True)
class IndexedPassage:
    """A passage as the index keeps it: where it stands in its document, and its text."""

    doc_id: str
    index: int
    text: str
    char_start: int
    char_end: int
    page: int | None
    section: str
    kind: str
    content_hash: str
    described: str = ""  # table rows: the row with its labels and column header (graph.passages)

    @classmethod
    def of(cls, doc_id: str, passage: Passage) -> IndexedPassage:
        """Make the index's record of a graph.passages.Passage."""
        return cls(doc_id, passage.index, passage.text, passage.char_start, passage.char_end, passage.page,
                   passage.section, passage.kind, passage.content_hash, passage.described)


@dataclass(frozen=True)
class Hit:
    """One search result: the passage, its document, the fused score and the two scores it came from."""

    passage: IndexedPassage
    doc: DocMeta
    score: float  # fused
    dense: float  # cosine similarity of query and passage vectors
    lexical: float  # BM25 score (0 when no token is shared)
    rank: int  # 1-based


@dataclass(frozen=True)
class Filters:
    """Restrict a search to documents matching every given field (case-insensitive)."""

    kommun: str | None = None
    organisation: str | None = None  # a part of the organisation's name
    kind: str | None = None  # document type notation
    year: int | None = None
    doc_ids: frozenset[str] | None = field(default=None)

    def is_empty(self) -> bool:
        """True when nothing is filtered."""
        return not (self.kommun or self.organisation or self.kind or self.year or self.doc_ids is not None)

    def matches(self, doc: DocMeta) -> bool:
        """True when the document passes every filter."""
        if self.doc_ids is not None and doc.doc_id not in self.doc_ids:
            return False
        if self.kommun and not same_kommun(self.kommun, doc.kommun or doc.organisation or ""):
            return False
        if self.organisation and self.organisation.casefold() not in (doc.organisation or "").casefold():
            return False
        if self.kind and self.kind.casefold() != (doc.kind or "").casefold():
            return False
        return not (self.year and self.year not in doc.years)


def _kommun_key(name: str) -> str:
    key = " ".join(name.casefold().split())
    for suffix in (" kommun", " stad", " municipality"):
        key = key.removesuffix(suffix)
    return key


def same_kommun(wanted: str, name: str) -> bool:
    """True when two spellings name the same municipality ("Finspång", "Finspångs kommun", "finspångs")."""
    a, b = _kommun_key(wanted), _kommun_key(name)
    return bool(a and b) and (a == b or a + "s" == b or a == b + "s")


def kommun_of(organisation: str | None) -> str | None:
    """The municipality an organisation name says it is ("Finspångs kommun" -> "Finspångs"), else None."""
    if not organisation:
        return None
    match = re.fullmatch(r"\s*(.+?)\s+(?:kommun|stad)\s*", organisation, flags=re.IGNORECASE)
    return match.group(1) if match else None


def years_of(date: str | None, period: str | None) -> tuple[int, ...]:
    """The years a document is about: those of its period ("2023–2026" -> 2023..2026), else of its date."""
    found = [int(y) for y in _YEAR.findall(period or "")]
    if not found and period:
        short = re.fullmatch(r"\s*(\d\d)\s*/\s*(\d\d)\s*", period)  # "22/23"
        found = [2000 + int(short.group(1)), 2000 + int(short.group(2))] if short else []
    if found:
        low, high = min(found), max(found)
        return tuple(range(low, high + 1)) if high - low <= 20 else tuple(sorted(set(found)))
    return tuple(int(y) for y in _YEAR.findall(date or "")[:1])


def doc_meta_of(doc: ParsedDocument, source_file: str | None = None, doc_id: str | None = None) -> DocMeta:
    """Build the index's metadata of a parsed document (IRI from graph.iris unless given)."""
    name = source_file or doc.source_file
    meta = doc.metadata
    return DocMeta(
        doc_id=doc_id or str(document_iri(name)),
        source_file=name,
        title=meta.title,
        kommun=kommun_of(meta.organisation),
        organisation=meta.organisation,
        kind=meta.kind,
        years=years_of(meta.date, meta.period),
    )
