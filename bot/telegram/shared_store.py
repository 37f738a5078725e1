"""The state store replicas share: Redis, chosen by STATE_URL (redis://host:6379/0).

With webhooks, any replica may receive any user's next update, so what one replica learns
(a /lang choice, what a sent message was about) must be visible to all of them at once.
Everything else a replica holds (the engine, the 15-minute conversation context) is either
read-only or harmless to lose, so this is the only shared state the bot needs.
"""

from __future__ import annotations

import json
from typing import Any

from ..engine import Turn
from ..settings import Settings
from .store import MESSAGE_MEMORY_SECONDS, SqliteStateStore, StateStore

KEY_PREFIX = "kzbot:"
SHARED_SCHEMES = ("redis://", "rediss://", "unix://")


class RedisStateStore(StateStore):
    """One key per user language, one expiring key per bot message."""

    def __init__(self, url: str, client: Any = None) -> None:
        if client is None:
            import redis  # only where a shared store is configured

            client = redis.Redis.from_url(url, decode_responses=True)
        self._redis = client

    @staticmethod
    def _language_key(user_id: int) -> str:
        return f"{KEY_PREFIX}lang:{user_id}"

    @staticmethod
    def _message_key(chat_id: int, message_id: int) -> str:
        return f"{KEY_PREFIX}msg:{chat_id}:{message_id}"

    def language(self, user_id: int) -> str | None:
        return self._redis.get(self._language_key(user_id))

    def set_language(self, user_id: int, lang: str) -> None:
        self._redis.set(self._language_key(user_id), lang)

    def message_turn(self, chat_id: int, message_id: int) -> Turn | None:
        raw = self._redis.get(self._message_key(chat_id, message_id))
        if raw is None:
            return None
        data = json.loads(raw)
        return Turn(tuple(data["topics"]), tuple(data["facts"]))

    def remember_message(self, chat_id: int, message_id: int, turn: Turn) -> None:
        value = json.dumps({"topics": turn.topics, "facts": turn.facts})
        self._redis.set(self._message_key(chat_id, message_id), value, ex=MESSAGE_MEMORY_SECONDS)

    def close(self) -> None:
        self._redis.close()


def open_state_store(settings: Settings) -> StateStore:
    """The shared store when STATE_URL names one, else the local SQLite file."""
    if settings.state_url:
        if not settings.state_url.startswith(SHARED_SCHEMES):
            raise ValueError(f"STATE_URL must start with one of {', '.join(SHARED_SCHEMES)}")
        return RedisStateStore(settings.state_url)
    return SqliteStateStore(settings.state_path)
