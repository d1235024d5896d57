"""Roles for a shared server: writing open to all on a loopback address; elsewhere read-only, or for an admin
who gives the secret (checked in constant time, wrong tries logged and slowed). No secret in a log or on
the page.
"""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.cli import main
from app.explorer import admin, auth

ENTRY = str(Path(__file__).resolve().parents[2] / "app" / "explorer" / "streamlit_app.py")
SECRET = "Korrekt-Häst-Batteri-9"  # constructed for the test
WRONG = "fel-gissning-1"


@pytest.mark.parametrize("address, loopback", [
    ("localhost", True), ("LOCALHOST", True), ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True),
    ("[::1]", True), ("0.0.0.0", False), ("::", False), ("", False), (None, False), ("192.168.1.20", False),
    ("10.0.0.1", False), ("skolan.example.org", False), ("localhost.evil.example", False),
])
def test_only_loopback_addresses_are_local(address, loopback):
    assert auth.is_loopback(address) is loopback


def test_hash_round_trip_and_format():
    text = auth.hash_password(SECRET)
    assert text.startswith("scrypt$16384$8$1$") and SECRET not in text
    assert text != auth.hash_password(SECRET)  # a fresh salt each time
    secret = auth.parse_hash(text)
    assert secret.matches(SECRET) and not secret.matches(WRONG) and not secret.matches("")
    assert "key" not in repr(secret) and "salt" not in repr(secret)


@pytest.mark.parametrize("text", [
    "", "pbkdf2$1$2$3$4$5", "scrypt$16384$8$1$salt", "scrypt$1000$8$1$AAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAA",
    "scrypt$1048576$64$1$AAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAA", "scrypt$16384$8$1$!!$AAAA",
    "scrypt$16384$8$1$AA$AAAAAAAAAAAAAAAAAAAAAAAA",
])
def test_unreadable_hashes_are_refused(text):
    with pytest.raises(ValueError):
        auth.parse_hash(text)


def test_secret_from_the_environment(caplog):
    hashed = auth.hash_password(SECRET)
    assert auth.secret_from_env({}) is None
    assert auth.secret_from_env({auth.ENV_PASSWORD: SECRET}).matches(SECRET)
    assert auth.secret_from_env({auth.ENV_HASH: hashed}).matches(SECRET)
    with caplog.at_level(logging.INFO):
        both = auth.secret_from_env({auth.ENV_PASSWORD: "annat", auth.ENV_HASH: hashed})
        assert both.matches(SECRET) and not both.matches("annat")
        assert auth.secret_from_env({auth.ENV_HASH: "scrypt$nonsense"}) is None
    assert "STYRKEDJA_ADMIN_PASSWORD_HASH" in caplog.text
    assert SECRET not in caplog.text and "annat" not in caplog.text and hashed not in caplog.text


@pytest.mark.parametrize("address, environ, mode", [
    ("localhost", {}, "local"),
    ("127.0.0.1", {auth.ENV_PASSWORD: SECRET}, "local"),
    ("0.0.0.0", {}, "read-only"),
    ("0.0.0.0", {auth.ENV_PASSWORD: SECRET}, "admin"),
    ("10.1.2.3", {auth.ENV_HASH: "scrypt$16384$8$1$AAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAA"}, "admin"),
    ("10.1.2.3", {auth.ENV_HASH: "not a hash"}, "read-only"),  # fails closed
    ("", {}, "read-only"),
])
def test_access_modes(address, environ, mode):
    assert auth.access_for(address, environ).mode == mode


def test_wrong_tries_in_a_row_slow_further_tries_per_session_and_client(caplog):
    secret = auth.derive_secret(SECRET)
    throttle = auth.Throttle(free_tries=3, first_wait_s=2, max_wait_s=30)
    now = 1000.0
    with caplog.at_level(logging.INFO):
        for _ in range(2):
            assert auth.try_login(secret, WRONG, "s1", "10.0.0.9", throttle, now) == auth.Login(False, 0.0)
        third = auth.try_login(secret, WRONG, "s1", "10.0.0.9", throttle, now)
        assert not third.ok and third.wait_s == 2
        # Even the right secret is refused while waiting, and a new session of the same client waits too.
        assert not auth.try_login(secret, SECRET, "s1", "10.0.0.9", throttle, now + 1).ok
        assert not auth.try_login(secret, SECRET, "s2", "10.0.0.9", throttle, now + 1).ok
        # Each further wrong try doubles the wait, up to the cap.
        waits = [auth.try_login(secret, WRONG, "s1", "10.0.0.9", throttle, now + 100 * i).wait_s
                 for i in range(1, 6)]
        assert waits == [4, 8, 16, 30, 30]
        # Another client in another session is not held up; the right secret resets the keys.
        assert auth.try_login(secret, SECRET, "s3", "10.0.0.10", throttle, now).ok
        assert auth.try_login(secret, SECRET, "s1", "10.0.0.9", throttle, now + 10_000).ok
        assert throttle.wait_s(["session:s1", "client:10.0.0.9"], now + 10_000) == 0
    assert "wrong admin secret from client 10.0.0.9" in caplog.text
    assert SECRET not in caplog.text and WRONG not in caplog.text


def test_hash_password_command_reads_stdin(monkeypatch, capsys, caplog):
    monkeypatch.setattr(sys, "stdin", io.StringIO(SECRET + "\n"))
    with caplog.at_level(logging.INFO):
        assert main(["hash-password"]) == 0
    out = capsys.readouterr().out.strip()
    assert auth.parse_hash(out).matches(SECRET)
    assert SECRET not in out and SECRET not in caplog.text
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert main(["hash-password"]) == 1


# ------------------------------------------------------------------------------------------ the page


@pytest.fixture(autouse=True)
def fresh_throttle(monkeypatch):
    monkeypatch.setattr(auth, "THROTTLE", auth.Throttle())
    monkeypatch.delenv(auth.ENV_PASSWORD, raising=False)
    monkeypatch.delenv(auth.ENV_HASH, raising=False)
    yield
    admin.configure("localhost")


def dokument(small_store, monkeypatch, address: str | None) -> AppTest:
    monkeypatch.setenv("STYRKEDJA_STORE", str(small_store.folder))
    argv = ["streamlit_app.py"] + (["--address", address] if address is not None else [])
    monkeypatch.setattr(sys, "argv", argv)
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    at.switch_page("views/dokument.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def write_controls(at: AppTest) -> list[str]:
    """Whatever lets a user upload or remove, by label."""
    found = [f"uploader {u.label}" for u in at.get("file_uploader")]
    found += [b.label for b in at.button if b.label in ("Läs in", "Ta bort")]
    found += [s.label for s in at.selectbox if s.key == "dokument_ta_bort"]
    return found


def page_texts(at: AppTest) -> str:
    """Every string on the page (values, labels, bodies) and the session state."""
    texts = []

    def walk(node):
        for name in ("value", "label", "body", "placeholder", "help"):
            value = getattr(node, name, None)
            if isinstance(value, str):
                texts.append(value)
        proto = getattr(node, "proto", None)
        if proto is not None:
            texts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    texts.extend(repr(v) for v in at.session_state.values())
    return "\n".join(texts)


def test_local_address_allows_writing(small_store, monkeypatch):
    at = dokument(small_store, monkeypatch, "127.0.0.1")
    assert "uploader" in " ".join(write_controls(at)) and "Ta bort" in write_controls(at)


def test_apptest_without_an_address_counts_as_local(small_store, monkeypatch):
    at = dokument(small_store, monkeypatch, None)
    assert write_controls(at)


def test_shared_address_without_secret_is_read_only(small_store, monkeypatch):
    at = dokument(small_store, monkeypatch, "0.0.0.0")
    assert write_controls(at) == []
    assert not at.text_input  # not even a login
    assert any("skrivskyddad" in c.value for c in at.caption)
    assert at.dataframe  # the documents are still listed


def test_shared_address_with_a_secret_asks_for_it(small_store, monkeypatch, caplog):
    monkeypatch.setenv(auth.ENV_PASSWORD, SECRET)
    at = dokument(small_store, monkeypatch, "0.0.0.0")
    assert write_controls(at) == []
    with caplog.at_level(logging.INFO):
        at.text_input(key=admin.SECRET_KEY).input(WRONG)
        next(b for b in at.button if b.label == "Logga in").click().run()
        assert [e.value for e in at.error] == ["Fel lösenord."]
        assert write_controls(at) == []
        assert WRONG not in page_texts(at)
        at.text_input(key=admin.SECRET_KEY).input(SECRET)
        next(b for b in at.button if b.label == "Logga in").click().run()
    assert not at.exception and not at.error
    assert "uploader" in " ".join(write_controls(at)) and "Ta bort" in write_controls(at)
    assert SECRET not in page_texts(at) and WRONG not in page_texts(at)
    assert "wrong admin secret" in caplog.text and "admin login" in caplog.text
    assert SECRET not in caplog.text and WRONG not in caplog.text
    # Logging out closes writing again.
    next(b for b in at.button if b.label == "Logga ut").click().run()
    assert write_controls(at) == []


def test_the_page_slows_wrong_tries(small_store, monkeypatch):
    monkeypatch.setenv(auth.ENV_HASH, auth.hash_password(SECRET))
    at = dokument(small_store, monkeypatch, "192.168.1.20")
    for _ in range(auth.FREE_TRIES):
        at.text_input(key=admin.SECRET_KEY).input(WRONG)
        next(b for b in at.button if b.label == "Logga in").click().run()
    assert "Vänta" in at.error[0].value
    at.text_input(key=admin.SECRET_KEY).input(SECRET)  # the right one, too soon
    next(b for b in at.button if b.label == "Logga in").click().run()
    assert "Vänta" in at.error[0].value and write_controls(at) == []


def test_launcher_passes_the_address_to_the_script(tmp_path):
    from app.explorer.launch import streamlit_command

    command = streamlit_command(tmp_path, 8600, "0.0.0.0")
    script_args = command[command.index("--") + 1:]
    assert admin.served_address(script_args) == "0.0.0.0"
    assert command[command.index("--server.address") + 1] == "0.0.0.0"


def test_behind_a_proxy_shared_applies_the_roles_on_loopback(tmp_path):
    from app.explorer.launch import streamlit_command

    command = streamlit_command(tmp_path, 8600, "127.0.0.1", shared=True)
    script_args = command[command.index("--") + 1:]
    assert admin.served_address(script_args) is None
    assert auth.access_for(admin.served_address(script_args), {}).mode == "read-only"
    assert admin.served_address(["--address", "127.0.0.1"]) == "127.0.0.1"


def test_an_empty_store_does_not_invite_read_only_users_to_upload(tmp_path, monkeypatch):
    """Regression: the empty-store hint told read-only users to upload under Dokument."""
    from graph.store import Store

    empty = Store(tmp_path / "empty")
    monkeypatch.setenv("STYRKEDJA_STORE", str(empty.folder))
    hints = {}
    for address in ("0.0.0.0", "127.0.0.1"):
        monkeypatch.setattr(sys, "argv", ["streamlit_app.py", "--address", address])
        at = AppTest.from_file(ENTRY, default_timeout=120)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        hints[address] = " ".join(i.value for i in at.info)
    assert "Lagret är tomt" in hints["0.0.0.0"] and "Läs in dokument" not in hints["0.0.0.0"]
    assert "Läs in dokument under **Dokument**" in hints["127.0.0.1"]
