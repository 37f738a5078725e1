"""Is the bot alive? A heartbeat file the running bot touches, and `python -m bot health`.

The Docker HEALTHCHECK runs `python -m bot health`: it passes while the heartbeat file is
fresh (the bot's event loop is running and its updater or webhook server is up) and, in
webhook mode, while the local /healthz endpoint answers. No telegram import: it starts fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .settings import Settings

HEARTBEAT_SECONDS = 15.0
# Three missed beats: the loop is stuck or the process is gone.
STALE_AFTER_SECONDS = 3 * HEARTBEAT_SECONDS
HEALTHZ_TIMEOUT_SECONDS = 3.0


def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.utime(path)


async def beat(path: Path, alive: Callable[[], bool], interval: float = HEARTBEAT_SECONDS) -> None:
    """Touch `path` every `interval` seconds while `alive()`; check every second until then."""
    while True:
        if alive():
            with contextlib.suppress(OSError):  # a full disk must not kill the bot
                touch(path)
            await asyncio.sleep(interval)
        else:
            await asyncio.sleep(min(1.0, interval))


def check(settings: Settings, max_age: float = STALE_AFTER_SECONDS) -> tuple[bool, str]:
    """(healthy, one line saying why)."""
    path = settings.heartbeat_file
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return False, f"no heartbeat at {path}: the bot is not running (yet)"
    if age > max_age:
        return False, f"the heartbeat at {path} is {age:.0f} s old (limit {max_age:.0f} s)"
    if settings.webhook_url:
        host = "127.0.0.1" if settings.listen in ("", "0.0.0.0", "::") else settings.listen
        url = f"http://{host}:{settings.port}/healthz"
        try:
            with urllib.request.urlopen(url, timeout=HEALTHZ_TIMEOUT_SECONDS) as response:
                if response.status != 200:
                    return False, f"{url} answered {response.status}"
        except (urllib.error.URLError, OSError) as exc:
            return False, f"{url} failed: {exc}"
    return True, f"ok: heartbeat {age:.0f} s ago"
