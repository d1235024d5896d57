"""SPARQL: saved queries and an editor over the whole graph, read-only (no UPDATE, LOAD or SERVICE)."""

from __future__ import annotations

import csv
import io
import logging

import streamlit as st

from app.explorer import data
from app.explorer.text import csv_cell, escape_markdown
from app.sparql_runner import QueryTimeout
from graph.sparql import QueryError, saved_queries

log = logging.getLogger(__name__)


def _load(name: str) -> None:
    query = next((q for q in saved_queries() if q.name == st.session_state.get(name)), None)
    if query is not None:
        st.session_state["sparql_text"] = query.text


def render() -> None:
    """Draw the view."""
    st.title("SPARQL")
    st.caption(
        "Fråga kunskapsgrafen direkt. Välj en sparad fråga eller skriv en egen. Bara läsande frågor körs "
        "(SELECT, ASK, CONSTRUCT, DESCRIBE) och bara mot den här kunskapsgrafen; frågor som ändrar eller "
        "hämtar utifrån stoppas, och en fråga som tar för lång tid avbryts."
    )
    folder, version = data.current()
    queries = saved_queries()
    titles = {q.name: q.title for q in queries}
    if "sparql_text" not in st.session_state and queries:
        st.session_state["sparql_saved"] = queries[0].name
        st.session_state["sparql_text"] = queries[0].text
    st.selectbox("Sparade frågor", list(titles), key="sparql_saved", format_func=titles.get,
                 on_change=_load, args=("sparql_saved",))
    text = st.text_area("Fråga", key="sparql_text", height=260)
    run = st.button("Kör", type="primary", icon=":material/play_arrow:", key="sparql_run")
    if not (run or st.session_state.get("sparql_ran")):
        return
    st.session_state["sparql_ran"] = True
    try:
        columns, rows, truncated = data.sparql(folder, version, text)
    except QueryTimeout as error:
        st.error(f"Frågan tog för lång tid (över {error.seconds:g} s) och avbröts.")
        return
    except QueryError as error:
        st.error(f"Frågan kördes inte: {escape_markdown(str(error))}")
        return
    except Exception as error:  # an engine error on a valid query: show it, do not crash the page
        log.exception("sparql view: the query failed")
        st.error(f"Frågan misslyckades: {escape_markdown(type(error).__name__)}")
        return
    st.caption(f"{len(rows)} rader" + (f" (visar de första {len(rows)})" if truncated else ""))
    table = [dict(zip(columns, row, strict=True)) for row in rows]
    st.dataframe(table, hide_index=True, width="stretch")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(columns)
    writer.writerows([csv_cell(value) for value in row] for row in rows)  # no formulas from the graph
    st.download_button("Ladda ner som CSV", ("\ufeff" + buffer.getvalue()).encode("utf-8"),
                       file_name="sparql.csv", mime="text/csv", icon=":material/download:")


if __name__ == "__main__":
    render()
