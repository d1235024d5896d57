"""Roles, bodies, organisations and people: owners of activities and the actors a document names."""

from __future__ import annotations

import re

from graph.plan.lexicon import lexicon
from graph.plan.model import Actors, Owner
from graph.plan.text import normalise
from ingest.model import BlockKind, ParsedDocument

_OWNER_SPLIT = re.compile(r"\s*(?:/|,|;|&|\+|(?<!-)\s+och\s+|\s+samt\s+|\s+resp(?:ektive|\.)?\s+)\s*")
_PERSON = re.compile(r"\b([A-ZÅÄÖ][a-zåäöéü]+)((?:\s+[A-ZÅÄÖ][a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäöéü]+)?){1,2})\b")
_PERSON_STOP = frozenset({"Kommun", "Kommuns", "Län", "Läns", "Universitet", "Högskola"})


def _full(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    m = pattern.search(text)
    return m if m and m.start() == 0 else None


def _is_person(text: str) -> bool:
    m = _PERSON.fullmatch(text.strip())
    if not m or m.group(1) not in lexicon().first_names:
        return False
    return not any(w in _PERSON_STOP for w in m.group(2).split())


def owner_kind(label: str) -> str | None:
    """What an owner label names: "role", "body", "organisation", "person", or None when unknown."""
    lex = lexicon()
    text = normalise(label).strip(" .:;,")
    if not text:
        return None
    if _is_person(text):
        return "person"
    if text in lex.abbreviations or text.upper() in lex.abbreviations:
        return "role"
    for name, kind in lex.body_names.items():
        if text.casefold().startswith(name.casefold()):
            return kind
    for pattern in lex.org_patterns:
        if pattern.fullmatch(text):
            return "organisation"
    # The head of the label decides: its last word ("Verksamhetschef förskola" is a role, "Sektor
    # utbildning" an organisation) or, failing that, any word of it.
    role = lex.role.search(text)
    if role and role.group(0).casefold() not in lex.not_roles:
        return "role"
    for pattern, kind in lex.body_heads:
        if pattern.search(text):
            return kind
    return None


def parse_owners(cell: str) -> list[Owner]:
    """Split an owner cell ("Strateg/ Utbildningschef", "Rektor och förstelärare") into owners, as written."""
    owners: list[Owner] = []
    text = normalise(cell).strip(" .:;,")
    if not text or text in {"-", "–", "—"}:
        return owners
    parts = [p.strip(" .:;,") for p in _OWNER_SPLIT.split(text)]
    parts = [p for p in parts if p]
    kinds = [owner_kind(p) for p in parts]
    if len(parts) > 1 and any(k is None for k in kinds):
        # A name that is not a list of owners ("Barn och unga i Svenljunga"): keep the whole cell.
        whole = owner_kind(text)
        if whole is not None:
            return [Owner(text, whole)]
    for part, kind in zip(parts, kinds, strict=True):
        if not any(o.label == part for o in owners):
            owners.append(Owner(part, kind or "organisation"))
    return owners


def subject_owner(sentence: str) -> Owner | None:
    """The owner named as subject of a responsibility verb ("Rektor ansvarar för", "X leder arbetet")."""
    lex = lexicon()
    verb = lex.responsibility.search(sentence)
    if not verb or verb.start() == 0:
        return None
    subject = sentence[: verb.start()].strip(" ,")
    if len(subject.split()) > 8:
        return None
    kind = owner_kind(subject)
    if kind is None:
        return None
    return Owner(subject, kind)


def _add(seen: dict[str, tuple[str, int]], label: str, block: int) -> None:
    key = label.casefold()
    if key not in seen:
        seen[key] = (label, block)


def find_actors(doc: ParsedDocument) -> Actors:
    """Roles, organisations (bodies included) and people named anywhere in a document, first seen first."""
    lex = lexicon()
    roles: dict[str, tuple[str, int]] = {}
    orgs: dict[str, tuple[str, int]] = {}
    persons: dict[str, tuple[str, int]] = {}
    for i, block in enumerate(doc.blocks):
        text = normalise(block.text)
        for m in lex.role.finditer(text):
            word = m.group(0)
            if word.casefold() in lex.not_roles or len(word) < 4:
                continue
            _add(roles, word[0].upper() + word[1:], i)
        for m in lex.body_name_re.finditer(text):
            _add(orgs, m.group(0), i)
        for pattern in lex.org_patterns:
            for m in pattern.finditer(text):
                _add(orgs, m.group(0).strip(), i)
        for pattern, _kind in lex.body_heads:
            for m in pattern.finditer(text):
                word = m.group(0)
                if word[0].isupper() or "-" in word or len(word) > 12:
                    _add(orgs, word, i)
        for m in _PERSON.finditer(text):
            named = m.group(1) in lex.first_names and not any(w in _PERSON_STOP for w in m.group(2).split())
            if named and (block.kind is not BlockKind.HEADING or len(text.split()) <= 4):
                _add(persons, normalise(m.group(0)), i)
    return Actors(list(roles.values()), list(orgs.values()), list(persons.values()))
