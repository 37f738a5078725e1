"""The callback context every handler receives, with the bot's own services on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from ..engine import Engine
from ..loader import KnowledgeBase
from .conversation import Conversations
from .store import StateStore

_SERVICES = "services"


@dataclass(frozen=True)
class Services:
    """What the handlers share: built once in app.py, kept in bot_data."""

    engine: Engine
    store: StateStore
    conversations: Conversations


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """CallbackContext with typed access to the engine, the store and the conversations."""

    @property
    def services(self) -> Services:
        return self.bot_data[_SERVICES]

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
