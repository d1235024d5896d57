"""Finds Swedish legal citations in text: statute provisions, curricula, allmänna råd, conventions.

A scanner (lexer.py) finds runs of citation tokens; the LALR grammar in grammar.lark parses each run into its
structure (chapters, paragraph lists, ranges, letters, the law named before or after); this module turns parse
trees into one :class:`Citation` per provision.

Which law a citation belongs to, in order:

1. the law named right after the group ("2 kap. 8 § skollagen (2010:800)"; in "1 kap. 4 § samt 3 kap. 2 §
   skollagen" both groups), or named before the whole phrase ("kommunallagen 6 kap 6 §", "skollagens
   kapitel 4"); groups after the last named law in a phrase keep that law ("4 kap. 3 § KL och 5 kap. 1 §");
2. else ``context_sfs`` (the law a surrounding heading names, e.g. "Utdrag ur skollagen 4 kap.");
3. else ``default_sfs``, skollagen (2010:800) unless told otherwise: these are school documents, where a bare
   "4 kap. 3 §" means skollagen.

A number written in the text ("(2010:800)", "SFS 1985:1100") wins over a name; a name means the statute
in force on ``doc_date`` ("skollagen" before 2011-07-01 is 1985:1100), see laws.toml. A bare paragraph ("3 §")
takes its chapter from an earlier group of the same phrase, else from ``context_chapter`` when the law is the
context's law; a paragraph of a statute with chapters whose chapter is unknown is not reported.
A law named alone ("enligt skollagen", "MBL-behandling", "diskrimineringslagstiftningen", "ny kommunallag")
cites the whole law, ``https://lagen.nu/<sfs>``; an abbreviation that is also an ordinary word ("KL", "FL")
counts only with a chapter or paragraph. A convention made Swedish law ("barnkonventionen" from 2020-01-01)
also cites that law as a whole.
"§ 49" (sign first) is the paragraph of a meeting protocol, never a statute. Provisions of a law named but not
known (a compound like "ordningslagen" without a number, "lagen om ...") are not reported rather than given
to the default law.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Transformer, Tree
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from graph.legal.lexer import Normalised, Scanner, normalise, runs
from graph.legal.lexicon import Entry, Lexicon, default_lexicon
from ingest.model import BlockKind, ParsedDocument

log = logging.getLogger(__name__)

LAGEN_NU = "https://lagen.nu/"
KINDS = ("statute", "protocol_paragraph", "curriculum", "allmanna_rad", "convention")


@dataclass
class Citation:
    """One cited provision or reference, with the span of the phrase that cites it."""

    text: str  # the whole citation phrase as written (a list gives several citations with the same text)
    char_start: int
    char_end: int
    sfs: str | None  # "2010:800"; conventions: the incorporating statute
    chapter: str | None  # "4", "6a"; curricula: the chapter of the curriculum
    paragraph: str | None  # "3", "29a"; protocol paragraphs: "49"
    law_name: str | None  # the law or document as written ("skollagens", "KL", "läroplanerna")
    kind: str  # one of KINDS
    iri: str | None  # lagen.nu for statutes, our own ids for the rest (references.toml), None for protocols
    article: str | None = None  # conventions: "12"
    ref_id: str | None = None  # non-statutes: the stable id ("lgr22", "barnkonventionen", an allmänna råd id)
    title: str | None = None  # allmänna råd: the title as recognised


def provision_iri(sfs: str, chapter: str | None = None, paragraph: str | None = None) -> str:
    """The lagen.nu IRI of a law, a chapter or a paragraph: https://lagen.nu/2010:800#K4P3."""
    if chapter and paragraph:
        return f"{LAGEN_NU}{sfs}#K{compact(chapter)}P{compact(paragraph)}"
    if chapter:
        return f"{LAGEN_NU}{sfs}#K{compact(chapter)}"
    if paragraph:
        return f"{LAGEN_NU}{sfs}#P{compact(paragraph)}"
    return f"{LAGEN_NU}{sfs}"


def compact(number: str) -> str:
    """A chapter or paragraph number without spaces: "29 a" -> "29a"."""
    return re.sub(r"\s+", "", number).lower()


def expand_range(first: str, last: str, limit: int = 60) -> list[str]:
    """The numbers of a range as written in a citation: "6"–"8" -> 6, 7, 8; "3a"–"3c" -> 3a, 3b, 3c."""
    a, b = re.fullmatch(r"(\d+)([a-z]?)", first), re.fullmatch(r"(\d+)([a-z]?)", last)
    if not a or not b:
        return [first, last]
    (na, la), (nb, lb) = (int(a[1]), a[2]), (int(b[1]), b[2])
    if na == nb and la and lb and la < lb:
        return [f"{na}{chr(c)}" for c in range(ord(la), ord(lb) + 1)]
    if not la and not lb and na < nb <= na + limit:
        return [str(n) for n in range(na, nb + 1)]
    return [first, last]


# --- parsing ------------------------------------------------------------------------------------------------


class _TokenListLexer(Lexer):
    """Passes a list of already scanned tokens through to the parser."""

    def __init__(self, lexer_conf: object) -> None:
        pass

    def lex(self, data):  # type: ignore[override]
        """Yields the tokens as given."""
        yield from data


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = (Path(__file__).parent / "grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer=_TokenListLexer)


@dataclass
class _LawRef:
    written: str  # the name as written, without the number
    entry: Entry | None
    number: str | None  # an SFS number written with it
    start: int
    end: int


@dataclass
class _Group:
    kind: str  # chapter | kapitel | paragraph | article
    chapters: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)


_NUMBER_IN = re.compile(r"(\d{4})\s*:\s*(\d{1,4})")


class _Build(Transformer):
    """Turns a parse tree into (kind, law named first, chain of groups and laws)."""

    def __init__(self, lexicon: Lexicon) -> None:
        super().__init__()
        self.lexicon = lexicon

    def single(self, children):
        return [compact(children[0])]

    def range(self, children):
        return expand_range(compact(children[0]), compact(children[2]))

    def items(self, children):
        return [n for c in children if isinstance(c, list) for n in c]

    def paragraphs(self, children):
        return ("pars", children[0])

    def _split(self, children):
        nums = [c for c in children if isinstance(c, list)]
        pars = next((c[1] for c in children if isinstance(c, tuple) and c[0] == "pars"), [])
        return nums[0] if nums else [], pars

    def chapter_group(self, children):
        chapters, pars = self._split(children)
        return _Group("chapter", chapters=chapters, paragraphs=pars)

    def chapter_group_pre(self, children):
        chapters, pars = self._split(children)
        return _Group("kap_first", chapters=chapters, paragraphs=pars)

    def chapter_group_sign(self, children):
        nums = [c for c in children if isinstance(c, list)]
        return _Group("chapter", chapters=nums[0], paragraphs=nums[1])

    def kapitel_group(self, children):
        return _Group("kapitel", chapters=self._split(children)[0])

    kapitlet_group = kapitel_group

    def paragraph_group(self, children):
        return _Group("paragraph", paragraphs=children[0][1])

    def article_group(self, children):
        return _Group("article", articles=self._split(children)[0])

    def law_number(self, children):
        m = _NUMBER_IN.search(children[0])
        return f"{int(m[1])}:{int(m[2])}" if m else None

    def _law(self, children):
        toks = [c for c in children if isinstance(c, Token)]
        number = next((c for c in children if isinstance(c, str) and not isinstance(c, Token)), None)
        name_tok = next((t for t in toks if t.type in ("LAW", "LAGWORD")), None)
        for t in toks:
            if t.type in ("SFSNUM", "SFSREF", "BARESFS"):
                m = _NUMBER_IN.search(t)
                number = f"{int(m[1])}:{int(m[2])}" if m else number
        written = str(name_tok) if name_tok is not None else ""
        entry = self.lexicon.lookup(written) if name_tok is not None and name_tok.type == "LAW" else None
        start = min(t.start_pos for t in toks) if toks else 0
        end = max(t.end_pos for t in toks) if toks else 0
        return _LawRef(written=written, entry=entry, number=number, start=start, end=end)

    law_first = _law
    law_after = _law

    def tail_group(self, children):
        return next(c for c in children if isinstance(c, _Group))

    def tail_law(self, children):
        return next(c for c in children if isinstance(c, _LawRef))

    def tail_chapter(self, children):
        return ("in_chapter", next(c for c in children if isinstance(c, list)))

    def chain(self, children):
        out: list = []
        for c in children:
            if isinstance(c, tuple) and c[0] == "in_chapter":
                if out and isinstance(out[-1], _Group) and out[-1].kind == "paragraph":
                    out[-1] = _Group("chapter", chapters=c[1][-1:], paragraphs=out[-1].paragraphs)
                else:
                    out.append(_Group("chapter", chapters=c[1]))
                continue
            out.append(c)
        return out

    def statute_phrase(self, children):
        law = children[0] if isinstance(children[0], _LawRef) else None
        return ("statute", law, children[-1])

    def law_only(self, children):
        return ("law_only", children[0], [])

    def protocol(self, children):
        return ("protocol", None, children[1])

    def start(self, children):
        return children[0]

    def sep(self, children):
        return None

    conj = sep


def _parse_run(run: list[Token]) -> list[tuple[list[Token], Tree]]:
    """The phrases of a token run, left to right, each the longest that parses from its start."""
    parser = _parser()
    index = {id(t): k for k, t in enumerate(run)}
    out: list[tuple[list[Token], Tree]] = []
    i, n = 0, len(run)
    while i < n:
        j, found = n, None
        while j > i:
            try:
                found = parser.parse(run[i:j])
                break
            except UnexpectedToken as e:
                k = index.get(id(e.token))
                j = k if k is not None and k < j else j - 1
            except UnexpectedInput:
                j -= 1
        if found is not None:
            out.append((run[i:j], found))
            i = j
        else:
            i += 1
    return out


# --- interpretation -----------------------------------------------------------------------------------------


@dataclass
class _Law:
    kind: str  # statute | curriculum | convention
    ref: str  # the SFS number, or the id of a curriculum or convention
    chapters: bool | None  # statutes: divided into chapters (None: unknown)
    written: str | None
    explicit: bool  # named or numbered in the phrase (not from context or default)
    generic: bool = False
    sfs: str | None = None  # conventions: the incorporating statute
    statute: str | None = None  # conventions: the incorporating statute when in force on the document's date
    citation_only: bool = False  # written as an abbreviation that counts only inside a citation ("KL")


def _resolve(ref: _LawRef, doc_date: date | None, lex: Lexicon) -> _Law | None:
    entry = ref.entry
    written = ref.written or None
    if entry is not None and entry.kind != "statute":
        v = entry.version(doc_date)
        return _Law(
            entry.kind, v.ref, None, written, True, entry.generic, entry.sfs, entry.statute_on(doc_date)
        )
    if ref.number:
        return _Law("statute", ref.number, lex.sfs_chapters.get(ref.number), written, True)
    if entry is not None:
        v = entry.version(doc_date)
        return _Law("statute", v.ref, v.chapters, written, True, citation_only=written in lex.citation_only)
    return None


_INTERNAL_BEFORE = re.compile(r"(?:\bse|\(se|\bi detta|\bi denna)\s*$", re.IGNORECASE)
_INTERNAL_AFTER = re.compile(
    r"^\s*(?:nedan|ovan|i (?:detta|denna|det här|den här|rapporten|dokumentet|planen|kvalitetsrapporten))\b",
    re.IGNORECASE,
)


def _internal_reference(text: str, start: int, end: int) -> bool:
    """Whether "kapitel 4" at text[start:end] reads as a reference within the document ("kapitel 4 nedan")."""
    return bool(
        _INTERNAL_BEFORE.search(text[max(0, start - 12) : start]) or _INTERNAL_AFTER.match(text[end:])
    )


@dataclass
class _Context:
    doc_date: date | None
    context_chapter: str | None
    context_sfs: str | None
    default_sfs: str | None
    include_bare_law_names: bool
    keep_unknown_law: bool = False  # chapter_from_heading: report chapters even when no law is known


class _Emitter:
    """Collects the citations of one phrase without duplicates."""

    def __init__(self, text: str, start: int, end: int, lex: Lexicon) -> None:
        self.text, self.start, self.end, self.lex = text, start, end, lex
        self.out: list[Citation] = []
        self.seen: set[tuple] = set()

    def add(
        self,
        law: _Law | None,
        chapter: str | None = None,
        paragraph: str | None = None,
        article: str | None = None,
    ) -> None:
        key = (law.kind if law else None, law.ref if law else None, chapter, paragraph, article)
        if key in self.seen:
            return
        self.seen.add(key)
        written = law.written if law and law.explicit else None
        base = self.lex.base_iri
        if law is None:
            self._push(None, chapter, paragraph, None, "statute", None)
        elif law.kind == "statute":
            self._push(
                law.ref, chapter, paragraph, written, "statute", provision_iri(law.ref, chapter, paragraph)
            )
        elif law.kind == "curriculum":
            iri = f"{base}laroplan" if law.ref == "laroplan" else f"{base}laroplan/{law.ref}"
            iri += f"#K{compact(chapter)}" if chapter else ""
            self._push(None, chapter, None, written, "curriculum", iri, ref_id=law.ref)
        else:
            iri = f"{base}{law.ref}" + (f"#art{compact(article)}" if article else "")
            self._push(law.sfs, None, None, written, "convention", iri, article=article, ref_id=law.ref)

    def _push(self, sfs, chapter, paragraph, law_name, kind, iri, **extra) -> None:
        self.out.append(
            Citation(self.text, self.start, self.end, sfs, chapter, paragraph, law_name, kind, iri, **extra)
        )


def _add_whole_law(emit: _Emitter, law: _Law | None, ref: _LawRef, ctx: _Context) -> None:
    """A law (or curriculum, convention) named without a provision: the whole of it, where that counts."""
    if law is None or law.generic:
        return
    if law.kind == "statute" and not (ref.number or (ctx.include_bare_law_names and not law.citation_only)):
        return
    emit.add(law)
    if ctx.include_bare_law_names:
        _add_incorporating_statute(emit, law)


def _add_incorporating_statute(emit: _Emitter, law: _Law) -> None:
    """A convention made Swedish law also cites that law as a whole (barnkonventionen -> 2018:1197)."""
    if law.kind == "convention" and law.statute:
        emit.add(_Law("statute", law.statute, None, law.written, True))


def _assign_laws(
    law_first: _LawRef | None, chain: list
) -> tuple[list[tuple[_Group, _LawRef | None]], list[_LawRef]]:
    """Pairs each group with its law: the law named right after it, else the last one named, else the first.

    With a law named before the phrase, that law keeps the groups before the first law named after them,
    except the group directly before it: "skollagen 2 kap. 8 § och 6 kap. 6 § kommunallagen". Also returns
    the laws named after another law without a group of their own ("11 § MBL och kommunallagen").
    """
    pairs: list[tuple[_Group, _LawRef | None]] = []
    bare: list[_LawRef] = []
    pending: list[_Group] = []
    last: _LawRef | None = None
    for el in chain:
        if isinstance(el, _Group):
            pending.append(el)
            continue
        if not pending and last is not None:
            bare.append(el)
            continue
        if law_first is not None and last is None and len(pending) > 1:
            pairs.extend((g, law_first) for g in pending[:-1])
            pending = pending[-1:]
        pairs.extend((g, el) for g in pending)
        pending, last = [], el
    pairs.extend((g, last or law_first) for g in pending)
    return pairs, bare


def _interpret(
    kind: str,
    law_first: _LawRef | None,
    chain: list,
    span: tuple[int, int],
    norm: Normalised,
    original: str,
    ctx: _Context,
    lex: Lexicon,
) -> list[Citation]:
    o_start, o_end = norm.original_span(*span)
    emit = _Emitter(original[o_start:o_end], o_start, o_end, lex)
    if kind == "protocol":
        for p in chain:
            emit._push(None, None, p, None, "protocol_paragraph", None)
        return emit.out
    if kind == "law_only":
        if law_first is not None:
            _add_whole_law(emit, _resolve(law_first, ctx.doc_date, lex), law_first, ctx)
        return emit.out

    context_ref = ctx.context_sfs or ctx.default_sfs
    default = (
        _Law("statute", context_ref, lex.sfs_chapters.get(context_ref), None, False) if context_ref else None
    )
    last_chapter: dict[str | None, str] = {}
    pairs, bare = _assign_laws(law_first, chain)
    for group, ref in pairs:
        law = _resolve(ref, ctx.doc_date, lex) if ref is not None else None
        if ref is not None and law is None:
            continue  # a law we cannot identify ("lagen om anställningsskydd"): not skollagen
        if law is None:
            if default is None and not ctx.keep_unknown_law:
                continue
            law = default
            if (
                group.kind in ("kapitel", "kap_first")
                and ctx.context_sfs is None
                and _internal_reference(norm.text, *span)
            ):
                continue
        lkey = law.ref if law else None
        if law is None:  # chapter_from_heading without a known law: chapters only
            if group.kind in ("chapter", "kap_first", "kapitel"):
                for ch in group.chapters:
                    emit.add(None, chapter=ch)
            continue
        if law.kind == "curriculum":
            for ch in group.chapters:
                emit.add(law, chapter=ch)
            continue
        if law.kind == "convention":
            for art in group.articles:
                emit.add(law, article=art)
            if ctx.include_bare_law_names:
                _add_incorporating_statute(emit, law)
            continue
        if group.kind == "article":
            continue
        if group.kind in ("chapter", "kap_first", "kapitel"):
            chapters = group.chapters
            whole = chapters if not group.paragraphs else chapters[:-1]
            for ch in whole:
                emit.add(law, chapter=ch)
            for p in group.paragraphs:
                emit.add(law, chapter=chapters[-1], paragraph=p)
            if chapters:
                last_chapter[lkey] = chapters[-1]
            continue
        # A bare paragraph group: "3 §", "3 och 4 §§".
        chapter = last_chapter.get(lkey)
        if chapter is None and ctx.context_chapter and (not law.explicit or law.ref == context_ref):
            chapter = ctx.context_chapter
        if chapter is None and not (law.chapters is False or (law.chapters is None and law.explicit)):
            continue  # a statute with chapters (or an unknown one) and no chapter: the provision is unknown
        for p in group.paragraphs:
            emit.add(law, chapter=chapter, paragraph=p)
    for ref in bare:
        _add_whole_law(emit, _resolve(ref, ctx.doc_date, lex), ref, ctx)
    return emit.out


# --- allmänna råd ------------------------------------------------------------------------------------------

_QUOTES = {"”": "”", "“": "”", '"': '"', "«": "»", "'": "'"}


def _advice(norm: Normalised, original: str, lex: Lexicon) -> list[Citation]:
    """Skolverket's allmänna råd, with their title when it is known or delimited."""
    anchor = re.compile(
        r"\s+".join(map(re.escape, lex.advice_anchor.split())) + r"(?:en)?(?!\w)", re.IGNORECASE
    )
    tail = re.compile(r"(?:\s*\(SKOLFS\s*\d{4}:\d+\))?(?:\s+med\s+kommentarer)?", re.IGNORECASE)
    connector = re.compile(r"\s+(?:om|för|kring)(?!\w)", re.IGNORECASE)
    text = norm.text
    out: list[Citation] = []
    for m in anchor.finditer(text):
        pos = tail.match(text, m.end()).end()
        end, title, tid = pos, None, None
        for p in (pos, c.end() if (c := connector.match(text, pos)) else None):
            if p is None:
                continue
            for t in lex.advice_titles:
                tm = re.compile(r"\s+(?:" + t.pattern.pattern + r")(?!\w)", re.IGNORECASE).match(text, p)
                if tm:
                    end, title, tid = tm.end(), t.title, t.id
                    break
            if tid:
                break
        if tid is None:
            after = text[pos:].lstrip()
            gap = len(text) - pos - len(after)
            close_at = None
            if after[:1] in _QUOTES:
                close = text.find(_QUOTES[after[0]], pos + gap + 1, pos + gap + 200)
                if close > 0:
                    title, close_at = text[pos + gap + 1 : close].strip(), close + 1
            elif norm.emphasis_between(m.start(), m.start()) is not None:
                close = norm.emphasis_between(pos + 1, pos + 200)
                if close is not None and text[pos:close].strip(" ,.;:"):
                    title, close_at = text[pos:close].strip(" ,.;:"), close
            if close_at is not None:
                end = close_at
        o_start, o_end = norm.original_span(m.start(), end)
        law_name = text[m.start() : end].strip("”“\"«»' ")
        base = f"{lex.base_iri}allmanna-rad/skolverket"
        out.append(
            Citation(
                original[o_start:o_end],
                o_start,
                o_end,
                None,
                None,
                None,
                law_name,
                "allmanna_rad",
                f"{base}/{tid}" if tid else base,
                ref_id=tid,
                title=title,
            )
        )
    return out


# --- public API --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _scanner() -> Scanner:
    return Scanner(default_lexicon())


def _find(text: str, ctx: _Context) -> list[Citation]:
    lex = default_lexicon()
    norm = normalise(text)
    found: list[Citation] = []
    for run in runs(_scanner().tokens(norm.text)):
        for phrase, tree in _parse_run(run):
            kind, law_first, chain = _Build(lex).transform(tree)
            span = (phrase[0].start_pos, phrase[-1].end_pos)
            found.extend(_interpret(kind, law_first, chain, span, norm, text, ctx, lex))
    found.extend(_advice(norm, text, lex))
    found.sort(key=lambda c: c.char_start)
    return _without_redundant_laws(found)


def _without_redundant_laws(found: list[Citation]) -> list[Citation]:
    """Drops a whole-law citation when the text cites that law already, as a whole or a provision of it."""
    specific = {
        c.sfs for c in found if c.kind == "statute" and (c.chapter is not None or c.paragraph is not None)
    }
    seen: set[str] = set()
    out: list[Citation] = []
    for c in found:
        if c.kind == "statute" and c.chapter is None and c.paragraph is None and c.sfs:
            if c.sfs in specific or c.sfs in seen:
                continue
            seen.add(c.sfs)
        out.append(c)
    return out


def find_citations(
    text: str,
    *,
    doc_date: date | None = None,
    context_chapter: str | None = None,
    context_sfs: str | None = None,
    default_sfs: str | None = "2010:800",
    include_bare_law_names: bool = True,
) -> list[Citation]:
    """All citations in a text, one per provision, by position (the rules are in the module docstring).

    A law named without a number or provision ("enligt skollagen", "MBL-behandling") cites the law as a whole
    (``https://lagen.nu/2010:800``), and a convention made Swedish law also cites that law; without
    ``include_bare_law_names`` neither is reported. An abbreviation that is also an ordinary word ("KL", "FL")
    never counts on its own. Curricula, conventions and allmänna råd named on their own are always reported.
    """
    ctx = _Context(doc_date, context_chapter, context_sfs, default_sfs, include_bare_law_names)
    return _find(text, ctx)


def chapter_from_heading(heading: str, *, doc_date: date | None = None) -> tuple[str | None, str | None]:
    """The statute chapter a heading states and the SFS number of its law when the heading names it.

    "Utdrag ur skollagen 4 kap. Kvalitet och inflytande" -> ("4", "2010:800");
    "4 kap. Kvalitet" -> ("4", None).
    """
    ctx = _Context(doc_date, None, None, None, False, keep_unknown_law=True)
    for c in _find(heading, ctx):
        if c.kind == "statute" and c.chapter:
            return compact(c.chapter), c.sfs
    return None, None


def context_from_sections(
    sections: list[str], *, doc_date: date | None = None
) -> tuple[str | None, str | None]:
    """Chapter and SFS number stated by the nearest heading above a passage (``sections`` outermost first)."""
    for heading in reversed(sections):
        chapter, sfs = chapter_from_heading(heading, doc_date=doc_date)
        if chapter:
            return chapter, sfs
    return None, None


def find_citations_in_headings(doc: ParsedDocument, *, doc_date: date | None = None) -> list[Citation]:
    """Citations that a document's headings make by naming a law ("MBL-behandling", "Skollagen 2 kap.").

    Offsets are into doc.text.
    Only citations of a law named in the heading count: a heading "Kapitel 3 Resultat" is the document's own
    chapter, not skollagen's.
    """
    out: list[Citation] = []
    for block in doc.blocks:
        if block.kind != BlockKind.HEADING:
            continue
        for c in find_citations(block.text, doc_date=doc_date, default_sfs=None):
            if c.law_name and c.iri and c.kind != "protocol_paragraph":
                c.char_start += block.char_start
                c.char_end += block.char_start
                out.append(c)
    return out


_BLOCK_BREAK = re.compile(r"\n[ \t\r]*\n")


def _heading_like(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 120 or len(s.split()) > 15:
        return False
    return not s.endswith((",", ";", ":")) and (not s.endswith(".") or s.lower().endswith("kap."))


def find_citations_in_document(
    text: str, *, doc_date: date | None = None, default_sfs: str | None = "2010:800", **options: bool
) -> list[Citation]:
    """Citations in a whole plain-text document, carrying a heading's chapter to the bare paragraphs below it.

    Blocks are separated by blank lines; a block whose first line looks like a heading and states a statute
    chapter ("Utdrag ur skollagen 4 kap.") sets the context chapter and law for the blocks that follow, until
    the next such heading.
    """
    chapter: str | None = None
    sfs: str | None = None
    out: list[Citation] = []
    starts = [0] + [m.end() for m in _BLOCK_BREAK.finditer(text)]
    ends = [m.start() for m in _BLOCK_BREAK.finditer(text)] + [len(text)]
    for b_start, b_end in zip(starts, ends, strict=True):
        block = text[b_start:b_end]
        first = block.strip().split("\n", 1)[0] if block.strip() else ""
        if _heading_like(first):
            h_chapter, h_sfs = chapter_from_heading(first, doc_date=doc_date)
            if h_chapter:
                chapter, sfs = h_chapter, h_sfs
        for c in find_citations(
            block,
            doc_date=doc_date,
            context_chapter=chapter,
            context_sfs=sfs,
            default_sfs=default_sfs,
            **options,
        ):
            c.char_start += b_start
            c.char_end += b_start
            out.append(c)
    return out
