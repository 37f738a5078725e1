"""Shared fixtures: a fake Bot API server and the real bot Application pointed at it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from bot_harness import StartBot
from fake_telegram import FakeTelegram, polling
from telegram.ext import Application

from bot.engine import Engine
from bot.settings import Settings
from bot.telegram.app import build_application


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The real fact base, loaded once: the engine is immutable, so tests can share it."""
    return Engine.load()


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "bot.sqlite3"


@pytest.fixture
def bot_settings(tg: FakeTelegram, state_path: Path) -> Settings:
    return Settings(token=tg.token, api_base_url=tg.base_url, state_path=state_path)


@pytest.fixture
def start_bot(tg: FakeTelegram, bot_settings: Settings, engine: Engine) -> StartBot:
    """`async with start_bot() as app:` runs the bot as run_polling would; call it twice to
    restart it on the same state file."""

    @contextlib.asynccontextmanager
    async def start() -> AsyncIterator[Application]:
        app = build_application(bot_settings, engine)
        await app.initialize()
        try:
            await app.post_init(app)  # run_polling's start-up: the command menu
            async with polling(app, timeout=1):
                yield app
        finally:
            await app.shutdown()
            await app.post_shutdown(app)

    return start


@pytest.fixture
async def bot(tg: FakeTelegram, start_bot: StartBot) -> AsyncIterator[Application]:
    """The running bot, with start-up calls (getMe, setMyCommands...) already cleared."""
    async with start_bot() as app:
        tg.clear_calls()
        yield app
