"""Small rendering helpers the views share: quotes with their citation, notices, page registry."""

from __future__ import annotations

from collections.abc import Iterable
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
