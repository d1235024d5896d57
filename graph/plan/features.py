"""Structural features of candidate units (graph.plan.units) for the plan-block classifier.

Every feature is a 0/1 indicator or a number in [0, 1], named in :data:`FEATURE_NAMES`; the classifier's
coefficient file stores the names it was trained with, so a change here that the model does not know is
caught when the model is loaded. The features read structure (what kind of block, heading level, table
column and its header's cue, the cue of the enclosing heading and of a lead-in, position, the document's
kind), the verb forms that distinguish goals, strategies and activities in Swedish ("ska", "kommer att",
"har genomförts") and, optionally, what the rule reader (graph.plan.extract) made of the same text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from graph.plan.lexicon import lexicon
from graph.plan.units import UNIT_KINDS, Unit
from ingest.model import ParsedDocument

# Cue classes of the enclosing heading, a lead-in and a column header (cues.toml kinds).
CUE_KINDS = (
    "goal",
    "vision",
    "priority_area",
    "strategy",
    "activity",
    "challenge",
    "forum",
    "followup",
    "roles",
    "mission",
)
# The kinds the rule reader gives (its element kinds, goals in the wide sense merged).
RULE_KINDS = ("goal", "strategy", "activity", "challenge", "forum")
# Coarse document kinds (ingest.metadata notations grouped by form).
DOC_GROUPS = {
    "protokoll": "protocol",
    "tjansteskrivelse": "memo",
    "arsbokslut": "memo",
    "beslut": "memo",
    "kvalitetsrapport": "memo",
    "styrkort": "scorecard",
}
DOC_GROUP_NAMES = ("protocol", "memo", "scorecard", "plan")
_WORD = re.compile(r"[\wåäöÅÄÖéü]+")
_PATTERNS = {
    "ska": re.compile(r"\bska(?:ll)?\b", re.I),
    "kommer_att": re.compile(r"\bkommer\s+(?:\w+\s+)?att\b", re.I),
    "behover": re.compile(r"\b(?:behöver|måste|bör)\b", re.I),
    "perfect": re.compile(r"\b(?:har|hade)\s+(?:\w+\s+){0,3}?\w{3,}ts?\b", re.I),
    "past": re.compile(r"\b\w{3,}(?:ade|de|te)\b(?<!\bde)", re.I),
    "passive": re.compile(r"\b\w{3,}(?:as|es|ts)\b", re.I),
    "for_att": re.compile(r"\bför\s+att\b", re.I),
    "genom": re.compile(r"\bgenom\b", re.I),
    "vi": re.compile(r"\b(?:vi|våra|vår|vårt)\b", re.I),
    "alla": re.compile(r"\b(?:alla|samtliga|varje)\b", re.I),
    "okad": re.compile(
        r"\b(?:ökad|ökat|ökade|förbättrad|förbättrat|stärkt|minskad|höjd|bättre|högre)\b", re.I
    ),
    "fortsatt": re.compile(r"^\s*(?:fortsatt|fortsätta|fortsatta)\b", re.I),
    "att_start": re.compile(r"^\s*att\b", re.I),
    "problem": re.compile(
        r"\b(?:underskott|brist\w*|problem\w*|svår\w*|sårbar\w*|minskande|inte|saknar)\b", re.I
    ),
    "money": re.compile(r"\b(?:kronor|kr|tkr|mnkr|miljoner|procent)\b|%", re.I),
    "nominal": re.compile(
        r"^\s*[\wåäöÅÄÖ-]+(?:ning|ningar|het|else|ande|ende|tion|tioner|ing|ingar|arbete|satsning)\b"
    ),
}
# Word-count bins (upper bounds).
_LENGTH_BINS = (3, 8, 15, 25, 40)


def _structure_names() -> list[str]:
    names = [f"unit:{k}" for k in UNIT_KINDS]
    names += [f"level:{n}" for n in ("1", "2", "3", "4+")]
    names += [f"depth:{n}" for n in ("0", "1", "2", "3+")]
    names += [
        "sentence:first",
        "sentence:second",
        "sentence:later",
        "sentences:1",
        "sentences:2-3",
        "sentences:4+",
    ]
    names += ["column:0", "column:1", "column:2+", "row:single_cell", "row:first", "marker:list"]
    names += [f"length:<={b}" for b in _LENGTH_BINS] + ["length:>40", "log_words"]
    names += ["end:period", "end:colon", "upper", "digits", "position", "page:1", "quoted"]
    names += [f"heading_cue:{k}" for k in CUE_KINDS] + [f"path_cue:{k}" for k in CUE_KINDS]
    names += [f"lead_in_cue:{k}" for k in CUE_KINDS] + ["lead_in"]
    names += [f"column_cue:{k}" for k in CUE_KINDS] + [
        f"column_table:{k}" for k in ("activity", "owner", "deadline", "area", "goal")
    ]
    names += [f"doc:{g}" for g in DOC_GROUP_NAMES]
    names += [f"verb:{k}" for k in _PATTERNS]
    names += [f"rule:{k}" for k in RULE_KINDS]
    return names


FEATURE_NAMES: tuple[str, ...] = tuple(_structure_names())
_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}


def doc_group(doc: ParsedDocument) -> str:
    """The coarse kind of a document: protocol, memo, scorecard or plan."""
    return DOC_GROUPS.get(doc.metadata.kind or "", "plan")


def _cue(text: str | None) -> str | None:
    """The heading cue of a text (cues.toml [heading]), or None."""
    if not text:
        return None
    return lexicon().heading.head(text)


def structure_features(
    doc: ParsedDocument, units: Sequence[Unit], rule_kinds: Sequence[str | None] | None = None
) -> np.ndarray:
    """The structural feature matrix of a document's units (rows: units, columns: FEATURE_NAMES)."""
    lex = lexicon()
    out = np.zeros((len(units), len(FEATURE_NAMES)), dtype=np.float32)
    n_blocks = max(1, len(doc.blocks) - 1)
    group = doc_group(doc)
    cue_cache: dict[str, str | None] = {}

    def cue(text: str | None) -> str | None:
        if not text:
            return None
        if text not in cue_cache:
            cue_cache[text] = _cue(text)
        return cue_cache[text]

    for r, unit in enumerate(units):

        def on(name: str, value: float = 1.0, row: np.ndarray = out[r]) -> None:
            row[_INDEX[name]] = value

        on(f"unit:{unit.kind}")
        if unit.kind == "heading":
            level = unit.level or 1
            on(f"level:{level if level < 4 else '4+'}")
        depth = len(unit.section)
        on(f"depth:{depth if depth < 3 else '3+'}")
        on(
            "sentence:first"
            if unit.sentence == 0
            else "sentence:second"
            if unit.sentence == 1
            else "sentence:later"
        )
        on(
            "sentences:1"
            if unit.sentences == 1
            else "sentences:2-3"
            if unit.sentences <= 3
            else "sentences:4+"
        )
        if unit.kind == "cell":
            col = unit.column or 0
            on("column:0" if col == 0 else "column:1" if col == 1 else "column:2+")
            if unit.columns == 1:
                on("row:single_cell")
            if unit.table_row == 0:
                on("row:first")
        if unit.marker:
            on("marker:list")
        words = len(_WORD.findall(unit.text))
        for bound in _LENGTH_BINS:
            if words <= bound:
                on(f"length:<={bound}")
                break
        else:
            on("length:>40")
        on("log_words", min(1.0, math.log1p(words) / math.log1p(80)))
        text = unit.text.rstrip()
        if text.endswith((".", "!", "?")):
            on("end:period")
        if text.endswith(":"):
            on("end:colon")
        letters = [c for c in text if c.isalpha()]
        if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8:
            on("upper")
        on("digits", min(1.0, sum(c.isdigit() for c in text) / max(1, len(text)) * 5))
        on("position", unit.block / n_blocks)
        if unit.page == 1:
            on("page:1")
        if any(q in text for q in '”"“'):
            on("quoted")
        heading = cue(unit.section[-1]) if unit.section else None
        if heading in CUE_KINDS:
            on(f"heading_cue:{heading}")
        for title in unit.section:
            kind = cue(title)
            if kind in CUE_KINDS:
                on(f"path_cue:{kind}")
        if unit.lead_in:
            on("lead_in")
            kind = lex.lead_in.nearest_end(unit.lead_in) or cue(unit.lead_in)
            if kind in CUE_KINDS:
                on(f"lead_in_cue:{kind}")
        if unit.column_header:
            kind = cue(unit.column_header)
            if kind in CUE_KINDS:
                on(f"column_cue:{kind}")
            table_kind = lex.table.first(unit.column_header)
            if table_kind in ("activity", "owner", "deadline", "area", "goal"):
                on(f"column_table:{table_kind}")
        on(f"doc:{group}")
        for name, pattern in _PATTERNS.items():
            if pattern.search(unit.text):
                on(f"verb:{name}")
        if rule_kinds is not None and rule_kinds[r] in RULE_KINDS:
            on(f"rule:{rule_kinds[r]}")
    return out
