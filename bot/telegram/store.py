"""What the bot remembers across restarts: each user's language, what its messages were about.

`StateStore` is the interface; `SqliteStateStore` keeps it in one small SQLite file, so a
reply follow-up in a group still works after a restart. Another backend (Redis, Postgres)
only has to implement the same five methods.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from pathlib import Path

from ..engine import Turn
from ..sqlite_file import close_sqlite, open_sqlite

# Records of what a bot message was about are kept this long: people rarely reply later.
MESSAGE_MEMORY_SECONDS = 90 * 24 * 3600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS user_language (
    user_id INTEGER PRIMARY KEY,
    lang TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS message_turn (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    topics TEXT NOT NULL,
    facts TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
"""


class StateStore(ABC):
    """Per-user settings and per-message records that must survive a restart."""

    @abstractmethod
    def language(self, user_id: int) -> str | None:
        """The language the user chose with /lang, or None."""

    @abstractmethod
    def set_language(self, user_id: int, lang: str) -> None: ...

    @abstractmethod
    def message_turn(self, chat_id: int, message_id: int) -> Turn | None:
        """What a bot message was about, so a reply to it can follow it up."""

    @abstractmethod
    def remember_message(self, chat_id: int, message_id: int, turn: Turn) -> None: ...

    @abstractmethod
    def close(self) -> None: ...


class SqliteStateStore(StateStore):
    """One SQLite file; every write commits at once, so a crash of the bot loses nothing."""

    def __init__(self, path: str | Path) -> None:
        self._db = open_sqlite(path, _SCHEMA)
        self._db.execute(
            "DELETE FROM message_turn WHERE created < ?", (time.time() - MESSAGE_MEMORY_SECONDS,)
        )
        # Read for every message, written by /lang only, and only by this process: kept in
        # memory (one entry per user who ever chose a language).
        self._languages = dict(self._db.execute("SELECT user_id, lang FROM user_language"))

    def language(self, user_id: int) -> str | None:
        return self._languages.get(user_id)

    def set_language(self, user_id: int, lang: str) -> None:
        self._db.execute(
            "INSERT INTO user_language (user_id, lang) VALUES (?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET lang = excluded.lang",
            (user_id, lang),
        )
        self._languages[user_id] = lang

    def message_turn(self, chat_id: int, message_id: int) -> Turn | None:
        row = self._db.execute(
            "SELECT topics, facts FROM message_turn WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        ).fetchone()
        if row is None:
            return None
        return Turn(tuple(json.loads(row[0])), tuple(json.loads(row[1])))

    def remember_message(self, chat_id: int, message_id: int, turn: Turn) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO message_turn VALUES (?, ?, ?, ?, ?)",
            (chat_id, message_id, json.dumps(turn.topics), json.dumps(turn.facts), time.time()),
        )

    def close(self) -> None:
        close_sqlite(self._db)
