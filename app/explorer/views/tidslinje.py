"""Tidslinje: how an organisation's goals and focus areas changed across the versions of its plans.

Kept (same text), reworded (matched by meaning above the calibrated threshold), added and dropped, each with
its quote and page on both sides (search/history.py; versions found by graph/versions.py).
"""

from __future__ import annotations

import streamlit as st

from app.explorer import data
from app.explorer.text import shorten
from app.explorer.widgets import cite, md, organisation_picker, quote, store_ready

UNREAD = "Planens struktur kunde inte läsas"


@st.cache_data(max_entries=16, show_spinner="Jämför versionerna …")
def history(folder: str, version: str, publisher: str | None, body: str | None) -> dict:
    """The history (search.history's JSON) of one organisation's or body's plans, cached per store version."""
    from graph.versions import series_of
    from search.history import build_history, history_json
    from search.model import embed_queries

    chain = data.chain(folder, version)
    series = series_of(chain, publisher, body)
    if not series and publisher:  # a document without a publisher stands for itself in the picker
        series = [s for s in series_of(chain) if any(v.document == publisher for v in s.versions)]
    return history_json(build_history(chain, series, embed_queries))


@st.cache_data(max_entries=8, show_spinner=False)
def versioned(folder: str, version: str) -> set[str]:
    """The documents that are one of several versions of a plan."""
    from graph.versions import documents_with_versions

    return documents_with_versions(data.chain(folder, version))


def _when(item: dict) -> str:
    return item.get("period") or item.get("date") or "okänd tid"


def version_labels(versions: list[dict]) -> dict[str, str]:
    """A short name per version: its period, with the file name where two versions share a period."""
    counts: dict[str, int] = {}
    for item in versions:
        counts[_when(item)] = counts.get(_when(item), 0) + 1
    return {item["document"]: _when(item) + (f" ({item['source_file']})" if counts[_when(item)] > 1 else "")
            for item in versions}


def _versions(result: dict) -> None:
    by_series: dict[str, list[dict]] = {}
    for item in result["versions"]:
        by_series.setdefault(item["series"], []).append(item)
    for name, items in by_series.items():
        body = items[0].get("body")
        st.subheader(md(name))
        if body:
            st.caption(f"Utfärdat av {md(body)}")
        columns = st.columns(len(items))
        for column, item in zip(columns, items, strict=True):
            with column, st.container(border=True):
                st.markdown(f"**{md(_when(item))}**")
                st.caption(md(item["title"]))
                st.caption(":material/description: " + md(item["source_file"]))
                if not item.get("structure_read", True):
                    st.warning(UNREAD + ".")


def _element(element: dict, source_file: str, extra: str = "") -> None:
    quote(shorten(element.get("quote") or element["label"], 400))
    cite(source_file, element.get("page"), extra=extra)


def _change(change: dict, titles: dict[str, str]) -> None:
    st.markdown(f"#### {md(titles.get(change['from'], change['from_file']))} → "
                f"{md(titles.get(change['to'], change['to_file']))}")
    if not change["compared"]:
        st.info(f"{UNREAD} i en av versionerna, så målen jämförs inte här.")
        return
    kept, reworded, added, dropped = (change[k] for k in ("kept", "reworded", "added", "dropped"))
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Kvar", len(kept))
    m2.metric("Omformulerat", len(reworded))
    m3.metric("Nytt", len(added))
    m4.metric("Borttaget", len(dropped))
    if reworded:
        st.markdown("**Omformulerat**")
        for pair in reworded:
            left, right = st.columns(2)
            with left:
                _element(pair["before"], change["from_file"])
            with right:
                _element(pair["after"], change["to_file"], extra=f"likhet {pair['score']:.3f}")
    sides = (("Nytt", added, change["to_file"]), ("Borttaget", dropped, change["from_file"]))
    for title, items, source in sides:
        if items:
            st.markdown(f"**{title}**")
            for element in items:
                _element(element, source)
    if kept:
        with st.expander(f"Kvar oförändrat ({len(kept)})"):
            for pair in kept:
                after = pair["after"]
                page = f" :gray[(s. {after['page']})]" if after.get("page") is not None else ""
                st.markdown(f"- {md(shorten(after['label'], 160))}{page}")


def render() -> None:
    """Draw the view."""
    st.title("Tidslinje")
    st.caption(
        "Hur en organisations mål och fokusområden har förändrats mellan versioner av samma plan eller "
        "styrkort: kvar, omformulerat, nytt och borttaget – med citat och sida i båda versionerna. "
        "Omformuleringar hittas på innebörd (språkmodellen), inte på ordalydelse."
    )
    folder, version = data.current()
    rows = data.documents(folder, version)
    if not store_ready(rows):
        return
    several = versioned(folder, version)
    rows = [r for r in rows if r["document"] in several]
    if not rows:
        st.info("Lagret har ingen plan eller inget styrkort i mer än en version. Läs in flera årgångar av "
                "samma plan (samma organisation, samma typ, titlar som skiljer sig bara i årtal).")
        return
    selection = organisation_picker(rows, "tidslinje_org")
    try:
        result = history(folder, version, selection.publisher, selection.body)
    except Exception as error:  # the model is missing: say so
        st.error(f"Versionerna kan inte jämföras: {md(str(error))}")
        return
    if not result["changes"]:
        st.info("Den valda organisationen har ingen plan i mer än en version.")
        return
    st.caption(f"Omformulerat = samma mål med annan lydelse: likhet minst {result['threshold']:.3f} "
               "(kalibrerad på konstruerade exempel).")
    _versions(result)
    titles = version_labels(result["versions"])
    st.subheader("Förändringar")
    for change in result["changes"]:
        with st.container(border=True):
            _change(change, titles)


if __name__ == "__main__":
    render()
