"""Ny i styrgruppen: a body's members, meetings, decisions and commissions from its protocols; who is who, the
plan's priorities, the year's cycle, what to read."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app.explorer import data, facts, meetings
from app.explorer.text import citation, escape_markdown, shorten
from app.explorer.widgets import md, organisation_picker, store_ready

DECISION_LIMIT = 15
OPEN_RULE = ("Öppet = slutdatumet är i dag eller senare, eller: inget slutdatum och inget senare ärende i "
             "organisationens protokoll med samma diarienummer (som återrapporterar uppdraget).")


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
    selection = organisation_picker(rows, "ny_org", "Organisation, nämnd eller utskott")
    if selection.publisher is None:
        return
    publisher = selection.publisher
    info = data.onboarding(folder, version, publisher)
    st.header(md(info.organisation))
    _body_section(folder, version, publisher, selection.body)

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
        st.caption("Ledamöter och ersättare står under nämnden eller utskottet ovan, ur den senaste "
                   "närvarolistan.")
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

    if not meetings.cached_bodies(folder, version, publisher):
        st.subheader("5. Senaste besluten")
        _lines(info.decisions, "Inga protokoll med beslut för den här organisationen.", limit=10)


# --- a body's year: members, meetings, decisions, commissions ----------------------------------------------


def _source(source_file: str | None, page: int | None) -> str:
    return citation(source_file, page)


def _body_section(folder: str, version: str, publisher: str, chosen: str | None) -> None:
    """The body's protocols: members from the latest närvarolista, meetings with their items, the latest
    decisions and the commissions, every row with its document and page."""
    found = meetings.cached_bodies(folder, version, publisher)
    st.subheader("Nämnden eller utskottet: protokollen")
    if not found:
        st.caption("Inga protokoll från organisationens nämnder eller utskott finns i lagret.")
        return
    names = {b.iri: f"{b.label} ({b.meetings} sammanträden)" for b in found}
    if chosen in names:
        body = chosen
    else:
        if chosen is not None:
            st.caption("Det valda organet har inga protokoll i lagret; välj ett som har.")
        body = st.selectbox("Nämnd eller utskott med protokoll", list(names), key="ny_organ",
                            format_func=names.get)
    year = meetings.cached_body_year(folder, version, body, dt.date.today().isoformat())
    open_count = len(year.open_commissions)
    tabs = st.tabs([
        f"Ledamöter ({len(year.members)})", f"Sammanträden ({len(year.meetings)})",
        f"Senaste besluten ({len(year.decisions)})",
        f"Uppdrag ({open_count} öppna av {len(year.commissions)})",
    ])
    with tabs[0]:
        _members(year)
    with tabs[1]:
        _meetings(year)
    with tabs[2]:
        _decisions(year)
    with tabs[3]:
        _commissions(year)


def _person(member: meetings.Member) -> str:
    """ "Anna Lind (S), också justerare" as escaped Markdown."""
    text = member.name + (f" ({member.party})" if member.party else "")
    if member.title:
        text += f", {member.title}"
    if member.also:
        text += ", också " + " och ".join(member.also)
    return md(text)


def _members(year: meetings.BodyYear) -> None:
    source = year.members_from
    if source is None:
        st.caption("Ingen närvarolista med ledamöter lästes i organets protokoll.")
        return
    where = escape_markdown(_source(source.source_file, source.page))
    st.caption(f"Ur närvarolistan vid sammanträdet {md(source.date or 'utan datum')} · {where}")
    by_role: dict[str, list[meetings.Member]] = {}
    for member in year.members:
        by_role.setdefault(member.role, []).append(member)
    for role, people in by_role.items():
        names = "; ".join(_person(m) for m in people)
        st.markdown(f"- **{md(role.capitalize())}:** {names}  \n  :gray[{where}]")
    if year.officials:
        with st.expander(f"Tjänstepersoner och sekreterare vid samma sammanträde ({len(year.officials)})"):
            st.markdown("\n".join(f"- {_person(m)} — {md(m.role)}" for m in year.officials))


def _meetings(year: meetings.BodyYear) -> None:
    st.dataframe(
        [{"Datum": m.date or "okänt", "Ärenden": len(m.items), "Plats": m.place or "",
          "Protokoll": m.title or "", "Källa": _source(m.source_file, m.page)} for m in year.meetings],
        hide_index=True, width="stretch", key="ny_sammantraden",
    )
    st.markdown("**Ärendena, sammanträde för sammanträde**")
    for meeting in year.meetings:
        label = f"{meeting.date or 'Utan datum'} – {len(meeting.items)} ärenden · {meeting.source_file}"
        with st.expander(md(label)):
            st.dataframe(
                [{"§": i.number, "Dnr": i.dnr or "", "Rubrik": i.title or "", "Beslut": i.decision or "",
                  "Källa": _source(meeting.source_file, i.page)} for i in meeting.items],
                hide_index=True, width="stretch",
            )


def _decisions(year: meetings.BodyYear) -> None:
    if not year.decisions:
        st.caption("Inga beslut lästes i organets protokoll.")
        return
    for decision in year.decisions[:DECISION_LIMIT]:
        item, meeting = decision.item, decision.meeting
        parts = (f"§ {item.number}" if item.number else "", item.dnr and f"Dnr {item.dnr}", meeting.date)
        head = " · ".join(x for x in parts if x)
        st.markdown(f"- **{md(shorten(item.title or 'Ärende', 140))}** — {md(head)}  \n"
                    f"  {md(shorten(item.decision, 400))}  \n"
                    f"  :gray[{escape_markdown(_source(meeting.source_file, item.page))}]")
    if len(year.decisions) > DECISION_LIMIT:
        st.caption(f"… och {len(year.decisions) - DECISION_LIMIT} till under Sammanträden.")


def _commission_line(commission: meetings.Commission) -> str:
    """One commission as escaped Markdown: the task, to whom, by when, its item, status and source."""
    item = " · ".join(x for x in (commission.number and f"§ {commission.number}", commission.dnr and
                                  f"Dnr {commission.dnr}", commission.meeting_date and
                                  f"beslutat {commission.meeting_date}") if x)
    to = md(f"till {commission.assignee or 'okänd'}" + (f", senast {commission.deadline}"
                                                        if commission.deadline else ""))
    return (f"- **{md(shorten(commission.task, 200))}** — {to}  \n"
            f"  {md(commission.status)} · {md(item)}  \n"
            f"  :gray[{escape_markdown(_source(commission.source_file, commission.page))}]")


def _commissions(year: meetings.BodyYear) -> None:
    st.caption(OPEN_RULE)
    if not year.commissions:
        st.caption("Inga uppdrag (\"uppdrar åt … att\", \"ger … i uppdrag att\") lästes i organets "
                   "protokoll.")
        return
    if year.open_commissions:
        for commission in year.open_commissions:
            st.markdown(_commission_line(commission))
    else:
        st.caption("Inga öppna uppdrag.")
    closed = tuple(c for c in year.commissions if not c.open)
    if closed:
        with st.expander(f"Avslutade eller passerade uppdrag ({len(closed)})"):
            for commission in closed:
                st.markdown(_commission_line(commission))


if __name__ == "__main__":
    render()
