"""Quiz state that must survive a restart: polls sent, questions a chat had, and scores.

Beside the state store and in the same place: the SQLite file at BOT_STATE_PATH, or Redis
when STATE_URL names it (replicas share scores). Scores hold user ids, names as Telegram
gives them, and counts; nothing else about a person.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..settings import Settings
from ..sqlite_file import close_sqlite, open_sqlite

# A quiz poll is answered within minutes; its record is kept this long for late answers.
POLL_MEMORY_SECONDS = 7 * 24 * 3600
TOP = 10

_SCHEMA = """
CREATE TABLE IF NOT EXISTS quiz_poll (
    poll_id TEXT PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS quiz_vote (
    poll_id TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (poll_id, user_id)
);
CREATE TABLE IF NOT EXISTS quiz_asked (
    chat_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    PRIMARY KEY (chat_id, question)
);
CREATE TABLE IF NOT EXISTS quiz_score (
    chat_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    answered INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);
"""


@dataclass(frozen=True)
class Score:
    user_id: int
    name: str
    answered: int
    correct: int


@dataclass(frozen=True)
class SentPoll:
    """What an answer to a poll is scored against."""

    chat_id: int
    correct: int


class QuizStore(ABC):
    @abstractmethod
    def asked(self, chat_id: int) -> set[str]:
        """Question keys the chat has had since its pool last started over."""

    @abstractmethod
    def mark_asked(self, chat_id: int, key: str) -> None: ...

    @abstractmethod
    def forget_asked(self, chat_id: int, keys: list[str]) -> None:
        """A pool used up starts over."""

    @abstractmethod
    def remember_poll(self, poll_id: str, chat_id: int, correct: int) -> None: ...

    @abstractmethod
    def poll(self, poll_id: str) -> SentPoll | None: ...

    @abstractmethod
    def count_answer(
        self, poll_id: str, chat_id: int, user_id: int, name: str, right: bool
    ) -> bool:
        """Count one answer; False (and nothing counted) when this user's answer to this poll
        was counted already (an update Telegram sent again)."""

    @abstractmethod
    def score(self, chat_id: int, user_id: int) -> Score | None: ...

    @abstractmethod
    def top(self, chat_id: int, limit: int = TOP) -> list[Score]:
        """Most right answers first; of equals, fewer answers first."""

    @abstractmethod
    def close(self) -> None: ...


class SqliteQuizStore(QuizStore):
    """Tables in the state file, through its shared connection."""

    def __init__(self, path: str | Path) -> None:
        self._db = open_sqlite(path, _SCHEMA)
        old = time.time() - POLL_MEMORY_SECONDS
        self._db.execute(
            "DELETE FROM quiz_vote WHERE poll_id IN "
            "(SELECT poll_id FROM quiz_poll WHERE created < ?)",
            (old,),
        )
        self._db.execute("DELETE FROM quiz_poll WHERE created < ?", (old,))

    def asked(self, chat_id: int) -> set[str]:
        rows = self._db.execute("SELECT question FROM quiz_asked WHERE chat_id = ?", (chat_id,))
        return {key for (key,) in rows}

    def mark_asked(self, chat_id: int, key: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO quiz_asked VALUES (?, ?)", (chat_id, key))

    def forget_asked(self, chat_id: int, keys: list[str]) -> None:
        self._db.executemany(
            "DELETE FROM quiz_asked WHERE chat_id = ? AND question = ?",
            [(chat_id, key) for key in keys],
        )

    def remember_poll(self, poll_id: str, chat_id: int, correct: int) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO quiz_poll VALUES (?, ?, ?, ?)",
            (poll_id, chat_id, correct, time.time()),
        )

    def poll(self, poll_id: str) -> SentPoll | None:
        row = self._db.execute(
            "SELECT chat_id, correct FROM quiz_poll WHERE poll_id = ?", (poll_id,)
        ).fetchone()
        return SentPoll(*row) if row else None

    def count_answer(
        self, poll_id: str, chat_id: int, user_id: int, name: str, right: bool
    ) -> bool:
        added = self._db.execute(
            "INSERT OR IGNORE INTO quiz_vote VALUES (?, ?)", (poll_id, user_id)
        ).rowcount
        if not added:
            return False
        self._db.execute(
            "INSERT INTO quiz_score VALUES (?, ?, ?, 1, ?) "
            "ON CONFLICT(chat_id, user_id) DO UPDATE SET name = excluded.name, "
            "answered = answered + 1, correct = correct + excluded.correct",
            (chat_id, user_id, name, int(right)),
        )
        return True

    def score(self, chat_id: int, user_id: int) -> Score | None:
        row = self._db.execute(
            "SELECT user_id, name, answered, correct FROM quiz_score "
            "WHERE chat_id = ? AND user_id = ?",
            (chat_id, user_id),
        ).fetchone()
        return Score(*row) if row else None

    def top(self, chat_id: int, limit: int = TOP) -> list[Score]:
        rows = self._db.execute(
            "SELECT user_id, name, answered, correct FROM quiz_score WHERE chat_id = ? "
            "ORDER BY correct DESC, answered ASC, user_id ASC LIMIT ?",
            (chat_id, limit),
        )
        return [Score(*row) for row in rows]

    def close(self) -> None:
        close_sqlite(self._db)


class RedisQuizStore(QuizStore):
    """Keys under the shared store's prefix: a hash per poll, a set per chat's questions and
    per poll's voters, and per chat a hash of names and counts."""

    def __init__(self, url: str, client: Any = None) -> None:
        if client is None:
            import redis  # only where a shared store is configured

            client = redis.Redis.from_url(url, decode_responses=True)
        self._redis = client

    @staticmethod
    def _key(*parts: object) -> str:
        from .shared_store import KEY_PREFIX

        return KEY_PREFIX + "quiz:" + ":".join(str(part) for part in parts)

    def asked(self, chat_id: int) -> set[str]:
        return set(self._redis.smembers(self._key("asked", chat_id)))

    def mark_asked(self, chat_id: int, key: str) -> None:
        self._redis.sadd(self._key("asked", chat_id), key)

    def forget_asked(self, chat_id: int, keys: list[str]) -> None:
        if keys:
            self._redis.srem(self._key("asked", chat_id), *keys)

    def remember_poll(self, poll_id: str, chat_id: int, correct: int) -> None:
        key = self._key("poll", poll_id)
        self._redis.hset(key, mapping={"chat": chat_id, "correct": correct})
        self._redis.expire(key, POLL_MEMORY_SECONDS)

    def poll(self, poll_id: str) -> SentPoll | None:
        data = self._redis.hgetall(self._key("poll", poll_id))
        return SentPoll(int(data["chat"]), int(data["correct"])) if data else None

    def count_answer(
        self, poll_id: str, chat_id: int, user_id: int, name: str, right: bool
    ) -> bool:
        voters = self._key("voters", poll_id)
        if not self._redis.sadd(voters, user_id):
            return False
        self._redis.expire(voters, POLL_MEMORY_SECONDS)
        scores = self._key("score", chat_id)
        pipe = self._redis.pipeline()
        pipe.hset(scores, f"name:{user_id}", name)
        pipe.hincrby(scores, f"answered:{user_id}", 1)
        pipe.hincrby(scores, f"correct:{user_id}", int(right))
        pipe.execute()
        return True

    def _scores(self, chat_id: int) -> dict[int, Score]:
        data = self._redis.hgetall(self._key("score", chat_id))
        users = {int(field.split(":", 1)[1]) for field in data if field.startswith("name:")}
        return {
            user: Score(
                user,
                data[f"name:{user}"],
                int(data.get(f"answered:{user}", 0)),
                int(data.get(f"correct:{user}", 0)),
            )
            for user in users
        }

    def score(self, chat_id: int, user_id: int) -> Score | None:
        return self._scores(chat_id).get(user_id)

    def top(self, chat_id: int, limit: int = TOP) -> list[Score]:
        ranked = sorted(
            self._scores(chat_id).values(), key=lambda s: (-s.correct, s.answered, s.user_id)
        )
        return ranked[:limit]

    def close(self) -> None:
        self._redis.close()


def open_quiz_store(settings: Settings) -> QuizStore:
    """Where the state store is: Redis with STATE_URL, else the SQLite state file."""
    if settings.state_url:
        return RedisQuizStore(settings.state_url)
    return SqliteQuizStore(settings.state_path)
