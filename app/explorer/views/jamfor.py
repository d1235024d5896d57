"""Jämför: plans side by side (goals, paragraphs cited, Agenda 2030, forums, themes), what they share, and
the plans most like one plan."""

from __future__ import annotations

import streamlit as st

from app.explorer import data, facts
from app.explorer.text import escape_markdown, shorten
from app.explorer.widgets import cite, md, organisation_picker, page_path, plan_notice, quote, store_ready

LIST_LIMIT = 12


PLAN_KINDS = ("verksamhetsplan", "kvalitetsplan", "affarsplan", "styrkort")


def _default_pair(rows: list[dict], series: list[list[str]] | None = None) -> list[str]:
    """Two read plans from different organisations; else the two latest versions of one plan; else any two
    plans; documents whose plan was not read, and protocols, only when nothing else is there."""
    plans = [r for r in rows if r["kind"] in PLAN_KINDS and r.get("plan_state", "read") == "read"]
    chosen: list[dict] = []
    for row in plans:
        if all(row["publisher"] != c["publisher"] for c in chosen):
            chosen.append(row)
    if len(chosen) >= 2:
        return [r["document"] for r in chosen[:2]]
    readable = {r["document"] for r in plans}
    for versions in series or []:
        latest = [d for d in versions if d in readable][-2:]
        if len(latest) == 2:
            return latest
    others = [r for r in rows if r["kind"] != "protokoll"] + [r for r in rows if r["kind"] == "protokoll"]
    picked: list[str] = []
    for row in plans + others:
        if row["document"] not in picked:
            picked.append(row["document"])
    return picked[:2]


@st.cache_data(max_entries=8, show_spinner=False)
def plan_series(folder: str, version: str) -> list[list[str]]:
    """The documents of every plan with several versions, oldest version first (graph/versions.py)."""
    from graph.versions import group_series, versions_of

    chain = data.chain(folder, version)
    series = group_series(versions_of(chain))
    return [[v.document for v in s.versions] for s in series if len(s.versions) >= 2]


def versions_among(chosen: list[str], series: list[list[str]]) -> list[str] | None:
    """The chosen documents that are versions of one plan (the first such plan), when at least two are."""
    for versions in series:
        shared = [d for d in versions if d in chosen]
        if len(shared) >= 2:
            return shared
    return None


def document_titles(rows: list[dict]) -> dict[str, str]:
    """"Organisation: title" per document; where titles repeat, with the period, else the date, else the file
    name – the first of these that tells the documents apart."""
    base = {r["document"]: f"{r['organisation'] or '–'}: {r['title']}" for r in rows}
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(base[row["document"]], []).append(row)
    titles = dict(base)
    for text, group in groups.items():
        if len(group) < 2:
            continue
        for field in ("period", "date", "source_file"):
            values = [str(r.get(field) or "") for r in group]
            if all(values) and len(set(values)) == len(values):
                break
        for row, value in zip(group, values, strict=True):
            titles[row["document"]] = f"{text} ({value or row['source_file']})"
    return titles


def _history_notice(chosen: list[str], series: list[list[str]], rows: list[dict]) -> None:
    """Point to Tidslinje where the chosen documents are versions of one plan."""
    versions = versions_among(chosen, series)
    if not versions:
        return
    row = next(r for r in rows if r["document"] == versions[0])
    st.info("Dokumenten är versioner av samma plan. Vilka mål och fokusområden som behölls, omformulerades, "
            "tillkom eller togs bort mellan versionerna – med citat och sida – visas i **Tidslinje**.",
            icon=":material/timeline:")
    if st.button("Till Tidslinje", key="jamfor_to_tidslinje", icon=":material/timeline:", type="tertiary"):
        st.session_state["tidslinje_org"] = facts.org_key(row)
        st.switch_page(page_path("tidslinje.py"))


def _items(title: str, items: list[facts.Item], empty: str) -> None:
    st.markdown(f"**{title}** ({len(items)})")
    if not items:
        st.caption(empty)
        return
    lines = []
    for item in items[:LIST_LIMIT]:
        where = f"s. {item.page}" if item.page is not None else ""
        extra = f"{item.extra}" if item.extra else ""
        note = " · ".join(x for x in (extra, where) if x)
        lines.append(f"- {md(shorten(item.label, 90))}" + (f" :gray[({md(note)})]" if note else ""))
    st.markdown("\n".join(lines))
    if len(items) > LIST_LIMIT:
        st.caption(f"… och {len(items) - LIST_LIMIT} till.")


def _column(profile: facts.Profile) -> None:
    st.markdown(f"#### {md(profile.title)}")
    st.caption(" · ".join(md(x) for x in (profile.organisation, facts.doc_kind_sv(profile.kind),
                                          profile.period, profile.source_file) if x))
    if not plan_notice(profile.plan.state, profile.plan.reason, f"jamfor_{profile.document}"):
        m1, m2, m3 = st.columns(3)
        m1.metric("Mål", len(profile.goals))
        m2.metric("Strategier", profile.strategies)
        m3.metric("Aktiviteter", profile.activities)
        _items("Mål och prioriterade områden", profile.goals, "Inga mål hittades.")
    _items("Lagrum som citeras", profile.provisions, "Hänvisar inte till någon paragraf i skollagen.")
    _items("Agenda 2030, uttryckligen", profile.sdg_explicit, "Nämner inga mål i Agenda 2030.")
    _items("Agenda 2030, beräknad koppling (poäng)", profile.sdg_inferred, "Ingen beräknad koppling.")
    if profile.plan.state == "read":
        _items("Forum och hur ofta de möts", profile.forums, "Inga återkommande forum hittades.")
    st.markdown("**Teman** " + (", ".join(md(t) for t in profile.themes) or ":gray[–]"))


def render() -> None:
    """Draw the view."""
    st.title("Jämför")
    st.caption(
        "Lägg två eller fler planer bredvid varandra: mål, lagrum, Agenda 2030, forum och teman – och vad de "
        "har gemensamt. Längst ner: planer som liknar en vald plan, med de avsnitt som liknar varandra mest."
    )
    folder, version = data.current()
    rows = data.documents(folder, version)
    if not store_ready(rows):
        return
    titles = document_titles(rows)
    series = plan_series(folder, version)
    selection = organisation_picker(rows, "jamfor_org", include_all=True)
    offered = [r["document"] for r in rows if selection.matches(r)]
    if "jamfor_docs" not in st.session_state:
        st.session_state["jamfor_docs"] = _default_pair(rows, series)
    if any(d not in offered for d in st.session_state["jamfor_docs"]):
        st.session_state["jamfor_docs"] = [d for d in st.session_state["jamfor_docs"] if d in offered]
    chosen = st.multiselect("Dokument att jämföra", offered, key="jamfor_docs", format_func=titles.get,
                            max_selections=4)
    if len(chosen) < 2:
        st.info("Välj minst två dokument.")
    else:
        _history_notice(chosen, series, rows)
        profiles = [data.profile(folder, version, d) for d in chosen]
        for column, profile in zip(st.columns(len(profiles), gap="medium"), profiles, strict=True):
            with column, st.container(border=True):
                _column(profile)
        st.subheader("Gemensamt")
        common = facts.shared(profiles)
        lines = []
        for name, values in common.items():
            text = "; ".join(escape_markdown(shorten(v, 90)) for v in values) if values else ":gray[inget]"
            lines.append(f"- **{name}:** {text}")
        st.markdown("\n".join(lines))
    st.subheader("Planer som liknar denna")
    if st.session_state.get("jamfor_similar") not in titles:
        st.session_state["jamfor_similar"] = (chosen or list(titles))[0]
    target = st.selectbox("Plan", list(titles), key="jamfor_similar", format_func=titles.get)
    try:
        similar = data.similar(folder, version, target)
    except Exception as error:  # no search index: say so
        st.error(f"Likheten kan inte beräknas: {escape_markdown(str(error))}")
        return
    if not similar:
        st.caption("Inga andra dokument att jämföra med (eller dokumentet saknas i sökindexet).")
    for item in similar:
        name = md(titles.get(item["document"], item["source_file"]))
        with st.expander(f"{name} — likhet {item['score']:.2f}"):
            st.caption("De avsnitt som liknar varandra mest:")
            for pair in item["pairs"]:
                left, right = st.columns(2)
                with left:
                    quote(shorten(pair["mine"], 400))
                    cite(titles.get(target, ""), pair["mine_page"])
                with right:
                    quote(shorten(pair["theirs"], 400))
                    cite(item["source_file"], pair["theirs_page"], extra=f"likhet {pair['cosine']:.2f}")


if __name__ == "__main__":
    render()
