"""Long polling that loses nothing: Telegram forgets an update only once it has been handled.

With getUpdates, Telegram drops every update below the `offset` of the next call. PTB's
Updater passes the next offset as soon as updates are fetched, before any handler has run,
so a crash or a restart would lose whatever was fetched but not yet answered. This loop
always passes the oldest update not yet handled: whatever was not answered is fetched again
after a crash (at-least-once delivery). Updates fetched twice are recognised and skipped,
and a small journal in the state file (`handled_update`) records what was handled since the
last confirmation, so even after a SIGKILL only the updates whose handler was running at
that moment can be answered twice.

Updates of one chat are handled one at a time, in order; different chats run in parallel,
and a chat with a long queue never holds a slot another chat could use. A failed getUpdates
(5xx, timeout, connection refused) is retried with exponential backoff, for ever. On SIGTERM
the handlers already running finish (within a grace period), the rest wait in Telegram for
the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
import warnings
from collections import deque
from collections.abc import Sequence
from pathlib import Path

from telegram import Update
from telegram.error import Conflict, Forbidden, InvalidToken, TelegramError
from telegram.ext import Application
from telegram.warnings import PTBUserWarning

from ..settings import Settings
from ..sqlite_file import open_sqlite
from .ordering import MAX_CONCURRENT_UPDATES
from .reload import reload_knowledge, watch_knowledge
from .webhook import SERVING_FLAG, close_application

log = logging.getLogger(__name__)

MAX_UPDATES_PER_POLL = 100  # Telegram's limit; also the most updates ever in flight
# A failed getUpdates is retried after 0.25 s, then twice as long each time, up to 30 s.
POLL_BACKOFF_FIRST = 0.25
POLL_BACKOFF_MAX = 30.0
# How long a getUpdates may take beyond its long-poll timeout before it counts as failed.
POLL_READ_GRACE = 2.0
# With every update Telegram holds already in hand, poll again after this at the latest.
IDLE_POLL_SECONDS = 1.0
CONFIRM_BATCH_SECONDS = 0.1
# On SIGTERM, handlers already running get this long to finish their replies.
SHUTDOWN_GRACE_SECONDS = 15.0
# Journal rows older than this are about updates Telegram has long forgotten.
_JOURNAL_KEEP_SECONDS = 24 * 3600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS handled_update (
    update_id INTEGER PRIMARY KEY,
    handled REAL NOT NULL
);
"""


class HandledJournal:
    """Update ids handled but perhaps not yet confirmed to Telegram; survives a crash."""

    def __init__(self, path: str | Path) -> None:
        self._db = open_sqlite(path, _SCHEMA)  # shares the state store's file
        self._db.execute(
            "DELETE FROM handled_update WHERE handled < ?", (time.time() - _JOURNAL_KEEP_SECONDS,)
        )

    def __contains__(self, update_id: int) -> bool:
        found = self._db.execute(
            "SELECT 1 FROM handled_update WHERE update_id = ?", (update_id,)
        ).fetchone()
        return found is not None

    def add(self, update_id: int) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO handled_update VALUES (?, ?)", (update_id, time.time())
        )

    def forget_below(self, offset: int) -> None:
        """Telegram confirmed everything below `offset`: it never sends those again."""
        self._db.execute("DELETE FROM handled_update WHERE update_id < ?", (offset,))

    def close(self) -> None:
        self._db.close()


def _queue_key(update: Update) -> tuple[str, int]:
    """Updates of one chat share a queue; inline queries and the like queue alone."""
    if update.effective_chat is not None:
        return "chat", update.effective_chat.id
    return "update", update.update_id


class Delivery:
    """Fetches updates, hands them to the application, and confirms only what was handled."""

    def __init__(
        self,
        application: Application,
        journal: HandledJournal,
        *,
        poll_timeout: int,
        allowed_updates: Sequence[str] | None = None,
        max_concurrent: int = MAX_CONCURRENT_UPDATES,
    ) -> None:
        self.application = application
        self.journal = journal
        self.poll_timeout = poll_timeout
        self.allowed_updates = list(allowed_updates) if allowed_updates is not None else None
        self._slots = asyncio.Semaphore(max_concurrent)
        self._fetched: dict[int, bool] = {}  # update id -> handled, for ids not yet confirmed
        self._next_id: int | None = None  # one past the newest update ever fetched
        self._confirmed = 0
        self._queues: dict[tuple[str, int], deque[Update]] = {}
        self._workers: dict[tuple[str, int], asyncio.Task[None]] = {}
        self._running: set[int] = set()  # handlers started and not finished
        self._progress = asyncio.Event()
        self._closing = False

    # ---------------------------------------------------------------- offsets

    def offset(self) -> int | None:
        """The oldest update not yet handled, else one past the newest: what to confirm."""
        pending = [update_id for update_id, handled in self._fetched.items() if not handled]
        return min(pending) if pending else self._next_id

    def _unhandled(self) -> bool:
        return not all(self._fetched.values())

    def _forget_below(self, offset: int | None) -> None:
        if offset is None or offset <= self._confirmed:
            return
        self._confirmed = offset
        self._fetched = {k: v for k, v in self._fetched.items() if k >= offset}
        self.journal.forget_below(offset)

    # ---------------------------------------------------------------- polling

    async def poll(self) -> None:
        """Long polling until cancelled; network and server errors are waited out."""
        failures = 0
        while True:
            offset = self.offset()
            try:
                updates = await self._fetch(offset)
            except (InvalidToken, Forbidden):
                raise  # no amount of waiting makes a revoked token work again
            except TelegramError as exc:  # NetworkError, TimedOut, 5xx, Conflict, 429
                failures += 1
                delay = min(POLL_BACKOFF_MAX, POLL_BACKOFF_FIRST * 2 ** (failures - 1))
                level = logging.ERROR if isinstance(exc, Conflict) else logging.WARNING
                log.log(level, "getUpdates failed (%s); retry %d in %.2f s", exc, failures, delay)
                await asyncio.sleep(delay)
                continue
            if failures:
                log.info("getUpdates works again after %d failures", failures)
                failures = 0
            self._forget_below(offset)
            fresh = [update for update in updates if update.update_id not in self._fetched]
            for update in fresh:
                self._accept(update)
            if self._unhandled():
                # A poll now would only fetch the same unhandled updates again at once: wait
                # until a handler finishes. Once all are handled, the next poll confirms them
                # and waits for new updates, so a lone question is fetched the moment it comes.
                progress = self._progress
                with contextlib.suppress(TimeoutError):
                    # not wait_for: on Python 3.11 it can swallow a cancel that comes as the
                    # event is set, and the loop would poll on through the shutdown
                    async with asyncio.timeout(IDLE_POLL_SECONDS):
                        await progress.wait()
                if self._unhandled():
                    # Every poll fetches all unconfirmed updates again: confirm a few at a time.
                    await asyncio.sleep(CONFIRM_BATCH_SECONDS)

    async def _fetch(self, offset: int | None) -> list[Update]:
        try:
            return await self.application.bot.get_updates(
                offset=offset,
                limit=MAX_UPDATES_PER_POLL,
                timeout=self.poll_timeout,
                allowed_updates=self.allowed_updates,
                read_timeout=POLL_READ_GRACE,
            )
        except (ValueError, TypeError, KeyError):
            # PTB could not read an update of the batch (a field this version does not know):
            # left in the batch, it would stop the bot now and again at every start.
            return await self._readable_updates(offset)

    async def _readable_updates(self, offset: int | None) -> list[Update]:
        """The batch read one update at a time; those PTB cannot read are skipped for good."""
        bot = self.application.bot
        query = {"offset": offset, "limit": MAX_UPDATES_PER_POLL, "timeout": 0}
        with warnings.catch_warnings(action="ignore", category=PTBUserWarning):
            # the raw JSON, which get_updates would fail to read again
            raw = await bot.do_api_request(
                "getUpdates", {**query, "allowed_updates": self.allowed_updates}
            )
        updates: list[Update] = []
        for data in raw:
            try:
                updates.append(Update.de_json(data, bot))
            except (ValueError, TypeError, KeyError) as exc:
                update_id = data.get("update_id")
                if not isinstance(update_id, int) or update_id in self._fetched:
                    continue
                log.warning("Update %d cannot be read (%s); skipped", update_id, exc)
                self._next_id = max(self._next_id or 0, update_id + 1)
                self._fetched[update_id] = True
                self.journal.add(update_id)
        return updates

    def _accept(self, update: Update) -> None:
        update_id = update.update_id
        self._next_id = max(self._next_id or 0, update_id + 1)
        if update_id in self.journal:  # handled before a crash, not yet confirmed
            self._fetched[update_id] = True
            log.info("Update %d was handled before the restart; skipped", update_id)
            return
        self._fetched[update_id] = False
        key = _queue_key(update)
        self._queues.setdefault(key, deque()).append(update)
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._work(key), name=f"updates {key}")

    # ---------------------------------------------------------------- handling

    async def _work(self, key: tuple[str, int]) -> None:
        """Handle one chat's updates in order, one at a time."""
        queue = self._queues[key]
        try:
            while queue and not self._closing:
                await self._handle(queue[0])
                queue.popleft()
        finally:
            if not queue or self._closing:
                del self._queues[key], self._workers[key]

    async def _handle(self, update: Update) -> None:
        update_id = update.update_id
        async with self._slots:
            self._running.add(update_id)
            try:
                await self.application.process_update(update)
            except Exception:  # handler errors are logged by the error handler already
                log.exception("Update %d could not be handled", update_id)
            finally:
                self._running.discard(update_id)
        # Handled, or failed for good: either way it is never handled again.
        self.journal.add(update_id)
        self._fetched[update_id] = True
        progress, self._progress = self._progress, asyncio.Event()
        progress.set()

    # ---------------------------------------------------------------- stopping

    async def stop(self, grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Let running handlers finish, drop the rest, and confirm what was handled."""
        self._closing = True
        waiting = [
            task
            for key, task in self._workers.items()
            if self._queues[key][0].update_id not in self._running
        ]
        for task in waiting:  # not started: Telegram still holds these for the next start
            task.cancel()
        busy = [task for task in self._workers.values() if task not in waiting]
        if busy:
            log.info("Finishing %d replies before stopping", len(busy))
            _done, late = await asyncio.wait(busy, timeout=grace)
            for task in late:
                task.cancel()
        await asyncio.gather(*self._workers.values(), return_exceptions=True)
        offset = self.offset()
        if offset is not None and offset > self._confirmed:
            try:
                await self.application.bot.get_updates(offset=offset, limit=1, timeout=0)
                self._forget_below(offset)
            except TelegramError as exc:  # the journal still knows what was handled
                log.warning("Could not confirm the handled updates: %s", exc)
        pending = sum(1 for handled in self._fetched.values() if not handled)
        if pending:
            log.info("%d updates left for the next start", pending)


async def serve_polling(
    application: Application,
    settings: Settings,
    allowed_updates: Sequence[str],
    stop: asyncio.Event | None = None,
) -> None:
    """Run the bot until SIGINT or SIGTERM (or until `stop` is set, for tests: then no signal
    handlers are installed); SIGHUP reloads the fact base."""
    journal = HandledJournal(settings.state_path)
    delivery = Delivery(
        application, journal, poll_timeout=settings.poll_timeout, allowed_updates=allowed_updates
    )
    loop = asyncio.get_running_loop()
    background: list[asyncio.Task[object]] = []
    signals = stop is None
    stop = stop or asyncio.Event()
    if signals:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        loop.add_signal_handler(
            signal.SIGHUP,
            lambda: background.append(loop.create_task(reload_knowledge(application))),
        )
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        await application.bot.delete_webhook()  # getUpdates is refused while one is set
        polling = asyncio.create_task(delivery.poll(), name="getUpdates")
        application.bot_data[SERVING_FLAG] = True  # the heartbeat's sign of life (liveness.py)
        background.append(polling)
        if settings.knowledge_watch:
            watcher = watch_knowledge(application, settings.knowledge_watch_interval)
            background.append(asyncio.create_task(watcher, name="knowledge watcher"))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait([polling, stopping], return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        application.bot_data[SERVING_FLAG] = False
        log.info("Stopping")
        for task in background:
            task.cancel()
        # A long poll cut off mid-request can take a while to let go; never wait for ever.
        await asyncio.wait(background, timeout=POLL_READ_GRACE)
        await delivery.stop()
        if polling.done() and not polling.cancelled() and polling.exception():
            raise polling.exception()  # type: ignore[misc]
    finally:
        if signals:
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                loop.remove_signal_handler(signum)
        await close_application(application)
        journal.close()
