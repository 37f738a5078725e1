"""Helpers for the webhook tests: post updates as Telegram does, run a replica in-process."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
from fake_telegram import FakeTelegram

from bot.engine import Engine
from bot.settings import Settings
from bot.telegram.app import ALLOWED_UPDATES, build_application
from bot.telegram.webhook import SECRET_HEADER, serving_webhook

SECRET = "s3cret-Token_for-tests"
PATH = "/telegram"
_update_ids = itertools.count(10_000)


@dataclass
class Replica:
    """One webhook replica listening on 127.0.0.1:port."""

    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def post(
        self, update: dict[str, Any], secret: str | None = SECRET, path: str = PATH
    ) -> int:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url + path, json=update, headers=headers) as response,
        ):
            return response.status

    async def get(self, path: str) -> int:
        async with aiohttp.ClientSession() as session, session.get(self.url + path) as response:
            return response.status

    async def say(self, tg: FakeTelegram, chat_id: int, text: str, **kwargs: Any) -> None:
        """A user's text message, delivered to this replica as Telegram would."""
        status = await self.post(text_update(tg, chat_id, text, **kwargs))
        assert status == 200


def text_update(tg: FakeTelegram, chat_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
    return {"update_id": next(_update_ids), "message": tg.make_message(chat_id, text, **kwargs)}


def webhook_settings(base: Settings, **changes: Any) -> Settings:
    return replace(
        base,
        webhook_url=f"https://bot.example.org{PATH}",
        webhook_secret=SECRET,
        listen="127.0.0.1",
        port=0,
        **changes,
    )


def replica_settings(base: Settings, redis_url: str, folder: Path) -> tuple[Settings, Settings]:
    """Two replicas' settings: one shared Redis, each its own local files (only the shared
    store can carry state across)."""
    one, two = (
        webhook_settings(base, state_url=redis_url, state_path=folder / name / "s.db")
        for name in ("one", "two")
    )
    return one, two


@contextlib.asynccontextmanager
async def replica(settings: Settings, engine: Engine) -> AsyncIterator[Replica]:
    """The real Application behind the webhook server, on a free port."""
    application = build_application(settings, engine)
    async with serving_webhook(application, settings, ALLOWED_UPDATES) as port:
        yield Replica(port)
