"""Owners and deadlines in prose: who a sentence says does the work, which unit a heading names, and by when.

The rules read Swedish grammar and the shapes of names, never one document's wording (word lists in
``owners.toml``; roles and bodies from ``roles.toml`` and ``bodies.toml``). The plan extractor calls
:func:`owners_in_document` and :func:`deadline_in_document` for an activity quoted from a block.

- The agent of a sentence (:func:`owners_in_sentence`): an "Ansvar:" label; the subject of an active finite
  verb ("Rektor kommer att ...", "Skolledare arbetar ...", and behind a fronted adverbial: "Under våren
  genomför förvaltningen ..."), but not of a passive ("Skolan läggs ned", "har byggts"), a copula or stative
  verb ("är", "består", "ligger"), "har" of having ("har 300 elever") or a verb of deciding ("Nämnden
  beslutar att ..."), where the one commissioned owns the task ("ger förvaltningen i uppdrag att"); the
  agent of a passive ("leds av skolchef", "genomförs av elevhälsan"); a subject after "och"/"att" in a later
  clause; the means ("genom projektgruppen X"); the giver of support ("stöd från arbetsgivaren"); the bearer
  or possessor of a responsibility ("ansvaret vilar på X", "rektors ansvar"); the leader ("i regi av X");
  "Ansvarig ... är X". Partners ("i samarbete med X") and those served ("utbildning för lärare") are not
  owners; nor is the document's own organisation (``exclude``: "X fortsätter sitt arbete" in X's report).
- An agent is a role of the lexicon (with "biträdande", a quantifier "Alla lärare", a genitive "Skolans
  rektor"), a body, a unit's name (a capitalised name before a school head: "Vilboda skola med förskolor";
  a capitalised compound: "Björkskolan"; a compound of a group head: "Pedagog- och logopedgruppen",
  "den regionala skolstödsgruppen", "projektgruppen X"), a person's name, or an agent noun ("arbetsgivaren",
  "huvudmannen"). A school form ("Grundskolan", "Skolan") and a group served ("barngruppen") are not units.
  Verbs are known from short lists and from their endings (-ar/-er/-ir/-ör, -ade/-de/-te), never after a
  preposition, a determiner or a numeral, never capitalised mid-sentence, never a role noun ("direktör").
- :func:`unit_in_heading`: a heading that is wholly a unit's (or role's) name.
- :func:`owners_in_context` (the setting, used when the sentence has no subject of its own, is passive or
  speaks as "vi"): a run-in heading of its block ("X skola med förskolor -1,2 mnkr: ..."), the group an
  anaphor ("Gruppen ...") points back to, another sentence of the same list item, a label line of its
  section ("Ansvarig: rektor" after a list), and last the nearest heading that names a unit.
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
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.plan.actors import owner_kind, parse_owners
from graph.plan.lexicon import lexicon
from graph.plan.model import Owner
from graph.plan.text import normalise, sentences, split_marker
from ingest.dates import find_dates
from ingest.model import BlockKind, ParsedDocument

_HERE = Path(__file__).parent
_L = r"[\wåäöÅÄÖéü]"  # a letter or digit
_NB = r"(?![\wåäöÅÄÖéü-])"  # no word character follows
_NA = r"(?<![\wåäöÅÄÖéü-])"  # no word character precedes
_CAP = r"[A-ZÅÄÖ]"
_WORD = re.compile(r"[\wåäöÅÄÖéü]+(?:[.:-][\wåäöÅÄÖéü]+)*")
_PERSON = re.compile(
    rf"{_NA}({_CAP}[a-zåäöéü]+)((?:\s+{_CAP}[a-zåäöéü]+(?:-{_CAP}[a-zåäöéü]+)?){{1,2}}){_NB}"
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
def _rules() -> _Rules:
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
        # "logopedgruppen", "Pedagog- och logopedgruppen", "Barn och elevhälsan", "projektgruppen Fritids.nu"
        group_compound=re.compile(
            rf"(?P<first>{_L}+-?\s+(?:och|eller)\s+)?(?P<head>{_L}[\wåäöéü-]*?(?:{groups}))"
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
        decision=re.compile(rf"{_NA}(?:{_alt(verbs['decision'])}){_NB}", re.IGNORECASE),
        deponent=frozenset(verbs["deponent"]),
        stative=frozenset(verbs["stative"]),
        openers=frozenset(verbs["adverbial_openers"]),
        not_passive=frozenset(verbs["not_passive"]),
        not_before_verb=frozenset(verbs["not_before_verb"]),
        prepositions=frozenset(verbs["prepositions"]),
        not_owner=re.compile(rf"{_NA}(?:{_alt(phrases['not_owner'])})\s+$", re.IGNORECASE),
        support=re.compile(
            rf"{_NA}(?:{_alt(phrases['support'])})\w*(?:\s+\S+){{0,4}}?\s+från\s+", re.IGNORECASE
        ),
        burden=re.compile(rf"{_NA}(?:{_alt(phrases['burden'])})\s+", re.IGNORECASE),
        label=re.compile(
            rf"(?:^|[\s(,;.])(?:{_alt(phrases['labels'])})\s*:\s*(?P<value>[^.;()]+)", re.IGNORECASE
        ),
        passive_av=re.compile(
            rf"{_NA}(?P<verb>{_L}{{2,}})\s+(?:(?:{particles})\s+)?av\s+(?=\S)", re.IGNORECASE
        ),
        kept_words=tuple(dl["kept"]),
        kept=re.compile(rf"{_NA}(?:{_alt(dl['kept'])})(?:\s+i)?\s+$", re.IGNORECASE),
        dropped=re.compile(rf"{_NA}(?:{_alt(dl['dropped'])})\s+$", re.IGNORECASE),
        not_before=re.compile(rf"{_NA}(?:{_alt(dl['not_before'])})(?:\s+\S+)?\s+$", re.IGNORECASE),
        lead=re.compile(rf"{_NA}(?:{_alt(phrases['lead'])})\s+", re.IGNORECASE),
        duty=re.compile(rf"\s+(?:{_alt(phrases['duty'])}){_NB}", re.IGNORECASE),
        quantifier=re.compile(rf"(?:{_alt(phrases['quantifiers'])})\s+(?=\S)", re.IGNORECASE),
        time_label=re.compile(rf"{_NA}(?:{_alt(dl['labels'])})\s*:\s*$", re.IGNORECASE),
        continuation=re.compile(rf"{_NA}(?:{_alt(dl['continuation'])}){_NB}", re.IGNORECASE),
        future=re.compile(rf"{_NA}(?:{_alt(dl['future'])}){_NB}", re.IGNORECASE),
    )


@dataclass(frozen=True)
class _Agent:
    """An agent noun phrase found at a position: its label as written, kind and end offset."""

    label: str
    kind: str
    end: int


# ---------------------------------------------------------------------------------------------- agents


def _is_not_unit(word: str) -> bool:
    low = word.casefold()
    return any(low.startswith(stem) or f"-{stem}" in low or low.endswith(stem) for stem in _rules().not_units)


def _generic(label: str) -> bool:
    """A school form or generic noun, also in the genitive ("Skolan", "skolans", "Förskolans")."""
    low = label.casefold()
    generic = _rules().generic
    return low in generic or (low.endswith("s") and low[:-1] in generic)


def _school(text: str, pos: int) -> _Agent | None:
    r = _rules()
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
        return _Agent(label, "organisation", m.end())
    return None


def _group(text: str, pos: int) -> _Agent | None:
    r = _rules()
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
        nxt = _WORD.match(text, end + 1) if end < len(text) and text[end] == " " else None
        if not (nxt and _finite(nxt.group(0), "")):
            end = m.end("head")
    if start != pos:
        return None
    return _Agent(text[start:end], "organisation", end)


@lru_cache(maxsize=1)
def _abbreviations() -> re.Pattern[str]:
    return re.compile(rf"(?:{_alt(lexicon().abbreviations)}){_NB}")


_BITR = re.compile(r"(?:biträdande|bitr\.)\s+", re.IGNORECASE)


def _role(text: str, pos: int) -> _Agent | None:
    lex = lexicon()
    m = _BITR.match(text, pos)
    q = m.end() if m else pos
    role = lex.role.match(text, q)
    if role and role.group(0).casefold() not in lex.not_roles and len(role.group(0)) >= 4:
        return _Agent(text[pos : role.end()], "role", role.end())
    abbr = _abbreviations().match(text, pos)
    if abbr and abbr.group(0) in lex.abbreviations:
        return _Agent(abbr.group(0), "role", abbr.end())
    return None


def _body(text: str, pos: int) -> _Agent | None:
    lex = lexicon()
    m = lex.body_name_re.match(text, pos)
    if m:
        return _Agent(m.group(0), lex.body_names.get(m.group(0), "organisation"), m.end())
    for pattern in lex.org_patterns:
        m = pattern.match(text, pos)
        if m:
            return _Agent(m.group(0).strip(), "organisation", m.end())
    for pattern, kind in lex.body_heads:
        m = pattern.match(text, pos)
        if m:
            return _Agent(m.group(0), kind, m.end())
    return None


def _person(text: str, pos: int) -> _Agent | None:
    m = _PERSON.match(text, pos)
    if not m or m.group(1) not in lexicon().first_names:
        return None
    return _Agent(m.group(0), "person", m.end())


def _noun(text: str, pos: int) -> _Agent | None:
    r = _rules()
    m = r.agent_noun.match(text, pos)
    if m:
        return _Agent(m.group(0), "organisation", m.end())
    return None


_DETERMINER = re.compile(r"(?:den|det|de)\s+(?:[a-zåäö]+[ae]\s+){1,2}(?=\S)", re.IGNORECASE)
_ADJECTIVE = re.compile(r"[A-ZÅÄÖa-zåäö][a-zåäö]+a\s+(?=\S)")  # "Centrala", "regionala" (definite forms)
_GENITIVE_TAIL = re.compile(rf"\s+(?={_L})")
_GENERIC_GENITIVE = re.compile(r"[\wåäöÅÄÖ-]+s(?=\s)")


@lru_cache(maxsize=8192)
def _agent_at(text: str, pos: int, modifiers: bool = True, adjectives: bool = True) -> _Agent | None:
    """The agent noun phrase that starts at ``pos``: a determiner ("den regionala"), a quantifier ("Alla")
    or a definite adjective ("Centrala") may come first; a genitive ("Skolans rektor") may own a role."""
    if modifiers:
        m = _DETERMINER.match(text, pos)
        if m:
            inner = _agent_at(text, m.end(), modifiers=False)
            if inner is None:
                return None
            label_start = text.index(" ", pos) + 1
            return _Agent(text[label_start : inner.end].strip(), inner.kind, inner.end)
        m = _rules().quantifier.match(text, pos) or (_ADJECTIVE.match(text, pos) if adjectives else None)
        if m:
            inner = _agent_at(text, m.end(), modifiers=False)
            if inner is not None and (inner.kind != "person"):
                return _Agent(text[pos : inner.end], inner.kind, inner.end)
    g = _GENERIC_GENITIVE.match(text, pos)
    if g and _generic(g.group(0)):
        head = _role(text, g.end() + 1) or _group(text, g.end() + 1) or _body(text, g.end() + 1)
        return _Agent(text[pos : head.end], head.kind, head.end) if head else None
    for finder in (_person, _school, _group, _role, _body, _noun):
        agent = finder(text, pos)
        if agent is None or agent.end <= pos:
            continue
        return _genitive(text, pos, agent)
    return None


def _genitive(text: str, pos: int, agent: _Agent) -> _Agent | None:
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
        return _Agent(text[pos : head.end], head.kind, head.end)
    return None


def _genitive_base(text: str, pos: int) -> _Agent | None:
    """The agent a genitive at ``pos`` names ("rektors" -> rektor, "förvaltningens" -> förvaltningen)."""
    word = _WORD.match(text, pos)
    if not word or not word.group(0).endswith("s"):
        return None
    base = _agent_at(text[: word.end() - 1], pos, modifiers=False)
    if base is None or base.end != word.end() - 1:
        return None
    return base


def _agents_at(text: str, pos: int, adjectives: bool = True) -> tuple[list[_Agent], int]:
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


def _finite(word: str, previous: str | None = None) -> bool:
    """Whether a word is (likely) a finite verb: listed, or with a verb ending and not after a preposition,
    a determiner or a numeral ("för lärare", "tre träffar")."""
    w = word.casefold()
    if w in _rules().finite or w in _rules().deponent:
        return True
    if w in _rules().prepositions or w in _rules().not_before_verb:
        return False  # "under", "efter" end like verbs
    if previous is not None and previous.casefold() in _rules().not_before_verb:
        return False
    if not word[:1].islower() and previous is not None:
        return False  # mid-sentence, a capitalised word is a name ("Einar"), not a verb
    return bool(_VERBISH.fullmatch(w)) and not lexicon().role.fullmatch(word)  # "direktör" is no verb


def _passive(word: str) -> bool:
    w = word.casefold()
    r = _rules()
    return (
        len(w) > 2
        and w.endswith("s")
        and w not in r.deponent
        and w not in r.not_passive
        and not w.endswith(("ss", "ens", "ets", "ns", "ers", "ars", "ors"))
    )


def _words(text: str, pos: int, limit: int) -> list[tuple[str, int]]:
    return [(m.group(0), m.start()) for m in _WORD.finditer(text, pos)][:limit]


def _verb_after(text: str, end: int, strict: bool = False) -> tuple[str, int] | None:
    """The finite verb after a subject ending at ``end``: skips a modifier ("för förskolan", "i samarbete
    med X", ", rektor,"); None when no finite verb follows soon or the subject is followed by a clause.
    ``strict``: the verb must follow at once (mid-sentence, "lärare och pedagoger med ..." is no clause)."""
    words = _words(text, end, 10)
    if not words:
        return None
    rest = text[end : words[0][1]]
    if rest.strip() and rest.strip() not in {",", "–", "-"}:
        return None
    first, start = words[0]
    if not rest.strip() and (_finite(first, "") or _passive(first)):
        return first, start
    if strict:
        return None
    if rest.strip() == "," and first.casefold() in _rules().finite:
        return first, start
    if rest.strip() == ",":
        # An apposition set off by commas: "Anna Berg, rektor, ansvarar"
        close = text.find(",", start)
        if 0 < close - start < 40:
            nxt = _WORD.search(text, close + 1)
            if nxt and (_finite(nxt.group(0)) or _passive(nxt.group(0))):
                return nxt.group(0), nxt.start()
        return None
    if first.casefold() not in _rules().prepositions:
        return None
    for k in range(1, min(len(words), 8)):
        word, pos = words[k]
        if word.casefold() in {"som", "vilket", "vilka", "där"}:
            return None
        if _finite(word, words[k - 1][0]):
            return word, pos
    return None


def _active(text: str, verb: str, pos: int) -> bool:
    """Whether the verb cluster from ``pos`` is active and not a copula: "arbetar", "kommer att leda"
    (not "läggs ned", "har byggts", "ska genomföras", "har ... införts", "är en skola", "beslutar att")."""
    r = _rules()
    low = verb.casefold()
    if low in {"ges", "gavs"} and re.match(
        r"\s+(?:\w+\s+)?(?:i\s+uppdrag|uppdraget)\b", text[pos + len(verb) :]
    ):
        return True  # "Rektorerna ges i uppdrag att": the subject receives the task
    if _passive(verb):
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
        for word, _p in _words(text, pos + len(verb), 5):
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
    words = _words(text, end, 6)
    if not words:
        return True
    first = words[0][0].casefold()
    if first in {"en", "ett", "inga", "ingen", "många", "flera", "fler", "god", "goda", "stor", "stora"}:
        return True
    if first[:1].isdigit():
        return True
    return not any(_SUPINE.fullmatch(w.casefold()) for w, _p in words[:5] if w[:1].islower())


_PRONOUNS = frozenset({"denna", "detta", "dessa", "den", "det", "de", "han", "hon", "vi", "man", "ni", "jag"})


def _clause(text: str) -> str:
    """How a sentence's main clause is built: "verbless" ("Fortsatt arbete med X."), "subjectless" (it
    opens with its verb: "Ansvarar för X."), "passive" (no agent: "Åtgärder har gjorts") or "active"."""
    if _infinitive_task(text[_start(text) :]):
        return "subjectless"
    words = _words(text, _start(text), 40)
    for k, (word, pos) in enumerate(words):
        previous = words[k - 1][0] if k else None
        if k == 1 and previous.casefold() in _PRONOUNS:
            previous = None  # "Denna genomfördes ...": a pronoun is the subject, not a determiner
        if not (
            _finite(word, previous)
            or (k > 0 and _passive(word) and previous and previous.casefold() not in _rules().not_before_verb)
        ):
            continue
        if k == 0:
            return "subjectless"
        return "active" if _active(text, word, pos) else "passive"
    return "verbless"


# ---------------------------------------------------------------------------------------------- rules


def _owners(agents: Sequence[_Agent]) -> list[Owner]:
    out: list[Owner] = []
    for a in agents:
        label = a.label.strip(" ,.:;")
        if label and not any(o.label.casefold() == label.casefold() for o in out):
            out.append(Owner(label, a.kind))
    return out


def _subject(text: str, pos: int, strict: bool = False) -> list[_Agent]:
    """The agents that are the subject of an active finite verb, reading from ``pos``."""
    agents, end = _agents_at(text, pos)
    if not agents:
        return []
    verb = _verb_after(text, end, strict)
    if verb is None or not _active(text, *verb):
        return []
    return agents


def _label_owners(text: str) -> list[Owner]:
    m = _rules().label.search(text)
    return parse_owners(m.group("value")) if m else []


_TASK_GIVEN_TO = re.compile(
    r"\buppdrag(?:et|en)?\s+(?:ges|gavs|lämnas|lämnades|går|gick|överlämnas)\s+till\s+", re.IGNORECASE
)


def _commissioned(text: str) -> list[_Agent]:
    """ "ger förvaltningen i uppdrag att", "uppdrar åt rektor att": the one given the task."""
    for m in re.finditer(r"\b(?:ger|gav|ge|uppdrar|uppdrog|uppdra)\s+(?:åt\s+)?", text, re.IGNORECASE):
        agents, end = _agents_at(text, m.end())
        if agents and re.match(r"\s+(?:i\s+uppdrag|uppdraget|att)\b", text[end:], re.IGNORECASE):
            return agents
    m = _TASK_GIVEN_TO.search(text)
    if m:
        return _agents_at(text, m.end())[0]
    return []


def _by_agent(text: str) -> list[_Agent]:
    """The agent of a passive: "leds av skolchef", "genomförs av elevhälsan", "följs upp av rektor"."""
    r = _rules()
    for m in r.passive_av.finditer(text):
        verb = m.group("verb")
        low = verb.casefold()
        participle = re.fullmatch(r"\w{3,}(?:ad|at|ade|d|t|da|dd|tt|dda|gen|get|gna)", low)
        if low in r.not_passive or not (_passive(verb) or participle):
            continue
        if r.not_owner.search(text[: m.end()]):
            continue
        agents, _ = _agents_at(text, m.end())
        if agents:
            return agents
    return []


def _inverted(text: str) -> list[_Agent]:
    """The subject after the finite verb when an adverbial comes first ("Under våren kommer rektor att")."""
    words = _words(text, 0, 14)
    opener = words[0][0].casefold() if words else ""
    if opener not in _rules().openers and not opener.endswith(("vis", "ligen")):
        return []  # the first constituent is no adverbial: it is the subject itself
    for k in range(1, len(words)):
        word, pos = words[k]
        if not _finite(word, words[k - 1][0]):
            continue
        if not _active(text, word, pos):
            return []
        gap = re.match(r"\s+", text[pos + len(word) :])
        if not gap:
            return []
        # after the verb, "behöriga handledare" (an indefinite adjective) is an object, not the subject
        agents, end = _agents_at(text, pos + len(word) + gap.end(), adjectives=False)
        if agents and _clause_ok(text, end):
            return agents
        return []
    return []


def _clause_ok(text: str, end: int) -> bool:
    """After an inverted subject comes the rest of the clause, not a genitive or a noun."""
    nxt = _WORD.match(text, end + 1) if end < len(text) and text[end] == " " else None
    return nxt is None or not nxt.group(0)[0].isupper()


def _partners(text: str, pos: int) -> bool:
    """Whether ``pos`` lies in a partner phrase ("i samarbete med rektor, EHT och ...")."""
    r = _rules()
    window = text[max(0, pos - 80) : pos]
    found = list(re.finditer(r.not_owner.pattern.removesuffix(r"\s+$") + r"\s", window, re.IGNORECASE))
    if not found:
        return False
    m = found[-1]
    if m is None:
        return False
    between = window[m.end() :]
    return not re.search(r"[.;:]", between) and not any(_finite(w) for w, _ in _words(between, 0, 12))


def _coordinated(text: str, pos: int) -> bool:
    """Whether "och" at ``pos`` joins two nouns ("nämnder och utskott", "Barn- och utbildningsnämnden")
    rather than two clauses: the word before it is an agent or a compound's first part."""
    before = text[:pos].rstrip()
    if before.endswith("-"):
        return True
    word = re.search(rf"{_L}+$", before)
    return bool(word) and owner_kind(word.group(0)) is not None


def _in_clause(text: str) -> list[_Agent]:
    """The subject of a clause after "och", "men" or "att" ("... och regionförbundet ger processtöd",
    "beslutar att förvaltningen tar fram")."""
    for m in re.finditer(r"(?:,\s*|\s)(?P<conj>och|men|samt|att|så\s+att|där)\s+", text):
        if _partners(text, m.end()):
            continue
        if m.group("conj") in {"och", "samt"} and _coordinated(text, m.start()):
            continue
        agents = _subject(text, m.end(), strict=True)
        if agents:
            return agents
    return []


def _means(text: str) -> list[_Agent]:
    """The means by which something is done, when it is an agent: "genom projektgruppen X"."""
    for m in re.finditer(r"\bgenom\s+", text, re.IGNORECASE):
        agents, _ = _agents_at(text, m.end())
        if agents:
            return agents
    return []


def _giver(text: str) -> list[_Agent]:
    """The giver of support: "stöd från arbetsgivaren", "handledning från elevhälsan"."""
    for m in _rules().support.finditer(text):
        agents, _ = _agents_at(text, m.end())
        if agents:
            return agents
    return []


def _duty(text: str) -> list[_Agent]:
    """The owner of a responsibility in the genitive: "Det är rektors ansvar", "förvaltningens uppdrag"."""
    for m in _rules().duty.finditer(text):
        word = re.search(rf"{_L}+s$", text[: m.start()])
        if word:
            base = _genitive_base(text, word.start())
            if base is not None:
                return [base]
    return []


def _leader(text: str) -> list[_Agent]:
    """The one who leads: "i regi av X", "under ledning av X"."""
    for m in _rules().lead.finditer(text):
        agents, _ = _agents_at(text, m.end())
        if agents:
            return agents
    return []


_RESPONSIBLE_IS = re.compile(
    r"^(?:ansvarig|ansvariga|huvudansvarig|ytterst\s+ansvarig)\b[^.;:]{0,80}?\s(?:är|blir)\s+", re.IGNORECASE
)


def _named_responsible(text: str) -> list[_Agent]:
    """ "Ansvarig för genomförandet är kvalitetsstrategen": the predicate names the owner."""
    m = _RESPONSIBLE_IS.match(text)
    if not m:
        return []
    agents, _ = _agents_at(text, m.end())
    return agents


def _bearer(text: str) -> list[_Agent]:
    """The bearer of a responsibility: "ansvaret vilar på X", "det åligger rektor"."""
    for m in _rules().burden.finditer(text):
        agents, _ = _agents_at(text, m.end())
        if agents:
            return agents
    return []


_NOTE = re.compile(
    r"(?:\((?P<paren>[^()]{2,80})\)|(?<=[^\d\s])\s[–—-]\s+(?P<dash>[^–—()]{2,60}?))\s*[.]?\s*$"
)


def _note_parts(text: str) -> list[str]:
    """The parts of a note at the end of an item: "(rektor, VT26)", " – elevhälsoteamet"."""
    m = _NOTE.search(text)
    if not m:
        return []
    return [p.strip() for p in re.split(r"[,;]|\s+och\s+", m.group("paren") or m.group("dash")) if p.strip()]


def _noted(text: str) -> list[_Agent]:
    """Owners in a note at the end of an item whose parts are all owners or times ("(rektor, VT26)")."""
    parts = _note_parts(text)
    agents: list[_Agent] = []
    for part in parts:
        whole = _whole(part)
        if whole:
            agents.extend(whole)
        elif not _is_time(part):
            return []
    return agents


def _is_time(part: str) -> bool:
    """Whether a text is a time as a whole ("VT26", "klart december 2025")."""
    found = find_dates(part)
    if len(found) != 1 or found[0].char_start is None:
        return False
    rest = (part[: found[0].char_start] + part[found[0].char_end :]).strip(" :").casefold()
    return rest in {"", *[w.casefold() for w in _rules().kept_words]}


def _start(text: str) -> int:
    """Where a sentence's words start (after a list marker, quotes and brackets)."""
    _kind, rest, offset = split_marker(text)
    lead = len(rest) - len(rest.lstrip(" \"'”“«(–-"))
    return offset + lead


def _dehyphen(text: str) -> str:
    """Unicode hyphens as ASCII ("Barn‐ och elevhälsan")."""
    return text.replace("\u2010", "-").replace("\u2011", "-")


def owners_in_sentence(text: str, exclude: Iterable[str] = ()) -> list[Owner]:
    """The owners a sentence names: an "Ansvar:" label, its active subject, the agent of its passive, the
    commissioned, the giver of support, the means or the bearer of responsibility, as written.

    ``exclude`` names agents that never own (the document's own organisation, "vi" in other words)."""
    text = _dehyphen(normalise(text))
    skip = {e.casefold() for e in exclude}
    labelled = _label_owners(text)
    if labelled:
        return [o for o in labelled if o.label.casefold() not in skip]
    start = _start(text)
    body = text[start:]
    subject = _subject(text, start)
    if subject and all(a.label.strip(" ,.").casefold() in skip for a in subject):
        return []  # the document's own organisation acts: no owner is named
    decided = subject == [] and bool(_agents_at(text, start)[0]) and bool(_rules().decision.search(body[:80]))
    for rule in (
        lambda: _commissioned(body),
        lambda: subject,
        lambda: _by_agent(body),
        lambda: [] if decided else _inverted(body),
        lambda: _in_clause(body),
        lambda: _means(body),
        lambda: _giver(body),
        lambda: _bearer(body),
        lambda: _duty(body),
        lambda: _leader(body),
        lambda: _named_responsible(body),
        lambda: _noted(body),
    ):
        found = [a for a in rule() if a.label.strip(" ,.").casefold() not in skip]
        if found:
            return _owners(found)
    return []


def anaphor_in_sentence(text: str) -> str | None:
    """The bare group noun a sentence opens with ("Gruppen gör ...", "Enheten ansvarar"), lower case."""
    text = normalise(text)
    start = _start(text)
    m = _rules().anaphor.match(text, start)
    if not m:
        return None
    verb = _verb_after(text, m.end())
    return m.group(0).casefold() if verb and _active(text, *verb) else None


def _whole(text: str) -> list[_Agent]:
    """The agents a text wholly consists of ("Presidium", "Ordförande/Skol- och utbildningschefer")."""
    agents, end = _agents_at(text, 0)
    return agents if agents and end == len(text) else []


def unit_in_heading(text: str) -> str | None:
    """The organisational unit (or role) a heading wholly names ("Barn- och elevhälsan", "Björkskolan",
    "Presidium", "3.2 Rektor"), as written; None for other headings and for school forms ("Förskolan")."""
    _kind, rest, _offset = split_marker(normalise(text))
    rest = re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", rest).strip(" :.–-")
    if not rest or rest.casefold() in _rules().generic or len(rest.split()) > 8:
        return None
    if rest.isupper() and len(rest.split()) > 1:
        return None  # a shouted heading names a theme ("UTVECKLA LEDARES LEDARSKAP")
    return rest if _whole(rest) else None


_AUTHOR = re.compile(r"(?:vi|man)\s", re.IGNORECASE)
_RUN_IN = re.compile(r"^(?P<head>[^:.;]{3,80}?)\s*:\s+\S")


def _run_in_unit(block: str) -> str | None:
    """A run-in heading that names a unit: "Tallby skola med förskolor +1,2 miljoner kronor: ..."."""
    m = _RUN_IN.match(normalise(block))
    if not m:
        return None
    agents, _ = _agents_at(m.group("head"), 0)
    if len(agents) == 1 and agents[0].kind == "organisation":
        return agents[0].label
    return None


def _same_head(anaphor: str, label: str) -> bool:
    return label.casefold().endswith(anaphor) or label.casefold().split()[0].endswith(anaphor)


def owners_in_context(
    sentence: str,
    block: str | None = None,
    headings: Sequence[str] = (),
    exclude: Iterable[str] = (),
    before: Sequence[str] = (),
    labels: Sequence[str] = (),
    topics: Sequence[str] = (),
    item: bool | None = None,
) -> list[Owner]:
    """The owners of an activity sentence, from the sentence and, when it names none, from its setting:
    a run-in heading of its block, the group an anaphor ("Gruppen ...") points back to, the subject of
    another sentence of its list item, a label line of its section ("Ansvarig: rektor" after a list), and
    the nearest heading (innermost first) that names a unit.

    ``block`` is the text of the block holding the sentence, ``headings`` its heading path (outermost
    first), ``before`` the texts of earlier blocks of its section (nearest last), ``labels`` the label lines
    of its section, ``topics`` its earlier paragraphs (for a task in the infinitive), ``item`` whether the
    block is one item (a list item or a short paragraph: its sentences describe one activity; default: a
    block under 600 characters), ``exclude`` the agents that never own (the document's own organisation)."""
    exclude = list(exclude)
    skip = {e.casefold() for e in exclude}
    own = owners_in_sentence(sentence, exclude)
    anaphor = anaphor_in_sentence(sentence)
    if own and anaphor is None:
        return own
    block_text = normalise(block or "")
    sentence_norm = normalise(sentence)
    at = block_text.find(sentence_norm) if block_text else -1
    if anaphor is not None:
        earlier = [block_text[:at]] if at > 0 else []
        for text in [*earlier, *reversed(list(before))]:
            for s, e in reversed(sentences(text)):
                for o in owners_in_sentence(text[s:e], exclude) + _mentioned_groups(text[s:e]):
                    if _same_head(anaphor, o.label) and o.label.casefold() != anaphor:
                        return [o]
    if own:
        return own
    if _clause(sentence_norm) == "active" and not _AUTHOR.match(sentence_norm):
        return []  # the sentence has its own subject, and it is no agent ("vi" is the author: no agent named)
    if block_text:
        unit = _run_in_unit(block_text)
        if unit and unit.casefold() not in skip:
            return [Owner(unit, "organisation")]
        spans = sentences(block_text)
        one_item = item if item is not None else _listish(block_text)
        if at >= 0 and 1 < len(spans) <= 4 and one_item:
            for s, e in spans:
                if s <= at < e:
                    continue
                other = owners_in_sentence(block_text[s:e], exclude)
                if other and anaphor_in_sentence(block_text[s:e]) is None:
                    return other
    for line in labels:
        labelled = [o for o in _label_owners(normalise(line)) if o.label.casefold() not in skip]
        if labelled:
            return labelled
    if _infinitive_task(sentence_norm):
        topic = _topic(topics, exclude)
        if topic:
            return topic
    for heading in reversed(list(headings)):
        unit = unit_in_heading(heading)
        if unit and unit.casefold() not in skip:
            return _owners(_whole(unit))
    return []


# A task written as an infinitive: "Synliggöra ...", "Genomföra ...", "Utveckla ..." (no subject of its own);
# not a plural noun ("Skolorna"), nor an adjective ("Gemensamma", "Digitala", "Tydliga").
_INFINITIVE_TASK = re.compile(
    r"(?![A-ZÅÄÖ][a-zåäö]*(?:na|iga|ala|ella|ska|mma|tta)\s)[A-ZÅÄÖ][a-zåäö]{2,}a\s+(?!och\b)[a-zåäö]"
)


def _infinitive_task(text: str) -> bool:
    """Whether a sentence opens with an infinitive (a task without a subject)."""
    first = text.split(maxsplit=1)[0].casefold() if text.strip() else ""
    r = _rules()
    return (
        bool(_INFINITIVE_TASK.match(text))
        and first not in r.not_name_words
        and not r.quantifier.match(first + " x")
    )


def _topic(paragraphs: Sequence[str], exclude: Iterable[str]) -> list[Owner]:
    """The agent a section's running text is about: the subject of its nearest earlier sentence that has
    one (an anaphor resolved further back), skipping a lead-in that gives the tasks ("X ger följande
    uppdrag")."""
    pending: str | None = None
    for text in reversed(list(paragraphs)):
        norm = normalise(text)
        for s, e in reversed(sentences(norm)):
            sentence = norm[s:e]
            if re.search(r"\b(?:ger|gav|uppdrar|uppdrog)\b[^.]*\buppdrag", sentence, re.IGNORECASE):
                continue  # the one who commissions the tasks does not carry them out
            anaphor = anaphor_in_sentence(sentence)
            if anaphor and pending is None:
                pending = anaphor
                continue
            own = owners_in_sentence(sentence, exclude)
            if own and (pending is None or any(_same_head(pending, o.label) for o in own)):
                return own
    return []


def owners_in_document(doc: ParsedDocument, block: int, text: str | None = None) -> list[Owner]:
    """The owners of an activity quoted from ``doc.blocks[block]`` (``text``: its quote, default the whole
    block): the owners its sentences name, in order, else those of its setting (:func:`owners_in_context`
    with the block, its heading path and the earlier blocks of its section). The document's own organisation
    and issuing body (its metadata) never own: a report's "X fortsätter sitt arbete" names no owner."""
    b = doc.blocks[block]
    quote = normalise(text if text is not None else b.text)
    exclude = [x for x in (doc.metadata.organisation, doc.metadata.body) if x]
    spans = sentences(quote) or [(0, len(quote))]
    for s, e in spans:
        own = owners_in_sentence(quote[s:e], exclude)
        if own and anaphor_in_sentence(quote[s:e]) is None:
            return own
    first = quote[spans[0][0] : spans[0][1]]
    labels = _section_labels(doc, block)
    before = _section_before(doc, block)
    topics = [
        doc.blocks[j].text for j in _section_run(doc, block) if doc.blocks[j].kind is BlockKind.PARAGRAPH
    ]
    item = b.kind is BlockKind.LIST_ITEM or len(sentences(normalise(b.text))) <= 3
    return owners_in_context(first, b.text, b.section, exclude, before, labels, topics, item)


def _section_run(doc: ParsedDocument, block: int, limit: int = 8) -> list[int]:
    """Indices of up to ``limit`` blocks before ``block`` under the same headings, in order."""
    section = doc.blocks[block].section
    out: list[int] = []
    for j in range(block - 1, max(-1, block - 1 - limit), -1):
        if doc.blocks[j].section != section:
            break
        out.append(j)
    return out[::-1]


def deadline_in_context(sentence: str, block: str | None = None, labels: Sequence[str] = ()) -> str | None:
    """The deadline of an activity sentence: its own (:func:`deadline_in_sentence`), else a labelled time
    in another sentence of its list item ("... Ansvarig: rektor. Klart: juni 2025."), else a label line of
    its section ("Tidplan: hösten 2025" after a list)."""
    own = deadline_in_sentence(sentence)
    if own:
        return own
    block_text = normalise(block or "")
    texts = [block_text[s:e] for s, e in sentences(block_text)] if _listish(block_text) else []
    texts += [line[s:e] for line in labels for s, e in sentences(normalise(line))]
    for text in texts:
        if _TIME_LABEL_LINE.search(text):
            found = deadline_in_sentence(text)
            if found:
                return found
    return None


def deadline_in_document(doc: ParsedDocument, block: int, text: str | None = None) -> str | None:
    """The deadline of an activity quoted from ``doc.blocks[block]`` (``text``: its quote, default the
    whole block), from the quote, its list item or a label line of its section (see deadline_in_context)."""
    b = doc.blocks[block]
    quote = normalise(text if text is not None else b.text)
    return deadline_in_context(quote, b.text, _section_labels(doc, block))


_TIME_LABEL_LINE = re.compile(
    r"(?:^|[\s(,;.])(?:klart|klar|tidplan|tidsplan|tidsram|tid|när|deadline|slutdatum|datum)\s*:",
    re.IGNORECASE,
)


def _section_labels(doc: ParsedDocument, block: int, limit: int = 12) -> list[str]:
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
        if _rules().label.match(rest) or _TIME_LABEL_LINE.match(rest):
            found.append((abs(j - block), rest))
    return [t for _d, t in sorted(found)]


def _section_before(doc: ParsedDocument, block: int, limit: int = 6) -> list[str]:
    """The texts of up to ``limit`` blocks before ``block`` under the same headings, nearest last."""
    section = doc.blocks[block].section
    out: list[str] = []
    for j in range(block - 1, max(-1, block - 1 - limit), -1):
        if doc.blocks[j].section != section:
            break
        out.append(doc.blocks[j].text)
    return out[::-1]


def _listish(block: str) -> bool:
    """A short block (a list item or a short paragraph) whose sentences describe one activity."""
    return len(block) <= 600


def _mentioned_groups(text: str) -> list[Owner]:
    """Groups named anywhere in a text ("... genom projektgruppen X"), for resolving an anaphor."""
    out: list[Owner] = []
    for m in re.finditer(rf"{_NA}(?=\S)", text):
        agent = _group(text, m.start())
        if agent is not None:
            out.append(Owner(agent.label, agent.kind))
    return out


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
    words = [w.casefold() for w, _p in _words(before[-60:], 0, 20)][-2:]
    if words and words[-1] in _PARTICLES:
        words = words[:-1]
    if not words:
        return False
    last = words[-1]
    return not _PAST.fullmatch(last) and (last.endswith(("s", "r")) and _finite(last) or _passive(last))


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
    r = _rules()
    parts = _note_parts(text)
    for part in reversed(parts):
        if _is_time(part) and all(_is_time(p) or _whole(p) for p in parts):
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
