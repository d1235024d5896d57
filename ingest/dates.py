"""Swedish dates and periods in running text and in plan deadline cells (pure functions).

Forms read (the words are kept in ``data/dates.toml``):

- days: ISO "2025-04-01", "2014 06 17", "20130301", short "22-09-08" (yy-mm-dd), "den 13 juni 2014",
  "13 juni 2014", "3 juni" (kind ``date``);
- months: "december 2022", "dec 22", "juni"; month ranges "dec/jan", "januari till april 2015"
  (kind ``month`` for one month, ``period`` for a range);
- terms: "VT23", "VT 2023", "vårterminen 2015", "HT23", "hösten 2014" (kind ``term``; VT = 1 January to
  30 June, HT = 1 July to 31 December);
- school years: "läsåret 22/23", "22/23", "2022/2023" (kind ``school_year``, 1 July to 30 June);
- calendar years and ranges of them: "2025", "2023–2026", "2021-2024" (kind ``period``).

A mention whose year is not written ("3 juni", "hösten", "dec/jan") gets its year from ``default_year`` when
one is given; otherwise its ``start`` and ``end`` are None. Deadlines (:func:`parse_deadline`) instead take
the first such time that ends on or after a reference date.

Numbers that are not dates are left alone: diarienummer ("KS 249/2014"), SFS numbers ("2010:800"), paragraph
and page numbers ("§ 49", "15 (26)"), ratios ("1:1 medel") and phone numbers.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.model import DateMention

_LEXICON = tomllib.loads((Path(__file__).parent / "data" / "dates.toml").read_text(encoding="utf-8"))
MONTHS: dict[str, int] = _LEXICON["months"]
MONTH_ABBREVIATIONS: dict[str, int] = _LEXICON["month_abbreviations"]
TERMS: dict[str, str] = _LEXICON["terms"]
SCHOOL_YEAR_WORDS: list[str] = _LEXICON["school_year"]["words"]
MONTH_JOINERS: list[str] = _LEXICON["ranges"]["month_joiners"]
RECURRING_WORDS: list[str] = _LEXICON["recurring"]["words"]
DEADLINE_PREFIXES: list[str] = _LEXICON["deadline"]["prefixes"]


def _alternation(words: list[str]) -> str:
    """A regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_FULL = _alternation(list(MONTHS))
_ABBR = _alternation(list(MONTH_ABBREVIATIONS))
# A month written in full, or abbreviated (with an optional full stop).
_MONTH = rf"(?:{_FULL}|(?:{_ABBR})\.?)"
_Y4 = r"(?:19|20)\d{2}"
# Guards: a number that starts a date must not continue another number ("249/2014", "2010:800", "0,5").
_LD = r"(?<![\w])(?<!\d[/:.,\-–])"
_RD = r"(?![\w])(?![/:.,\-–]\d)"
_LW = r"(?<![\w])"
_RW = r"(?![\w])"
_DASH = r"[\-–—]"
_SHORT_TERMS = _alternation([w for w in TERMS if len(w) == 2])
_LONG_TERMS = _alternation([w for w in TERMS if len(w) > 2])
_JOIN = _alternation([j for j in MONTH_JOINERS if j.isalpha() or "." in j])
_JOIN_SIGNS = "".join(re.escape(j) for j in MONTH_JOINERS if len(j) == 1)

_RE = re.IGNORECASE


def _pattern(source: str, flags: int = _RE) -> re.Pattern[str]:
    return re.compile(source, flags)


# Each pattern gets a name; the handlers below turn a match into a _Hit.
_PATTERNS: list[tuple[str, re.Pattern[str], bool]] = [
    # (name, pattern, only in deadline cells)
    ("iso", _pattern(rf"{_LD}(?P<y>{_Y4})(?P<sep>[\-. ]?)(?P<m>\d{{2}})(?P=sep)(?P<d>\d{{2}}){_RD}"), False),
    ("yymmdd", _pattern(rf"{_LD}(?P<y>\d{{2}})-(?P<m>\d{{2}})-(?P<d>\d{{2}}){_RD}"), False),
    (
        "day_month",
        _pattern(
            rf"{_LW}(?:den\s+)?(?P<d>\d{{1,2}})(?::[ae])?\s+(?P<m>{_MONTH})(?:\s+(?P<y>{_Y4}))?"
            rf"(?:{_RD}|(?<=\.))"
        ),
        False,
    ),
    (
        "month_range",
        _pattern(
            rf"{_LW}(?P<m1>{_MONTH})\s*(?:(?:{_JOIN})\s|[{_JOIN_SIGNS}])\s*(?P<m2>{_MONTH})"
            rf"(?:\s+(?P<y>{_Y4}|\d{{2}}))?(?:{_RD}|(?<=\.))"
        ),
        False,
    ),
    ("month_year", _pattern(rf"{_LW}(?P<m>{_MONTH})\s+(?P<y>{_Y4}|\d{{2}}){_RD}"), False),
    ("month", _pattern(rf"{_LW}(?P<m>{_FULL}){_RW}"), False),
    ("month_abbr", _pattern(rf"{_LW}(?P<m>(?:{_ABBR})\.?)(?:{_RW}|(?<=\.))"), True),
    ("term_short", _pattern(rf"{_LW}(?P<t>{_SHORT_TERMS})[\s\-]?(?P<y>{_Y4}|\d{{2}}){_RD}"), False),
    ("term_long", _pattern(rf"{_LW}(?P<t>{_LONG_TERMS})(?:\s+(?P<y>{_Y4}))?{_RD}"), False),
    ("term_bare", _pattern(rf"{_LW}(?P<t>{_SHORT_TERMS}){_RW}"), True),
    (
        "school_year",
        _pattern(
            rf"{_LW}(?:(?P<w>{_alternation(SCHOOL_YEAR_WORDS)})\s+)?{_LD}(?P<y1>{_Y4}|\d{{2}})\s*(?P<sep>/|"
            rf"{_DASH})\s*(?P<y2>{_Y4}|\d{{2}}){_RD}"
        ),
        False,
    ),
    ("year_range", _pattern(rf"{_LD}(?P<y1>{_Y4})\s*(?:{_DASH}|\still\s)\s*(?P<y2>{_Y4}){_RD}"), False),
    ("year", _pattern(rf"{_LD}(?P<y>{_Y4}){_RD}"), False),
]


@dataclass
class _Hit:
    """A match before its year is known: first and last day as (year, month, day); day 0 = month's end."""

    start: int
    end: int
    kind: str
    first: tuple[int | None, int, int]
    last: tuple[int | None, int, int]
    wrap: bool = False  # the last day falls in the year after the first


def _month_number(word: str) -> int:
    key = word.lower().rstrip(".")
    return MONTHS.get(key) or MONTH_ABBREVIATIONS[key]


def _year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _hit(name: str, m: re.Match[str]) -> _Hit | None:
    """Turn one pattern match into a hit, or None when the numbers do not make a date."""
    g = m.groupdict()
    s, e = m.span()
    if name in ("iso", "yymmdd"):
        y, mo, d = _year(g["y"]), int(g["m"]), int(g["d"])
        return _Hit(s, e, "date", (y, mo, d), (y, mo, d)) if _valid(y, mo, d) else None
    if name == "day_month":
        y = int(g["y"]) if g["y"] else None
        mo, d = _month_number(g["m"]), int(g["d"])
        if not _valid(y or 2000, mo, d):  # 2000 is a leap year, so "29 februari" passes without a year
            return None
        return _Hit(s, e, "date", (y, mo, d), (y, mo, d))
    if name == "month_range":
        m1, m2 = _month_number(g["m1"]), _month_number(g["m2"])
        if m1 == m2:
            return None
        wrap = m2 < m1
        y = _year(g["y"]) if g["y"] else None
        if y is None:
            return _Hit(s, e, "period", (None, m1, 1), (None, m2, 0), wrap)
        return _Hit(s, e, "period", (y - 1 if wrap else y, m1, 1), (y, m2, 0), wrap)
    if name in ("month_year", "month", "month_abbr"):
        y = _year(g["y"]) if g.get("y") else None
        mo = _month_number(g["m"])
        return _Hit(s, e, "month", (y, mo, 1), (y, mo, 0))
    if name in ("term_short", "term_long", "term_bare"):
        term = TERMS[g["t"].lower()]
        if name == "term_short" and not (g["t"].isupper() or len(g["y"]) == 4):
            return None  # "vt23" in lower case is too easily something else; "vt 2023" is fine
        if name == "term_bare" and not g["t"].isupper():
            return None
        y = _year(g["y"]) if g.get("y") else None
        if term == "VT":
            return _Hit(s, e, "term", (y, 1, 1), (y, 6, 30))
        return _Hit(s, e, "term", (y, 7, 1), (y, 12, 31))
    if name == "school_year":
        y1, y2 = _year(g["y1"]), _year(g["y2"])
        if y2 != y1 + 1 or (len(g["y1"]) == 2 and len(g["y2"]) == 4):
            return None
        # Without "läsåret" only a slash makes a school year ("2022-2023" is a range of calendar years).
        if not g["w"] and g["sep"] != "/":
            return None
        return _Hit(s, e, "school_year", (y1, 7, 1), (y2, 6, 30))
    if name == "year_range":
        y1, y2 = int(g["y1"]), int(g["y2"])
        if not y1 < y2 <= y1 + 30:
            return None
        return _Hit(s, e, "period", (y1, 1, 1), (y2, 12, 31))
    if name == "year":
        y = int(g["y"])
        return _Hit(s, e, "period", (y, 1, 1), (y, 12, 31))
    raise ValueError(name)


def _scan(text: str, deadline: bool = False) -> list[_Hit]:
    """Find all hits; where they overlap keep the longest (ties: the earlier pattern)."""
    found: list[tuple[int, int, int, _Hit]] = []
    for rank, (name, pattern, deadline_only) in enumerate(_PATTERNS):
        if deadline_only and not deadline:
            continue
        for m in pattern.finditer(text):
            hit = _hit(name, m)
            if hit is not None:
                found.append((hit.start, -(hit.end - hit.start), rank, hit))
    found.sort(key=lambda f: (f[1], f[2], f[0]))
    chosen: list[_Hit] = []
    for _, _, _, hit in found:
        if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


def _day(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day or calendar.monthrange(year, month)[1])


def _resolve(hit: _Hit, first_year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a hit, given the year of its first day when the text does not say."""
    y1 = hit.first[0] if hit.first[0] is not None else first_year
    y2 = hit.last[0] if hit.last[0] is not None else y1 + (1 if hit.wrap else 0)
    return _day(y1, hit.first[1], hit.first[2]), _day(y2, hit.last[1], hit.last[2])


def _mention(text: str, hit: _Hit, choose_year: Callable[[_Hit], int | None]) -> DateMention:
    start = end = None
    year = hit.first[0] if hit.first[0] is not None else choose_year(hit)
    if year is not None:
        first, last = _resolve(hit, year)
        start, end = first.isoformat(), last.isoformat()
    return DateMention(text[hit.start : hit.end], hit.kind, start, end, hit.start, hit.end)


def find_dates(text: str, default_year: int | None = None) -> list[DateMention]:
    """Return the dates and periods written in a text, in order, with ISO first/last days and offsets.

    A mention without a written year takes ``default_year`` (for a range such as "dec/jan" the first month);
    without one its ``start`` and ``end`` are None.
    """
    return [_mention(text, hit, lambda _hit: default_year) for hit in _scan(text)]


_RECURRING = _pattern(rf"{_LW}(?:{_alternation(RECURRING_WORDS)}){_RW}")


def _next_year(reference: dt.date) -> Callable[[_Hit], int]:
    """Choose the year that makes a yearless hit end on or after the reference date (the next such time)."""

    def choose(hit: _Hit) -> int:
        for year in (reference.year - 1, reference.year, reference.year + 1):
            if _resolve(hit, year)[1] >= reference:
                return year
        return reference.year + 1

    return choose


def parse_deadline(text: str, reference: dt.date | None = None) -> DateMention | None:
    """Read a deadline as written in a plan's "Klart" column; its ``end`` is the due date.

    "VT23" is due 2023-06-30, "HT 2023" 2023-12-31, "dec 22" 2022-12-31 and "dec/jan" on the last day of
    January. A deadline without a year takes the first such time ending on or after ``reference`` (no
    reference: ``start``/``end`` stay None). "Löpande", "Årligen", "Vid behov" give kind "recurring" with
    no dates. Where a cell names several times, the last one is the deadline. Offsets are in ``text``.
    """
    hits = _scan(text, deadline=True)
    if hits:
        choose = _next_year(reference) if reference else (lambda _hit: None)
        return _mention(text, hits[-1], choose)
    m = _RECURRING.search(text)
    if m:
        return DateMention(m.group(0), "recurring", None, None, m.start(), m.end())
    return None


_TRAILING_JOIN = re.compile(r"^[\s,;/&+]*(?:och|eller|samt)?[\s,;/&+]*$", re.IGNORECASE)
_OWNER_TAIL = re.compile(r"[\s,;:/\-–—]+$")
_PREFIX_TAIL = re.compile(rf"(?:^|(?<=[\s,;:/]))(?:{_alternation(DEADLINE_PREFIXES)})[\s:]*$", re.IGNORECASE)


def split_owner_deadline(cell: str) -> tuple[str, str | None]:
    """Split an "Ansvar/Klart" cell such as "Strateg dec 22" into (owner, deadline as written).

    The deadline is read from the end of the cell (a date, term, month, or a recurring word such as
    "löpande"; several joined by "/" or "," count as one; a word such as "senast" before it belongs to it);
    the owner is what is left, trimmed. A cell
    without a deadline gives (cell, None).
    """
    text = cell.strip()
    spans = [(h.start, h.end) for h in _scan(text, deadline=True)]
    spans += [m.span() for m in _RECURRING.finditer(text)]
    spans.sort()
    cut: int | None = None
    tail_end = len(text.rstrip(" .,;"))
    for start, end in reversed(spans):
        boundary = tail_end if cut is None else cut
        if end > boundary or not _TRAILING_JOIN.match(text[end:boundary]):
            break
        cut = start
    if cut is None:
        return text, None
    prefix = _PREFIX_TAIL.search(text[:cut])
    if prefix:
        cut = prefix.start()
    owner = _OWNER_TAIL.sub("", text[:cut]).strip()
    return owner, text[cut:tail_end].strip()
