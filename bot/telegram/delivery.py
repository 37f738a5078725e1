"""Long polling that loses nothing: every update fetched is journaled before Telegram forgets it.

With getUpdates, Telegram drops every update below the `offset` of the next call. PTB's
Updater passes the next offset as soon as updates are fetched, before any handler has run,
so a crash or a restart would lose whatever was fetched but not yet answered. This loop
writes each fetched update to a journal in the state file (`fetched_update`) before the next
poll confirms it, and marks it handled once answered; at start, whatever a previous run
fetched and did not answer is answered first (at-least-once delivery), and updates the
journal already holds are not taken again if Telegram sends them once more (when the poll
that confirmed them never reached it). Only the updates whose handler was running at the
moment of a crash can be answered twice.

Confirming does not wait for the answers, so after a head start for the replies just begun
the next long poll is under way while the handlers run, and a question is fetched the moment
it arrives. Updates of one chat
are handled one at a time, in order; different chats run in parallel, and a chat with a long
queue never holds a slot another chat could use. At most MAX_IN_FLIGHT updates are journaled
and unanswered at once; beyond that the rest wait in Telegram. A failed getUpdates (5xx,
timeout, connection refused) is retried with exponential backoff, for ever. On SIGTERM the
handlers already running finish (within a grace period); the rest wait in the journal for
the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import time
import warnings
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import Conflict, EndPointNotFound, Forbidden, InvalidToken, TelegramError
from telegram.ext import Application
from telegram.warnings import PTBUserWarning

from ..engine import freeze_heap
from ..settings import Settings
from ..sqlite_file import close_sqlite, open_sqlite
from .ordering import MAX_CONCURRENT_UPDATES
from .reload import reload_knowledge, watch_knowledge
from .webhook import SERVING_FLAG, close_application

log = logging.getLogger(__name__)

MAX_UPDATES_PER_POLL = 100  # Telegram's limit
# Updates fetched and not yet answered; with this many, the bot stops fetching until some
# are answered, so a flood grows neither memory nor the journal without bound. Telegram lets
# a bot send about 30 messages a second, so this is ten seconds of replies.
MAX_IN_FLIGHT = 300
# After fetching, the next poll waits this long at most for the new updates to be answered.
# Locally that keeps the poll's own request from holding up the replies; against Telegram,
# where a reply takes longer, it costs a question arriving in that moment at most this much.
HEAD_START_SECONDS = 0.01
# A failed getUpdates is retried after 0.25 s, then twice as long each time, up to 30 s.
POLL_BACKOFF_FIRST = 0.25
POLL_BACKOFF_MAX = 30.0
# How long a getUpdates may take beyond its long-poll timeout before it counts as failed.
POLL_READ_GRACE = 2.0
# Answered updates stay in the journal until a poll has confirmed them to Telegram; they are
# swept at most this often, so a busy bot does not pay a delete for every poll.
SWEEP_SECONDS = 1.0
# An update whose handler was started this many times and never finished (the process died
# each time) is given up: one poison update must not take the bot down at every start.
MAX_ATTEMPTS = 3
# On SIGTERM, handlers already running get this long to finish their replies.
SHUTDOWN_GRACE_SECONDS = 15.0

# `data` holds the update as Telegram sent it, and NULL once the update is answered;
# `attempts` counts the times its handler was started.
_SCHEMA = """
DROP TABLE IF EXISTS handled_update;
CREATE TABLE IF NOT EXISTS fetched_update (
    update_id INTEGER PRIMARY KEY,
    data TEXT,
    attempts INTEGER NOT NULL DEFAULT 0
);
"""


class UpdateJournal:
    """Updates fetched from Telegram, kept until answered and confirmed; survives a crash."""

    def __init__(self, path: str | Path) -> None:
        self._db = open_sqlite(path, _SCHEMA)  # shares the state store's file

    def take_over(self) -> tuple[set[int], list[tuple[int, str]]]:
        """At start: the ids of every update in the journal (Telegram may send those again, if
        the poll that confirmed them never reached it), and the updates a previous run fetched
        but did not answer, oldest first."""
        db = self._db
        known = {update_id for (update_id,) in db.execute("SELECT update_id FROM fetched_update")}
        given_up = [
            update_id
            for (update_id,) in db.execute(
                "SELECT update_id FROM fetched_update WHERE data IS NOT NULL AND attempts >= ?",
                (MAX_ATTEMPTS,),
            )
        ]
        for update_id in given_up:
            log.error("Update %d was cut short %d times; given up", update_id, MAX_ATTEMPTS)
            self.answered(update_id)
        pending = db.execute(
            "SELECT update_id, data FROM fetched_update WHERE data IS NOT NULL ORDER BY update_id"
        ).fetchall()
        return known, pending

    def add(self, updates: Sequence[tuple[int, str]]) -> None:
        """Journal fetched updates (id, JSON), in one transaction."""
        db = self._db
        db.execute("BEGIN")
        db.executemany(
            "INSERT OR IGNORE INTO fetched_update (update_id, data) VALUES (?, ?)", updates
        )
        db.execute("COMMIT")

    def attempted(self, update_id: int) -> None:
        self._db.execute(
            "UPDATE fetched_update SET attempts = attempts + 1 WHERE update_id = ?", (update_id,)
        )

    def answered(self, update_id: int) -> None:
        self._db.execute("UPDATE fetched_update SET data = NULL WHERE update_id = ?", (update_id,))

    def pending(self) -> list[int]:
        """Ids of the updates fetched and not yet answered."""
        rows = self._db.execute(
            "SELECT update_id FROM fetched_update WHERE data IS NOT NULL ORDER BY update_id"
        )
        return [update_id for (update_id,) in rows]

    def sweep(self, confirmed: int) -> None:
        """Telegram confirmed everything below `confirmed`: answered ones need no record."""
        self._db.execute(
            "DELETE FROM fetched_update WHERE data IS NULL AND update_id < ?", (confirmed,)
        )

    def close(self) -> None:
        close_sqlite(self._db)


def _queue_key(update: Update) -> tuple[str, int]:
    """Updates of one chat share a queue; inline queries and the like queue alone."""
    if update.effective_chat is not None:
        return "chat", update.effective_chat.id
    return "update", update.update_id


class Delivery:
    """Fetches and journals updates, hands them to the application, marks them answered."""

    def __init__(
        self,
        application: Application,
        journal: UpdateJournal,
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
        # One past the newest update fetched: the offset of the next poll. Never carried over
        # a restart: after a week without updates Telegram numbers them afresh, from anywhere.
        self._next_id: int | None = None
        self._known: set[int] = set()  # in the journal at start: not to be taken again
        self._swept = 0.0
        self._in_flight: set[int] = set()  # journaled, not yet answered
        self._queues: dict[tuple[str, int], deque[Update]] = {}
        self._workers: dict[tuple[str, int], asyncio.Task[None]] = {}
        self._running: set[int] = set()  # handlers started and not finished
        self._progress = asyncio.Event()
        self._closing = False
        # _fetch asks for the raw JSON through do_api_request, which PTB would rather not
        warnings.filterwarnings(
            "ignore", message=r"Please use 'Bot\.getUpdates'", category=PTBUserWarning
        )

    # ---------------------------------------------------------------- fetching

    def replay(self) -> None:
        """Queue what a previous run fetched and did not answer."""
        self._known, pending = self.journal.take_over()
        for update_id, data in pending:
            update = self._read(json.loads(data))
            if update is None:
                self.journal.answered(update_id)
            else:
                self._accept(update)
        if pending:
            log.info("Answering %d updates fetched before the restart", len(pending))

    async def poll(self) -> None:
        """Long polling until cancelled; network and server errors are waited out."""
        failures = 0
        while True:
            room = MAX_IN_FLIGHT - len(self._in_flight)
            if room <= 0:
                await self._answered(lambda: len(self._in_flight) < MAX_IN_FLIGHT, 1.0)
                continue
            offset = self._next_id
            try:
                raw = await self._fetch(offset, min(MAX_UPDATES_PER_POLL, room))
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
            if offset is not None and time.monotonic() - self._swept > SWEEP_SECONDS:
                self.journal.sweep(offset)
                self._swept = time.monotonic()
            if batch := self._take(raw):
                # Building the next poll's request would hold up the replies just started.
                await self._answered(lambda: not batch & self._in_flight, HEAD_START_SECONDS)

    async def _fetch(self, offset: int | None, limit: int, timeout: int | None = None) -> list[Any]:
        """One getUpdates, as the raw JSON: journaled as it came, read one update at a time."""
        timeout = self.poll_timeout if timeout is None else timeout
        query = {
            "offset": offset,
            "limit": limit,
            "timeout": timeout,
            "allowed_updates": self.allowed_updates,
        }
        try:
            raw = await self.application.bot.do_api_request(
                "getUpdates", api_kwargs=query, read_timeout=timeout + POLL_READ_GRACE
            )
        except EndPointNotFound as exc:  # how do_api_request reports a 401 or 404
            raise InvalidToken(str(exc)) from exc
        return raw if isinstance(raw, list) else []

    def _read(self, data: Any) -> Update | None:
        """The update, or None (logged) when PTB cannot read it (a field it does not know)."""
        try:
            return Update.de_json(data, self.application.bot)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            update_id = data.get("update_id") if isinstance(data, dict) else None
            log.warning("Update %s cannot be read (%s); skipped", update_id, exc)
            return None

    def _take(self, raw: list[Any]) -> set[int]:
        """Journal the new updates of a batch, then queue them, before the next poll confirms
        them to Telegram; the ids queued."""
        fresh = []
        for data in raw:
            update_id = data.get("update_id") if isinstance(data, dict) else None
            if not isinstance(update_id, int):
                continue
            if self._next_id is None or update_id >= self._next_id:
                self._next_id = update_id + 1
                if update_id not in self._known:
                    fresh.append((update_id, data))
        if not fresh:
            return set()
        readable = [(update, data) for _, data in fresh if (update := self._read(data)) is not None]
        if readable:
            self.journal.add([(update.update_id, json.dumps(data)) for update, data in readable])
        for update, _ in readable:
            self._accept(update)
        return {update.update_id for update, _ in readable}

    def _accept(self, update: Update) -> None:
        self._in_flight.add(update.update_id)
        key = _queue_key(update)
        self._queues.setdefault(key, deque()).append(update)
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._work(key), name=f"updates {key}")

    async def _answered(self, enough: Callable[[], bool], seconds: float) -> None:
        """Wait until handlers have answered `enough`, or `seconds` have passed."""
        with contextlib.suppress(TimeoutError):
            # not wait_for: on Python 3.11 it can swallow a cancel that comes as the event is
            # set, and the loop would poll on through the shutdown
            async with asyncio.timeout(seconds):
                while not enough():
                    await self._progress.wait()

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
            self.journal.attempted(update_id)
            try:
                await self.application.process_update(update)
            except Exception:  # handler errors are logged by the error handler already
                log.exception("Update %d could not be handled", update_id)
            finally:
                self._running.discard(update_id)
        # Handled, or failed for good: either way it is never handled again.
        self.journal.answered(update_id)
        self._in_flight.discard(update_id)
        progress, self._progress = self._progress, asyncio.Event()
        progress.set()

    # ---------------------------------------------------------------- stopping

    async def stop(self, grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Let running handlers finish, keep the rest in the journal, confirm what was fetched."""
        self._closing = True
        waiting = [
            task
            for key, task in self._workers.items()
            if self._queues[key][0].update_id not in self._running
        ]
        for task in waiting:  # not started: the journal keeps these for the next start
            task.cancel()
        busy = [task for task in self._workers.values() if task not in waiting]
        if busy:
            log.info("Finishing %d replies before stopping", len(busy))
            _done, late = await asyncio.wait(busy, timeout=grace)
            for task in late:
                task.cancel()
        await asyncio.gather(*self._workers.values(), return_exceptions=True)
        if self._next_id is not None:
            try:
                await self._fetch(self._next_id, limit=1, timeout=0)
                self.journal.sweep(self._next_id)
            except TelegramError as exc:  # the journal still knows what was fetched
                log.warning("Could not confirm the fetched updates: %s", exc)
        if self._in_flight:
            log.info("%d updates left in the journal for the next start", len(self._in_flight))


async def serve_polling(
    application: Application,
    settings: Settings,
    allowed_updates: Sequence[str],
    stop: asyncio.Event | None = None,
) -> None:
    """Run the bot until SIGINT or SIGTERM (or until `stop` is set, for tests: then no signal
    handlers are installed); SIGHUP reloads the fact base."""
    journal = UpdateJournal(settings.state_path)
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
        delivery.replay()
        freeze_heap()  # what start-up built lives as long as the process
        if settings.knowledge_watch:
            watcher = watch_knowledge(application, settings.knowledge_watch_interval)
            background.append(asyncio.create_task(watcher, name="knowledge watcher"))
        polling = asyncio.create_task(delivery.poll(), name="getUpdates")
        application.bot_data[SERVING_FLAG] = True  # the heartbeat's sign of life (liveness.py)
        background.append(polling)
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
