"""The plan lexicons (cues, frequencies, roles, bodies, first names), loaded and compiled once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).parent
_W = r"[\wåäöÅÄÖéü]"  # a word character, Swedish letters included


_GOVERNED = re.compile(
    r"\b(?:mot|till|för|med|om|kring|av|inom|på|i|nå|når|uppnå)\s+(?:\w+\s+)?$", re.IGNORECASE
)


def _load(name: str) -> dict:
    with open(_HERE / name, "rb") as f:
        return tomllib.load(f)


def _words(patterns: list[str]) -> str:
    """An alternation of word patterns, longest first, each bounded by non-word characters."""
    ordered = sorted(patterns, key=len, reverse=True)
    return r"(?<![\wåäöÅÄÖ-])(?:" + "|".join(ordered) + r")(?![\wåäöÅÄÖ])"


@dataclass(frozen=True)
class CueSet:
    """Compiled cue patterns per kind, in priority order."""

    kinds: tuple[tuple[str, re.Pattern[str]], ...]

    def first(self, text: str) -> str | None:
        """The first kind (in priority order) whose cue occurs in the text."""
        for kind, pattern in self.kinds:
            if pattern.search(text):
                return kind
        return None

    def head(self, text: str) -> str | None:
        """The kind of the earliest cue in a heading that is not governed by a preposition ("mot målen")."""
        best: tuple[int, int, str] | None = None
        for rank, (kind, pattern) in enumerate(self.kinds):
            for m in pattern.finditer(text):
                if _GOVERNED.search(text[: m.start()]):
                    continue
                key = (m.start(), rank, kind)
                if best is None or key[:2] < best[:2]:
                    best = key
        return best[2] if best else None

    def kinds_in(self, text: str) -> set[str]:
        """All kinds whose cue occurs in the text."""
        return {kind for kind, pattern in self.kinds if pattern.search(text)}

    def nearest_end(self, text: str) -> str | None:
        """The kind whose cue occurs last in the text (nearest a closing colon); ties by priority."""
        best: tuple[int, int, str] | None = None
        for rank, (kind, pattern) in enumerate(self.kinds):
            for m in pattern.finditer(text):
                key = (m.end(), -rank, kind)
                if best is None or key[:2] > best[:2]:
                    best = key
        return best[2] if best else None


def _cue_set(table: dict[str, list[str]]) -> CueSet:
    return CueSet(tuple((k, re.compile(_words(v), re.IGNORECASE)) for k, v in table.items()))


@dataclass(frozen=True)
class Lexicon:
    """Everything the plan extractor reads from its data files."""

    heading: CueSet
    lead_in: CueSet
    table: CueSet
    labels: dict[str, str]  # label word as written (lower case) -> field ("goal", "activity", ...)
    label_re: re.Pattern[str]
    external: re.Pattern[str]
    goal_sentence: re.Pattern[str]
    responsibility: re.Pattern[str]
    meeting_head: re.Pattern[str]
    meeting_held: re.Pattern[str]
    role: re.Pattern[str]
    not_roles: frozenset[str]
    abbreviations: dict[str, str]
    body_heads: tuple[tuple[re.Pattern[str], str], ...]
    body_names: dict[str, str]
    body_name_re: re.Pattern[str]
    org_patterns: tuple[re.Pattern[str], ...]
    first_names: frozenset[str]
    frequency: re.Pattern[str]


def _role_pattern(roles: dict) -> re.Pattern[str]:
    inflections = roles["inflections"]
    compound_only = set(roles["compound_only"]["heads"])
    alts = []
    for head, cls in roles["heads"].items():
        suffixes = "|".join(sorted((re.escape(s) for s in inflections[cls]), key=len, reverse=True))
        prefix = rf"{_W}[\wåäöÅÄÖ-]*" if head in compound_only else r"[\wåäöÅÄÖ-]*"
        alts.append(rf"{prefix}{head}(?:{suffixes})")
    # "barn- och utbildningschef": a first part ending in a hyphen joined by "och"/"eller".
    joined = rf"(?:{_W}+-\s?(?:och|eller)\s)?"
    return re.compile(rf"(?<![\wåäöÅÄÖ-]){joined}(?:{'|'.join(alts)})(?![\wåäöÅÄÖ-])", re.IGNORECASE)


def _body_heads(bodies: dict) -> tuple[tuple[re.Pattern[str], str], ...]:
    compound_only = set(bodies["compound_only"]["heads"])
    out = []
    joined = rf"(?:{_W}+-\s?(?:och|eller)\s)?"
    for head, (kind, suffixes) in bodies["heads"].items():
        suf = "|".join(sorted((re.escape(s) for s in suffixes), key=len, reverse=True))
        prefix = rf"{_W}[\wåäöÅÄÖ-]*" if head in compound_only else r"[\wåäöÅÄÖ-]*"
        pattern = rf"(?<![\wåäöÅÄÖ-]){joined}{prefix}{re.escape(head)}(?:{suf})(?![\wåäöÅÄÖ-])"
        out.append((re.compile(pattern, re.IGNORECASE), kind))
    return tuple(out)


def _frequency_pattern(freq: dict) -> re.Pattern[str]:
    num = "|".join(freq["numbers"])
    quant = "|".join(freq["quantifiers"])
    unit = "|".join(sorted(freq["units"], key=len, reverse=True))
    period = "|".join(sorted(freq["periods"], key=len, reverse=True))
    prep = "|".join(re.escape(p) for p in freq["period_prepositions"])
    every = "|".join(sorted(freq["every"], key=len, reverse=True))
    words = "|".join(sorted(set(freq["words"]), key=len, reverse=True))
    counted = (
        rf"(?:(?:{quant})\s+)?(?:{num})\s+(?:{unit})"
        rf"(?:\s+(?:{prep})\s*(?:{period})|\s+(?:under|per)\s+(?:läsåret|året|terminen|hösten|våren))"
    )
    at_times = rf"vid\s+(?:{num})\s+(?:tillfällen|tillfälle)\s+(?:under|per|om)\s+(?:{period})"
    each = rf"(?:{every})\s+(?:{period})"
    return re.compile(
        rf"(?<![\wåäöÅÄÖ])(?:{at_times}|{counted}|{each}|(?:{words}))(?![\wåäöÅÄÖ])", re.IGNORECASE
    )


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load and compile the plan lexicons (cached)."""
    cues = _load("cues.toml")
    roles = _load("roles.toml")
    bodies = _load("bodies.toml")
    freq = _load("frequencies.toml")
    labels = {w: field for field, words in cues["label"].items() for w in words}
    label_alt = "|".join(sorted((re.escape(w) for w in labels), key=len, reverse=True))
    names = (_HERE / "first_names.txt").read_text(encoding="utf-8").splitlines()
    body_names = dict(bodies["names"])
    return Lexicon(
        heading=_cue_set(cues["heading"]),
        lead_in=_cue_set(cues["lead_in"]),
        table=_cue_set(cues["table"]),
        labels=labels,
        label_re=re.compile(rf"^\s*({label_alt})\s*:\s*", re.IGNORECASE),
        external=re.compile(_words(cues["external"]["words"]), re.IGNORECASE),
        goal_sentence=re.compile(
            r"^\s*(?:" + "|".join(cues["goal_sentence"]["openers"]) + ")", re.IGNORECASE
        ),
        responsibility=re.compile(_words(cues["responsibility"]["verbs"]), re.IGNORECASE),
        meeting_head=re.compile(
            r"(?<![\wåäöÅÄÖ-])(?!(?:" + "|".join(cues["meeting"]["not_heads"]) + r")(?![\wåäöÅÄÖ]))"
            r"[\wåäöÅÄÖ-]*(?:"
            + "|".join(sorted(cues["meeting"]["heads"], key=len, reverse=True))
            + r")(?![\wåäöÅÄÖ])",
            re.IGNORECASE,
        ),
        meeting_held=re.compile(_words(cues["meeting"]["held"]), re.IGNORECASE),
        role=_role_pattern(roles),
        not_roles=frozenset(w.lower() for w in roles["not_roles"]["words"]),
        abbreviations=dict(roles["abbreviations"]),
        body_heads=_body_heads(bodies),
        body_names=body_names,
        body_name_re=re.compile(
            r"(?<![\wåäöÅÄÖ-])(?:"
            + "|".join(sorted((re.escape(n) for n in body_names), key=len, reverse=True))
            + r")(?:en|et|n)?(?![\wåäöÅÄÖ-])"
        ),
        org_patterns=tuple(re.compile(p) for p in bodies["patterns"]["universities"]),
        first_names=frozenset(n.strip() for n in names if n.strip() and not n.startswith("#")),
        frequency=_frequency_pattern(freq),
    )
