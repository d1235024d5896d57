"""The dataclasses that plan extraction returns (see the package docstring for their meaning)."""

from __future__ import annotations

from dataclasses import dataclass, field

# The kinds of plan element, in the order the package docstring describes them.
KINDS = ("vision", "goal", "priority_area", "strategy", "activity", "challenge", "forum")
# The kinds that are goals in the wide sense (sk:Goal and its kinds).
GOAL_KINDS = ("vision", "goal", "priority_area")


@dataclass
class Owner:
    """Who is responsible for an activity, as written ("Utbildningschef", "Barn- och utbildningsnämnden")."""

    label: str
    kind: str  # "role" | "organisation" | "person" | "body"


@dataclass
class Element:
    """One plan element, quoted from the document."""

    id: str  # "<kind>-<n>", n counting from 1 per kind in document order
    kind: str  # one of KINDS
    text: str  # as written, whitespace normalised
    block: int  # index into doc.blocks
    char_start: int  # span in doc.text of the quote
    char_end: int
    page: int | None
    parent: str | None = None  # id of the element this one contributes to
    addresses: list[str] = field(default_factory=list)  # strategy -> ids of the challenges it answers
    owners: list[Owner] = field(default_factory=list)  # activities
    deadline: str | None = None  # as written: "VT23", "dec 22"
    due_date: str | None = None  # ISO date, the deadline's last day
    frequency: str | None = None  # forums: as written ("en gång i månaden")


@dataclass
class Actors:
    """Roles, organisations and people a document names: (label as written, block index), first first."""

    roles: list[tuple[str, int]] = field(default_factory=list)
    organisations: list[tuple[str, int]] = field(default_factory=list)
    persons: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class PlanExtraction:
    """All plan elements of one document, in document order, and the actors it names."""

    elements: list[Element] = field(default_factory=list)
    actors: Actors = field(default_factory=Actors)
    # Was the document's plan structure recognised with confidence? Where not, the document gets no plan gaps
    # and `gaps`/Luckor say so with the reason (Swedish, for the user: "planens struktur kunde inte läsas").
    structure_read: bool = True
    unread_reason: str | None = None

    def of_kind(self, *kinds: str) -> list[Element]:
        """Return the elements of the given kinds, in document order."""
        return [e for e in self.elements if e.kind in kinds]

    def get(self, element_id: str) -> Element | None:
        """Return the element with an id, or None."""
        return next((e for e in self.elements if e.id == element_id), None)
