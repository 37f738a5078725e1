"""Webhook mode: Telegram posts each update to us, so any number of replicas can serve one bot.

    WEBHOOK_URL=https://bot.example.org/telegram WEBHOOK_SECRET=... python -m bot run --webhook

A small aiohttp server (PTB's own webhook server is tornado, which has no room for a health
endpoint) listens on LISTEN:PORT and feeds `application.update_queue`, as PTB's "custom
webhook bot" example does:

- POST <the path of WEBHOOK_URL>: an update, accepted only with the right
  X-Telegram-Bot-Api-Secret-Token header (403 otherwise; the header is compared in constant
  time);
- GET /healthz: 200 while the application runs, 503 while it starts or stops.

Every replica calls setWebhook with the same URL and secret at start-up (idempotent), and none
deletes it on shutdown, since the others are still serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
import signal
from collections.abc import AsyncIterator, Sequence
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from ..settings import Settings

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
SERVING_FLAG = "webhook_serving"  # in bot_data: True while the server takes updates
# Telegram's rule for secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# An update is a few kilobytes; anything much larger is not from Telegram.
MAX_UPDATE_BYTES = 1024 * 1024
# Requests in flight when a replica stops get this long to finish.
SHUTDOWN_GRACE_SECONDS = 5.0


def configuration_problem(settings: Settings) -> str | None:
    """Why webhook mode cannot start with these settings, or None."""
    if not settings.webhook_url:
        return "WEBHOOK_URL is not set (the public https URL Telegram should post updates to)"
    if urlsplit(settings.webhook_url).scheme not in ("https", "http"):
        return "WEBHOOK_URL must be an https:// URL"
    if not settings.webhook_secret:
        return "WEBHOOK_SECRET is not set: without it anyone could post fake updates"
    if not _SECRET.fullmatch(settings.webhook_secret):
        return "WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
    return None


def webhook_path(webhook_url: str) -> str:
    """The path Telegram posts to: the path of WEBHOOK_URL, as the proxy passes it on."""
    return urlsplit(webhook_url).path or "/"


def build_webhook_app(application: Application, secret: str, path: str) -> web.Application:
    """The aiohttp app: the update endpoint and /healthz."""
    expected = secret.encode()

    async def receive_update(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403, text="forbidden")
        if not application.running:
            return web.Response(status=503, text="stopping")  # Telegram retries later
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="not an update")
        if update is None:
            return web.Response(status=400, text="not an update")
        await application.update_queue.put(update)
        return web.Response(text="ok")

    async def healthz(_request: web.Request) -> web.Response:
        if application.running:
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "starting or stopping"}, status=503)

    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app.router.add_post(path, receive_update)
    app.router.add_get(HEALTH_PATH, healthz)
    return app


@contextlib.asynccontextmanager
async def serving_webhook(
    application: Application,
    settings: Settings,
    allowed_updates: Sequence[str] | None = None,
) -> AsyncIterator[int]:
    """Run the application behind the webhook server for the block; yields the bound port.

    Start-up and shutdown follow run_polling's order, hooks included, so handlers see the
    same lifecycle in both modes; updates already queued are answered before the exit.
    """
    assert settings.webhook_url and settings.webhook_secret
    await application.initialize()
    runner: web.AppRunner | None = None
    try:
        if application.post_init:
            await application.post_init(application)
        await application.bot.set_webhook(
            url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=list(allowed_updates) if allowed_updates else None,
        )
        await application.start()
        app = build_webhook_app(
            application, settings.webhook_secret, webhook_path(settings.webhook_url)
        )
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_GRACE_SECONDS)
        await runner.setup()
        site = web.TCPSite(runner, settings.listen, settings.port)
        await site.start()
        port = runner.addresses[0][1]
        application.bot_data[SERVING_FLAG] = True  # for the heartbeat
        log.info("Webhook server listening on %s:%d", settings.listen, port)
        yield port
    finally:
        application.bot_data[SERVING_FLAG] = False
        if runner is not None:
            await runner.cleanup()  # stop taking updates first, then answer the queued ones
        await close_application(application)


async def serve_until_signalled(
    application: Application,
    settings: Settings,
    allowed_updates: Sequence[str] | None = None,
    stop_signals: Sequence[signal.Signals] = (signal.SIGINT, signal.SIGTERM),
) -> None:
    """`python -m bot run --webhook`: serve until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in stop_signals:
        loop.add_signal_handler(sig, stop.set)
    try:
        async with serving_webhook(application, settings, allowed_updates):
            await stop.wait()
            log.info("Stopping: answering the updates already received")
    finally:
        for sig in stop_signals:
            loop.remove_signal_handler(sig)


async def close_application(application: Application) -> None:
    """Stop and shut down with the post_* hooks, as run_polling would: both serving loops end so."""
    if application.running:
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)
