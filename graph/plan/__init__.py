"""Plan elements from a parsed document: visions, goals, priority areas, strategies, activities, challenges,
forums, with their links, owners and deadlines (issue 4, contract "Plan elements").

API (stable; graph/rdf.py maps it to RDF)::

    extract_plan(doc: ParsedDocument, reference_date: date | None = None) -> PlanExtraction

``PlanExtraction.elements`` is a list of :class:`Element` in document order:

- ``id``: ``"<kind>-<n>"``, n counting from 1 per kind in document order (use it with
  ``graph.iris.element_iri(doc, kind, n)``);
- ``kind``: ``"vision"`` | ``"goal"`` | ``"priority_area"`` (sk:Vision, sk:Goal, sk:PriorityArea) |
  ``"strategy"`` | ``"activity"`` | ``"challenge"`` | ``"forum"``;
- ``text``: the element as written, whitespace normalised, list markers and labels ("a)", "Mål:") removed;
- ``block``: index into ``doc.blocks`` (the passage is the one holding this block);
  ``char_start``/``char_end``: the quote's span in ``doc.text``; ``page``: 1-based page or None;
- ``parent``: id of the element this one contributes to (sk:contributesTo): activity -> strategy or goal,
  strategy -> goal or priority area, goal -> the goal or priority area above it; None when the document
  does not say;
- ``addresses``: strategy -> ids of the challenges it answers (sk:addresses), where the document pairs them;
- ``owners``: activities: list of :class:`Owner` (``label`` as written, ``kind`` "role" | "organisation" |
  "person" | "body"); one sk:responsible per owner;
- ``deadline``: as written ("VT23", "dec 22"); ``due_date``: its last day, ISO (VT = 30 June, HT = 31
  December), by ``ingest.dates.parse_deadline`` with ``reference_date`` (default: the document's date) for
  deadlines without a year;
- ``frequency``: forums: how often they meet, as written ("en gång i månaden", "veckovisa").

``PlanExtraction.actors`` (:class:`Actors`) lists the roles, organisations (bodies included) and people named
in the document as ``(label as written, block index)``, first mention first.

The rules read Swedish plan conventions, not any one document's wording (``extract`` names the modules in
order, ``sections`` the order of the rules):
"Syfte:/Mål:/Åtgärder:" units, activity | ansvar | klart tables (combined "Ansvar/Klart" cells split by
``ingest.dates.split_owner_deadline``; "Utvecklingsområde"/"Mål" columns give what a row serves), numbered
goal lines ("Mål 1.") and references to them by number ("Åtgärder för mål 1"), label paragraphs ("Mål:",
"Nulägesanalys:", "Syfte:") before tables and lists, lead-ins ending in a colon, heading cue words (with
"Målområde: X" an area, "Nämndmål: Y" a goal), follow-up sections ("Uppföljning", "Årshjul") holding no
activities, numbered section items of plain-text plans, letter/number list numbering, "Roller och ansvar"
and "Uppdrag" sections, and forums named by the subject of a sentence with a frequency. The word lists are
data: ``cues.toml``, ``roles.toml``, ``bodies.toml``, ``frequencies.toml``, ``first_names.txt``.
A document that is not a plan (a protocol) yields only what it states (goals under "Resultatmål", say).

Hold-out plans in styles the rules were not written from are in ``tests/fixtures/plan_holdout/`` (run by
``tests/test_plan_holdout.py``); the development fixtures are in ``tests/fixtures/plan/``.
"""

from graph.plan.actors import find_actors, owner_kind, parse_owners, subject_owner
from graph.plan.extract import extract_plan, heading_kind
from graph.plan.frequency import find_frequencies, find_frequency
from graph.plan.model import GOAL_KINDS, KINDS, Actors, Element, Owner, PlanExtraction

__all__ = [
    "GOAL_KINDS",
    "KINDS",
    "Actors",
    "Element",
    "Owner",
    "PlanExtraction",
    "extract_plan",
    "find_actors",
    "find_frequencies",
    "find_frequency",
    "heading_kind",
    "owner_kind",
    "parse_owners",
    "subject_owner",
]
