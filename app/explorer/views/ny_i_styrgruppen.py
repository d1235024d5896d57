"""Ny i styrgruppen: who is who, the plan's priorities, the year's cycle, recent decisions, what to read."""

from __future__ import annotations

import streamlit as st

from app.explorer import data, facts
from app.explorer.text import citation, escape_markdown, shorten
from app.explorer.widgets import md, store_ready


def _lines(items: list[facts.Line], empty: str, limit: int = 15, show_quote: bool = True) -> None:
    """Cited lines: the text, a detail, and (folded) the quote with file and page."""
    if not items:
        st.caption(empty)
        return
    for item in items[:limit]:
        detail = f" — {md(item.detail)}" if item.detail else ""
        where = citation(item.source_file, item.page) if item.source_file else ""
        st.markdown(f"- **{md(shorten(item.text, 140))}**{detail}  \n  :gray[{escape_markdown(where)}]")
        if show_quote and item.quote and item.quote.strip() != item.text.strip():
            st.markdown("  > " + escape_markdown(shorten(item.quote, 300)).replace("\n", " "))
    if len(items) > limit:
        st.caption(f"… och {len(items) - limit} till.")


def render() -> None:
    """Draw the view."""
    st.title("Ny i styrgruppen")
    st.caption(
        "En introduktion för den som är ny: vilka som finns, vad planen prioriterar, årets möten och "
        "uppföljningar, de senaste besluten och vad du bör läsa först. "
        "Varje rad hänvisar till dokument och sida."
    )
    folder, version = data.current()
    rows = data.documents(folder, version)
    if not store_ready(rows):
        return
    organisations = facts.organisations(rows)
    publisher = st.selectbox("Organisation eller nätverk", list(organisations), key="ny_org",
                             format_func=organisations.get)
    info = data.onboarding(folder, version, publisher)
    st.header(md(info.organisation))

    st.subheader("1. Läs först")
    if info.documents:
        st.dataframe(
            [{"Dokument": d["title"], "Typ": d["kind"], "Period": d["period"], "Varför": d["why"],
              "Fil": d["source_file"]} for d in info.documents],
            hide_index=True, width="stretch",
        )

    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("2. Vilka är vilka")
        st.markdown("**Organ som ger ut dokumenten**")
        _lines(info.bodies, "Inget organ anges.", show_quote=False)
        st.markdown("**Roller med ansvar för aktiviteter**")
        _lines(info.roles, "Inga ansvariga roller anges i planerna.", limit=10)
        st.markdown("**Namngivna personer**")
        _lines(info.people, "Inga namngivna personer i dokumenten (närvarolistor finns bara i protokoll).")
    with right:
        st.subheader("3. Vad planen prioriterar")
        if info.plan:
            st.caption(f"Ur {md(info.plan)}")
        _lines(info.priorities, "Inga mål eller prioriterade områden hittades.", limit=12)

    st.subheader("4. Årshjulet: forum och uppföljning")
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("**Återkommande forum**")
        _lines(info.cycle, "Inga återkommande forum hittades.", limit=15)
    with right:
        st.markdown("**Tidpunkter under året**")
        if not info.deadlines:
            st.caption("Inga daterade aktiviteter.")
        months: dict[str, list[facts.Line]] = {}
        for line in info.deadlines:
            due = (line.detail or "").split("(")[-1].split(")")[0]
            months.setdefault(facts.month_of(due), []).append(line)
        for month, lines in months.items():
            st.markdown(f"**{month.capitalize()}**")
            _lines(lines, "", limit=25, show_quote=False)

    st.subheader("5. Senaste besluten")
    _lines(info.decisions, "Inga protokoll med beslut för den här organisationen.", limit=10)


if __name__ == "__main__":
    render()
