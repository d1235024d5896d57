"""Swedish prose for the owner and deadline rules: the word lists (``owners.toml``), agent phrases (roles,
bodies, units by the shape of their names, people), verbs (finite, passive, active; a clause's kind) and the
setting of a sentence in its document (label lines of its section, earlier blocks, a note at an item's end).

graph/plan/owners.py and graph/plan/deadlines.py read sentences with these; nothing here decides an owner.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.plan.actors import owner_kind
from graph.plan.lexicon import lexicon
from graph.plan.text import normalise, split_marker
from ingest.dates import find_dates
from ingest.model import ParsedDocument

_HERE = Path(__file__).parent
LETTER = r"[\wåäöÅÄÖéü]"  # a letter or digit
_NB = r"(?![\wåäöÅÄÖéü-])"  # no word character follows
NO_WORD_BEFORE = r"(?<![\wåäöÅÄÖéü-])"  # no word character precedes
_CAP = r"[A-ZÅÄÖ]"
WORD = re.compile(r"[\wåäöÅÄÖéü]+(?:[.:-][\wåäöÅÄÖéü]+)*")
_PERSON = re.compile(
    rf"{NO_WORD_BEFORE}({_CAP}[a-zåäöéü]+)((?:\s+{_CAP}[a-zåäöéü]+(?:-{_CAP}[a-zåäöéü]+)?){{1,2}}){_NB}"
)


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class _Rules:
    """The compiled word lists of owners.toml."""

    school_name: re.Pattern[str]
    school_compound: re.Pattern[str]
    group_compound: re.Pattern[str]
    agent_noun: re.Pattern[str]
    anaphor: re.Pattern[str]
    not_units: tuple[str, ...]
    generic: frozenset[str]
    not_name_words: frozenset[str]
    finite: frozenset[str]
    copulas: frozenset[str]
    decision: re.Pattern[str]
    deponent: frozenset[str]
    stative: frozenset[str]
    openers: frozenset[str]
    not_passive: frozenset[str]
    not_before_verb: frozenset[str]
    prepositions: frozenset[str]
    not_owner: re.Pattern[str]
    support: re.Pattern[str]
    burden: re.Pattern[str]
    label: re.Pattern[str]
    passive_av: re.Pattern[str]
    kept: re.Pattern[str]
    kept_words: tuple[str, ...]
    dropped: re.Pattern[str]
    not_before: re.Pattern[str]
    lead: re.Pattern[str]
    duty: re.Pattern[str]
    quantifier: re.Pattern[str]
    time_label: re.Pattern[str]
    continuation: re.Pattern[str]
    future: re.Pattern[str]


@lru_cache(maxsize=1)
def rules() -> _Rules:
    """The word lists of owners.toml, compiled once."""
    with open(_HERE / "owners.toml", "rb") as f:
        data = tomllib.load(f)
    units, verbs, phrases, dl = data["units"], data["verbs"], data["phrases"], data["deadlines"]
    heads = _alt(units["school_heads"])
    tails = _alt(units["school_tails"])
    name_word = rf"{_CAP}[\wåäöéü.&-]*"
    groups = _alt(units["group_heads"])
    particles = _alt(phrases["particles"])
    return _Rules(
        school_name=re.compile(
            rf"(?P<name>{name_word}(?:\s+{name_word}){{0,2}})\s+(?:{heads})(?:\s+(?:{tails}))?s?{_NB}"
        ),
        school_compound=re.compile(rf"{_CAP}[\wåäöéü-]*?(?:{heads})(?:\s+(?:{tails}))?s?{_NB}"),
        # "logopedgruppen", "Pedagog- och logopedgruppen", "Barn och elevhälsan", "projektgruppen Bokbussen"
        group_compound=re.compile(
            rf"(?P<first>{LETTER}+-?\s+(?:och|eller)\s+)?(?P<head>{LETTER}[\wåäöéü-]*?(?:{groups}))"
            rf"(?P<gen>s)?(?P<name>\s+(?-i:{_CAP})[\wåäöéü.-]*[\wåäöéü])?{_NB}",
            re.IGNORECASE,
        ),
        agent_noun=re.compile(rf"(?:{_alt(units['agents'])}){_NB}", re.IGNORECASE),
        anaphor=re.compile(rf"(?:{_alt(units['anaphors'])}){_NB}", re.IGNORECASE),
        not_units=tuple(units["not_units"]),
        generic=frozenset(w.casefold() for w in units["generic"]),
        not_name_words=frozenset(w.casefold() for w in units["not_name_words"]),
        finite=frozenset(verbs["finite"]),
        copulas=frozenset(verbs["copulas"]),
        decision=re.compile(rf"{NO_WORD_BEFORE}(?:{_alt(verbs['decision'])}){_NB}", re.IGNORECASE),
        deponent=frozenset(verbs["deponent"]),
        stative=frozenset(verbs["stative"]),
        openers=frozenset(verbs["adverbial_openers"]),
        not_passive=frozenset(verbs["not_passive"]),
        not_before_verb=frozenset(verbs["not_before_verb"]),
        prepositions=frozenset(verbs["prepositions"]),
        not_owner=re.compile(rf"{NO_WORD_BEFORE}(?:{_alt(phrases['not_owner'])})\s+$", re.IGNORECASE),
        support=re.compile(
            rf"{NO_WORD_BEFORE}(?:{_alt(phrases['support'])})\w*(?:\s+\S+){{0,4}}?\s+från\s+", re.IGNORECASE
        ),
        burden=re.compile(rf"{NO_WORD_BEFORE}(?:{_alt(phrases['burden'])})\s+", re.IGNORECASE),
        label=re.compile(
            rf"(?:^|[\s(,;.])(?:{_alt(phrases['labels'])})\s*:\s*(?P<value>[^.;()]+)", re.IGNORECASE
        ),
        passive_av=re.compile(
            rf"{NO_WORD_BEFORE}(?P<verb>{LETTER}{{2,}})\s+(?:(?:{particles})\s+)?av\s+(?=\S)", re.IGNORECASE
        ),
        kept_words=tuple(dl["kept"]),
        kept=re.compile(rf"{NO_WORD_BEFORE}(?:{_alt(dl['kept'])})(?:\s+i)?\s+$", re.IGNORECASE),
        dropped=re.compile(rf"{NO_WORD_BEFORE}(?:{_alt(dl['dropped'])})\s+$", re.IGNORECASE),
        not_before=re.compile(rf"{NO_WORD_BEFORE}(?:{_alt(dl['not_before'])})(?:\s+\S+)?\s+$", re.IGNORECASE),
        lead=re.compile(rf"{NO_WORD_BEFORE}(?:{_alt(phrases['lead'])})\s+", re.IGNORECASE),
        duty=re.compile(rf"\s+(?:{_alt(phrases['duty'])}){_NB}", re.IGNORECASE),
        quantifier=re.compile(rf"(?:{_alt(phrases['quantifiers'])})\s+(?=\S)", re.IGNORECASE),
        time_label=re.compile(rf"{NO_WORD_BEFORE}(?:{_alt(dl['labels'])})\s*:\s*$", re.IGNORECASE),
        continuation=re.compile(rf"{NO_WORD_BEFORE}(?:{_alt(dl['continuation'])}){_NB}", re.IGNORECASE),
        future=re.compile(rf"{NO_WORD_BEFORE}(?:{_alt(dl['future'])}){_NB}", re.IGNORECASE),
    )


@dataclass(frozen=True)
class Agent:
    """An agent noun phrase found at a position: its label as written, kind and end offset."""

    label: str
    kind: str
    end: int


# ---------------------------------------------------------------------------------------------- agents


def _is_not_unit(word: str) -> bool:
    low = word.casefold()
    return any(low.startswith(stem) or f"-{stem}" in low or low.endswith(stem) for stem in rules().not_units)


def _generic(label: str) -> bool:
    """A school form or generic noun, also in the genitive ("Skolan", "skolans", "Förskolans")."""
    low = label.casefold()
    generic = rules().generic
    return low in generic or (low.endswith("s") and low[:-1] in generic)


def _school(text: str, pos: int) -> Agent | None:
    r = rules()
    for pattern in (r.school_name, r.school_compound):
        m = pattern.match(text, pos)
        if not m:
            continue
        label = m.group(0)
        first = label.split()[0]
        if first.casefold() in r.not_name_words or _generic(label):
            continue
        if pattern is r.school_compound and first.casefold() in r.generic:
            continue
        return Agent(label, "organisation", m.end())
    return None


def group_at(text: str, pos: int) -> Agent | None:
    """A group, team or service at ``pos``: "Pedagog- och logopedgruppen", "projektgruppen X"."""
    r = rules()
    m = r.group_compound.match(text, pos)
    if not m:
        return None
    head = m.group("head")
    if r.anaphor.fullmatch(head.removesuffix("s")) or _is_not_unit(head) or _generic(head):
        return None
    start, end = m.start(), m.end()
    first = m.group("first")
    if first:
        word = first.split()[0]
        # "Barn- och elevhälsan" is one name; "Rektor och elevhälsan" two owners.
        if not word.endswith("-") and (owner_kind(word) is not None or not word[0].isupper()):
            start = m.start("head")
    if m.group("name") and head[0].isupper():
        # "Fritidsgården Pulsen erbjuder": a name after a capitalised head only when a verb follows it
        # ("Elevhälsan Rektor" is two labels, not a name)
        nxt = WORD.match(text, end + 1) if end < len(text) and text[end] == " " else None
        if not (nxt and is_finite(nxt.group(0), "")):
            end = m.end("head")
    if start != pos:
        return None
    return Agent(text[start:end], "organisation", end)


@lru_cache(maxsize=1)
def _abbreviations() -> re.Pattern[str]:
    return re.compile(rf"(?:{_alt(lexicon().abbreviations)}){_NB}")


_BITR = re.compile(r"(?:biträdande|bitr\.)\s+", re.IGNORECASE)


def _role(text: str, pos: int) -> Agent | None:
    lex = lexicon()
    m = _BITR.match(text, pos)
    q = m.end() if m else pos
    role = lex.role.match(text, q)
    if role and role.group(0).casefold() not in lex.not_roles and len(role.group(0)) >= 4:
        return Agent(text[pos : role.end()], "role", role.end())
    abbr = _abbreviations().match(text, pos)
    if abbr and abbr.group(0) in lex.abbreviations:
        return Agent(abbr.group(0), "role", abbr.end())
    return None


def _body(text: str, pos: int) -> Agent | None:
    lex = lexicon()
    m = lex.body_name_re.match(text, pos)
    if m:
        return Agent(m.group(0), lex.body_names.get(m.group(0), "organisation"), m.end())
    for pattern in lex.org_patterns:
        m = pattern.match(text, pos)
        if m:
            return Agent(m.group(0).strip(), "organisation", m.end())
    for pattern, kind in lex.body_heads:
        m = pattern.match(text, pos)
        if m:
            return Agent(m.group(0), kind, m.end())
    return None


def _person(text: str, pos: int) -> Agent | None:
    m = _PERSON.match(text, pos)
    if not m or m.group(1) not in lexicon().first_names:
        return None
    return Agent(m.group(0), "person", m.end())


def _noun(text: str, pos: int) -> Agent | None:
    r = rules()
    m = r.agent_noun.match(text, pos)
    if m:
        return Agent(m.group(0), "organisation", m.end())
    return None


_DETERMINER = re.compile(r"(?:den|det|de)\s+(?:[a-zåäö]+[ae]\s+){1,2}(?=\S)", re.IGNORECASE)
_ADJECTIVE = re.compile(r"[A-ZÅÄÖa-zåäö][a-zåäö]+a\s+(?=\S)")  # "Centrala", "regionala" (definite forms)
_GENITIVE_TAIL = re.compile(rf"\s+(?={LETTER})")
_GENERIC_GENITIVE = re.compile(r"[\wåäöÅÄÖ-]+s(?=\s)")


@lru_cache(maxsize=8192)
def _agent_at(text: str, pos: int, modifiers: bool = True, adjectives: bool = True) -> Agent | None:
    """The agent noun phrase that starts at ``pos``: a determiner ("den regionala"), a quantifier ("Alla")
    or a definite adjective ("Centrala") may come first; a genitive ("Skolans rektor") may own a role."""
    if modifiers:
        m = _DETERMINER.match(text, pos)
        if m:
            inner = _agent_at(text, m.end(), modifiers=False)
            if inner is None:
                return None
            label_start = text.index(" ", pos) + 1
            return Agent(text[label_start : inner.end].strip(), inner.kind, inner.end)
        m = rules().quantifier.match(text, pos) or (_ADJECTIVE.match(text, pos) if adjectives else None)
        if m:
            inner = _agent_at(text, m.end(), modifiers=False)
            if inner is not None and (inner.kind != "person"):
                return Agent(text[pos : inner.end], inner.kind, inner.end)
    g = _GENERIC_GENITIVE.match(text, pos)
    if g and _generic(g.group(0)):
        head = _role(text, g.end() + 1) or group_at(text, g.end() + 1) or _body(text, g.end() + 1)
        return Agent(text[pos : head.end], head.kind, head.end) if head else None
    for finder in (_person, _school, group_at, _role, _body, _noun):
        agent = finder(text, pos)
        if agent is None or agent.end <= pos:
            continue
        return _genitive(text, pos, agent)
    return None


def _genitive(text: str, pos: int, agent: Agent) -> Agent | None:
    """An agent in the genitive ("elevhälsans", "rektors") owns only with an agent after it ("X psykologer",
    "Nämndens presidium")."""
    label = agent.label
    if not label.endswith("s") or agent.kind == "person":
        return agent
    stripped = _agent_at(text[: agent.end - 1], pos, modifiers=False) if agent.end - 1 > pos else None
    whole_without_s = stripped is not None and stripped.end == agent.end - 1
    base_kind = owner_kind(label[:-1]) if not whole_without_s else stripped.kind
    if base_kind is None and not whole_without_s:
        return agent
    tail = _GENITIVE_TAIL.match(text, agent.end)
    if not tail:
        return agent
    head = _role(text, tail.end()) or _body(text, tail.end())
    if head is not None:
        return Agent(text[pos : head.end], head.kind, head.end)
    return None


def genitive_base(text: str, pos: int) -> Agent | None:
    """The agent a genitive at ``pos`` names ("rektors" -> rektor, "förvaltningens" -> förvaltningen)."""
    word = WORD.match(text, pos)
    if not word or not word.group(0).endswith("s"):
        return None
    base = _agent_at(text[: word.end() - 1], pos, modifiers=False)
    if base is None or base.end != word.end() - 1:
        return None
    return base


def agents_at(text: str, pos: int, adjectives: bool = True) -> tuple[list[Agent], int]:
    """Agents coordinated from ``pos`` ("Rektor och förstelärare", "Rektor, EHT och kurator"); the end."""
    first = _agent_at(text, pos, adjectives=adjectives)
    if first is None:
        return [], pos
    out, end = [first], first.end
    joiner = re.compile(r"\s*(?:,|/|&|\+)\s*|\s+(?:och|samt|eller)\s+")
    while True:
        j = joiner.match(text, end)
        if not j:
            break
        nxt = _agent_at(text, j.end())
        if nxt is None:
            break
        if out[-1].kind == "person" and nxt.kind == "role" and j.group(0).strip() == ",":
            end = nxt.end  # "Anna Berg, rektor": the role is an apposition to the person
            continue
        out.append(nxt)
        end = nxt.end
    return out, end


# ---------------------------------------------------------------------------------------------- verbs

# Present tense (-ar, -er, -ir, -ör, -år, -yr) and past tense (-ade, -dde, -tte, -rde, -lde, -kte, -pte,
# -ste); not -nde/-te, which end nouns ("lärande", "arbete", "område").
_VERBISH = re.compile(r"[a-zåäö]{2,}(?:ar|er|ir|ör|år|yr|ade|dde|tte|rde|lde|kte|pte|ste)")
_AUX = frozenset({"har", "hade", "ska", "skall", "kan", "bör", "måste", "kommer", "vill", "får", "behöver"})
_SUPINE_PASSIVE = re.compile(r"[a-zåäö]{3,}(?<!e)ts")
_INFINITIVE_PASSIVE = re.compile(r"[a-zåäö]{3,}as")


def is_finite(word: str, previous: str | None = None) -> bool:
    """Whether a word is (likely) a finite verb: listed, or with a verb ending and not after a preposition,
    a determiner or a numeral ("för lärare", "tre träffar")."""
    w = word.casefold()
    if w in rules().finite or w in rules().deponent:
        return True
    if w in rules().prepositions or w in rules().not_before_verb:
        return False  # "under", "efter" end like verbs
    if previous is not None and previous.casefold() in rules().not_before_verb:
        return False
    if not word[:1].islower() and previous is not None:
        return False  # mid-sentence, a capitalised word is a name ("Einar"), not a verb
    return bool(_VERBISH.fullmatch(w)) and not lexicon().role.fullmatch(word)  # "direktör" is no verb


def is_passive(word: str) -> bool:
    """Whether a word is an s-passive ("genomförs", "leds", "byggts"), not a deponent or a genitive."""
    w = word.casefold()
    r = rules()
    return (
        len(w) > 2
        and w.endswith("s")
        and w not in r.deponent
        and w not in r.not_passive
        and not w.endswith(("ss", "ens", "ets", "ns", "ers", "ars", "ors"))
    )


def word_spans(text: str, pos: int, limit: int) -> list[tuple[str, int]]:
    """The first ``limit`` words from ``pos`` with their offsets."""
    return [(m.group(0), m.start()) for m in WORD.finditer(text, pos)][:limit]


def verb_after(text: str, end: int, strict: bool = False) -> tuple[str, int] | None:
    """The finite verb after a subject ending at ``end``: skips a modifier ("för förskolan", "i samarbete
    med X", ", rektor,"); None when no finite verb follows soon or the subject is followed by a clause.
    ``strict``: the verb must follow at once (mid-sentence, "lärare och elever med ..." is no clause)."""
    words = word_spans(text, end, 10)
    if not words:
        return None
    rest = text[end : words[0][1]]
    if rest.strip() and rest.strip() not in {",", "–", "-"}:
        return None
    first, start = words[0]
    if not rest.strip() and (is_finite(first, "") or is_passive(first)):
        return first, start
    if strict:
        return None
    if rest.strip() == "," and first.casefold() in rules().finite:
        return first, start
    if rest.strip() == ",":
        # An apposition set off by commas: "Anna Berg, rektor, ansvarar"
        close = text.find(",", start)
        if 0 < close - start < 40:
            nxt = WORD.search(text, close + 1)
            if nxt and (is_finite(nxt.group(0)) or is_passive(nxt.group(0))):
                return nxt.group(0), nxt.start()
        return None
    if first.casefold() not in rules().prepositions:
        return None
    for k in range(1, min(len(words), 8)):
        word, pos = words[k]
        if word.casefold() in {"som", "vilket", "vilka", "där"}:
            return None
        if is_finite(word, words[k - 1][0]):
            return word, pos
    return None


def is_active(text: str, verb: str, pos: int) -> bool:
    """Whether the verb cluster from ``pos`` is active and not a copula: "arbetar", "kommer att leda"
    (not "läggs ned", "har byggts", "ska genomföras", "har ... införts", "är en skola", "beslutar att")."""
    r = rules()
    low = verb.casefold()
    if low in {"ges", "gavs"} and re.match(
        r"\s+(?:\w+\s+)?(?:i\s+uppdrag|uppdraget)\b", text[pos + len(verb) :]
    ):
        return True  # "Rektorerna ges i uppdrag att": the subject receives the task
    if is_passive(verb):
        return False
    if low in r.copulas:
        after = text[pos + len(verb) : pos + len(verb) + 30].casefold()
        return bool(re.match(r"\s+(?:\w+\s+)?ansvarig", after))
    if r.decision.match(text, pos) or low in r.stative:
        return False
    if low in {"har", "hade"} and _possession(text, pos + len(verb)):
        return False
    if low in _AUX:
        previous = low
        for word, _p in word_spans(text, pos + len(verb), 5):
            w = word.casefold()
            if w in {"och", "som", "men", "eller"}:
                break
            if _SUPINE_PASSIVE.fullmatch(w) or (
                previous in _AUX | {"att"} and _INFINITIVE_PASSIVE.fullmatch(w)
            ):
                return False
            previous = w
    return True


_SUPINE = re.compile(r"[a-zåäö]{2,}(?:t|tt|it|at|ts|its|ats)")
_DUTY_AFTER_HAR = re.compile(
    r"\s+(?:\w+\s+)?(?:i\s+uppdrag|uppdrag(?:et)?|ansvar(?:et)?|huvudansvar(?:et)?)\b", re.I
)


def _possession(text: str, end: int) -> bool:
    """Whether "har" before ``end`` is a main verb of having ("Skolan har 300 elever", "har ett överskott"),
    not the auxiliary of a perfect ("har genomfört", "har under året arbetat") nor "har i uppdrag"."""
    if _DUTY_AFTER_HAR.match(text, end):
        return False
    words = word_spans(text, end, 6)
    if not words:
        return True
    first = words[0][0].casefold()
    if first in {"en", "ett", "inga", "ingen", "många", "flera", "fler", "god", "goda", "stor", "stora"}:
        return True
    if first[:1].isdigit():
        return True
    return not any(_SUPINE.fullmatch(w.casefold()) for w, _p in words[:5] if w[:1].islower())


_PRONOUNS = frozenset({"denna", "detta", "dessa", "den", "det", "de", "han", "hon", "vi", "man", "ni", "jag"})


def clause_kind(text: str) -> str:
    """How a sentence's main clause is built: "verbless" ("Fortsatt arbete med X."), "subjectless" (it
    opens with its verb: "Ansvarar för X."), "passive" (no agent: "Åtgärder har gjorts") or "active"."""
    if infinitive_task(text[words_start(text) :]):
        return "subjectless"
    words = word_spans(text, words_start(text), 40)
    for k, (word, pos) in enumerate(words):
        previous = words[k - 1][0] if k else None
        if k == 1 and previous.casefold() in _PRONOUNS:
            previous = None  # "Denna genomfördes ...": a pronoun is the subject, not a determiner
        after_noun = previous is not None and previous.casefold() not in rules().not_before_verb
        if not (is_finite(word, previous) or (k > 0 and is_passive(word) and after_noun)):
            continue
        if k == 0:
            return "subjectless"
        return "active" if is_active(text, word, pos) else "passive"
    return "verbless"


# ---------------------------------------------------------------------------------------------- setting

_NOTE = re.compile(
    r"(?:\((?P<paren>[^()]{2,80})\)|(?<=[^\d\s])\s[–—-]\s+(?P<dash>[^–—()]{2,60}?))\s*[.]?\s*$"
)


def note_parts(text: str) -> list[str]:
    """The parts of a note at the end of an item: "(rektor, VT26)", " – elevhälsoteamet"."""
    m = _NOTE.search(text)
    if not m:
        return []
    return [p.strip() for p in re.split(r"[,;]|\s+och\s+", m.group("paren") or m.group("dash")) if p.strip()]


def is_time(part: str) -> bool:
    """Whether a text is a time as a whole ("VT26", "klart december 2025")."""
    found = find_dates(part)
    if len(found) != 1 or found[0].char_start is None:
        return False
    rest = (part[: found[0].char_start] + part[found[0].char_end :]).strip(" :").casefold()
    return rest in {"", *[w.casefold() for w in rules().kept_words]}


def words_start(text: str) -> int:
    """Where a sentence's words start (after a list marker, quotes and brackets)."""
    _kind, rest, offset = split_marker(text)
    lead = len(rest) - len(rest.lstrip(" \"'”“«(–-"))
    return offset + lead


def dehyphen(text: str) -> str:
    """Unicode hyphens as ASCII ("Barn‐ och elevhälsan")."""
    return text.replace("\u2010", "-").replace("\u2011", "-")


def whole_agents(text: str) -> list[Agent]:
    """The agents a text wholly consists of ("Presidium", "Ordförande/Skol- och utbildningschefer")."""
    agents, end = agents_at(text, 0)
    return agents if agents and end == len(text) else []


def section_run(doc: ParsedDocument, block: int, limit: int = 8) -> list[int]:
    """Indices of up to ``limit`` blocks before ``block`` under the same headings, in order."""
    section = doc.blocks[block].section
    out: list[int] = []
    for j in range(block - 1, max(-1, block - 1 - limit), -1):
        if doc.blocks[j].section != section:
            break
        out.append(j)
    return out[::-1]


TIME_LABEL_LINE = re.compile(
    r"(?:^|[\s(,;.])(?:klart|klar|tidplan|tidsplan|tidsram|tid|när|deadline|slutdatum|datum)\s*:",
    re.IGNORECASE,
)


def section_labels(doc: ParsedDocument, block: int, limit: int = 12) -> list[str]:
    """Short lines of the block's section that are a label alone ("Ansvarig: rektor", "Klart: VT26"),
    nearest first: a label after (or before) a list applies to its items."""
    section = doc.blocks[block].section
    found: list[tuple[int, str]] = []
    for j in range(max(0, block - limit), min(len(doc.blocks), block + limit + 1)):
        b = doc.blocks[j]
        if j == block or b.section != section or len(b.text.split()) > 12:
            continue
        text = normalise(b.text)
        _kind, rest, _offset = split_marker(text)
        if rules().label.match(rest) or TIME_LABEL_LINE.match(rest):
            found.append((abs(j - block), rest))
    return [t for _d, t in sorted(found)]


def section_before(doc: ParsedDocument, block: int, limit: int = 6) -> list[str]:
    """The texts of up to ``limit`` blocks before ``block`` under the same headings, nearest last."""
    section = doc.blocks[block].section
    out: list[str] = []
    for j in range(block - 1, max(-1, block - 1 - limit), -1):
        if doc.blocks[j].section != section:
            break
        out.append(doc.blocks[j].text)
    return out[::-1]


def one_item(block: str) -> bool:
    """A short block (a list item or a short paragraph) whose sentences describe one activity."""
    return len(block) <= 600


# A task written as an infinitive: "Synliggöra ...", "Genomföra ...", "Utveckla ..." (no subject of its own);
# not a plural noun ("Skolorna"), nor an adjective ("Gemensamma", "Digitala", "Tydliga").
_INFINITIVE_TASK = re.compile(
    r"(?![A-ZÅÄÖ][a-zåäö]*(?:na|iga|ala|ella|ska|mma|tta)\s)[A-ZÅÄÖ][a-zåäö]{2,}a\s+(?!och\b)[a-zåäö]"
)


def infinitive_task(text: str) -> bool:
    """Whether a sentence opens with an infinitive (a task without a subject)."""
    first = text.split(maxsplit=1)[0].casefold() if text.strip() else ""
    r = rules()
    return (
        bool(_INFINITIVE_TASK.match(text))
        and first not in r.not_name_words
        and not r.quantifier.match(first + " x")
    )
