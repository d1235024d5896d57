"""Tables of contents: recognise them, parse their entries, give entries levels and match headings to them.

Pure functions shared by the text and PDF readers. A TOC line is "Title.....3", "Title<TAB>3", "Title 3" or a
numbered "2.1 Title ... 5"; levels come from indentation when known, else from section numbering.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Titles that introduce a table of contents (compared case-insensitively, without final punctuation).
TOC_TITLES = frozenset(
    {
        "innehåll",
        "innehållsförteckning",
        "innehållsförtecking",
        "innehållförteckning",
        "contents",
        "table of contents",
        "innehåll och sidor",
    }
)

MAX_PAGE = 9999
# Indentations closer than this (in PDF points) are the same level.
INDENT_TOLERANCE = 3.0
MAX_LEVEL = 6

_NUMBERING = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})*)\.?(?=\s)\s*(?P<rest>\S.*)$")
_LEADER_PAGE = re.compile(
    r"^(?P<title>.*?\S)\s*(?:\.\s?){2,}\s*(?:\.\s*)*(?P<page>\d{1,4})\s*$"
    r"|^(?P<title2>.*?\S)\s*(?:…|_{3,}|·{2,})+[\s.…_·]*(?P<page2>\d{1,4})\s*$"
)
_TAB_PAGE = re.compile(r"^(?P<title>[^\t]*\S)[ .…]*\t[\t .…]*(?P<page>\d{1,4})\s*$")
_SPACE_PAGE = re.compile(
    r"^(?P<title>.*?\S)\s+(?:(?:s|sid|sida|sidan|p|page)\.?\s*)?(?P<page>\d{1,3})\s*$", re.IGNORECASE
)
_PAGE_WORD = re.compile(r"\s+(?:s|sid|sida|sidan|p|page)\.?$", re.IGNORECASE)
# Title endings that mean the final number belongs to the title, not a page ("4 kap. 3", "mål 4", "§ 5").
_NOT_A_PAGE_BEFORE = re.compile(
    r"(?:\bkap\.?|§|\bnr\.?|\bmål|\bfas|\bsteg|\bår|\bårskurs|\bak|\bklass|\bbilaga|\bdel|\bnivå|"
    r"\bagenda|\bkapitel|\bpunkt|\bversion|\bv\.?|\bvecka|[-–/:,(])$",
    re.IGNORECASE,
)
_MARKDOWN = re.compile(r"^\s*#{1,6}\s+|\*\*|__|^\s*[-*+]\s+")


@dataclass
class TocEntry:
    """One line of a table of contents."""

    title: str
    page: int | None
    level: int


def _clean(line: str) -> str:
    return _MARKDOWN.sub("", line).strip()


def is_toc_title(line: str) -> bool:
    """Return whether a line is the title of a table of contents ("Innehåll", "Innehållsförteckning:")."""
    text = _clean(line).rstrip(":.").strip().casefold()
    text = re.sub(r"\s+", " ", text)
    return text in TOC_TITLES


# A protocol's table of contents lists its items by paragraph number alone ("§ 10 ........ 17").
_ITEM_NUMBER = re.compile(r"^§\s*\d{1,4}[a-z]?$")


def _plausible_title(title: str) -> bool:
    letters = sum(ch.isalpha() for ch in title)
    if _ITEM_NUMBER.match(title):
        return True
    return letters >= 2 and len(title) <= 250 and not is_toc_title(title)


def _strip_leaders(title: str) -> str:
    return re.sub(r"[\s.…_·]+$", "", title).strip()


def parse_toc_line(line: str) -> tuple[str, int | None] | None:
    """Parse one TOC line into (title, page); None when the line is not a TOC entry.

    Accepts dot leaders ("Title.....3"), a tab ("Title<TAB>3"), a space ("Title 3", "Title s. 3") and numbered
    titles without a page ("2.1 Title"). The title keeps its numbering, as written.
    """
    text = _clean(line.replace("\u00a0", " "))
    if not text or len(text) > 300:
        return None
    for pattern in (_LEADER_PAGE, _TAB_PAGE):
        match = pattern.match(text)
        if match:
            title = match.group("title") if match.groupdict().get("title") else match.group("title2")
            page = match.group("page") if match.groupdict().get("page") else match.group("page2")
            title = _PAGE_WORD.sub("", _strip_leaders(title))
            if _plausible_title(title) and int(page) <= MAX_PAGE:
                return re.sub(r"\s+", " ", title), int(page)
            return None
    if "\t" in text:
        return None
    match = _SPACE_PAGE.match(text)
    if match:
        title = _PAGE_WORD.sub("", match.group("title").strip())
        if (
            _plausible_title(title)
            and not _NOT_A_PAGE_BEFORE.search(title)
            and not re.search(r"\d$", title)
            and not title.endswith(".")
            and (title[0].isupper() or title[0].isdigit())
        ):
            return re.sub(r"\s+", " ", title), int(match.group("page"))
        return None
    numbered = _NUMBERING.match(text)
    if numbered:
        rest = numbered.group("rest")
        if (
            _plausible_title(rest)
            and len(rest) <= 150
            and rest[0].isupper()
            and not rest.rstrip().endswith((".", ":", ","))
        ):
            return re.sub(r"\s+", " ", text), None
    return None


def numbering_level(title: str) -> int | None:
    """Return the depth of a title's section numbering ("2" -> 1, "2.1" -> 2), or None without numbering."""
    match = _NUMBERING.match(title.strip())
    if not match:
        return None
    return min(match.group("num").count(".") + 1, MAX_LEVEL)


def _indent_levels(indents: list[float]) -> dict[float, int]:
    """Group indentations within the tolerance and number the groups from the left."""
    groups: list[list[float]] = []
    for x in sorted(set(indents)):
        if groups and x - groups[-1][-1] <= INDENT_TOLERANCE:
            groups[-1].append(x)
        else:
            groups.append([x])
    return {x: min(i + 1, MAX_LEVEL) for i, group in enumerate(groups) for x in group}


def toc_levels(items: list[tuple[str, int | None, float | None]]) -> list[TocEntry]:
    """Give TOC items levels: from distinct indents when known, else from numbering ("2.1" -> 2), else 1."""
    indents = [x for _, _, x in items if x is not None]
    by_indent = _indent_levels(indents) if len(indents) == len(items) else {}
    use_indent = len(set(by_indent.values())) > 1
    entries = []
    for title, page, x in items:
        level = by_indent[x] if use_indent and x is not None else numbering_level(title) or 1
        entries.append(TocEntry(title, page, level))
    return entries


@lru_cache(maxsize=8192)
def normalise_title(text: str) -> str:
    """Return a title reduced to lower-case letters and digits (no numbering, spaces or punctuation)."""
    text = unicodedata.normalize("NFC", _clean(text))
    text = re.sub(r"\*+|_+|`", "", text)
    match = _NUMBERING.match(text)
    if match:
        text = match.group("rest")
    return "".join(ch for ch in text.casefold() if ch.isalnum())


_MIN_PARTIAL = 12


def match_toc_entry(text: str, entries: list[TocEntry]) -> TocEntry | None:
    """Return the TOC entry a heading text matches, or None.

    Matching ignores case, whitespace, punctuation, trailing periods and section numbering. A heading split
    over lines matches too: ``text`` may be the first part of an entry's title, or end with the title of an
    entry whose own first line was lost.
    """
    key = normalise_title(text)
    if not key or not entries:
        return None
    keys = [normalise_title(entry.title) for entry in entries]
    for entry, entry_key in zip(entries, keys, strict=True):
        if entry_key == key:
            return entry
    if len(text) > 220:
        return None
    for entry, entry_key in zip(entries, keys, strict=True):
        if len(key) >= _MIN_PARTIAL and entry_key.startswith(key) and len(key) >= 0.6 * len(entry_key):
            return entry
        if len(entry_key) >= _MIN_PARTIAL and key.endswith(entry_key) and len(entry_key) >= 0.5 * len(key):
            return entry
    return None
