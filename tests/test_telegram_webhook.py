"""Webhook mode: the secret header, /healthz, answers, and `python -m bot run --webhook`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
from bot_harness import bot_process
from fake_telegram import FakeTelegram
from webhook_harness import PATH, SECRET, Replica, replica, text_update, webhook_settings

from bot.engine import Engine
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


async def test_only_telegram_with_the_secret_gets_in(
    tg: FakeTelegram, bot_settings: Settings, engine: Engine
) -> None:
    settings = webhook_settings(bot_settings)
    async with replica(settings, engine) as server:
        [set_webhook] = tg.calls_of("setWebhook")
        assert set_webhook.params["secret_token"] == SECRET
        assert tg.webhook_url == "https://bot.example.org/telegram"
        assert await server.get("/healthz") == 200
        update = text_update(tg, 300, "Tell me about the Iranian nuclear deal")
        assert await server.post(update, secret=None) == 403
        assert await server.post(update, secret="wrong") == 403
        assert await server.post(update, secret=SECRET[:-1]) == 403
        await asyncio.sleep(0.1)
        assert tg.calls_of("sendMessage") == []  # nothing forged was answered
        assert await server.post(update) == 200
        [call] = await tg.wait_for_calls("sendMessage")
        assert "Iranian nuclear deal" in call.params["text"]
        assert await server.post({"not": "an update"}, secret=SECRET) == 400
        assert await server.get("/elsewhere") == 404


async def test_webhook_mode_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    env = _env(tmp_path, TELEGRAM_BOT_TOKEN="1:x", WEBHOOK_URL="https://bot.example.org/t")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--webhook"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 5
    [line] = done.stderr.strip().splitlines()
    assert "WEBHOOK_SECRET" in line


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(
        BOT_STATE_PATH=str(tmp_path / "state.sqlite3"),
        HEARTBEAT_PATH=str(tmp_path / "heartbeat"),
        UNANSWERED_PATH=str(tmp_path / "unanswered.sqlite3"),
        **extra,
    )
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _wait_healthy(server: Replica, process: asyncio.subprocess.Process) -> None:
    for _ in range(600):
        assert process.returncode is None, "the bot exited early"
        try:
            if await server.get("/healthz") == 200:
                return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("/healthz never answered")


async def _health(env: dict[str, str]) -> int:
    process = await bot_process(env, "health")
    await asyncio.wait_for(process.communicate(), 60)
    return process.returncode


async def test_run_webhook_process_serves_checks_health_and_logs_json(
    tmp_path: Path, tg: FakeTelegram
) -> None:
    port = _free_port()
    env = _env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE_URL=tg.base_url,
        WEBHOOK_URL=f"https://bot.example.org{PATH}",
        WEBHOOK_SECRET=SECRET,
        LISTEN="127.0.0.1",
        PORT=str(port),
        LOG_FORMAT="json",
        LOG_LEVEL="DEBUG",
    )
    assert await _health(env) == 1  # nothing runs yet
    process = await bot_process(env, "run", "--webhook")
    server = Replica(port)
    try:
        await _wait_healthy(server, process)
        assert tg.webhook_url == f"https://bot.example.org{PATH}"
        assert await server.post(text_update(tg, 100, "/oic"), secret="nope") == 403
        await server.say(tg, 100, "Tell me about the Iranian nuclear deal")
        [call] = await tg.wait_for_calls("sendMessage", timeout=30)
        assert "Iranian nuclear deal" in call.params["text"]
        for _ in range(100):  # the first heartbeat comes within a second of start-up
            if (tmp_path / "heartbeat").exists():
                break
            await asyncio.sleep(0.1)
        assert await _health(env) == 0
        # SIGTERM while a reply is on its way: it still gets through before the exit
        tg.delay("sendMessage", 1.0)
        await server.say(tg, 100, "/oic")
        process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()[-2000:]
    assert len(tg.calls_of("sendMessage")) == 2
    assert await _health(env) == 1  # /healthz is gone with the process
    lines = [line for line in (out + err).decode().splitlines() if line.strip()]
    events = [json.loads(line) for line in lines]  # every line is one JSON event
    assert {"time", "level", "logger", "message"} <= events[0].keys()
    assert any("is up" in event["message"] for event in events)
    assert any(event["level"] == "DEBUG" for event in events)  # LOG_LEVEL=DEBUG
    assert tg.token.split(":", 1)[1] not in "\n".join(lines)
