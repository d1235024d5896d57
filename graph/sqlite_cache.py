"""Opening the store's SQLite caches (analyses, profiles): WAL, autocommit, in memory where not writable."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)


def in_memory() -> sqlite3.Connection:
    """An empty cache in memory (autocommit), for a store this process may read but not write."""
    return sqlite3.connect(":memory:", isolation_level=None)


def open_cache(path: Path, what: str) -> sqlite3.Connection:
    """The cache at ``path`` in WAL mode; in memory (logged, naming ``what``) where it cannot be written."""
    try:
        db = sqlite3.connect(path, timeout=60, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as error:
        log.info("%s %s cannot be written (%s); kept in memory", what, path, error)
        return in_memory()
    return db
