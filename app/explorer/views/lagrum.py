"""Lagrum: the paragraphs of skollagen cited in the documents, their text, and where each is cited."""

from __future__ import annotations

import streamlit as st

from app.explorer import data
from app.explorer.widgets import cite, md, quote, store_ready


def render() -> None:
    """Draw the view."""
    st.title("Lagrum")
    st.caption(
        "Paragraferna i skollagen (2010:800) som dokumenten hänvisar till, med lagtexten och varje ställe "
        "där de citeras."
    )
    folder, version = data.current()
    rows = data.documents(folder, version)
    if not store_ready(rows):
        return
    provisions = data.provisions(folder, version)
    if not provisions:
        st.info("Inget dokument hänvisar till en paragraf i skollagen.")
        return
    st.dataframe(
        [{"Paragraf": p["label"], "Citeras": len(p["citations"]), "Dokument": ", ".join(p["documents"])}
         for p in provisions],
        hide_index=True, width="stretch",
    )
    files = sorted({f for p in provisions for f in p["documents"]})
    chosen = st.multiselect("Visa hänvisningar i", files, key="lagrum_docs", placeholder="Alla dokument")
    for provision in provisions:
        citations = [c for c in provision["citations"] if not chosen or c["source_file"] in chosen]
        if not citations:
            continue
        places = f"{len(citations)} ställe{'n' if len(citations) != 1 else ''}"
        with st.expander(f"{md(provision['label'])} — citeras på {places}", icon=":material/gavel:"):
            st.markdown("**Lagtext**")
            if provision["text"]:
                quote(provision["text"])
                st.caption(md(provision["label"]) + " · lydelse enligt referensdata")
            else:
                st.caption("Lagtexten finns inte i referensdata.")
            st.markdown("**Där paragrafen citeras**")
            for item in citations:
                quote(item["quote"])
                cite(item["source_file"], item["page"], item["section"])


if __name__ == "__main__":
    render()
