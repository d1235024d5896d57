"""Resolve an organisation's name to a kommun (kommunkod, official name) or to the regional body it is (pure).

Names come from letterheads, titles, "X kommun" phrases and manifests, written every way Swedish documents
write them: "Finspångs kommun", "Finspång", "FINSPÅNG", "Göteborgs Stad", "Region Gotland", "Falu kommun",
"Barn- och utbildningsförvaltningen, Finspångs kommun". Regional and joint bodies ("Skaraborgs
kommunalförbund", "Regionförbundet Örebro län", "Kommunal utveckling Jönköpings län", "Region Jönköpings län")
are not kommuner: they get a kind and a normalised label, and the län they name.

The kommuner are the records of corpus/reference/kommuner.json (``kommunkod``, ``kommun_namn``,
``kommun_kortnamn``, ``lanskod``, ``lan_namn``); what that list does not say (irregular official names,
self-designations, the words that mark a regional body) is in organisations.toml beside this module.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

LEXICON_PATH = Path(__file__).with_name("organisations.toml")

KOMMUN = "kommun"
UNKNOWN = "okänd"


@dataclass(frozen=True)
class Organisation:
    """What an organisation name resolves to."""

    name: str  # as given
    label: str  # normalised: the kommun's official name, or the body's name with whitespace and case tidied
    kind: str  # "kommun", "region", "kommunalförbund", "regionförbund", "länsstyrelse", "myndighet",
    #            "regional" (another body named by a län), "län", or "okänd"
    kommunkod: str | None = None
    lanskod: str | None = None


@dataclass
class KommunIndex:
    """The kommuner and län of the reference list, keyed by every normalised way of writing their names."""

    names: dict[str, str] = field(default_factory=dict)  # kommunkod -> official name
    lan_of: dict[str, str] = field(default_factory=dict)  # kommunkod -> länskod
    keys: dict[str, str] = field(default_factory=dict)  # normalised name -> kommunkod
    bare: dict[str, str] = field(default_factory=dict)  # normalised place name alone -> kommunkod
    lan_keys: dict[str, str] = field(default_factory=dict)  # normalised län name or short name -> länskod
    lan_names: dict[str, str] = field(default_factory=dict)  # länskod -> "Jönköpings län"
    kommuner_in_lan: dict[str, int] = field(default_factory=dict)  # länskod -> number of kommuner
    places: set[str] = field(default_factory=set)  # casefolded place words, to restore case in all-caps names


# --- the lexicon -------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The parsed organisations.toml."""
    with open(LEXICON_PATH, "rb") as f:
        return tomllib.load(f)


def official_kommun_name(record: dict) -> str:
    """The official name of a kommun record: "Kalix kommun" for the list's "Kalixs kommun", "Falu kommun"."""
    fixed = lexicon().get("official_names", {}).get(record["kommunkod"])
    if fixed:
        return fixed
    name, short = record["kommun_namn"], record.get("kommun_kortnamn") or ""
    if short and short[-1].lower() in "sxz" and name == f"{short}s kommun":
        return f"{short} kommun"
    return name


def self_designations(kommunkod: str) -> list[str]:
    """The names a kommun uses of itself besides its official one ("Göteborgs Stad", "Region Gotland")."""
    return list(lexicon().get("self_designations", {}).get(kommunkod, []))


# --- normalising -------------------------------------------------------------------------------------------

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")


def normalise(name: str) -> str:
    """Casefolded NFC, hyphens and punctuation as spaces, one space ("Upplands-Bro" -> "upplands bro")."""
    text = unicodedata.normalize("NFC", name or "")
    text = _DASHES.sub("-", text).casefold()
    text = re.sub(r"[^\w\s:]|_|:(?!s\b)", " ", text)  # keep "FN:s"-style genitive colons only
    return " ".join(text.split())


def tidy(name: str) -> str:
    """A name with whitespace collapsed and outer punctuation removed, as written otherwise."""
    return " ".join(unicodedata.normalize("NFC", name or "").split()).strip(" ,;:.–-")


# --- the index ---------------------------------------------------------------------------------------------


def build_index(kommuner: list[dict] | dict) -> KommunIndex:
    """Index the kommuner (the records, or the whole kommuner.json) by every way of writing their names."""
    records = kommuner["kommuner"] if isinstance(kommuner, dict) else kommuner
    lans = kommuner.get("lan", []) if isinstance(kommuner, dict) else []
    words = lexicon()["kommun_words"]["words"]
    index = KommunIndex()
    candidates: dict[str, set[str]] = {}
    bare: dict[str, set[str]] = {}
    for record in records:
        code = record["kommunkod"]
        official = official_kommun_name(record)
        index.names[code] = official
        index.lan_of[code] = record.get("lanskod") or code[:2]
        index.kommuner_in_lan[index.lan_of[code]] = index.kommuner_in_lan.get(index.lan_of[code], 0) + 1
        short = normalise(record.get("kommun_kortnamn") or "")
        stems = {normalise(re.sub(r"\s+kommun$", "", n)) for n in (official, record["kommun_namn"])}
        for place in {short, *stems} - {""}:
            bare.setdefault(place, set()).add(code)
            for word in words:
                candidates.setdefault(f"{place} {word}", set()).add(code)
        for designation in self_designations(code):
            candidates.setdefault(normalise(designation), set()).add(code)
        index.places.update(short.split())
        index.places.update(s for stem in stems for s in stem.split())
        if record.get("lan_namn") and record.get("lanskod"):
            index.lan_names.setdefault(record["lanskod"], record["lan_namn"])
    for lan in lans:
        index.lan_names[lan["lanskod"]] = lan["lan_namn"]
        if lan.get("lan_kortnamn"):
            index.lan_keys[normalise(lan["lan_kortnamn"])] = lan["lanskod"]
            index.places.update(normalise(lan["lan_kortnamn"]).split())
    for code, name in index.lan_names.items():
        index.lan_keys[normalise(name)] = code
        index.places.update(normalise(name).split()[:-1])
    # A written form shared by two kommuner names neither.
    index.keys = {key: next(iter(codes)) for key, codes in candidates.items() if len(codes) == 1}
    index.bare = {key: next(iter(codes)) for key, codes in bare.items() if len(codes) == 1}
    return index


# Indexes built for lists passed in directly, by the list's id; the list is kept so that its id stays its own.
_INDEXES: dict[int, tuple[object, KommunIndex]] = {}


def _as_index(kommuner: list[dict] | dict | KommunIndex) -> KommunIndex:
    """The index of the kommuner given (built once per list or dict object: building takes about 10 ms)."""
    if isinstance(kommuner, KommunIndex):
        return kommuner
    cached = _INDEXES.get(id(kommuner))
    if cached is not None and cached[0] is kommuner:
        return cached[1]
    index = build_index(kommuner)
    if len(_INDEXES) >= 8:
        _INDEXES.clear()
    _INDEXES[id(kommuner)] = (kommuner, index)
    return index


# --- resolving ---------------------------------------------------------------------------------------------


def resolve_kommun(name: str, kommuner: list[dict] | dict | KommunIndex) -> tuple[str, str] | None:
    """(kommunkod, official name) of the kommun a name stands for, or None for anything else."""
    found = resolve_organisation(name, kommuner)
    return (found.kommunkod, found.label) if found.kind == KOMMUN and found.kommunkod else None


def resolve_organisation(name: str, kommuner: list[dict] | dict | KommunIndex) -> Organisation:
    """What an organisation name stands for: a kommun (with kommunkod), a regional body, or okänd."""
    index = _as_index(kommuner)
    norm = normalise(name)
    if not norm:
        return Organisation(name, tidy(name), UNKNOWN)
    kind = _body_kind(norm)
    if kind == "region":
        code = _one_kommun_region(norm, index)
        if code:
            return _kommun(name, code, index)
    if kind:
        return Organisation(name, _label(name, index), kind, None, _lan_in(norm, index))
    lan = _lan_in(norm, index)
    if lan and _names_lan(norm, index):
        only = norm in index.lan_keys and norm.endswith(" län")
        body = lexicon()["lan_body"]
        return Organisation(
            name, _label(name, index), body["lan_only_kind"] if only else body["kind"], None, lan
        )
    code = _kommun_code(norm, name, index)
    if code:
        return _kommun(name, code, index)
    return Organisation(name, _label(name, index), UNKNOWN, None, lan if _names_lan(norm, index) else None)


def _kommun(name: str, code: str, index: KommunIndex) -> Organisation:
    return Organisation(name, index.names[code], KOMMUN, code, index.lan_of.get(code))


def _body_kind(norm: str) -> str | None:
    """The kind of regional or joint body a name's words mark, or None."""
    tokens = norm.split()
    for entry in lexicon()["kinds"]:
        for word in entry["words"]:
            if entry.get("prefix_or_suffix"):
                if tokens and (tokens[0] == word or any(t.endswith(word) and t != word for t in tokens)):
                    return entry["kind"]
            elif re.search(rf"(?<!\w){re.escape(word)}", norm):
                return entry["kind"]
    return None


def _one_kommun_region(norm: str, index: KommunIndex) -> str | None:
    """ "Region Gotland": a region whose län holds a single kommun is that kommun."""
    rest = re.sub(r"^region(en)?\s+", "", norm)
    if rest == norm:
        return None
    code = index.bare.get(rest) or index.keys.get(rest)
    if code and index.kommuner_in_lan.get(index.lan_of.get(code, "")) == 1:
        return code
    return None


def _names_lan(norm: str, index: KommunIndex) -> bool:
    """Whether a name names a län as such ("Jönköpings län"), not just a place that is also a kommun."""
    return any(
        re.search(rf"(?<!\w){re.escape(key)}(?!\w)", norm) for key in index.lan_keys if key.endswith(" län")
    )


def _lan_in(norm: str, index: KommunIndex) -> str | None:
    """The länskod of a län a name mentions ("Region Jönköpings län", "Region Skåne"), longest name first."""
    for key in sorted(index.lan_keys, key=len, reverse=True):
        if re.search(rf"(?<!\w){re.escape(key)}(?:s|s?regionen?s?)?(?!\w)", norm):
            return index.lan_keys[key]
    return None


def _kommun_code(norm: str, name: str, index: KommunIndex) -> str | None:
    """The kommunkod a name stands for: whole name, then a "<place> kommun" inside it, then a bare part."""
    if norm in index.keys:
        return index.keys[norm]
    if norm in index.bare:
        return index.bare[norm]
    genitive = re.fullmatch(r"(.+)s (?:kommun|stad)", norm)  # "Nackas kommun" (from "Nackas kommunala")
    if genitive and genitive.group(1) in index.bare:
        return index.bare[genitive.group(1)]
    tokens = norm.split()
    for size in range(min(len(tokens), 5), 1, -1):  # "<place> kommun" inside a longer name, longest first
        for i in range(len(tokens) - size + 1):
            key = " ".join(tokens[i : i + size])
            if key in index.keys and key.split()[-1] in _KOMMUN_WORDS():
                return index.keys[key]
    # A place name standing alone as one part of the name: "Barn- och utbildningsförvaltningen, Finspång".
    for part in re.split(r"[,;()/|]|\s[-–]\s", name):
        part = normalise(part)
        if part in index.bare:
            return index.bare[part]
    return None


def _KOMMUN_WORDS() -> set[str]:  # noqa: N802
    return set(lexicon()["kommun_words"]["words"])


def _label(name: str, index: KommunIndex) -> str:
    """The name tidied; an all-caps name in sentence case with its place names capitalised."""
    text = tidy(name)
    letters = [c for c in text if c.isalpha()]
    if not letters or not all(c.isupper() for c in letters):
        return text
    words = text.lower().split()
    out = []
    for i, word in enumerate(words):
        stem = re.sub(r"s$", "", word)
        if i == 0 or word in index.places or stem in index.places or word == "region":
            word = word[:1].upper() + word[1:]
        out.append(word)
    return " ".join(out)
