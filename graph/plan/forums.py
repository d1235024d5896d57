"""Forums named in running text: a recurring meeting by the noun phrase of its meeting noun, or a group that
gathers at a stated frequency ("Förvaltningens ledningsgrupp träffas varje vecka", "Kvalitetsdialoger med
nämnden hålls två gånger per termin", "pedagogiska samtal en gång i månaden").

Pure functions of a sentence (word lists in cues.toml [meeting] and frequencies.toml); graph.plan.forum_rules
calls :func:`sentence_forum` for every sentence outside the sections it has already read.
"""

from __future__ import annotations

import re

from graph.plan.actors import parse_owners
from graph.plan.frequency import find_frequencies
from graph.plan.lexicon import lexicon
from graph.plan.text import fold, split_marker, word_count

_FREQUENCY_ADJ = re.compile(
    r"^(?:veckovis|månatlig|månadsvis|årlig|terminsvis|kvartalsvis|halvårsvis|regelb|återkommande)",
    re.IGNORECASE,
)
# Words before a meeting noun that keep it the head of the sentence's subject: a genitive ("Förvaltningens"),
# a determiner or an adjective ("Gemensamma", "Denna").
_NP_PREFIX = re.compile(
    r"(?:(?:den|det|de|denna|detta|dessa|vår|våra|vårt|[\wåäöÅÄÖ-]+(?:ens|ets|ans|nas|ns|:s)"
    r"|[\wåäöÅÄÖ-]+(?:liga|iska|ande|ende|ade|ella|ala)|gemensamma|interna|externa|nya|särskilda)\s+){1,2}",
    re.IGNORECASE,
)
# Adjectives just before a meeting noun, part of its name ("pedagogiska samtal", "interna kvalitetssamtal").
_ADJECTIVES_BEFORE = re.compile(
    r"(?<![\wåäöÅÄÖ-])(?:(?:[\wåäöÅÄÖ-]+(?:liga|iska|ella|ala)|gemensamma|interna|externa|särskilda)\s+){1,2}$",
    re.IGNORECASE,
)
# Verbs that say a group gathers (its name is then a forum's even without a meeting noun).
_GATHERS = re.compile(r"träffas|möts|sammanträder", re.IGNORECASE)
_PRONOUN = re.compile(r"(?:vi|de|ni|man|alla|dessa|båda)\b", re.IGNORECASE)
# A prepositional phrase after a meeting noun that belongs to its name ("med nämnden", "för rektorer").
_POST_MODIFIER = re.compile(r"\s+(?:med|för|mellan|inom|på|om|kring|av)\s", re.IGNORECASE)
_NAME_STOP = re.compile(
    r"\s+(?:för att|i syfte|med fokus|där|som|vid|i samarbete|och analysera)\b|[,.;:]", re.IGNORECASE
)


def subject_forum(rest: str, held: re.Match[str]) -> tuple[int, int] | None:
    """The subject before "hålls"/"träffas" when it is a meeting's name: a noun phrase whose head is a
    meeting noun, with a genitive or adjective before it and a prepositional phrase after it
    ("Förvaltningens ledningsgrupp", "Kvalitetsdialoger med nämnden")."""
    subject = rest[: held.start()].rstrip()
    head = lexicon().meeting_head.search(subject)
    if head is None and word_count(subject) <= 4 and gathering_body(subject, rest, held):
        lead = len(subject) - len(subject.lstrip())
        return lead, len(subject)
    if head is None or word_count(subject) > 7:
        return None
    before, after = subject[: head.start()], subject[head.end() :]
    if before.strip() and not _NP_PREFIX.fullmatch(before):
        return None
    if after.strip() and not _POST_MODIFIER.match(after):
        return None
    lead = len(subject) - len(subject.lstrip())
    return lead, len(subject)


def gathering_body(subject: str, rest: str, held: re.Match[str]) -> bool:
    """ "Skolledningen möts varje vecka": a group or body that gathers ("träffas", "möts",
    "sammanträder") at a stated frequency is a forum under its own name (pronouns are not)."""
    if not _GATHERS.fullmatch(held.group(0)) or not find_frequencies(rest[held.end() :]):
        return False
    if _PRONOUN.match(subject.strip()):
        return False
    owners = parse_owners(subject)
    return (
        len(owners) == 1
        and owners[0].kind in ("organisation", "body")
        and fold(owners[0].label) == fold(subject)
    )


def sentence_forum(sentence: str, named: bool = False) -> tuple[int, int, str | None] | None:
    """The forum a sentence names: (start, end, frequency), offsets in the sentence, or None. With
    ``named``, only a forum the sentence names (not a whole sentence counting meetings)."""
    _marker, rest, offset = split_marker(sentence)
    held = lexicon().meeting_held.search(rest)
    if held and held.start() > 0:
        span = subject_forum(rest, held)
        if span is not None:
            freq = find_frequencies(rest)
            return offset + span[0], offset + span[1], freq[0][0] if freq else None
    for freq, fs, fe in find_frequencies(rest):
        if re.match(r"(?:dagli|löpande|kontinuerli|fortlöpande|ständigt|årligen)", freq, re.IGNORECASE):
            continue
        if _FREQUENCY_ADJ.match(freq):
            after = rest[fe:]
            m = re.match(r"\s+((?:\S+\s+){0,1}?)(\S+)", after)
            if not m or not lexicon().meeting_head.fullmatch(m.group(2).strip(",.")):
                continue
            name_start = fe + m.start(2)
            stop = _NAME_STOP.search(rest, name_start + len(m.group(2)))
            name_end = stop.start() if stop else len(rest)
            return offset + name_start, offset + name_end, freq
        # A counted frequency: the meeting it counts, or a meeting noun elsewhere in the sentence.
        counted_meeting = re.search(
            r"(möten|träffar|tillfällen|sammanträden|samtal|dialoger)", freq, re.IGNORECASE
        )
        outside = [m for m in lexicon().meeting_head.finditer(rest) if m.end() <= fs or m.start() >= fe]
        if outside:
            m = outside[0]
            stop = _NAME_STOP.search(rest, m.end())
            name_end = stop.start() if stop and stop.start() < fs or (stop and m.start() > fe) else m.end()
            if m.start() < fs:
                name_end = min(name_end, fs) if name_end > m.start() else m.end()
            start = m.start()
            # The meeting noun heads the sentence's subject: the name is the whole noun phrase; else
            # the adjectives before it belong to its name ("pedagogiska samtal").
            if start > 0 and _NP_PREFIX.fullmatch(rest[:start]):
                start = 0
            else:
                adjectives = _ADJECTIVES_BEFORE.search(rest[:start])
                if adjectives and not find_frequencies(adjectives.group(0)):
                    start = adjectives.start()
            return offset + start, offset + max(name_end, m.end()), freq
        if counted_meeting and not named:
            return offset, offset + len(rest), freq
    return None
