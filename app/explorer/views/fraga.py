"""Fråga: a question box with filters; answers as quoted passages with the answering sentences marked."""

from __future__ import annotations

import time

import streamlit as st

from app.explorer import data, facts
from app.explorer.text import escape_markdown, shorten
from app.explorer.widgets import Selection, cite, md, organisation_picker, page_path, quote, store_ready

EXAMPLES = (
    "Vem ansvarar för det systematiska kvalitetsarbetet?",
    "Hur följs elevernas kunskapsresultat upp?",
    "Vilka forum finns för dialog mellan huvudman och rektorer?",
    "Vad säger planen om likvärdig utbildning?",
)
ALL = "Alla"
TRACEABLE = {"Vision", "Goal", "PriorityArea", "Strategy", "Activity", "Challenge", "Forum"}


def _ask_example(text: str) -> None:
    st.session_state["fraga_text"] = text
    st.session_state["fraga_go"] = True


def _doc_ids(rows: list[dict], organisation: Selection, kind: str, year: str) -> frozenset[str] | None:
    """The documents the filters leave (None when nothing is filtered)."""
    if organisation.publisher is None and kind == ALL and year == ALL:
        return None
    chosen = [
        row for row in rows
        if organisation.matches(row)
        and (kind == ALL or row["kind"] == kind)
        and (year == ALL or int(year) in facts.years(row))
    ]
    return frozenset(row["document"] for row in chosen)


def render() -> None:
    """Draw the view."""
    st.title("Fråga")
    st.caption(
        "Ställ en fråga om styrdokumenten. Svaren är citat ur dokumenten med dokument och sida; "
        "den mening som "
        "bäst svarar är markerad. Till höger står vad citatet stöder i kunskapsgrafen."
    )
    folder, version = data.current()
    rows = data.documents(folder, version)
    if not store_ready(rows):
        return
    kinds = sorted({row["kind"] for row in rows})
    years = sorted({year for row in rows for year in facts.years(row)}, reverse=True)

    with st.form("fraga_form", border=False):
        question = st.text_input("Din fråga", key="fraga_text",
                                 placeholder="Till exempel: Vem ansvarar för uppföljningen av resultaten?")
        c1, c2, c3, c4 = st.columns([3, 2, 1, 1])
        organisation = organisation_picker(rows, "fraga_org", "Kommun eller organisation", include_all=True,
                                           all_label=ALL, container=c1)
        kind = c2.selectbox("Dokumenttyp", [ALL, *kinds], key="fraga_kind",
                            format_func=lambda k: k if k == ALL else facts.doc_kind_sv(k))
        year = c3.selectbox("År", [ALL, *[str(y) for y in years]], key="fraga_year")
        k = c4.selectbox("Antal svar", [3, 5, 10], index=1, key="fraga_k")
        submitted = st.form_submit_button("Sök svar", type="primary", icon=":material/search:")
    st.caption("Exempel:")
    columns = st.columns(len(EXAMPLES))
    for column, example in zip(columns, EXAMPLES, strict=True):
        column.button(example, on_click=_ask_example, args=(example,), key=f"ex_{example}",
                      width="stretch")

    go = submitted or st.session_state.pop("fraga_go", False)
    text = (question or "").strip()
    if go and not text:
        st.warning("Skriv en fråga först.")
        return
    if not text:
        return
    doc_ids = _doc_ids(rows, organisation, kind, year)
    if doc_ids is not None and not doc_ids:
        st.warning("Inget dokument passar filtren. Välj färre filter.")
        return
    started = time.perf_counter()
    with st.spinner("Söker i dokumenten … (den första frågan tar några sekunder medan språkmodellen laddas)"):
        try:
            answers = data.answers(folder, version, data.Question(text, doc_ids=doc_ids, k=int(k)))
        except Exception as error:  # the search index or the model is missing: say so, plainly
            st.error(f"Sökningen kunde inte göras: {escape_markdown(str(error))}")
            return
    elapsed = time.perf_counter() - started
    if not answers:
        st.info("Inga textavsnitt svarar på frågan. Pröva andra ord eller färre filter.")
        return
    st.caption(f"{len(answers)} svar på frågan ”{escape_markdown(text)}” ({elapsed:.2f} s).")
    for answer in answers:
        _answer(answer)


def _answer(answer: data.AnswerView) -> None:
    with st.container(border=True):
        left, right = st.columns([3, 2], gap="large")
        with left:
            heading = answer.title or answer.source_file
            organisation = f" — {md(answer.organisation)}" if answer.organisation else ""
            st.markdown(f"**{answer.rank}. {md(heading)}**{organisation}")
            quote(answer.text, answer.spans)
            cite(answer.source_file, answer.page, answer.section, extra=f"relevans {answer.score:.2f}")
        with right:
            st.markdown("**I kunskapsgrafen**")
            if not answer.nodes:
                st.caption("Avsnittet är inte kopplat till något mål, någon aktivitet eller något lagrum.")
            for node in answer.nodes:
                _node(answer, node)


def _node(answer: data.AnswerView, node: data.NodeView) -> None:
    kind = facts.type_sv(node.type)
    st.markdown(f"**{md(kind)}:** {md(shorten(node.label, 140))}")
    if node.type == "Provision":
        with st.expander("Lagtext", icon=":material/gavel:"):
            if node.text:
                quote(node.text)
                st.caption(md(node.label))
            else:
                st.caption("Texten finns inte i referensdata.")
    elif node.type in TRACEABLE and st.button("Visa styrkedjan", key=f"chain_{answer.rank}_{node.iri}",
                                              icon=":material/account_tree:", type="tertiary"):
            st.session_state["kedja_node"] = node.iri
            st.session_state["kedja_document"] = answer.document
            st.switch_page(page_path("styrkedjan.py"))


if __name__ == "__main__":
    render()
