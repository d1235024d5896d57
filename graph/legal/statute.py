"""Which version of a statute paragraph was in force on a date, from paragraph-version records.

The records are those of corpus/reference/skollagen.json (``paragraphs``): one per paragraph version, with
``kap`` and ``paragraf`` ("29 a" with a space), ``valid_from`` (inclusive) and ``valid_until`` (exclusive)
where the version is time-limited, ``status`` "upphävd" with ``repealed_by`` for repealed paragraphs,
``renumbered_to`` where a paragraph moves, and ``source_note`` plus ``in_force_on_reference_date`` false on
the two versions the source lists twice without dates (the superseded one).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

Record = dict


def load_statute(path: str | Path) -> list[Record]:
    """The paragraph-version records of a statute JSON file (the file's ``paragraphs``)."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return list(data["paragraphs"] if isinstance(data, dict) else data)


def _key(number: str | None) -> str:
    return "".join((number or "").split()).lower()


def versions(records: list[Record], chapter: str | None, paragraph: str | None) -> list[Record]:
    """All records of one paragraph ("6a"/"6 a" alike); of a whole chapter when ``paragraph`` is None."""
    ch, par = _key(chapter), _key(paragraph)
    return [
        r
        for r in records
        if _key(r.get("kap")) == ch and (paragraph is None or _key(r.get("paragraf")) == par)
    ]


def _covers(record: Record, on: date) -> bool:
    start, end = record.get("valid_from"), record.get("valid_until")
    return (start is None or date.fromisoformat(start) <= on) and (
        end is None or on < date.fromisoformat(end)
    )


def _repealed(record: Record) -> bool:
    return record.get("status") == "upphävd"


def _superseded(record: Record) -> bool:
    """A version the source lists twice and the reference data marks as the older one."""
    return bool(record.get("source_note")) and not record.get("in_force_on_reference_date", True)


def _amendment(record: Record) -> tuple[int, int]:
    sfs = record.get("last_amended_by") or "0:0"
    year, _, num = sfs.partition(":")
    return int(year or 0), int(num or 0)


def in_force(
    records: list[Record],
    chapter: str | None,
    paragraph: str | None,
    on: date,
    *,
    law_from: date | None = None,
) -> bool | None:
    """Whether a paragraph (or, with ``paragraph`` None, any paragraph of a chapter) was in force on a date.

    None when it cannot be told: the provision is not in the records, or it is repealed but the repeal may not
    yet have taken effect on that date (the records give the repealing act, not its date). ``law_from`` is the
    day the statute itself entered into force (skollagen 2010:800: 2011-07-01), earlier dates give False.
    """
    if law_from is not None and on < law_from:
        return False
    found = versions(records, chapter, paragraph)
    if not found:
        return None
    if paragraph is None:
        answers = {in_force(found, chapter, p, on) for p in {r.get("paragraf") for r in found}}
        return True if True in answers else (None if None in answers else False)
    covering = [r for r in found if _covers(r, on)]
    if any(not _repealed(r) for r in covering):
        return True
    repealed = [r for r in covering if _repealed(r)]
    if repealed:
        year = max(int((r.get("repealed_by") or "0:").split(":")[0] or 0) for r in repealed)
        return False if year and on.year > year else None
    return False


def statute_text(
    records: list[Record], chapter: str, paragraph: str, on: date, *, law_from: date | None = None
) -> Record | None:
    """The version of a paragraph in force on a date, or None when none is (or it cannot be told).

    Among versions that cover the date, a superseded duplicate loses, then the latest ``valid_from``, then the
    latest amendment. Versions without ``valid_from`` stand for the text since some unknown date: the records
    hold no older wordings, so for an early date the text may be newer than the document.
    """
    if not in_force(records, chapter, paragraph, on, law_from=law_from):
        return None
    covering = [r for r in versions(records, chapter, paragraph) if _covers(r, on) and not _repealed(r)]
    if not covering:
        return None
    return max(covering, key=lambda r: (not _superseded(r), r.get("valid_from") or "", _amendment(r)))
