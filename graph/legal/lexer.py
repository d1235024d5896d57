"""Text normalisation and the token scanner that feeds the citation grammar (grammar.lark)."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from lark import Token

from graph.legal.lexicon import Lexicon

# Token types that can start or carry a citation; a run of tokens without one is skipped unparsed.
ANCHORS = frozenset(
    {"KAP", "KAPITEL", "KAPITLET", "PARSIGN", "ARTIKEL", "LAW", "LAGWORD", "SFSREF", "SFSNUM"}
)

_ORDINALS = "första|andra|tredje|fjärde|femte|sjätte|sjunde|åttonde|nionde|tionde"

# End-of-line hyphenation ("skol-\nlagen") is joined unless the next word is a conjunction, as in
# "förskole- och skolenheter" broken after the hyphen.
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-[ \t]*\r?\n[ \t]*(?=[^\W\d_])(?!(?:och|eller|samt|som|till)\b)")
# A hyphen kept inside a law's name where a text reader joined a line-end hyphenation ("kommunal-lagen",
# "skol- lagen"): joined when the part after it is the head of a law's name.
_LAW_HEAD_HYPHEN = re.compile(r"(?<=[a-zåäö])-[ \t]?(?=(?:lag|balk|förordning|konvention)[a-zåäö]*(?![\w-]))")
_SOFT_HYPHEN = "\u00ad"
_SPACE = re.compile(r"\s+")

# A law we do not know by name: a compound ending in -lagen, -balken or -förordningen. Words that only look
# like one ("förslagen", "underlagen", "arbetslagen" = the work teams) are excluded.
_NOT_LAWS = (
    "förslag|underlag|arbetslag|anslag|upplag|inslag|utslag|avslag|beslag|tillslag|omslag|påslag|grundlag"
)
_UNKNOWN_LAW = rf"(?!(?:{_NOT_LAWS})(?:en|ens)(?!\w))[^\W\d_]{{2,}}(?:lag|balk|förordning)(?:en|ens)(?!\w)"


@dataclass
class Normalised:
    """Text with line breaks, hyphenation and emphasis markers removed, mapped back to the original."""

    text: str
    offsets: list[int]  # offsets[i] = index in the original of text[i]
    emphasis: list[int] = field(default_factory=list)  # indices in text where "*" markers were removed

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span in the original text of text[start:end]."""
        return self.offsets[start], self.offsets[end - 1] + 1

    def emphasis_between(self, start: int, end: int) -> int | None:
        """The first position in [start, end] where an emphasis marker was removed, if any."""
        i = bisect_left(self.emphasis, start)
        if i < len(self.emphasis) and self.emphasis[i] <= end:
            return self.emphasis[i]
        return None


def normalise(text: str) -> Normalised:
    """Joins hyphenated line breaks, drops "*" emphasis and soft hyphens, makes all whitespace one space."""
    joins = {m.start(): m.end() for rx in (_HYPHEN_BREAK, _LAW_HEAD_HYPHEN) for m in rx.finditer(text)}
    out: list[str] = []
    offsets: list[int] = []
    emphasis: list[int] = []
    i, n = 0, len(text)
    while i < n:
        if i in joins:
            i = joins[i]
            continue
        ch = text[i]
        if ch == "*" or ch == _SOFT_HYPHEN:
            if ch == "*" and (not emphasis or emphasis[-1] != len(out)):
                emphasis.append(len(out))
            i += 1
            continue
        if ch.isspace():
            j = i
            while j < n and text[j].isspace() and j not in joins:
                j += 1
            if out and out[-1] != " ":
                out.append(" ")
                offsets.append(i)
            i = j
            continue
        out.append(ch)
        offsets.append(i)
        i += 1
    return Normalised("".join(out), offsets, emphasis)


class Scanner:
    """Splits normalised text into the terminals of grammar.lark (plus OTHER for everything else)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        specs: list[tuple[str, str, int]] = [
            (
                "SFSREF",
                r"\(\s*SFS\s*(?:nr\.?\s*)?\d{4}\s*:\s*\d{1,4}\s*\)|SFS\s*(?:nr\.?\s*)?\d{4}\s*:\s*\d{1,4}(?!\d)",
                0,
            ),
            ("SFSNUM", r"\(\s*\d{4}\s*:\s*\d{1,4}\s*\)", 0),
            ("BARESFS", r"(?:1[89]|20)\d\d:\d{1,4}(?![\d:])", 0),
            ("OTHER", r"\d{4}-\d{1,2}-\d{1,2}|\d+(?:[:/.]\d+)+", 0),  # dates, "1:1", "249/2014", "2.1"
            (
                "MOD",
                # "andra stycket 2": a number after "stycket" is a punkt, unless § or kap. follows it.
                rf"(?:{_ORDINALS})\s+(?:stycket|styckena|meningen|punkten)(?!\w)"
                r"(?:\s+\d{1,2}(?![\d§])(?!\s*(?:§|kap)))?"
                r"|\d{1,2}\s?st\.|(?:p\.|punkt(?:en)?)\s?\d{1,2}(?!\w)",
                re.IGNORECASE,
            ),
            # A letter belongs to the number only where a citation goes on ("29 a §", "6 a kap.",
            # "4 a och 4 b §§"), so that "kapitel 2 i läroplanerna" keeps its "i".
            (
                "NUM",
                r"[1-9]\d{0,2}(?:\s?[a-z](?=\s?(?:§|kap|och\b|samt\b|eller\b|,|[–—-]|t\.o\.m)))?"
                r"(?!\w|[.:/]\d)",
                0,
            ),
            ("LAW", lexicon.name_pattern(), 0),
            ("LAW", _UNKNOWN_LAW, re.IGNORECASE),
            ("KAPITLET", r"kapitl(?:et|en)(?!\w)", re.IGNORECASE),
            ("KAPITEL", r"kapitel(?!\w)", re.IGNORECASE),
            ("KAP", r"kap(?:\.|(?!\w))", re.IGNORECASE),
            ("ARTIKEL", r"(?:artikel|artiklarna|art\.)(?!\w)", re.IGNORECASE),
            ("PARSIGN", r"§§?", 0),
            ("COMMA", r",", 0),
            ("DASH", r"[–—‐-]|t\.\s?o\.\s?m\.|till och med(?!\w)", 0),
            ("AND", r"(?:och|samt|eller)(?!\w)", re.IGNORECASE),
            ("LAGWORD", r"(?:lagen|lag|förordningen|förordning)(?!\w)", re.IGNORECASE),
            ("IN", r"i(?!\w)", re.IGNORECASE),
            ("OTHER", r"\w+|\S", 0),
        ]
        # One alternation, tried left to right like the list: the first pattern that matches wins.
        self._names = [name for name, _, _ in specs]
        self._master = re.compile(
            "|".join(
                f"(?P<t{i}>{'(?i:' + rx + ')' if flags & re.IGNORECASE else rx})"
                for i, (_, rx, flags) in enumerate(specs)
            )
        )

    def tokens(self, text: str) -> list[Token]:
        """All tokens of the text, with start_pos/end_pos as character offsets into it."""
        out: list[Token] = []
        pos, n = 0, len(text)
        while pos < n:
            if text[pos] == " ":
                pos += 1
                continue
            m = self._master.match(text, pos)
            if m is None or m.end() == pos:  # pragma: no cover - the last pattern matches any non-space
                pos += 1
                continue
            name = self._names[int(m.lastgroup[1:])]
            out.append(Token(name, m.group(0), start_pos=pos, end_pos=m.end()))
            pos = m.end()
        return out


def runs(tokens: list[Token]) -> list[list[Token]]:
    """Maximal runs of citation tokens (no OTHER inside) that contain at least one anchor."""
    result: list[list[Token]] = []
    current: list[Token] = []
    for tok in [*tokens, Token("OTHER", "")]:
        if tok.type == "OTHER":
            if any(t.type in ANCHORS for t in current):
                result.append(current)
            current = []
        else:
            current.append(tok)
    return result
