"""Deadlines in prose, as written: the time a sentence gives as the deadline of its activity.

- :func:`deadline_in_sentence`: a time after a deadline word, as written with it ("senast den 1 augusti
  2026", "under våren", "till hösten", "klart VT26", "från och med läsåret 2025/2026", "i slutet av 2025"),
  after a label ("Klart: VT26" gives "VT26"), a single month after "i" ("utvärdera i september"), or a day
  right after a verb in the present ("läggs ned den 1 augusti 2026"). Not a start ("inleddes", "från",
  "sedan", "med start i"), a report or decision date, recurring months ("i mars och oktober"), a past
  month, a continuation ("fortsätter under 2026"), nor a bare year or school year after "under" unless its
  clause looks ahead ("ska", "kommer att", "planeras"). :func:`deadline_in_context` adds labelled times
  of the same list item and label lines of the section.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from graph.plan.prose import (
    TIME_LABEL_LINE,
    is_finite,
    is_passive,
    is_time,
    note_parts,
    one_item,
    rules,
    section_labels,
    whole_agents,
    word_spans,
)
from graph.plan.text import normalise, sentences
from ingest.dates import find_dates
from ingest.model import ParsedDocument

# ---------------------------------------------------------------------------------------------- deadlines

_BARE_YEAR = re.compile(r"(?:19|20)\d{2}")
_CLAUSE_BREAK = re.compile(r"[,;]|\s(?:vilket|som|och|men|där|eftersom)\s", re.IGNORECASE)


_PAST = re.compile(
    r"(?<![\wåäö])(?:hade|[a-zåäö]{3,}(?:ade|dde|tte|lde|rde|gde|vde|mde|kte|pte|ste|xte|ades|des|tes))(?![\wåäö])"
)
_PARTICLES = frozenset({"ned", "ner", "upp", "ut", "in", "av", "igång", "över", "bort", "fram"})


def _acted_on(before: str) -> bool:
    """Whether a day comes right after a verb in the present ("läggs ned den ...", "stängs den ..."), not
    after a noun ("tjänsteskrivelse den ...") or a past ("fattades den ...")."""
    words = [w.casefold() for w, _p in word_spans(before[-60:], 0, 20)][-2:]
    if words and words[-1] in _PARTICLES:
        words = words[:-1]
    if not words:
        return False
    last = words[-1]
    return not _PAST.fullmatch(last) and (last.endswith(("s", "r")) and is_finite(last) or is_passive(last))


def _clause_around(text: str, start: int, end: int) -> str:
    """The clause holding a span: from the last break before it to the first break after it."""
    left = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE_BREAK.finditer(text, end)), len(text))
    return text[left:right]


def deadline_in_sentence(text: str) -> str | None:
    """The deadline a sentence states, as written with its deadline word ("senast den 1 augusti 2026",
    "under våren", "till hösten", "klart VT26", "från och med läsåret 2025/2026"); None when its times are
    starts, past report dates, recurring months ("i mars och oktober") or bare years of when, not by when."""
    text = normalise(text)
    r = rules()
    parts = note_parts(text)
    for part in reversed(parts):
        if is_time(part) and all(is_time(p) or whole_agents(p) for p in parts):
            day = find_dates(part)[0].kind == "date" and len(parts) == 1 and part[:1].isdigit()
            if not day:
                return part  # "(rektor, VT26)", "(klart december 2025)"; not a reference date "(2020-11-12)"
    mentions = [m for m in find_dates(text) if m.char_start is not None]
    months = [m for m in mentions if m.kind == "month"]
    found: str | None = None
    for m in mentions:
        before = text[: m.char_start]
        clause = _clause_around(text, m.char_start, m.char_end)
        looks_ahead = bool(r.future.search(clause))
        continues = bool(r.continuation.search(clause))
        if r.not_before.search(before) and not re.search(r"från\s+och\s+med\s+$", before, re.IGNORECASE):
            continue
        if r.time_label.search(before):
            found = m.text  # "Klart: VT26"
            continue
        kept = r.kept.search(before)
        bare_year = bool(_BARE_YEAR.fullmatch(m.text))
        if kept:
            word = kept.group(0).split()[0].casefold()
            if word in {"under", "inom", "per"}:
                if continues:
                    continue  # "fortsätter under 2026": how long, not by when
                if (bare_year or m.kind == "school_year") and not looks_ahead:
                    continue  # "Under 2024 har ... införts": when, not by when
            if word == "till" and m.kind in {"period"} and not bare_year:
                continue
            found = text[kept.start() : m.char_end]
            continue
        dropped = r.dropped.search(before)
        if dropped:
            word = dropped.group(0).strip().casefold()
            if word == "i" and (m.kind != "month" or len(months) > 1 or _PAST.search(clause)):
                continue
            found = m.text
            continue
        day = m.kind == "date" and m.text.casefold().startswith("den ") and re.search(r"\d{4}$", m.text)
        if day and (looks_ahead or _acted_on(before)):
            found = m.text  # "läggs ned den 1 augusti 2026", not "tjänsteskrivelse den 22 januari 2018"
    return found


def deadline_in_context(sentence: str, block: str | None = None, labels: Sequence[str] = ()) -> str | None:
    """The deadline of an activity sentence: its own (:func:`deadline_in_sentence`), else a labelled time
    in another sentence of its list item ("... Ansvarig: rektor. Klart: juni 2025."), else a label line of
    its section ("Tidplan: hösten 2025" after a list)."""
    own = deadline_in_sentence(sentence)
    if own:
        return own
    block_text = normalise(block or "")
    texts = [block_text[s:e] for s, e in sentences(block_text)] if one_item(block_text) else []
    texts += [line[s:e] for line in labels for s, e in sentences(normalise(line))]
    for text in texts:
        if TIME_LABEL_LINE.search(text):
            found = deadline_in_sentence(text)
            if found:
                return found
    return None


def deadline_in_document(doc: ParsedDocument, block: int, text: str | None = None) -> str | None:
    """The deadline of an activity quoted from ``doc.blocks[block]`` (``text``: its quote, default the
    whole block), from the quote, its list item or a label line of its section (see deadline_in_context)."""
    b = doc.blocks[block]
    quote = normalise(text if text is not None else b.text)
    return deadline_in_context(quote, b.text, section_labels(doc, block))
