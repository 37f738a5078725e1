"""Deployment settings, logging (one line per event, text or JSON) and the health check."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.health import beat, check
from bot.settings import Settings
from bot.telegram.logs import JsonFormatter, OneLineFormatter, RedactToken, configure_logging

TOKEN = "123456:SECRET-abcdefghijklmnopqrstuvwxyz"


def test_settings_from_env() -> None:
    settings = Settings.from_env(
        {
            "BOT_STATE_PATH": "/data/state.sqlite3",
            "WEBHOOK_URL": "https://bot.example.org/tg",
            "WEBHOOK_SECRET": "abc",
            "LISTEN": "127.0.0.1",
            "PORT": "9000",
            "STATE_URL": "redis://:pw@redis:6379/0",
            "LOG_FORMAT": "JSON",
            "LOG_LEVEL": "debug",
        }
    )
    assert (settings.webhook_url, settings.listen, settings.port) == (
        "https://bot.example.org/tg",
        "127.0.0.1",
        9000,
    )
    assert (settings.log_format, settings.log_level) == ("json", "DEBUG")
    assert settings.record_unanswered
    assert settings.unanswered_file == Path("/data/unanswered.sqlite3")
    assert settings.heartbeat_file == Path("/data/heartbeat")
    assert "abc" not in repr(settings) and "pw" not in repr(settings)
    defaults = Settings.from_env({})
    assert (defaults.listen, defaults.port, defaults.state_url) == ("0.0.0.0", 8080, None)
    assert not Settings.from_env({"RECORD_UNANSWERED": "false"}).record_unanswered


def _record(logger: str, message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise RuntimeError(f"boom at https://api.telegram.org/bot{TOKEN}/getMe\nsecond line")
        except RuntimeError:
            import sys

            exc_info = sys.exc_info()
    return logging.LogRecord(logger, logging.ERROR, __file__, 1, message, args, exc_info)


def _format(formatter: logging.Formatter, record: logging.LogRecord) -> str:
    RedactToken(TOKEN).filter(record)  # as the handler's filter does before formatting
    return formatter.format(record)


def test_json_lines_one_event_each_without_the_token() -> None:
    record = _record("telegram.Bot", "calling %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
    line = _format(JsonFormatter(), record)
    event = json.loads(line)
    assert event["level"] == "ERROR" and event["logger"] == "telegram.Bot"
    assert event["message"] == "calling https://api.telegram.org/bot<redacted token>/getMe"
    failed = _format(JsonFormatter(), _record("bot", "failed", exc=True))
    assert "\n" not in failed and TOKEN not in failed
    assert "RuntimeError" in json.loads(failed)["exception"]


def test_text_lines_fold_tracebacks_into_one_line() -> None:
    formatter = OneLineFormatter("%(levelname)s %(name)s: %(message)s")
    line = _format(formatter, _record("bot", "failed\nbadly", exc=True))
    assert "\n" not in line and TOKEN not in line
    assert line.startswith("ERROR bot: failed | badly | Traceback")


@pytest.fixture
def root_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    root.handlers = []
    yield
    root.handlers, level = saved
    root.setLevel(level)


def test_configure_logging_sets_level_format_and_redaction(root_logging: None) -> None:
    configure_logging("WARNING", TOKEN, "json")
    root = logging.getLogger()
    assert root.level == logging.WARNING
    [handler] = [h for h in root.handlers if isinstance(h.formatter, JsonFormatter)]
    stream = io.StringIO()
    handler.setStream(stream)  # type: ignore[attr-defined]
    logging.getLogger("bot.test").info("not shown")
    logging.getLogger("bot.test").warning("token %s", TOKEN)
    [line] = stream.getvalue().splitlines()
    assert json.loads(line)["message"] == "token <redacted token>"


def test_health_needs_a_fresh_heartbeat(tmp_path: Path) -> None:
    settings = Settings(state_path=tmp_path / "state.sqlite3")
    healthy, reason = check(settings)
    assert not healthy and "no heartbeat" in reason
    settings.heartbeat_file.touch()
    assert check(settings)[0]
    old = time.time() - 600
    os.utime(settings.heartbeat_file, (old, old))
    healthy, reason = check(settings)
    assert not healthy and "old" in reason
    settings.heartbeat_file.touch()
    webhook = Settings(
        state_path=settings.state_path, webhook_url="https://x/t", listen="127.0.0.1", port=9
    )
    healthy, reason = check(webhook)  # fresh heartbeat, but nothing answers /healthz
    assert not healthy and "/healthz" in reason


async def test_the_heartbeat_beats_only_while_the_bot_is_alive(tmp_path: Path) -> None:
    path = tmp_path / "beat" / "heartbeat"
    alive = [False]
    task = asyncio.get_running_loop().create_task(beat(path, lambda: alive[0], interval=0.05))
    await asyncio.sleep(0.1)
    assert not path.exists()
    alive[0] = True
    for _ in range(40):
        await asyncio.sleep(0.05)
        if path.exists():
            break
    assert path.exists()
    task.cancel()
