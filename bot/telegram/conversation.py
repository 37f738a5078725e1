"""Conversation context: what the recent answers were about, so "when was that?" has a subject.

The context belongs to the chat in private chats and to each user in groups, and is
forgotten after a quarter of an hour of silence. A reply to one of the bot's messages
follows up that message, whatever was discussed since; those records live in the store.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Chat, Message, User

from ..engine import Turn
from .store import StateStore

CONTEXT_TTL_SECONDS = 15 * 60
MAX_TURNS = 5  # the engine only looks at the latest turns; older ones are noise
_PRUNE_AT = 1000  # conversations kept before expired ones are swept


@dataclass
class _Context:
    turns: list[Turn] = field(default_factory=list)
    last_seen: float = 0.0


class Conversations:
    """Per-chat (private) or per-user (group) context, plus the record of each bot message."""

    def __init__(
        self,
        store: StateStore,
        ttl: float = CONTEXT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.ttl = ttl
        self.clock = clock
        self._contexts: dict[tuple[int, int], _Context] = {}

    @staticmethod
    def key(chat: Chat, user: User | None) -> tuple[int, int]:
        if chat.type == Chat.PRIVATE or user is None:
            return chat.id, 0
        return chat.id, user.id

    def context_for(self, message: Message, bot_id: int) -> list[Turn]:
        """The turns a question builds on: the replied-to bot message, else recent answers."""
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
            turn = self.store.message_turn(replied.chat.id, replied.message_id)
            if turn is not None:
                return [turn]
        found = self._contexts.get(self.key(message.chat, message.from_user))
        if found is None or self.clock() - found.last_seen > self.ttl:
            return []
        return list(found.turns)

    def remember(self, chat: Chat, user: User | None, turn: Turn, sent: list[Message]) -> None:
        """Note an answer given to `user` in the context and against every sent message."""
        if not turn.topics:
            return
        now = self.clock()
        key = self.key(chat, user)
        found = self._contexts.get(key)
        if found is None or now - found.last_seen > self.ttl:
            found = self._contexts[key] = _Context()
        found.turns = [*found.turns[-(MAX_TURNS - 1) :], turn]
        found.last_seen = now
        self.record(sent, turn)
        if len(self._contexts) > _PRUNE_AT:
            self._contexts = {
                k: c for k, c in self._contexts.items() if now - c.last_seen <= self.ttl
            }

    def record(self, sent: list[Message], turn: Turn) -> None:
        """Remember what each sent message was about, for replies to it later."""
        if turn.topics:
            for message in sent:
                self.store.remember_message(message.chat.id, message.message_id, turn)
