"""Luckor: where the chain is broken (graph.gaps), with severity, filters, evidence and a CSV download."""

from __future__ import annotations

import csv
import io

import streamlit as st

from app.explorer import data, facts
from app.explorer.text import shorten
from app.explorer.widgets import evidence, md, organisation_picker, store_ready

COLUMNS = ["Allvar", "Typ", "Dokument", "Brist", "Sidor", "Belägg"]
SEVERITY_ICON = {"high": ":red[:material/error:]", "medium": ":orange[:material/warning:]",
                 "low": ":blue[:material/info:]"}
DETAIL_LIMIT = 30
UNREAD_HEADING = ("Planens struktur kunde inte läsas i dessa dokument, så inga luckor visas för dem (mål, "
                  "aktiviteter, ansvar, tidpunkter, skollagens krav):")


def to_csv(rows: list[dict]) -> bytes:
    """The gap rows as CSV (UTF-8 with BOM, so that Excel reads å, ä, ö)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([*COLUMNS, "Nod", "Dokument-IRI"])
    for row in rows:
        writer.writerow([row[c] for c in COLUMNS] + [row["node"] or "", row["document"]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def unread_list(rows: list[dict], unread: list[dict]) -> list[dict]:
    """The documents whose plan structure was not read (gaps are shown only from the others), with reasons:
    graph.gaps' list, and any other unread document (a memo, a scorecard) whose gaps are withheld here."""
    listed = {u["source_file"] for u in unread}
    extra = [{"document": r["document"], "source_file": r["source_file"], "reason": r["plan_reason"] or ""}
             for r in rows if r["plan_state"] == "unread" and r["source_file"] not in listed]
    return sorted([*unread, *extra], key=lambda u: u["source_file"])


def checked_caption(rows: list[dict]) -> str:
    """What the numbers cover: how many documents were checked, and which were not and why."""
    read = sum(1 for r in rows if r["plan_state"] == "read")
    protocols = sum(1 for r in rows if r["plan_state"] == "protocol")
    unread = sum(1 for r in rows if r["plan_state"] == "unread")
    parts = [f"Granskade: {read} dokument vars planstruktur lästes."]
    if protocols:
        parts.append(f"{protocols} protokoll granskas inte för "
                     "luckor i planen (beslut och uppdrag finns under Ny i styrgruppen).")
    if unread:
        parts.append(f"{unread} dokument utan läsbar planstruktur visas nedan.")
    return " ".join(parts)


def show_unread(unread: list[dict]) -> None:
    """Say which documents got no plan gaps because their plan structure was not read, and why (as text)."""
    lines = [f"- {md(u['source_file'])}: {md(u['reason'])}" for u in unread]
    st.warning(UNREAD_HEADING + "\n\n" + "\n".join(lines), icon=":material/warning:")


def render() -> None:
    """Draw the view."""
    st.title("Luckor i styrkedjan")
    st.caption(
        "Var brister kedjan? Mål utan aktiviteter, aktiviteter utan ansvarig eller tidpunkt, passerade "
        "tidpunkter, krav i skollagen som planen inte visar hur den möter. Varje brist har sina belägg."
    )
    folder, version = data.current()
    rows = data.documents(folder, version)
    if not store_ready(rows):
        return
    unread_docs = {r["source_file"] for r in rows if r["plan_state"] == "unread"}
    gaps = [g for g in data.gaps(folder, version) if g["Dokument"] not in unread_docs]
    unread = unread_list(rows, data.unread(folder, version))
    names = facts.labels()
    selection = organisation_picker(rows, "luckor_org", include_all=True)
    in_org = {r["source_file"] for r in rows if selection.matches(r)}
    files = sorted(({g["Dokument"] for g in gaps} | {r["source_file"] for r in rows}) & in_org)
    titles = {r["source_file"]: f"{r['organisation'] or ''}: {r['title']}".strip(": ") for r in rows}
    if any(f not in files for f in st.session_state.get("luckor_docs", [])):
        st.session_state["luckor_docs"] = [f for f in st.session_state["luckor_docs"] if f in files]
    c1, c2, c3 = st.columns([3, 2, 3])
    chosen_docs = c1.multiselect("Dokument", files, key="luckor_docs", format_func=lambda f: titles.get(f, f),
                                 placeholder="Alla dokument")
    severities = c2.multiselect("Allvar", list(names["severity"]), key="luckor_severity",
                                format_func=names["severity"].get, placeholder="Alla nivåer")
    kinds = sorted({g["kind"] for g in gaps})
    chosen_kinds = c3.multiselect("Typ av brist", kinds, key="luckor_kinds",
                                  format_func=lambda k: names["gap_kinds"].get(k, k),
                                  placeholder="Alla typer")
    shown = [
        g for g in gaps
        if g["Dokument"] in in_org and (not chosen_docs or g["Dokument"] in chosen_docs)
        and (not severities or g["severity"] in severities)
        and (not chosen_kinds or g["kind"] in chosen_kinds)
    ]
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Brister", len(shown))
    for column, level in zip((m2, m3, m4), ("high", "medium", "low"), strict=True):
        count = sum(1 for g in shown if g["severity"] == level)
        column.metric(f"Allvar: {names['severity'][level].lower()}", count)
    unread_shown = [u for u in unread if u["source_file"] in in_org
                    and (not chosen_docs or u["source_file"] in chosen_docs)]
    st.caption(checked_caption([r for r in rows if r["source_file"] in in_org
                                and (not chosen_docs or r["source_file"] in chosen_docs)]))
    if unread_shown:
        show_unread(unread_shown)
    if not shown:
        if unread_shown:
            st.caption("Inga brister med de valda filtren bland dokumenten vars planstruktur kunde läsas.")
        else:
            st.success("Inga brister med de valda filtren.")
        return
    st.dataframe(
        [{c: g[c] for c in COLUMNS} for g in shown], hide_index=True, width="stretch",
        column_config={
            "Allvar": st.column_config.TextColumn(width="small"),
            "Typ": st.column_config.TextColumn(width="medium"),
            "Dokument": st.column_config.TextColumn(width="medium"),
            "Brist": st.column_config.TextColumn(width="large"),
            "Sidor": st.column_config.TextColumn(width="small"),
            "Belägg": st.column_config.TextColumn(width="large"),
        },
    )
    st.download_button("Ladda ner som CSV", to_csv(shown), file_name="luckor.csv", mime="text/csv",
                       icon=":material/download:")
    st.subheader("Belägg")
    for gap in shown[:DETAIL_LIMIT]:
        icon = SEVERITY_ICON.get(gap["severity"], "")
        with st.expander(f"{gap['Allvar']} · {md(shorten(gap['Brist'], 110))}"):
            st.caption(f"{md(gap['Typ'])} · {md(gap['Dokument'])}")
            st.markdown(f"{icon} {md(gap['Brist'])}")
            if not gap["evidence"]:
                st.caption("Inget citat: bristen gäller något som saknas i hela dokumentet.")
            for item in gap["evidence"]:
                evidence(item["quote"], item["source_file"], item["page"])
    if len(shown) > DETAIL_LIMIT:
        st.caption(f"Belägg visas för de första {DETAIL_LIMIT} bristerna; filtrera för att se andra. "
                   "Alla finns i CSV-filen.")


if __name__ == "__main__":
    render()
