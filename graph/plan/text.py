"""Small text helpers for plan extraction: markers, sentences, normalisation and similarity."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

# A list marker at the start of a text: "a)", "1.", "1)", "1 " before a capital, bullets and dashes.
_MARKER = re.compile(
    r"^\s*(?:(?P<letter>[a-zA-Z])\)\s+|(?P<num>\d{1,2})[.)]\s+|(?P<bare>\d{1,2})\s+(?=[A-ZÅÄÖ])"
    r"|(?P<bullet>[•●○◦▪■□✓✔➢➤►\-–—*])\s*)"
)
_SPACE = re.compile(r"\s+")
# A sentence ends at . ! ? followed by space and a capital letter or digit (not after common abbreviations).
_SENTENCE_END = re.compile(
    r"(?<!\bex)(?<!\bt\.ex)(?<!\bbl\.a)(?<!\bca)(?<!\bosv)(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"”])"
)
_STOP = frozenset(
    [
        "och",
        "att",
        "i",
        "på",
        "för",
        "med",
        "av",
        "till",
        "som",
        "det",
        "den",
        "de",
        "en",
        "ett",
        "är",
        "ska",
        "vi",
        "våra",
        "vår",
        "vårt",
        "har",
        "inom",
        "samt",
        "genom",
        "om",
        "från",
        "alla",
        "så",
        "kan",
        "mellan",
        "där",
        "eller",
        "även",
        "under",
        "utifrån",
    ]
)
_TOKEN = re.compile(r"[\wåäöÅÄÖ]+")


def normalise(text: str) -> str:
    """Collapse whitespace (and soft hyphens) to single spaces and strip."""
    return _SPACE.sub(" ", text.replace("\u00ad", "")).strip()


def split_marker(text: str) -> tuple[str | None, str, int]:
    """Split a leading marker off: (kind "letter"|"number"|"bullet" or None, rest, offset of rest)."""
    m = _MARKER.match(text)
    if not m:
        lead = len(text) - len(text.lstrip())
        return None, text[lead:], lead
    kind = "letter" if m.group("letter") else "number" if (m.group("num") or m.group("bare")) else "bullet"
    return kind, text[m.end() :], m.end()


def marker_of(text: str) -> str | None:
    """The letter or number of a leading marker ("a", "1"), lower case, or None."""
    m = _MARKER.match(text)
    if not m:
        return None
    value = m.group("letter") or m.group("num") or m.group("bare")
    return value.lower() if value else None


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of a text (start, end), whitespace trimmed."""
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def word_count(text: str) -> int:
    """Number of words in a text."""
    return len(_TOKEN.findall(text))


def fold(text: str) -> str:
    """Case- and whitespace-insensitive form of a text for comparison (punctuation at the ends dropped)."""
    text = unicodedata.normalize("NFC", normalise(text)).casefold()
    return text.strip(" .,;:!?\"'”“’()-–—•")


_ENDINGS = (
    "ernas",
    "arnas",
    "erna",
    "arna",
    "orna",
    "ens",
    "ets",
    "en",
    "et",
    "er",
    "ar",
    "or",
    "na",
    "a",
    "e",
    "t",
    "s",
)


def stem(word: str) -> str:
    """A crude Swedish stem: one inflection ending removed when at least four letters remain."""
    word = word.casefold()
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def stems(text: str) -> set[str]:
    """Content-word stems of a text, stop words left out."""
    return {stem(t) for t in (w.casefold() for w in _TOKEN.findall(text)) if t not in _STOP and len(t) > 1}


def ratio(a: str, b: str) -> float:
    """difflib similarity of two folded texts."""
    return SequenceMatcher(None, fold(a), fold(b), autojunk=False).ratio()


def same_statement(a: str, b: str) -> bool:
    """Whether two texts state the same thing (near-identical, or the same content words)."""
    if ratio(a, b) >= 0.85:
        return True
    sa, sb = stems(a), stems(b)
    if not sa or not sb:
        return False
    return len(sa & sb) / len(sa | sb) >= 0.65


def ends_with_colon(text: str) -> bool:
    """Whether a text ends with a colon (a lead-in to what follows)."""
    return text.rstrip().endswith(":")


def is_upper_heading(text: str) -> bool:
    """Whether a text is written in capitals (slide and poster headings)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)
