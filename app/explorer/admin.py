"""The explorer's roles on the page: may this session upload and remove, the admin login, the read-only note.

The rules are in app/explorer/auth.py (pure); this module asks Streamlit for what they need: the address the
server is bound to, the session and the client. The entry script sets the address on every run
(:func:`configure`), from ``--address`` after ``--`` (what `styrkedja app` passes) and from Streamlit's own
``server.address`` — writing is open to all only when both are loopback. Without a real server (AppTest)
and without ``--address`` nothing listens, so the session counts as local.
"""

from __future__ import annotations

import argparse
import logging

import streamlit as st

from app.explorer import auth

log = logging.getLogger("app.explorer.auth")

ADMIN_FLAG = "styrkedja_admin"  # session state: this session gave the admin secret
SECRET_KEY = "styrkedja_admin_secret"  # the password field (cleared when the form is sent)
_OUTCOME = "styrkedja_admin_refused"  # why the last try was refused (shown once)
_address: str | None = "localhost"

READ_ONLY_NOTE = (
    "Utforskaren är skrivskyddad här: på den här adressen kan dokument inte läsas in eller tas bort. "
    "Det görs av den som driftar utforskaren, med `styrkedja add` och `styrkedja remove` på servern."
)


def _real_server() -> bool:
    """Whether a Streamlit server runs this script (not AppTest's stand-in)."""
    from streamlit.runtime import Runtime

    return Runtime.exists() and type(Runtime.instance()) is Runtime


def served_address(argv: list[str]) -> str | None:
    """The address to judge the session by: ``--address`` after ``--``, and the server's bound address.

    A real server whose ``server.address`` is unset listens on every interface (returns ""). When the two
    disagree, the one that is not loopback wins. ``--shared`` (behind a reverse proxy) returns None: shared.
    """
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--address")
    parser.add_argument("--shared", action="store_true")
    args = parser.parse_known_args(argv)[0]
    if args.shared:
        return None
    given = args.address
    if not _real_server():
        return given if given is not None else "localhost"
    bound = st.get_option("server.address") or ""
    if given is not None and not auth.is_loopback(given):
        return given
    return bound


def configure(address: str | None) -> None:
    """Remember the address the explorer is served on (set by the entry script on every run)."""
    global _address
    _address = address


def current_access() -> auth.Access:
    """The access of this server: local, admin (secret configured) or read-only."""
    return auth.access_for(_address)


def may_write() -> bool:
    """Whether this session may upload and remove documents."""
    access = current_access()
    return access.mode == "local" or (access.mode == "admin" and bool(st.session_state.get(ADMIN_FLAG)))


def _client() -> str:
    try:
        address = st.context.ip_address
    except Exception:  # no request context (AppTest)
        address = None
    return address if isinstance(address, str) and address else "okänd"


def _session() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    return context.session_id if context is not None else "okänd"


def _check_login() -> None:
    """The login button's callback: check the attempt, then clear the field before the page is drawn."""
    attempt = st.session_state.get(SECRET_KEY) or ""
    st.session_state[SECRET_KEY] = ""  # the attempt never goes back to the browser or stays in the session
    secret = auth.secret_from_env()
    if secret is None:  # removed or unreadable since the page was drawn
        st.session_state[_OUTCOME] = "Inget administratörslösenord är inställt; här kan man bara läsa."
        return
    result = auth.try_login(secret, attempt, _session(), _client())
    if result.ok:
        st.session_state[ADMIN_FLAG] = True
    elif result.wait_s > 0:
        st.session_state[_OUTCOME] = (f"Fel lösenord eller för många försök. Vänta {result.wait_s:.0f} s och "
                                      "försök igen.")
    else:
        st.session_state[_OUTCOME] = "Fel lösenord."


def login_form() -> None:
    """The admin login (only where a secret is configured and this session has not given it)."""
    st.caption("Att läsa in och ta bort dokument kräver administratörslösenordet på den här adressen.")
    with st.form("admin_login", clear_on_submit=True):
        st.text_input("Administratörslösenord", type="password", key=SECRET_KEY)
        st.form_submit_button("Logga in", icon=":material/lock_open:", on_click=_check_login)
    refused = st.session_state.pop(_OUTCOME, None)
    if refused:
        st.error(refused)


def logout_button() -> None:
    """Leave admin mode (only shown to a session that logged in)."""
    if st.button("Logga ut", icon=":material/lock:", key="admin_logout"):
        st.session_state.pop(ADMIN_FLAG, None)
        st.rerun()
