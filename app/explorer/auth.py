"""Who may write in the explorer (upload, remove): roles for a shared server (pure, no Streamlit).

- Served on a loopback address (``styrkedja app``, default ``localhost``): everyone may write, as on one's own
  laptop.
- Served on any other address (``styrkedja app --address 0.0.0.0``): read-only, unless an admin secret is
  configured — ``STYRKEDJA_ADMIN_PASSWORD`` (the secret itself) or ``STYRKEDJA_ADMIN_PASSWORD_HASH`` (its
  scrypt hash, made by ``styrkedja hash-password``). Then whoever gives the secret may write in that session.

The secret is compared in constant time on derived keys (scrypt, then ``hmac.compare_digest``). A wrong secret
is refused and logged without the secret; after a few wrong tries in a row from one session or one client,
further tries wait, twice as long each time (shared by all sessions of the server process).

Hash format (``STYRKEDJA_ADMIN_PASSWORD_HASH``): ``scrypt$<n>$<r>$<p>$<salt>$<key>`` with the salt and the
64-byte key in unpadded URL-safe base64; n a power of two. One line makes one without the CLI::

    python -c "import getpass, app.explorer.auth as a; print(a.hash_password(getpass.getpass()))"
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import logging
import os
import secrets
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

log = logging.getLogger("app.explorer.auth")

ENV_PASSWORD = "STYRKEDJA_ADMIN_PASSWORD"
ENV_HASH = "STYRKEDJA_ADMIN_PASSWORD_HASH"
SCHEME = "scrypt"
N, R, P = 2**14, 8, 1  # scrypt cost: about 50 ms and 16 MB per derivation
KEY_BYTES = 64
SALT_BYTES = 16
MAX_MEMORY = 2**28  # a hash whose scrypt needs more memory (128·n·r bytes) is refused

FREE_TRIES = 3  # wrong tries in a row before tries are slowed
FIRST_WAIT_S = 2.0  # then 2, 4, 8 … seconds between tries
MAX_WAIT_S = 300.0

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to this address is reachable from this machine only.

    An empty or missing address means every interface (Streamlit's default): not loopback. A host name other
    than localhost is not resolved (no network) and counts as not loopback.
    """
    text = (address or "").strip().strip("[]").casefold()
    if not text:
        return False
    if text in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(text.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Secret:
    """A derived key and how it was derived (never the secret itself)."""

    salt: bytes = field(repr=False)
    key: bytes = field(repr=False)
    n: int = N
    r: int = R
    p: int = P

    def derive(self, attempt: str) -> bytes:
        """The key of an attempt, derived like this secret's."""
        return hashlib.scrypt(attempt.encode("utf-8"), salt=self.salt, n=self.n, r=self.r, p=self.p,
                              maxmem=MAX_MEMORY, dklen=len(self.key))

    def matches(self, attempt: str) -> bool:
        """Whether an attempt is the secret (constant time on the derived keys)."""
        return hmac.compare_digest(self.derive(attempt), self.key)


def derive_secret(password: str, salt: bytes | None = None, n: int = N, r: int = R, p: int = P) -> Secret:
    """The Secret of a password with a fresh random salt (or the given one)."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    probe = Secret(salt=salt, key=b"\0" * KEY_BYTES, n=n, r=r, p=p)
    return Secret(salt=salt, key=probe.derive(password), n=n, r=r, p=p)


def hash_password(password: str) -> str:
    """The value for STYRKEDJA_ADMIN_PASSWORD_HASH: ``scrypt$n$r$p$salt$key``."""
    if not password:
        raise ValueError("the password is empty")
    secret = derive_secret(password)
    return f"{SCHEME}${secret.n}${secret.r}${secret.p}${_b64(secret.salt)}${_b64(secret.key)}"


def parse_hash(text: str) -> Secret:
    """Read a hash made by hash_password; ValueError (not naming the hash) when it is not one."""
    parts = text.strip().split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise ValueError(f"not a {SCHEME}$n$r$p$salt$key hash")
    try:
        n, r, p = (int(part) for part in parts[1:4])
        salt, key = _unb64(parts[4]), _unb64(parts[5])
    except (ValueError, binascii.Error):
        raise ValueError("the hash's numbers or base64 parts cannot be read") from None
    if n < 2 or n & (n - 1) or not 1 <= r <= 64 or not 1 <= p <= 16 or 130 * n * r > MAX_MEMORY:
        raise ValueError("the hash's scrypt parameters are out of range")
    if len(salt) < 8 or len(key) < 16:
        raise ValueError("the hash's salt or key is too short")
    return Secret(salt=salt, key=key, n=n, r=r, p=p)


def secret_from_env(environ: Mapping[str, str] | None = None) -> Secret | None:
    """The admin secret configured in the environment, or None (a hash that cannot be read counts as none)."""
    environ = os.environ if environ is None else environ
    hashed = environ.get(ENV_HASH, "").strip()
    password = environ.get(ENV_PASSWORD, "")
    if hashed:
        if password:
            log.warning("both %s and %s are set; %s is used", ENV_PASSWORD, ENV_HASH, ENV_HASH)
        try:
            return parse_hash(hashed)
        except ValueError as error:
            log.error("%s cannot be used (%s); the explorer stays read-only on a shared address",
                      ENV_HASH, error)
            return None
    if password:
        return derive_secret(password)
    return None


def secret_configured(environ: Mapping[str, str] | None = None) -> bool:
    """Whether a usable admin secret is configured (cheap: a password is not derived here)."""
    environ = os.environ if environ is None else environ
    hashed = environ.get(ENV_HASH, "").strip()
    if hashed:
        try:
            parse_hash(hashed)
        except ValueError:
            return False
        return True
    return bool(environ.get(ENV_PASSWORD, ""))


@dataclass(frozen=True)
class Access:
    """What the explorer lets this server's users do."""

    local: bool  # served on a loopback address: everyone may write
    configured: bool  # an admin secret is configured (only asked when not local)

    @property
    def mode(self) -> str:
        """"local" (all may write), "admin" (writing needs the secret) or "read-only"."""
        if self.local:
            return "local"
        return "admin" if self.configured else "read-only"


def access_for(address: str | None, environ: Mapping[str, str] | None = None) -> Access:
    """The access of a server bound to ``address`` with the secret of the environment."""
    local = is_loopback(address)
    return Access(local=local, configured=not local and secret_configured(environ))


@dataclass
class _Record:
    failures: int = 0
    until: float = 0.0
    last: float = 0.0


class Throttle:
    """Wrong tries in a row per key (a session, a client); after FREE_TRIES, each try waits twice as long."""

    def __init__(self, free_tries: int = FREE_TRIES, first_wait_s: float = FIRST_WAIT_S,
                 max_wait_s: float = MAX_WAIT_S, keep_s: float = 3600.0):
        self.free_tries, self.first_wait_s, self.max_wait_s, self.keep_s = (
            free_tries, first_wait_s, max_wait_s, keep_s)
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def wait_s(self, keys: Iterable[str], now: float | None = None) -> float:
        """How long the next try from these keys must still wait (0 when it may be tried now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return max((self._records[k].until - now for k in keys if k in self._records), default=0.0)

    def failed(self, keys: Iterable[str], now: float | None = None) -> tuple[int, float]:
        """Count a wrong try; return the most wrong tries in a row of any key and the wait it now sets."""
        now = time.monotonic() if now is None else now
        worst, wait = 0, 0.0
        with self._lock:
            self._forget_old(now)
            for key in keys:
                record = self._records.setdefault(key, _Record())
                record.failures += 1
                record.last = now
                over = record.failures - self.free_tries
                if over >= 0:
                    record.until = now + min(self.first_wait_s * 2**over, self.max_wait_s)
                worst = max(worst, record.failures)
                wait = max(wait, record.until - now)
        return worst, wait

    def succeeded(self, keys: Iterable[str]) -> None:
        """A right try: these keys start again from zero."""
        with self._lock:
            for key in keys:
                self._records.pop(key, None)

    def _forget_old(self, now: float) -> None:
        if len(self._records) > 10_000:
            for key in [k for k, r in self._records.items() if now - r.last > self.keep_s]:
                del self._records[key]


THROTTLE = Throttle()  # shared by every session of the server process


@dataclass(frozen=True)
class Login:
    """The outcome of one try: ok, or refused (wrong, or too soon: wait_s seconds left)."""

    ok: bool
    wait_s: float = 0.0


def try_login(secret: Secret, attempt: str, session: str, client: str, throttle: Throttle | None = None,
              now: float | None = None) -> Login:
    """Check an attempt at the admin secret for a session and a client; log refusals (never the attempt)."""
    throttle = throttle if throttle is not None else THROTTLE
    keys = [f"session:{session}", f"client:{client}"]
    wait = throttle.wait_s(keys, now)
    if wait > 0:
        log.warning("explorer: admin login from client %s refused without checking: %.0f s to wait after "
                    "wrong tries", client, wait)
        return Login(ok=False, wait_s=wait)
    if attempt and secret.matches(attempt):
        throttle.succeeded(keys)
        log.info("explorer: admin login from client %s", client)
        return Login(ok=True)
    failures, wait = throttle.failed(keys, now)
    log.warning("explorer: wrong admin secret from client %s (%d wrong in a row)", client, failures)
    return Login(ok=False, wait_s=wait)
