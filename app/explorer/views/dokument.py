"""Dokument: the documents in the store; upload a PDF or text file (with progress) and remove a document.

Uploading and removing are shown only to a session that may write (app/explorer/admin.py): everyone on a
loopback address, elsewhere an admin who gave the secret; otherwise the view is read-only and says so.
"""

from __future__ import annotations

import streamlit as st

from app.explorer import admin, data, facts
from app.explorer.text import escape_markdown
from app.explorer.uploads import ALLOWED_SUFFIXES, ingest_upload, max_upload_mb, remove_document
from app.explorer.widgets import organisation_picker
from graph.store import Store, StoreError

# Extraction stages (graph.rdf, app.pipeline) in the explorer's words.
STAGE_NAMES = {
    "legal": "lagrum",
    "sdg": "Agenda 2030",
    "protocol": "protokollets paragrafer",
    "plan": "planens mål och aktiviteter",
    "alignment": "beräknade Agenda 2030-kopplingar",
    "search": "sökindex",
}


def render() -> None:
    """Draw the view."""
    st.title("Dokument")
    mode = admin.current_access().mode
    st.caption("Dokumenten i lagret." + ("" if mode == "read-only" else
               " Läs in en ny plan eller ett protokoll, så finns det med i alla vyer."))
    folder, version = data.current()
    message = st.session_state.pop("dokument_message", None)
    if message:
        kind, text = message
        getattr(st, kind)(text)
    rows = data.documents(folder, version)
    if rows:
        selection = organisation_picker(rows, "dokument_org", include_all=True)
        st.dataframe(
            [{"Fil": r["source_file"], "Även som": ", ".join(r["aliases"]), "Titel": r["title"],
              "Typ": facts.doc_kind_sv(r["kind"]),
              "Organisation": r["organisation"] or "", "Organ": r["body"] or "",
              "Period/datum": r["period"] or r["date"] or "", "Sidor": r["pages"],
              "Källa": "uppladdad" if r["uploaded"] else "korpus", "Inläst": r["added"]}
             for r in rows if selection.matches(r)],
            hide_index=True, width="stretch",
        )
    else:
        st.info("Lagret är tomt.")

    if mode == "read-only":
        st.caption(admin.READ_ONLY_NOTE)
        return
    if not admin.may_write():
        admin.login_form()
        return
    if mode == "admin":
        admin.logout_button()
    _write_controls(folder, version, rows)


def _write_controls(folder: str, version: str, rows: list) -> None:
    """The upload and remove forms (only for a session that may write)."""
    st.subheader("Läs in ett dokument")
    limit = max_upload_mb()
    suffixes = ", ".join(ALLOWED_SUFFIXES)
    with st.form("upload_form", clear_on_submit=True):
        upload = st.file_uploader(f"PDF- eller textfil ({suffixes}, högst {limit:g} MB)",
                                  type=[s.lstrip(".") for s in ALLOWED_SUFFIXES], key="dokument_fil")
        submitted = st.form_submit_button("Läs in", type="primary", icon=":material/upload:")
    if submitted and upload is None:
        st.warning("Välj en fil först.")
    elif submitted and upload is not None:
        _ingest(folder, version, upload.name, upload.getvalue())

    if rows:
        st.subheader("Ta bort ett dokument")
        names = {r["source_file"]: r["source_file"] for r in rows}
        for r in rows:  # another name of a document goes alone; the document stays under its other names
            names.update({a: f"{a} (samma innehåll som {r['source_file']})" for a in r["aliases"]})
        with st.form("remove_form"):
            name = st.selectbox("Dokument", list(names), key="dokument_ta_bort", format_func=names.get)
            sure = st.checkbox("Ja, ta bort dokumentet och allt som hämtats ur det", key="dokument_saker")
            removed = st.form_submit_button("Ta bort", icon=":material/delete:")
        if removed:
            if not sure:
                st.warning("Kryssa i rutan för att bekräfta.")
            else:
                _remove(folder, version, name)
        st.caption("Ett dokument från korpusen kommer tillbaka nästa gång lagret byggs om "
                   "(`styrkedja build`).")


def _ingest(folder: str, version: str, name: str, payload: bytes) -> None:
    if not admin.may_write():  # checked again where the store is written
        st.error("Utforskaren är skrivskyddad här.")
        return
    bar = st.progress(0.0, text="Förbereder …")
    shown = escape_markdown(name)  # a file name is the uploader's text: shown as text
    with st.status(f"Läser in {shown} …", expanded=True) as status:

        def progress(text: str, share: float) -> None:
            st.write(text)
            bar.progress(share, text=text)

        try:
            index = data.search_index(folder, version)
        except Exception:  # no index yet: the explorer indexes the document when it next loads the index
            index = None
        outcome = ingest_upload(Store(folder), name, payload, progress=progress, index=index)
        if not outcome.ok:
            status.update(label=f"{shown} kunde inte läsas in", state="error")
            bar.empty()
            st.error(escape_markdown(outcome.error or "okänt fel") + "  \nLagret är oförändrat.")
            return
        status.update(label=f"{escape_markdown(outcome.name)} är inläst", state="complete", expanded=False)
    data.clear_after_write()
    verb = {"added": "lades till", "replaced": "ersatte den tidigare versionen",
            "unchanged": "var redan inläst",
            "aliased": "har samma innehåll som ett dokument som redan finns och blev ett namn till på det"
            }.get(outcome.status or "", "lästes in")
    message = f"{escape_markdown(outcome.name)} {verb}."
    if outcome.failed_stages:
        stages = ", ".join(STAGE_NAMES.get(stage, stage) for stage in outcome.failed_stages)
        message += f" Det som inte kunde läsas ut ({stages}) försöks igen vid nästa bygge."
    st.session_state["dokument_message"] = ("warning" if outcome.failed_stages else "success", message)
    st.rerun()


def _remove(folder: str, version: str, name: str) -> None:
    if not admin.may_write():
        st.error("Utforskaren är skrivskyddad här.")
        return
    try:
        index = data.search_index(folder, version)
    except Exception:
        index = None
    try:
        remove_document(Store(folder), name, index=index)
    except StoreError as error:
        st.error(escape_markdown(str(error)))
        return
    data.clear_after_write()
    st.session_state["dokument_message"] = ("success", f"{escape_markdown(name)} togs bort.")
    st.rerun()


if __name__ == "__main__":
    render()
