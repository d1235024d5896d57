"""Tokens for the lexical index: Swedish-stemmed words, plus exact tokens for codes and references (pure).

Words are case-folded, stop words dropped and the rest stemmed with the Snowball Swedish stemmer (PyStemmer),
so "leds", "leder" and "ledaren" meet. What a stemmer would damage is kept exact, and references written in
several ways are given one canonical token as well:

- statute references: "4 kap." -> ``4kap``; "3 §" and "§ 3" -> ``3§``; "4 kap. 3 §" -> also ``4kap3§``;
  lists and ranges ("1 kap. 4, 8 och 9 §§", "6–8 §§") give one token per paragraph;
- SFS numbers and report numbers "2010:800" -> ``2010:800``;
- diarienummer "KS 249/2014", "Dnr BUN 2021/45" -> ``249/2014`` and ``ks249/2014``;
- terms "VT23", "HT 2024" -> ``vt23``, ``ht24``;
- any word with a digit ("2022-09-08", "2012-005729", "3,5") as written; the years of a range "2021-2024"
  also on their own;
- acronyms and mixed-case words ("SKIS", "FoU", "KS") unstemmed;
- capitalised words inside a sentence (names: "Alstermark", "Garhyttan") both stemmed and, when the stemmer
  changes them, exact (``=garhyttan``).

``TOKENIZER_VERSION`` names this recipe: stored token lists made by another version are rebuilt.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

TOKENIZER_VERSION = 1
EXACT_PREFIX = "="  # marks the exact (unstemmed) form of a name, so it never collides with a stem

_STOPWORDS_FILE = Path(__file__).with_name("stopwords_sv.txt")

_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2011": "-", "\u00a0": " "})

_NUM = r"\d{1,3}\s?[a-z]?(?![\w])"  # a chapter or paragraph number, perhaps with a letter: "6 a", "29a"
_NUM_LIST = rf"{_NUM}(?:\s*(?:,|och|samt|-)\s*{_NUM})*"
_CHAPTER = re.compile(rf"(?<![\w:/])(\d{{1,3}}\s?[a-z]?)\s*kap\.?(?:\s+({_NUM_LIST})\s*§§?)?", re.IGNORECASE)
_PARAGRAPHS_BEFORE = re.compile(rf"(?<![\w:/.])({_NUM_LIST})\s*§§?", re.IGNORECASE)
_PARAGRAPH_AFTER = re.compile(r"(?<![\d\s])\s*§\s?(\d{1,4}\s?[a-z]?)(?![\w])|^§\s?(\d{1,4}[a-z]?)(?![\w])")
_SFS = re.compile(r"(?<![\w:/])(\d{4}):(\d{1,4})(?![\w:])")
_DIARIE = re.compile(r"(?<![\w])([A-ZÅÄÖ]{2,8})\s+(\d{1,5})/(\d{2,4})(?![\w/])")
_SLASHED = re.compile(r"(?<![\w/])(\d{1,5})/(\d{2,4})(?![\w/])")
_TERM = re.compile(r"(?<![\w])([VvHh][Tt])\s?(?:20)?(\d{2})(?![\w])")
# A word: letters and digits, joined inside by - : / . , when the joined parts hold a digit ("2010:800").
_WORD = re.compile(r"[^\W_]+(?:[-:/.,][^\W_]+)*")
_SENTENCE_ENDS = frozenset(".!?:;•\n-*")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Return the Swedish stop words (search/stopwords_sv.txt)."""
    lines = _STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


class _Stems:
    """A cache in front of PyStemmer's Swedish stemmer (stemming is the costly part of tokenising)."""

    def __init__(self) -> None:
        import Stemmer

        self._stemmer = Stemmer.Stemmer("swedish")
        self._cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        stem = self._cache.get(word)
        if stem is None:
            stem = self._stemmer.stemWord(word)
            if len(self._cache) < 500_000:
                self._cache[word] = stem
        return stem


@lru_cache(maxsize=1)
def _stems() -> _Stems:
    return _Stems()


def normalise(text: str) -> str:
    """NFKC, dashes as "-" and no-break spaces as spaces (case is kept: it tells names and acronyms)."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES)


def _numbers(listed: str) -> list[str]:
    """Expand "4, 8 och 9" or "6-8" into paragraph numbers ("6 a" -> "6a"); ranges only up to 30 long."""
    parts = re.split(r"\s*(,|och|samt|-)\s*", listed.strip())
    numbers: list[str] = []
    for i in range(0, len(parts), 2):
        number = parts[i].replace(" ", "").lower()
        if i >= 2 and parts[i - 1] == "-" and numbers and numbers[-1].isdigit() and number.isdigit():
            low, high = int(numbers[-1]), int(number)
            if low < high <= low + 30:
                numbers.extend(str(n) for n in range(low + 1, high))
        if number:
            numbers.append(number)
    return numbers


def reference_tokens(text: str) -> list[str]:
    """Return the canonical tokens of statute references, SFS numbers, diarienummer and terms in a text."""
    text = normalise(text)
    tokens: list[str] = []
    covered: list[tuple[int, int]] = []
    for match in _CHAPTER.finditer(text):
        chapter = match.group(1).replace(" ", "").lower()
        tokens.append(f"{chapter}kap")
        if match.group(2):
            for number in _numbers(match.group(2)):
                tokens += [f"{number}§", f"{chapter}kap{number}§"]
            covered.append(match.span(2))
    for match in _PARAGRAPHS_BEFORE.finditer(text):
        if not any(start <= match.start(1) < end for start, end in covered):
            tokens += [f"{number}§" for number in _numbers(match.group(1))]
    for match in _PARAGRAPH_AFTER.finditer(text):
        number = match.group(1) or match.group(2)
        tokens.append(f"{number.replace(' ', '').lower()}§")
    tokens += [f"{m.group(1)}:{m.group(2)}" for m in _SFS.finditer(text)]
    for match in _DIARIE.finditer(text):
        series, number, year = match.groups()
        if series.casefold() != "dnr":
            tokens.append(f"{series.casefold()}{number}/{year}")
    tokens += [f"{m.group(1)}/{m.group(2)}" for m in _SLASHED.finditer(text)]
    tokens += [f"{m.group(1).lower()}{m.group(2)}" for m in _TERM.finditer(text)]
    return tokens


def _is_acronym(word: str) -> bool:
    return any(c.isupper() for c in word[1:])


def word_tokens(text: str) -> list[str]:
    """Return the word tokens of a text: stemmed words, exact codes, acronyms and names (no stop words)."""
    text = normalise(text)
    stop = stopwords()
    stem = _stems()
    tokens: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group(0)
        if any(c.isdigit() for c in word):
            tokens.extend(_numeric_tokens(word))
            continue
        if any(c in "-:/.," for c in word):  # joined letters only: "FoU-ledaren", "och/eller"
            parts = re.split(r"[-:/.,]", word)
        else:
            parts = [word]
        for n, part in enumerate(parts):
            lower = part.casefold()
            if not lower or lower in stop:
                continue
            if _is_acronym(part) or len(part) == 1:
                tokens.append(lower)
                continue
            stemmed = stem(lower)
            tokens.append(stemmed)
            name = part[0].isupper() and n == 0 and not _starts_sentence(text, match.start())
            if name and stemmed != lower:
                tokens.append(EXACT_PREFIX + lower)
    return tokens


def _starts_sentence(text: str, start: int) -> bool:
    """True when only spaces stand between ``start`` and the text's start, a line break or a sentence end."""
    j = start - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] in _SENTENCE_ENDS


def _numeric_tokens(word: str) -> list[str]:
    """A word with a digit is kept whole ("2010:800", "vt23", "3,5"); a range's years also on their own."""
    word = word.casefold().rstrip(".,:")
    tokens = [word]
    pieces = re.split(r"[-/]", word)
    if len(pieces) > 1:
        tokens += [piece for piece in pieces if re.fullmatch(r"(19|20)\d\d", piece)]
    return tokens


def tokenize(text: str) -> list[str]:
    """Return the lexical tokens of a passage or a query: word tokens followed by reference tokens."""
    return word_tokens(text) + reference_tokens(text)
