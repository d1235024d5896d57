"""What a citation can name (laws, curricula, conventions), loaded from laws.toml and references.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).parent


@dataclass(frozen=True)
class Version:
    """What a name means between two dates: an SFS number (laws) or a stable id (curricula)."""

    ref: str
    start: date | None = None  # inclusive
    end: date | None = None  # exclusive
    chapters: bool = True

    def covers(self, on: date) -> bool:
        """Whether this version applies on a date."""
        return (self.start is None or self.start <= on) and (self.end is None or on < self.end)


@dataclass(frozen=True)
class Entry:
    """One named law, curriculum or convention."""

    key: str
    kind: str  # "statute" | "curriculum" | "convention"
    label: str
    versions: tuple[Version, ...]
    generic: bool = False  # a vague name ("läroplanen") that only counts with a chapter
    sfs: str | None = None  # conventions: the statute that incorporates them
    sfs_from: date | None = None  # conventions: the day that statute entered into force

    def statute_on(self, on: date | None) -> str | None:
        """Conventions: the SFS number of the incorporating statute if in force on a date (or no date)."""
        if self.sfs is None or (on is not None and self.sfs_from is not None and on < self.sfs_from):
            return None
        return self.sfs

    def version(self, on: date | None) -> Version:
        """The version meant on a date; the newest when the date is unknown or outside every version."""
        if on is not None:
            for v in self.versions:
                if v.covers(on):
                    return v
        return max(self.versions, key=lambda v: v.start or date.min)


@dataclass(frozen=True)
class AdviceTitle:
    """A known title of Skolverket's allmänna råd."""

    id: str
    title: str
    pattern: re.Pattern[str]


@dataclass
class Lexicon:
    """All names, with a lookup from a written form to its entry."""

    entries: dict[str, Entry]
    names: dict[str, str]  # normalised written form (lower case) -> entry key
    abbreviations: dict[str, str]  # exact written form -> entry key
    base_iri: str
    advice_anchor: str
    advice_titles: list[AdviceTitle] = field(default_factory=list)
    sfs_chapters: dict[str, bool] = field(default_factory=dict)  # known SFS number -> has chapters
    citation_only: set[str] = field(default_factory=set)  # abbreviations that count only inside a citation

    def lookup(self, written: str) -> Entry | None:
        """The entry a written name or abbreviation stands for."""
        key = self.abbreviations.get(written) or self.names.get(normalise_name(written))
        return self.entries.get(key) if key else None

    def name_pattern(self) -> str:
        """A regex of every name (case-insensitive) and abbreviation (case-sensitive), longest first."""
        names = sorted(self.names, key=len, reverse=True)
        abbrs = sorted(self.abbreviations, key=len, reverse=True)
        name_alt = "|".join(_flexible(n) for n in names)
        abbr_alt = "|".join(re.escape(a) for a in abbrs)
        return rf"(?:(?i:{name_alt})|{abbr_alt})(?!\w)"


def normalise_name(written: str) -> str:
    """Lower case, single spaces, no space after a hyphen: the key under which names are looked up."""
    return re.sub(r"-\s+", "- ", re.sub(r"\s+", " ", written.strip())).lower()


_COMPOUND_HEADS = (("lagen", "lag"), ("balken", "balk"), ("förordningen", "förordning"))
_LEADING_WORDS = {"lagen": "lag", "lag": "lagen", "förordningen": "förordning", "förordning": "förordningen"}
NEWER = ("ny", "nya", "den nya")  # "ny kommunallag", "nya skollagen": the newest version, whatever the date


def name_forms(name: str) -> list[str]:
    """Every written form of a law's name, genitives included.

    "skollagen" -> skollagen, skollag, skollagstiftningen, skollagstiftning (each also with genitive "s");
    "lagen om X" <-> "lag om X"; a name of several words inflects its last word ("plan- och bygglagen").
    """
    forms = [name]
    head, _, rest = name.partition(" ")
    if rest and head.lower() in _LEADING_WORDS:
        forms.append(f"{_LEADING_WORDS[head.lower()]} {rest}")
    else:
        before, _, last = name.rpartition(" ")
        prefix = f"{before} " if before else ""
        for definite, indefinite in _COMPOUND_HEADS:
            if last.lower().endswith(definite) and len(last) > len(definite):
                stem = last[: -len(definite)] + indefinite
                forms.append(prefix + stem)
                if indefinite == "lag":
                    forms += [prefix + stem + "stiftningen", prefix + stem + "stiftning"]
    return [f for form in forms for f in (form, form + "s")]


def _flexible(name: str) -> str:
    """A regex for a name that tolerates any whitespace where the name has a space."""
    return r"\s+".join(re.escape(part) for part in name.split(" "))


def _date(value: object) -> date | None:
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _versions(rows: list[dict], ref_field: str) -> tuple[Version, ...]:
    return tuple(
        Version(
            ref=str(r[ref_field]),
            start=_date(r.get("from")),
            end=_date(r.get("until")),
            chapters=bool(r.get("chapters", True)),
        )
        for r in rows
    )


def _add_names(
    lex: Lexicon, key: str, names: list[str], abbreviations: list[str], citation_only: list[str] = ()
) -> None:
    for n in names:
        for form in name_forms(n):
            lex.names.setdefault(normalise_name(form), key)
    for a in [*abbreviations, *citation_only]:
        for form in (a, a + ":s", a + "s"):
            lex.abbreviations.setdefault(form, key)
            if a in citation_only:
                lex.citation_only.add(form)


def _add_newest(lex: Lexicon, entry: Entry, names: list[str]) -> None:
    """ "ny(a) <name>" for a law that replaced an earlier one: always the newest version."""
    newest = max(entry.versions, key=lambda v: v.start or date.min)
    key = f"{entry.key}@ny"
    lex.entries[key] = Entry(key, "statute", entry.label, (Version(newest.ref, chapters=newest.chapters),))
    for n in names:
        for form in name_forms(n):
            for word in NEWER:
                lex.names.setdefault(normalise_name(f"{word} {form}"), key)


def build_lexicon(laws: dict, references: dict) -> Lexicon:
    """Builds the lexicon from the parsed contents of laws.toml and references.toml."""
    lex = Lexicon(
        entries={},
        names={},
        abbreviations={},
        base_iri=references["base_iri"],
        advice_anchor=references["allmanna_rad"]["anchor"],
    )
    for law in laws["law"]:
        versions = _versions(law["versions"], "sfs")
        entry = Entry(law["key"], "statute", law["label"], versions)
        lex.entries[law["key"]] = entry
        _add_names(
            lex, law["key"], law["names"], law.get("abbreviations", []), law.get("citation_abbreviations", [])
        )
        if len({v.ref for v in versions}) > 1:
            _add_newest(lex, entry, law["names"])
        for v in versions:
            lex.sfs_chapters[v.ref] = v.chapters
    for cur in references.get("curriculum", []):
        entry = Entry(
            cur["id"], "curriculum", cur["label"], _versions(cur["versions"], "id"), bool(cur.get("generic"))
        )
        lex.entries[cur["id"]] = entry
        _add_names(lex, cur["id"], cur["names"], [])
    for conv in references.get("convention", []):
        entry = Entry(
            conv["id"],
            "convention",
            conv["label"],
            (Version(conv["id"]),),
            sfs=conv.get("sfs"),
            sfs_from=_date(conv.get("sfs_from")),
        )
        lex.entries[conv["id"]] = entry
        _add_names(lex, conv["id"], conv["names"], [])
    for t in references["allmanna_rad"].get("title", []):
        lex.advice_titles.append(AdviceTitle(t["id"], t["title"], re.compile(t["pattern"], re.IGNORECASE)))
    return lex


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon of the tables shipped beside this module."""
    with open(_HERE / "laws.toml", "rb") as f:
        laws = tomllib.load(f)
    with open(_HERE / "references.toml", "rb") as f:
        references = tomllib.load(f)
    return build_lexicon(laws, references)
