"""The store's SQLite caches open in WAL mode, and in memory (logged) where the store cannot be written."""

import logging

from graph.sqlite_cache import open_cache


def test_a_writable_store_gets_a_file_in_wal_mode(tmp_path):
    db = open_cache(tmp_path / "cache.sqlite", "test cache")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.execute("CREATE TABLE t (x)")
    db.execute("INSERT INTO t VALUES (1)")  # autocommit: visible to another connection at once
    other = open_cache(tmp_path / "cache.sqlite", "test cache")
    assert other.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_a_cache_that_cannot_be_written_is_kept_in_memory(tmp_path, caplog):
    missing = tmp_path / "no such folder" / "cache.sqlite"
    with caplog.at_level(logging.INFO, logger="graph.sqlite_cache"):
        db = open_cache(missing, "test cache")
    assert db.execute("PRAGMA database_list").fetchone()[2] == ""  # the in-memory database has no file
    assert not missing.exists()
    assert "test cache" in caplog.text and "kept in memory" in caplog.text
