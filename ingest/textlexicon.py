"""Word lists of the text reader (data/text_headings.toml, data/text_furniture.toml) and their matchers."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).parent / "data"
_UPPER = "A-ZÅÄÖÉÜ"
_LOWER = "a-zåäöéüà"
# A capitalised word (or one in capitals) that can open a sentence after a heading.
CAPITALISED = rf"[{_UPPER}][{_LOWER}{_UPPER}]"
# Fuzzy-matched furniture words must be at least this long and this similar.
_FUZZY_MIN_LENGTH = 10
_FUZZY_RATIO = 0.8


@dataclass(frozen=True)
class Lexicon:
    """Compiled word lists."""

    headings: tuple[str, ...]
    heading_keys: frozenset[str]
    heading_in_text: re.Pattern[str]
    subheading_in_text: re.Pattern[str]
    decision_in_text: re.Pattern[str]
    decision_stems: tuple[str, ...]
    web_lines: tuple[re.Pattern[str], ...]
    conversion_lines: tuple[re.Pattern[str], ...]
    read_more: str
    furniture_words: tuple[str, ...]
    furniture_phrases: re.Pattern[str]
    header_words: frozenset[str]
    ignore_words: frozenset[str]
    page_labels: frozenset[str]


def _heading_alternation(headings: list[str]) -> str:
    forms = []
    for heading in sorted(headings, key=len, reverse=True):
        first, rest = heading[0], heading[1:]
        rest_pattern = re.escape(rest).replace(r"\ ", r"\s+")
        forms.append(f"{re.escape(first.upper())}{rest_pattern}")
        forms.append(re.escape(heading.upper()).replace(r"\ ", r"\s+"))
    return "|".join(forms)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Return the compiled word lists (loaded once)."""
    headings_data = tomllib.loads((_DATA / "text_headings.toml").read_text(encoding="utf-8"))
    furniture = tomllib.loads((_DATA / "text_furniture.toml").read_text(encoding="utf-8"))
    headings = list(headings_data["headings"])
    follower = rf"(?=\s*:?\s+{CAPITALISED}|\s*:?\s*$)"
    heading_in_text = re.compile(rf"(?<![\w-])(?:{_heading_alternation(headings)}){follower}")
    subs = "|".join(re.escape(word) for word in headings_data["numbered_subheadings"])
    subheading_in_text = re.compile(rf"(?<![\w-])(?:{subs})\s+\d{{1,2}}(?:\.\d{{1,2}})?{follower}")
    nouns = "|".join(
        n.replace(" ", r"\s+") for n in sorted(headings_data["decision_nouns"], key=len, reverse=True)
    )
    decision_in_text = re.compile(rf"(?<![\w-])(?P<genitive>[\w]+s)\s+(?:{nouns})(?![\w-]){follower}")
    phrases = "|".join(f"(?:{p})" for p in furniture["page"]["phrases"])
    return Lexicon(
        headings=tuple(headings),
        heading_keys=frozenset(h.casefold() for h in headings),
        heading_in_text=heading_in_text,
        subheading_in_text=subheading_in_text,
        decision_in_text=decision_in_text,
        decision_stems=tuple(headings_data["decision_body_stems"]),
        web_lines=tuple(re.compile(rf"^(?:{p})$", re.IGNORECASE) for p in furniture["web"]["lines"]),
        conversion_lines=tuple(
            re.compile(rf"^(?:{p})$", re.IGNORECASE) for p in furniture["conversion"]["lines"]
        ),
        read_more=furniture["web"]["read_more"],
        furniture_words=tuple(furniture["page"]["words"]),
        furniture_phrases=re.compile(rf"(?<!\w)(?:{phrases})(?!\w)", re.IGNORECASE),
        header_words=frozenset(furniture["table"]["header_words"]),
        ignore_words=frozenset(furniture["table"]["ignore_words"]),
        page_labels=frozenset(furniture["page"]["labels"]),
    )


def is_web_junk(line: str) -> bool:
    """Return whether a whole line is a document-hosting website's furniture ("Storlek: px", "Transkript")."""
    text = line.strip()
    return any(pattern.match(text) for pattern in lexicon().web_lines)


def is_conversion_note(line: str) -> bool:
    """Return whether a whole line is a converter's note on what it left out ("==> picture ... omitted")."""
    text = line.strip().strip("*_").strip()
    return any(pattern.match(text) for pattern in lexicon().conversion_lines)


def is_page_label(line: str) -> bool:
    """Return whether a whole line is only the label of a page column ("Sida", "Sid.", "Page")."""
    return line.strip().rstrip(".:").strip().casefold() in lexicon().page_labels


def is_lexicon_heading(line: str) -> bool:
    """Return whether a whole line is a known protocol/memo heading ("Bakgrund", "Beslutsunderlag:")."""
    text = re.sub(r"\s+", " ", line.strip().rstrip(":").strip()).casefold()
    return text in lexicon().heading_keys


def _is_furniture_word(token: str) -> bool:
    letters = "".join(ch for ch in token.casefold() if ch.isalpha())
    if len(letters) < _FUZZY_MIN_LENGTH:
        return False
    for word in lexicon().furniture_words:
        matcher = difflib.SequenceMatcher(None, letters, word)
        # real_quick_ratio and quick_ratio are upper bounds of ratio: cheap rejections first.
        if (
            matcher.real_quick_ratio() >= _FUZZY_RATIO
            and matcher.quick_ratio() >= _FUZZY_RATIO
            and matcher.ratio() >= _FUZZY_RATIO
        ):
            return True
    return False


def strip_furniture(text: str) -> str:
    """Remove signature-box furniture ("Utdragsbestyrkande", "Justerandes sign") OCR-tolerantly."""
    lex = lexicon()
    text = lex.furniture_phrases.sub(" ", text)
    tokens = text.split(" ")
    kept = [token for token in tokens if not _is_furniture_word(token)]
    if len(kept) != len(tokens):
        text = " ".join(kept)
    return re.sub(r"[ ]{2,}", " ", text).strip()


def is_header_cell(cell: str) -> bool:
    """Return whether a table cell reads like a column header ("Ansvar/Klart", "Aktiviteter 22/23")."""
    lex = lexicon()
    words = [w for w in re.split(r"[\s/,&|+]+", cell.casefold()) if w]
    words = [w.strip(".:()") for w in words if not re.fullmatch(r"[\d\-–./:]+|[vh]t\d{2,4}", w)]
    words = [w for w in words if w and w not in lex.ignore_words]
    return bool(words) and all(w in lex.header_words for w in words)
