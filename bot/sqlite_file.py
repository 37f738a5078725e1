"""Opening the bot's SQLite files, one way for all of them."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def open_sqlite(path: str | Path, schema: str) -> sqlite3.Connection:
    """An autocommit connection to a file (made with its folder if need be), schema applied.

    A write-ahead log without an fsync per commit: every write survives a crash of the bot,
    and the bookkeeping after a reply costs microseconds instead of a disk flush (only a
    power cut can take back the last writes). The busy timeout lets the state store and the
    delivery journal share one file. The event loop is the only thread using a connection.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA busy_timeout = 5000")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.executescript(schema)
    return db
