"""Jämför: plans side by side (goals, paragraphs cited, Agenda 2030, forums, themes), what they share, and
the plans most like one plan."""

from __future__ import annotations

import streamlit as st

from app.explorer import data, facts
from app.explorer.text import escape_markdown, shorten
from app.explorer.widgets import cite, md, organisation_picker, plan_notice, quote, store_ready

LIST_LIMIT = 12


def _default_pair(rows: list[dict]) -> list[str]:
    """Two plans from different organisations, when there are."""
    plans = [r for r in rows if r["kind"] in ("verksamhetsplan", "kvalitetsplan", "affarsplan", "styrkort")]
    chosen: list[dict] = []
    for row in plans + rows:
        if all(row["publisher"] != c["publisher"] for c in chosen):
            chosen.append(row)
        if len(chosen) == 2:
            break
    return [r["document"] for r in chosen]


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
    titles = {r["document"]: f"{r['organisation'] or '–'}: {r['title']}" for r in rows}
    selection = organisation_picker(rows, "jamfor_org", include_all=True)
    offered = [r["document"] for r in rows if selection.matches(r)]
    if "jamfor_docs" not in st.session_state:
        st.session_state["jamfor_docs"] = _default_pair(rows)
    if any(d not in offered for d in st.session_state["jamfor_docs"]):
        st.session_state["jamfor_docs"] = [d for d in st.session_state["jamfor_docs"] if d in offered]
    chosen = st.multiselect("Dokument att jämföra", offered, key="jamfor_docs", format_func=titles.get,
                            max_selections=4)
    if len(chosen) < 2:
        st.info("Välj minst två dokument.")
    else:
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
