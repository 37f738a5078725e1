"""`python -m bot run` as a real process: token errors, and a run against the fake Bot API."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from bot_harness import bot_process
from fake_telegram import FakeTelegram


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(BOT_STATE_PATH=str(tmp_path / "state.sqlite3"), LOG_LEVEL="INFO", **extra)
    return env


async def test_missing_token_is_one_clear_line(tmp_path: Path) -> None:
    process = await bot_process(_env(tmp_path))
    _out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode != 0
    [line] = err.decode().strip().splitlines()
    assert "TELEGRAM_BOT_TOKEN" in line and "@BotFather" in line


async def test_rejected_token_is_one_clear_line(tmp_path: Path, tg: FakeTelegram) -> None:
    env = _env(tmp_path, TELEGRAM_BOT_TOKEN="999:WRONG", TELEGRAM_API_BASE_URL=tg.base_url)
    process = await bot_process(env)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode != 0
    [line] = err.decode().strip().splitlines()
    assert "rejected" in line and "@BotFather" in line
    assert "WRONG" not in err.decode() + out.decode()


async def test_runs_answers_and_stops_on_sigterm(tmp_path: Path, tg: FakeTelegram) -> None:
    env = _env(tmp_path, TELEGRAM_BOT_TOKEN=tg.token, TELEGRAM_API_BASE_URL=tg.base_url)
    process = await bot_process(env)
    try:
        await tg.wait_for_calls("getUpdates", timeout=60)
        tg.send_text(100, "Tell me about the Iranian nuclear deal")
        [call] = await tg.wait_for_calls("sendMessage", timeout=30)
        assert "Iranian nuclear deal" in call.params["text"]
        assert tg.commands  # the menu was registered at start-up
        # SIGTERM while a reply is on its way: it still gets through before the exit
        tg.delay("sendMessage", 1.0)
        tg.send_text(100, "/oic")
        await tg.wait_for_calls("sendMessage", 2, timeout=30)
        process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()[-2000:]
    late = tg.calls_of("sendMessage")[1]
    assert late.status == 200 and late.result is not None
    logs = out.decode() + err.decode()
    assert "@kzdiplobot is up" in logs
    assert tg.token.split(":", 1)[1] not in logs
