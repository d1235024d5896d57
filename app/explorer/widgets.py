"""Small rendering helpers the views share: quotes with their citation, notices, the organisation picker,
page registry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from app.explorer.text import citation, escape_markdown, highlight

HERE = Path(__file__).parent

# The views, in menu order: (file under views/, title, url path, menu group).
PAGES = (
    ("fraga.py", "Fråga", "fraga", "Utforska"),
    ("styrkedjan.py", "Styrkedjan", "styrkedjan", "Utforska"),
    ("luckor.py", "Luckor", "luckor", "Utforska"),
    ("jamfor.py", "Jämför", "jamfor", "Utforska"),
    ("tidslinje.py", "Tidslinje", "tidslinje", "Utforska"),
    ("ny_i_styrgruppen.py", "Ny i styrgruppen", "ny-i-styrgruppen", "Utforska"),
    ("lagrum.py", "Lagrum", "lagrum", "Underlag"),
    ("dokument.py", "Dokument", "dokument", "Underlag"),
    ("sparql.py", "SPARQL", "sparql", "Underlag"),
)


def page_path(file_name: str) -> str:
    """The path of a view's script relative to the entry script (for st.switch_page)."""
    return f"views/{file_name}"


def quote(text: str, spans: Iterable[tuple[int, int]] = ()) -> None:
    """Show document text as an escaped Markdown block quote, with answer spans highlighted."""
    body = highlight(text, spans) if spans else escape_markdown(text)
    st.markdown("\n".join("> " + line for line in body.split("\n")))


def cite(source_file: str | None, page: int | None, section: str | None = None, extra: str = "") -> None:
    """Show where a quote stands: file, page, section (escaped)."""
    text = citation(source_file, page, section)
    st.caption(":material/description: " + escape_markdown(text) + (f" · {extra}" if extra else ""))


def evidence(text: str | None, source_file: str | None, page: int | None, section: str | None = None) -> None:
    """A quote followed by its citation (nothing when there is no quote)."""
    if not text:
        return
    quote(text)
    cite(source_file, page, section)


def store_ready(rows: list) -> bool:
    """Tell the user how to fill an empty store; return whether there is anything to show."""
    if rows:
        return True
    from app.explorer.admin import current_access

    if current_access().mode == "read-only":
        st.info("Lagret är tomt. Här kan dokument inte läsas in; be den som förvaltar utforskaren att bygga "
                "lagret (`styrkedja build`).")
    else:
        st.info(
            "Lagret är tomt. Läs in dokument under **Dokument**, eller bygg lagret från korpusen med "
            "`styrkedja build`."
        )
    return False


def md(text: str | None) -> str:
    """Escaped Markdown of a short text from a document (labels, titles)."""
    return escape_markdown(text or "")


# --- the organisation picker ------------------------------------------------------------------------------

ALL_ORGANISATIONS = ""  # the picker's key for "every organisation" (with include_all)
INDENT = "\u00a0\u00a0\u00a0└\u00a0"  # non-breaking: the browser would fold plain spaces


@dataclass(frozen=True)
class Selection:
    """What the organisation picker chose: an organisation (all its bodies) or one body; publisher None = all.

    ``publisher`` is the organisation's key (its publisher IRI, or a document IRI for a document without a
    publisher), ``body`` the issuing body's IRI or None for all of the organisation's bodies.
    """

    publisher: str | None
    body: str | None = None
    label: str = ""

    def matches(self, row: dict) -> bool:
        """Whether a document row (data.documents) belongs to the selection."""
        from app.explorer.facts import in_selection

        return in_selection(row, self.publisher, self.body)


def organisation_picker(rows: list[dict], key: str, label: str = "Organisation", *, include_all: bool = False,
                        all_label: str = "Alla organisationer", container=None) -> Selection:
    """A selectbox of organisations with their issuing bodies indented under them; returns the choice.

    ``rows`` are data.documents rows; ``key`` is the widget's session-state key, whose value is the
    organisation's key (publisher IRI) or "<publisher IRI>\\n<body IRI>" for a body, so a view can preselect
    an organisation by setting ``st.session_state[key] = publisher``. Choosing an organisation means all
    its bodies. With ``include_all`` the first option (key "") chooses every organisation.
    ``container`` is where the selectbox goes (a column), default the page.
    """
    from app.explorer.facts import organisation_tree, split_org_key

    tree = organisation_tree(rows)
    names = {o.key: (INDENT + o.label if o.depth else o.label) for o in tree}
    keys = [o.key for o in tree]
    if include_all:
        names = {ALL_ORGANISATIONS: all_label, **names}
        keys = [ALL_ORGANISATIONS, *keys]
    if st.session_state.get(key) not in keys:
        st.session_state.pop(key, None)
    if not keys:
        return Selection(None, None, all_label)
    chosen = (container or st).selectbox(label, keys, key=key, format_func=names.get)
    if chosen in (None, ALL_ORGANISATIONS):
        return Selection(None, None, all_label)
    publisher, body = split_org_key(chosen)
    return Selection(publisher, body, names[chosen].replace(INDENT, ""))


# --- honest views: a plan whose structure was not read, a protocol -----------------------------------------

UNREAD_NOTICE = ("**Planens struktur kunde inte läsas** ({reason}). Därför visas inga siffror för mål, "
                 "strategier och aktiviteter: att de saknas här betyder inte att dokumentet saknar dem.")
PROTOCOL_NOTICE = ("**Ett protokoll innehåller beslut, inte en plan.** Här finns inga mål, strategier "
                   "eller aktiviteter att följa. Protokollets sammanträden, ärenden, beslut och uppdrag "
                   "finns under **Ny i styrgruppen**.")
UNREAD_LEAD = "planens struktur kunde inte läsas"


def plan_notice(state: str, reason: str | None, key: str) -> bool:
    """Say so where a document holds no readable plan (unread structure, or a protocol); return whether it
    did. ``state`` and ``reason`` are a document row's plan_state/plan_reason (facts.PlanStatus)."""
    if state == "unread":
        text = (reason or UNREAD_LEAD).removeprefix(UNREAD_LEAD)
        st.warning(UNREAD_NOTICE.format(reason=escape_markdown(text.lstrip(": ") or "okänd orsak")),
                   icon=":material/warning:")
        return True
    if state == "protocol":
        st.info(PROTOCOL_NOTICE, icon=":material/gavel:")
        if st.button("Till Ny i styrgruppen", key=f"{key}_to_ny", icon=":material/groups:", type="tertiary"):
            st.switch_page(page_path("ny_i_styrgruppen.py"))
        return True
    return False
