"""Helpers for the end-to-end bot tests: ask and wait for the reply, check silence and HTML."""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from fake_telegram import BOT_USERNAME, Call, FakeTelegram
from helpers_core import REPO_ROOT
from tdlib import message_problem
from telegram.ext import Application

# `async with start_bot() as app:` (the conftest fixture) runs the bot; twice is a restart.
StartBot = Callable[[], AbstractAsyncContextManager[Application]]
# `async with serve_bot(**settings) as app:` runs it through delivery.py's polling loop.
ServeBot = Callable[..., AbstractAsyncContextManager[Application]]

GROUP = -100500  # a group chat id (negative: the fake infers the type)
PROBE = f"/help@{BOT_USERNAME}"
# assert_silent numbers its probes: two within seconds would be one group burst, answered once
_PROBES = itertools.count(1)


async def ask(tg: FakeTelegram, chat_id: int, text: str, **kwargs: Any) -> Call:
    """Send a message as a user and return the bot's next sendMessage."""
    before = len(tg.calls_of("sendMessage"))
    tg.send_text(chat_id, text, **kwargs)
    return (await tg.wait_for_calls("sendMessage", before + 1))[before]


async def replies_after(tg: FakeTelegram, send: Any, count: int = 1) -> list[Call]:
    """Queue something with `send()` and return the next `count` sendMessage calls."""
    before = len(tg.calls_of("sendMessage"))
    send()
    return (await tg.wait_for_calls("sendMessage", before + count))[before:]


async def assert_silent(tg: FakeTelegram, chat_id: int, send: Any) -> None:
    """Queue `send()`, then a probe in the same chat: the bot keeps a chat's updates in order,
    so once the probe is answered the earlier update was handled, and must have got nothing."""
    before = len(tg.calls_of("sendMessage"))
    send()
    tg.send_text(chat_id, f"{PROBE} {next(_PROBES)}", user_id=1001)
    calls = await tg.wait_for_calls("sendMessage", before + 1)
    await asyncio.sleep(0.05)  # anything sent for the silent update would have landed by now
    new = tg.calls_of("sendMessage")[before:]
    assert len(new) == 1, [c.params.get("text", "")[:80] for c in new]
    assert f"@{BOT_USERNAME}" in calls[before].params["text"]  # the probe's /help


def buttons(call: Call) -> list[dict[str, Any]]:
    markup = call.params.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def assert_valid_html(text: str) -> None:
    """HTML that Telegram accepts as one message, as TDLib reads it."""
    assert message_problem(text) is None, message_problem(text)


async def bot_process(
    env: dict[str, str], *args: str, stderr: int = asyncio.subprocess.PIPE
) -> asyncio.subprocess.Process:
    """`python -m bot ARGS` (`run` unless given) as a child process, its output piped."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *(args or ("run",)), cwd=REPO_ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=stderr,
    )  # fmt: skip


def bot_env(tg: FakeTelegram, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a `python -m bot run` child: this fake Telegram, a state file of its
    own, short polls and flood limits on a twenty times faster clock."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_", "KNOWLEDGE_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE_URL=tg.base_url,
        BOT_STATE_PATH=str(tmp_path / "state.sqlite3"),
        BOT_POLL_TIMEOUT="1",
        BOT_RATE_TIME_SCALE="0.05",
        LOG_LEVEL="INFO",
    )
    env.update(extra)
    return env
