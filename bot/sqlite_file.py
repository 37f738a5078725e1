"""Opening the bot's SQLite files, one way for all of them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

# One connection per file, shared by everything in the process that keeps state in it (the
# state store and the delivery journal), with the number of users still holding it.
_open: dict[Path, tuple[sqlite3.Connection, int]] = {}


def open_sqlite(path: str | Path, schema: str) -> sqlite3.Connection:
    """An autocommit connection to a file (made with its folder if need be), schema applied;
    give it back with close_sqlite.

    A write-ahead log without an fsync per commit: every write survives a crash of the bot,
    and the bookkeeping after a reply costs microseconds instead of a disk flush (only a
    power cut can take back the last writes). Users of one file share its connection: with
    a connection each, every write by one would make the other reread its pages. The busy
    timeout covers other processes (the command line). The event loop is the only thread
    using a connection.
    """
    path = Path(path)
    key = path.resolve()
    if key in _open:
        db, users = _open[key]
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout = 5000")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        users = 0
    try:
        db.executescript(schema)
    except sqlite3.Error:
        if not users:
            db.close()
        raise
    _open[key] = db, users + 1
    return db


def close_sqlite(db: sqlite3.Connection) -> None:
    """Give back a connection from open_sqlite; the last user closes it."""
    for key, (shared, users) in list(_open.items()):
        if shared is db:
            if users > 1:
                _open[key] = db, users - 1
                return
            del _open[key]
            break
    db.close()
