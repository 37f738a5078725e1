"""The callback context every handler receives, with the bot's own services on it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from ..engine import Engine
from ..loader import KnowledgeBase
from ..unanswered import NoUnansweredLog, UnansweredLog
from .conversation import Conversations
from .flood import BurstFilter
from .store import StateStore

_SERVICES = "services"


@dataclass(frozen=True)
class Services:
    """What the handlers share: built once in app.py, kept in bot_data."""

    engine: Engine
    store: StateStore
    conversations: Conversations
    bursts: BurstFilter = field(default_factory=BurstFilter)
    unanswered: UnansweredLog = field(default_factory=NoUnansweredLog)
    admins: frozenset[int] = frozenset()


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """CallbackContext with typed access to the engine, the store and the conversations."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id, user_id)
        # A context lives for one update: it keeps the services (and so the fact base) that
        # were live when the update arrived, even if a reload swaps them meanwhile.
        self._services: Services | None = application.bot_data.get(_SERVICES)

    @property
    def services(self) -> Services:
        return self._services or self.bot_data[_SERVICES]

    @property
    def engine(self) -> Engine:
        return self.services.engine

    @property
    def kb(self) -> KnowledgeBase:
        return self.services.engine.kb

    @property
    def store(self) -> StateStore:
        return self.services.store

    @property
    def conversations(self) -> Conversations:
        return self.services.conversations


def install_services(
    application: Application[Any, Any, Any, Any, Any, Any], services: Services
) -> None:
    application.bot_data[_SERVICES] = services


def services_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    return application.bot_data[_SERVICES]


def replace_engine(application: Application[Any, Any, Any, Any, Any, Any], engine: Engine) -> None:
    """Swap in a fully built engine: one reference replaced, so no update sees half of it."""
    application.bot_data[_SERVICES] = dataclasses.replace(services_of(application), engine=engine)
