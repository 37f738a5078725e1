"""The heartbeat of a running bot, for `python -m bot health` and Docker's HEALTHCHECK."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from telegram.ext import Application

from ..health import beat
from .webhook import SERVING_FLAG


def install_heartbeat(application: Application, path: Path) -> None:
    """Touch `path` while the application runs and takes updates (polling or webhook).

    Chained onto post_init and post_stop, which run_polling and the webhook server both
    call, so the heartbeat starts after start-up and stops before shutdown.
    """
    task: asyncio.Task[None] | None = None
    previous_init, previous_stop = application.post_init, application.post_stop

    def alive() -> bool:
        updater = application.updater
        polling = updater is not None and updater.running
        return application.running and (polling or application.bot_data.get(SERVING_FLAG, False))

    async def post_init(app: Application) -> None:
        nonlocal task
        if previous_init:
            await previous_init(app)
        task = asyncio.get_running_loop().create_task(beat(path, alive))

    async def post_stop(app: Application) -> None:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if previous_stop:
            await previous_stop(app)

    application.post_init = post_init
    application.post_stop = post_stop
