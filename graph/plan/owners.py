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

The deadline rules are in :mod:`graph.plan.deadlines` (re-exported here); the grammar they share
(agent phrases, verbs, word lists) in :mod:`graph.plan.prose`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from graph.plan.actors import owner_kind, parse_owners
from graph.plan.deadlines import deadline_in_context, deadline_in_document, deadline_in_sentence
from graph.plan.model import Owner
from graph.plan.prose import (
    LETTER,
    NO_WORD_BEFORE,
    WORD,
    Agent,
    agents_at,
    clause_kind,
    dehyphen,
    genitive_base,
    group_at,
    infinitive_task,
    is_active,
    is_finite,
    is_passive,
    is_time,
    note_parts,
    one_item,
    rules,
    section_before,
    section_labels,
    section_run,
    verb_after,
    whole_agents,
    word_spans,
    words_start,
)
from graph.plan.text import normalise, sentences, split_marker
from ingest.model import BlockKind, ParsedDocument

__all__ = [
    "anaphor_in_sentence",
    "deadline_in_context",
    "deadline_in_document",
    "deadline_in_sentence",
    "owners_in_context",
    "owners_in_document",
    "owners_in_sentence",
    "unit_in_heading",
]

# ---------------------------------------------------------------------------------------------- rules


def _owners(agents: Sequence[Agent]) -> list[Owner]:
    out: list[Owner] = []
    for a in agents:
        label = a.label.strip(" ,.:;")
        if label and not any(o.label.casefold() == label.casefold() for o in out):
            out.append(Owner(label, a.kind))
    return out


def _subject(text: str, pos: int, strict: bool = False) -> list[Agent]:
    """The agents that are the subject of an active finite verb, reading from ``pos``."""
    agents, end = agents_at(text, pos)
    if not agents:
        return []
    verb = verb_after(text, end, strict)
    if verb is None or not is_active(text, *verb):
        return []
    return agents


def _label_owners(text: str) -> list[Owner]:
    m = rules().label.search(text)
    return parse_owners(m.group("value")) if m else []


_TASK_GIVEN_TO = re.compile(
    r"\buppdrag(?:et|en)?\s+(?:ges|gavs|lämnas|lämnades|går|gick|överlämnas)\s+till\s+", re.IGNORECASE
)


def _commissioned(text: str) -> list[Agent]:
    """ "ger förvaltningen i uppdrag att", "uppdrar åt rektor att": the one given the task."""
    for m in re.finditer(r"\b(?:ger|gav|ge|uppdrar|uppdrog|uppdra)\s+(?:åt\s+)?", text, re.IGNORECASE):
        agents, end = agents_at(text, m.end())
        if agents and re.match(r"\s+(?:i\s+uppdrag|uppdraget|att)\b", text[end:], re.IGNORECASE):
            return agents
    m = _TASK_GIVEN_TO.search(text)
    if m:
        return agents_at(text, m.end())[0]
    return []


def _by_agent(text: str) -> list[Agent]:
    """The agent of a passive: "leds av skolchef", "genomförs av elevhälsan", "följs upp av rektor"."""
    r = rules()
    for m in r.passive_av.finditer(text):
        verb = m.group("verb")
        low = verb.casefold()
        participle = re.fullmatch(r"\w{3,}(?:ad|at|ade|d|t|da|dd|tt|dda|gen|get|gna)", low)
        if low in r.not_passive or not (is_passive(verb) or participle):
            continue
        if r.not_owner.search(text[: m.end()]):
            continue
        agents, _ = agents_at(text, m.end())
        if agents:
            return agents
    return []


def _inverted(text: str) -> list[Agent]:
    """The subject after the finite verb when an adverbial comes first ("Under våren kommer rektor att")."""
    words = word_spans(text, 0, 14)
    opener = words[0][0].casefold() if words else ""
    if opener not in rules().openers and not opener.endswith(("vis", "ligen")):
        return []  # the first constituent is no adverbial: it is the subject itself
    for k in range(1, len(words)):
        word, pos = words[k]
        if not is_finite(word, words[k - 1][0]):
            continue
        if not is_active(text, word, pos):
            return []
        gap = re.match(r"\s+", text[pos + len(word) :])
        if not gap:
            return []
        # after the verb, "behöriga handledare" (an indefinite adjective) is an object, not the subject
        agents, end = agents_at(text, pos + len(word) + gap.end(), adjectives=False)
        if agents and _clause_ok(text, end):
            return agents
        return []
    return []


def _clause_ok(text: str, end: int) -> bool:
    """After an inverted subject comes the rest of the clause, not a genitive or a noun."""
    nxt = WORD.match(text, end + 1) if end < len(text) and text[end] == " " else None
    return nxt is None or not nxt.group(0)[0].isupper()


def _partners(text: str, pos: int) -> bool:
    """Whether ``pos`` lies in a partner phrase ("i samarbete med rektor, EHT och ...")."""
    r = rules()
    window = text[max(0, pos - 80) : pos]
    found = list(re.finditer(r.not_owner.pattern.removesuffix(r"\s+$") + r"\s", window, re.IGNORECASE))
    if not found:
        return False
    m = found[-1]
    if m is None:
        return False
    between = window[m.end() :]
    return not re.search(r"[.;:]", between) and not any(is_finite(w) for w, _ in word_spans(between, 0, 12))


def _coordinated(text: str, pos: int) -> bool:
    """Whether "och" at ``pos`` joins two nouns ("nämnder och utskott", "Barn- och utbildningsnämnden")
    rather than two clauses: the word before it is an agent or a compound's first part."""
    before = text[:pos].rstrip()
    if before.endswith("-"):
        return True
    word = re.search(rf"{LETTER}+$", before)
    return bool(word) and owner_kind(word.group(0)) is not None


def _in_clause(text: str) -> list[Agent]:
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


def _means(text: str) -> list[Agent]:
    """The means by which something is done, when it is an agent: "genom projektgruppen X"."""
    for m in re.finditer(r"\bgenom\s+", text, re.IGNORECASE):
        agents, _ = agents_at(text, m.end())
        if agents:
            return agents
    return []


def _giver(text: str) -> list[Agent]:
    """The giver of support: "stöd från arbetsgivaren", "handledning från elevhälsan"."""
    for m in rules().support.finditer(text):
        agents, _ = agents_at(text, m.end())
        if agents:
            return agents
    return []


def _duty(text: str) -> list[Agent]:
    """The owner of a responsibility in the genitive: "Det är rektors ansvar", "förvaltningens uppdrag"."""
    for m in rules().duty.finditer(text):
        word = re.search(rf"{LETTER}+s$", text[: m.start()])
        if word:
            base = genitive_base(text, word.start())
            if base is not None:
                return [base]
    return []


def _leader(text: str) -> list[Agent]:
    """The one who leads: "i regi av X", "under ledning av X"."""
    for m in rules().lead.finditer(text):
        agents, _ = agents_at(text, m.end())
        if agents:
            return agents
    return []


_RESPONSIBLE_IS = re.compile(
    r"^(?:ansvarig|ansvariga|huvudansvarig|ytterst\s+ansvarig)\b[^.;:]{0,80}?\s(?:är|blir)\s+", re.IGNORECASE
)


def _named_responsible(text: str) -> list[Agent]:
    """ "Ansvarig för genomförandet är kvalitetsstrategen": the predicate names the owner."""
    m = _RESPONSIBLE_IS.match(text)
    if not m:
        return []
    agents, _ = agents_at(text, m.end())
    return agents


def _bearer(text: str) -> list[Agent]:
    """The bearer of a responsibility: "ansvaret vilar på X", "det åligger rektor"."""
    for m in rules().burden.finditer(text):
        agents, _ = agents_at(text, m.end())
        if agents:
            return agents
    return []


def _noted(text: str) -> list[Agent]:
    """Owners in a note at the end of an item whose parts are all owners or times ("(rektor, VT26)")."""
    parts = note_parts(text)
    agents: list[Agent] = []
    for part in parts:
        whole = whole_agents(part)
        if whole:
            agents.extend(whole)
        elif not is_time(part):
            return []
    return agents


def owners_in_sentence(text: str, exclude: Iterable[str] = ()) -> list[Owner]:
    """The owners a sentence names: an "Ansvar:" label, its active subject, the agent of its passive, the
    commissioned, the giver of support, the means or the bearer of responsibility, as written.

    ``exclude`` names agents that never own (the document's own organisation, "vi" in other words)."""
    text = dehyphen(normalise(text))
    skip = {e.casefold() for e in exclude}
    labelled = _label_owners(text)
    if labelled:
        return [o for o in labelled if o.label.casefold() not in skip]
    start = words_start(text)
    body = text[start:]
    subject = _subject(text, start)
    if subject and all(a.label.strip(" ,.").casefold() in skip for a in subject):
        return []  # the document's own organisation acts: no owner is named
    decided = subject == [] and bool(agents_at(text, start)[0]) and bool(rules().decision.search(body[:80]))
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
    start = words_start(text)
    m = rules().anaphor.match(text, start)
    if not m:
        return None
    verb = verb_after(text, m.end())
    return m.group(0).casefold() if verb and is_active(text, *verb) else None


def unit_in_heading(text: str) -> str | None:
    """The organisational unit (or role) a heading wholly names ("Barn- och elevhälsan", "Björkskolan",
    "Presidium", "3.2 Rektor"), as written; None for other headings and for school forms ("Förskolan")."""
    _kind, rest, _offset = split_marker(normalise(text))
    rest = re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", rest).strip(" :.–-")
    if not rest or rest.casefold() in rules().generic or len(rest.split()) > 8:
        return None
    if rest.isupper() and len(rest.split()) > 1:
        return None  # a shouted heading names a theme ("UTVECKLA LEDARES LEDARSKAP")
    return rest if whole_agents(rest) else None


_AUTHOR = re.compile(r"(?:vi|man)\s", re.IGNORECASE)
_RUN_IN = re.compile(r"^(?P<head>[^:.;]{3,80}?)\s*:\s+\S")


def _run_in_unit(block: str) -> str | None:
    """A run-in heading that names a unit: "Tallby skola med förskolor +1,2 miljoner kronor: ..."."""
    m = _RUN_IN.match(normalise(block))
    if not m:
        return None
    agents, _ = agents_at(m.group("head"), 0)
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
    if clause_kind(sentence_norm) == "active" and not _AUTHOR.match(sentence_norm):
        return []  # the sentence has its own subject, and it is no agent ("vi" is the author: no agent named)
    if block_text:
        unit = _run_in_unit(block_text)
        if unit and unit.casefold() not in skip:
            return [Owner(unit, "organisation")]
        spans = sentences(block_text)
        single = item if item is not None else one_item(block_text)
        if at >= 0 and 1 < len(spans) <= 4 and single:
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
    if infinitive_task(sentence_norm):
        topic = _topic(topics, exclude)
        if topic:
            return topic
    for heading in reversed(list(headings)):
        unit = unit_in_heading(heading)
        if unit and unit.casefold() not in skip:
            return _owners(whole_agents(unit))
    return []


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
    labels = section_labels(doc, block)
    before = section_before(doc, block)
    topics = [
        doc.blocks[j].text for j in section_run(doc, block) if doc.blocks[j].kind is BlockKind.PARAGRAPH
    ]
    item = b.kind is BlockKind.LIST_ITEM or len(sentences(normalise(b.text))) <= 3
    return owners_in_context(first, b.text, b.section, exclude, before, labels, topics, item)


def _mentioned_groups(text: str) -> list[Owner]:
    """Groups named anywhere in a text ("... genom projektgruppen X"), for resolving an anaphor."""
    out: list[Owner] = []
    for m in re.finditer(rf"{NO_WORD_BEFORE}(?=\S)", text):
        agent = group_at(text, m.start())
        if agent is not None:
            out.append(Owner(agent.label, agent.kind))
    return out
