"""Styrkedjan: law/Agenda 2030 → goal → strategy → activity → owner → deadline → forum, drawn and listed."""

from __future__ import annotations

import streamlit as st

from app.explorer import data, facts
from app.explorer.chart import trace_dot
from app.explorer.text import shorten
from app.explorer.widgets import evidence, md, organisation_picker, plan_notice, store_ready

WHOLE = "__document__"
TYPE_FILTER = {
    "Alla": None,
    "Mål och prioriterade områden": {"Vision", "PriorityArea", "Goal"},
    "Strategier": {"Strategy"},
    "Aktiviteter": {"Activity"},
    "Utmaningar": {"Challenge"},
    "Forum": {"Forum"},
}


def _default(choices: list[dict], folder: str, version: str) -> str:
    """A node whose chain shows most: the first activity with a strategy or goal above it."""
    for item in choices:
        if item["type"] == "Activity":
            steps = data.trace_steps(folder, version, item["iri"])
            if any(s["type"] in ("Strategy", "Goal", "PriorityArea") for s in steps.get("up", [])):
                return item["iri"]
    return choices[0]["iri"] if choices else WHOLE


def render() -> None:
    """Draw the view."""
    st.title("Styrkedjan")
    st.caption(
        "Följ kedjan från skollagen och Agenda 2030 via mål och strategier till aktiviteter, ansvariga, "
        "tidpunkter och forum. Varje led är ett citat ur dokumentet, med sida."
    )
    folder, version = data.current()
    rows = data.documents(folder, version)
    if not store_ready(rows):
        return
    wanted_doc = st.session_state.pop("kedja_document", None)
    wanted_node = st.session_state.pop("kedja_node", None)
    if wanted_doc:
        row = next((r for r in rows if r["document"] == wanted_doc), None)
        if row:
            st.session_state["kedja_org"] = facts.org_key(row)
            st.session_state["kedja_doc"] = wanted_doc
            st.session_state["kedja_type"] = "Alla"
    readable = [r for r in rows if r["plan_state"] == "read"]
    if "kedja_org" not in st.session_state and readable:
        st.session_state["kedja_org"] = facts.org_key(readable[0])  # open on a plan, not on a protocol
    c1, c2 = st.columns(2)
    selection = organisation_picker(rows, "kedja_org", container=c1)
    docs = [r for r in rows if selection.matches(r)]
    doc_keys = [r["document"] for r in docs]
    if st.session_state.get("kedja_doc") not in doc_keys:
        st.session_state.pop("kedja_doc", None)
        first_read = next((r["document"] for r in docs if r["plan_state"] == "read"), None)
        if first_read:
            st.session_state["kedja_doc"] = first_read
    titles = {r["document"]: f"{r['title']} ({r['source_file']})" for r in docs}
    document = c2.selectbox("Dokument", doc_keys, key="kedja_doc", format_func=titles.get)

    row = next((r for r in docs if r["document"] == document), None)
    if row is not None and row["plan_state"] == "protocol":
        plan_notice("protocol", None, "kedja")
        return
    projection = data.chain(folder, version)
    choices = facts.chain_choices(projection, document)
    unread = row is not None and plan_notice(row["plan_state"], row["plan_reason"], "kedja")
    if unread and not choices:
        return
    c3, c4 = st.columns([1, 3])
    kind = c3.selectbox("Visa", list(TYPE_FILTER), key="kedja_type")
    allowed = TYPE_FILTER[kind]
    shown = [c for c in choices if allowed is None or c["type"] in allowed]
    options = [WHOLE, *[c["iri"] for c in shown]]
    names = {c["iri"]: f"{facts.type_sv(c['type'])}: {shorten(c['label'], 90)}"
             + (f" (s. {c['page']})" if c["page"] is not None else "") for c in shown}
    names[WHOLE] = "Hela dokumentet"
    if wanted_node in options:
        st.session_state["kedja_nod"] = wanted_node
    elif st.session_state.get("kedja_nod") not in options:
        st.session_state["kedja_nod"] = _default(shown, folder, version) if shown else WHOLE
    node = c4.selectbox("Led i kedjan", options, key="kedja_nod", format_func=names.get)
    if not choices:
        st.info("Inga mål, strategier eller aktiviteter hittades i dokumentet.")
        return

    trace = data.trace_steps(folder, version, document if node == WHOLE else node)
    if "error" in trace:
        st.error(md(trace["error"]))
        return
    _summary(trace)
    names_sv = facts.labels()
    dot, left_out = trace_dot(trace, names_sv["types"], names_sv["relations"])
    tab_graph, tab_table = st.tabs(["Graf", "Tabell med belägg"])
    with tab_graph:
        st.graphviz_chart(dot)
        if left_out:
            st.caption(f"Grafen visar de första leden; {left_out} led till finns i tabellen.")
        st.caption("Läs uppifrån: lagrum och Agenda 2030 överst, sedan mål, strategier, aktiviteter och "
                   "vem som ansvarar. Streckade lappar anger när aktiviteten ska vara klar.")
    with tab_table:
        table = facts.trace_rows(trace)
        st.dataframe(
            table, hide_index=True, width="stretch",
            column_config={
                "Text": st.column_config.TextColumn(width="large"),
                "Citat": st.column_config.TextColumn(width="large"),
                "Sida": st.column_config.NumberColumn(format="%d"),
            },
        )


def _summary(trace: dict) -> None:
    """The chosen node in words: what it is, its quote and page; for an activity owner and deadline."""
    node = trace["node"]
    with st.container(border=True):
        st.markdown(f"**{md(facts.type_sv(node['type']))}:** {md(node['label'])}")
        if node["type"] == "Activity":
            owners = ", ".join(node.get("owners") or []) or "ingen angiven"
            deadline = node.get("deadline") or "ingen angiven"
            if node.get("due_date"):
                deadline += f" ({node['due_date']})"
            strategies = [s for s in trace["up"] if s["type"] == "Strategy"]
            goals = [s for s in trace["up"] if s["type"] in ("Goal", "PriorityArea", "Vision")]
            c1, c2, c3, c4 = st.columns(4)
            c1.markdown(f"**Strategi**  \n{md(shorten(strategies[0]['label'], 120)) if strategies else '–'}")
            c2.markdown(f"**Mål**  \n{md(shorten(goals[0]['label'], 120)) if goals else '–'}")
            c3.markdown(f"**Ansvarig**  \n{md(owners)}")
            c4.markdown(f"**Klart**  \n{md(deadline)}")
        if node["type"] != "Document":
            evidence(node.get("quote"), node.get("source_file"), node.get("page"))
        st.caption(f"{len(trace['up'])} led uppåt, {len(trace['down'])} led nedåt.")


if __name__ == "__main__":
    render()
