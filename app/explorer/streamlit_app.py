"""Entry script of the explorer: ``streamlit run app/explorer/streamlit_app.py -- --store DIR``.

Sets up the page, takes the store folder from ``--store`` (else $STYRKEDJA_STORE, else ./data) and the address
it is served on from ``--address`` (with Streamlit's ``server.address``: who may write), starts loading the
model and the index in the background, and hands over to the chosen view (views/*.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script by Streamlit: make the repository's packages importable
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app.explorer import admin, data  # noqa: E402
from app.explorer.widgets import HERE, PAGES  # noqa: E402

FAVICON = HERE / "favicon.png"


def store_argument(argv: list[str]) -> str | None:
    """The --store DIR given after ``--`` on the streamlit command line, if any."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--store")
    args, _ = parser.parse_known_args(argv)
    return args.store


def main() -> None:
    """Configure the page and run the selected view."""
    st.set_page_config(page_title="Styrkedja", layout="wide")
    folder = store_argument(sys.argv[1:])
    if folder:
        data.configure(folder)
    admin.configure(admin.served_address(sys.argv[1:]))  # who may write: app/explorer/auth.py
    data.warm_up()
    groups: dict[str, list] = {}
    for index, (file_name, title, url_path, group) in enumerate(PAGES):
        # No page icons: Streamlit fetches a page's icon from a CDN to use as the favicon (no network here).
        page = st.Page(HERE / "views" / file_name, title=title, url_path=url_path, default=index == 0)
        groups.setdefault(group, []).append(page)
    navigation = st.navigation(groups)
    # The favicon: a page's Material icon would be fetched from a CDN; a local image is served by the app.
    st.set_page_config(page_icon=str(FAVICON))
    with st.sidebar:
        st.caption(
            "**Styrkedja** visar hur lag, Agenda 2030, mål, strategier, aktiviteter, ansvar och tidpunkter "
            "hänger ihop i styrdokumenten. Allt som visas är citat ur dokumenten, med sida."
        )
    navigation.run()


main()
