"""Protocols per body (nämnd, utskott): members, meetings, decisions and commissions, each with its source.

Pure functions over the store's Dataset (the SPARQL lives in ``graph/queries/protokoll_*.rq``), and their
cached forms for the views, keyed by store folder and version as ``app.explorer.data`` keys its own.

Members come from the latest närvarolista of the body: the newest meeting whose protocol lists members. A
person's role and party are read per document graph (``sk:roleLabel`` and ``sk:party`` on the person node of
that protocol), so a chair in one meeting and a member in another is each in its own meeting.

A commission ("uppdrar åt förvaltningen att … senast …") is **open** when its due date is today or later, or
when it has no due date and no later meeting of the same organisation has an item with the same
diarienummer (the item that reports on it). A commission whose due date has passed is not open.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import streamlit as st
from rdflib import Dataset

from app.explorer import data
from app.explorer.facts import select

# The roles of a body's own members and substitutes, in the order a närvarolista gives them.
MEMBER_ROLES = ("ordförande", "vice ordförande", "ledamot", "tjänstgörande ersättare", "ersättare",
                "övrig närvarande")
# Roles that are noted beside a member's role, not instead of it.
EXTRA_ROLES = ("justerare",)
OFFICIAL_ROLES = ("sekreterare", "tjänsteperson")


@dataclass(frozen=True)
class Body:
    """A body that held meetings: its IRI, name, organisation and number of meetings in the store."""

    iri: str
    label: str
    publisher: str | None
    meetings: int


@dataclass(frozen=True)
class Item:
    """One § of a meeting: number, diarienummer, title, decision, and the page it stands on."""

    number: str
    dnr: str | None
    title: str | None
    decision: str | None
    page: int | None


@dataclass(frozen=True)
class Meeting:
    """A meeting as its protocol records it, with the document and page that say so."""

    iri: str
    date: str | None
    body: str | None
    body_label: str | None
    publisher: str | None
    place: str | None
    document: str
    title: str | None
    source_file: str
    page: int | None
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Member:
    """A person of the latest närvarolista: role and party as written, other roles at that meeting."""

    name: str
    role: str
    party: str | None
    title: str | None
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Commission:
    """A task a decision gives, with its item, its meeting and whether it is still open (and why)."""

    task: str
    assignee: str | None
    deadline: str | None
    due_date: str | None
    open: bool
    status: str  # Swedish, for the page
    meeting_date: str | None
    number: str | None
    dnr: str | None
    item_title: str | None
    source_file: str
    page: int | None


@dataclass(frozen=True)
class Decision:
    """A decision with the meeting it was taken at."""

    meeting: Meeting
    item: Item


@dataclass(frozen=True)
class BodyYear:
    """What a new member needs first: who sits in the body, when it meets, what it decided and ordered."""

    body: Body
    meetings: tuple[Meeting, ...] = ()
    members: tuple[Member, ...] = ()
    officials: tuple[Member, ...] = ()
    members_from: Meeting | None = None  # the meeting whose närvarolista gives the members
    decisions: tuple[Decision, ...] = ()
    commissions: tuple[Commission, ...] = field(default_factory=tuple)

    @property
    def open_commissions(self) -> tuple[Commission, ...]:
        """The commissions still open."""
        return tuple(c for c in self.commissions if c.open)


# --- reading the graph ------------------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _number_key(number: str | None) -> tuple[int, str]:
    digits = re.match(r"\d+", number or "")
    return (int(digits.group()) if digits else 10**9, number or "")


def meetings(dataset: Dataset) -> list[Meeting]:
    """Every meeting in the store with its items, newest first (meetings without a date last)."""
    items: dict[str, dict[str, Item]] = {}
    for row in select(dataset, "protokoll_arenden"):
        item = Item(row["paragraph"] or "", row["diarienummer"], row["title"], row["decision"],
                    _int(row["page"]))
        known = items.setdefault(row["meeting"], {}).get(row["item"])
        if known is None or (known.page is None and item.page is not None):
            items[row["meeting"]][row["item"]] = item
    found: dict[str, Meeting] = {}
    for row in select(dataset, "protokoll_sammantraden"):
        iri = row["meeting"]
        known = found.get(iri)
        if known is not None and known.source_file <= (row["file"] or ""):
            continue  # one row per meeting: the first file name of a document stored under several
        own = sorted(items.get(iri, {}).values(), key=lambda i: _number_key(i.number))
        found[iri] = Meeting(
            iri=iri, date=row["date"], body=row["body"], body_label=row["bodyLabel"],
            publisher=row["publisher"], place=row["place"], document=row["doc"] or "", title=row["title"],
            source_file=row["file"] or "", page=_int(row["page"]) if known is None else known.page,
            items=tuple(own),
        )
    return sorted(found.values(), key=lambda m: (m.date is None, _negated(m.date or ""), m.source_file))


def _negated(text: str) -> str:
    """A sort key that orders ISO dates newest first."""
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


def bodies(dataset: Dataset, publisher: str | None = None) -> list[Body]:
    """The bodies that held meetings (of one organisation, when given), most meetings first."""
    counts: dict[str, list[Meeting]] = {}
    for meeting in meetings(dataset):
        if meeting.body and (publisher is None or meeting.publisher == publisher):
            counts.setdefault(meeting.body, []).append(meeting)
    found = [
        Body(iri, held[0].body_label or iri.rsplit("/", 1)[-1], held[0].publisher, len(held))
        for iri, held in counts.items()
    ]
    return sorted(found, key=lambda b: (-b.meetings, b.label))


def attendance(dataset: Dataset) -> dict[str, list[dict[str, str | None]]]:
    """The people recorded at each meeting (meeting IRI -> rows of name, role, party, title)."""
    found: dict[str, list[dict[str, str | None]]] = {}
    for row in select(dataset, "protokoll_narvaro"):
        found.setdefault(row["meeting"], []).append(row)
    return found


def members_of(rows: list[dict[str, str | None]]) -> tuple[list[Member], list[Member]]:
    """Members and officials of one närvarolista: one entry per person, main role first, extra roles noted."""
    by_name: dict[str, list[dict[str, str | None]]] = {}
    for row in rows:
        by_name.setdefault(row["name"] or "", []).append(row)
    members: list[Member] = []
    officials: list[Member] = []
    for name, person in by_name.items():
        roles = {r["role"] for r in person if r["role"]}
        party = next((r["party"] for r in person if r["party"]), None)
        title = next((r["title"] for r in person if r["title"]), None)
        main = next((role for role in MEMBER_ROLES if role in roles), None)
        also = tuple(role for role in EXTRA_ROLES if role in roles)
        if main is not None:
            members.append(Member(name, main, party, title, also))
        elif any(role in roles for role in OFFICIAL_ROLES):
            role = "sekreterare" if "sekreterare" in roles else "tjänsteperson"
            officials.append(Member(name, role, party, title, also))
        elif also and party:
            members.append(Member(name, also[0], party, title, ()))
    members.sort(key=lambda m: (MEMBER_ROLES.index(m.role) if m.role in MEMBER_ROLES else 99, m.party or "",
                                m.name))
    return members, officials


def dnr_key(dnr: str | None) -> tuple[str, tuple[str, ...]] | None:
    """A diarienummer as a comparable key: series letters and numbers ("Bun/2020:336" ~ "BUN 2020/336")."""
    if not dnr:
        return None
    numbers = tuple(str(int(n)) for n in re.findall(r"\d+", dnr))
    if not numbers:
        return None
    letters = re.sub(r"[^a-zåäö]", "", dnr.casefold())
    return letters, numbers


def commission_status(
    due_date: str | None, meeting_date: str | None, dnr: str | None, later_items: list[tuple[Meeting, Item]],
    today: dt.date,
) -> tuple[bool, str]:
    """Whether a commission is open, and why, by the rule in the module docstring."""
    if due_date:
        if due_date >= today.isoformat():
            return True, f"öppet – ska vara klart senast {due_date}"
        return False, f"tidpunkten {due_date} har passerat"
    key = dnr_key(dnr)
    if key is not None:
        for meeting, item in later_items:
            if meeting.date and meeting_date and meeting.date > meeting_date and dnr_key(item.dnr) == key:
                where = f"§ {item.number}, {meeting.date}" if item.number else meeting.date
                return False, f"återrapporterat ({where})"
    return True, "öppet – inget datum, ingen senare återrapportering"


def _commissions(dataset: Dataset, held: list[Meeting], organisation: list[Meeting],
                 today: dt.date) -> list[Commission]:
    by_meeting = {m.iri: m for m in held}
    later = [(m, item) for m in organisation for item in m.items]
    found: list[Commission] = []
    seen: set[str] = set()
    for row in select(dataset, "protokoll_uppdrag"):
        meeting = by_meeting.get(row["meeting"])
        if meeting is None or row["commission"] in seen:
            continue
        seen.add(row["commission"])
        item = next((i for i in meeting.items if i.number == row["paragraph"]), None)
        is_open, status = commission_status(row["dueDate"], meeting.date, item.dnr if item else None, later,
                                            today)
        found.append(Commission(
            task=row["task"] or "", assignee=row["assignee"], deadline=row["deadline"],
            due_date=row["dueDate"],
            open=is_open, status=status, meeting_date=meeting.date, number=item.number if item else None,
            dnr=item.dnr if item else None, item_title=item.title if item else None,
            source_file=meeting.source_file, page=_int(row["page"]) or (item.page if item else meeting.page),
        ))
    return sorted(found, key=lambda c: (not c.open, c.due_date or "9999", _negated(c.meeting_date or "")))


def body_year(dataset: Dataset, body: str, today: dt.date | None = None) -> BodyYear:
    """Members (latest närvarolista), meetings, decisions and commissions of one body (IRI)."""
    today = today or dt.date.today()
    every = meetings(dataset)
    held = [m for m in every if m.body == body]
    if not held:
        return BodyYear(Body(body, body.rsplit("/", 1)[-1], None, 0))
    info = Body(body, held[0].body_label or body.rsplit("/", 1)[-1], held[0].publisher, len(held))
    present = attendance(dataset)
    members: list[Member] = []
    officials: list[Member] = []
    members_from = None
    for meeting in held:  # newest first: the latest närvarolista that names members
        members, officials = members_of(present.get(meeting.iri, []))
        if members:
            members_from = meeting
            break
    organisation = [m for m in every if m.publisher == info.publisher] if info.publisher else held
    decisions = [Decision(m, item) for m in held for item in m.items if item.decision]
    return BodyYear(
        body=info, meetings=tuple(held), members=tuple(members), officials=tuple(officials),
        members_from=members_from, decisions=tuple(decisions),
        commissions=tuple(_commissions(dataset, held, organisation, today)),
    )


# --- cached for the views ---------------------------------------------------------------------------------


@st.cache_data(max_entries=16, show_spinner=False)
def cached_bodies(folder: str, version: str, publisher: str | None) -> list[Body]:
    """The bodies with meetings of one organisation (cached per store version)."""
    return bodies(data.dataset(folder, version), publisher)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_body_year(folder: str, version: str, body: str, today: str) -> BodyYear:
    """One body's members, meetings, decisions and commissions (cached per store version and day)."""
    return body_year(data.dataset(folder, version), body, dt.date.fromisoformat(today))
