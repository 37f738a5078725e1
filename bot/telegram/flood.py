"""Staying within Telegram's flood limits, and not answering the same burst twice.

`FloodLimiter` is the bot's rate limiter (PTB's `BaseRateLimiter`), in the spirit of PTB's
`AIORateLimiter` but closer to what Telegram asks for: at most one message a second in any
chat, 20 a minute in any group and 30 a second overall, each counted over a sliding window,
so the figures hold for every window a test (or Telegram) can pick. Requests wait their
turn, first come first served, and are never dropped. A 429 pauses every request for its
`retry_after`; a network error is retried a few times and then given up, never forever.

`BurstFilter` answers a group's burst of identical questions or commands once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from ..text import normalise

log = logging.getLogger(__name__)

# Telegram's limits: https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
OVERALL_PER_SECOND = 30
CHAT_PER_SECOND = 1
GROUP_PER_MINUTE = 20
# A reply hit by a 429 waits retry_after and tries again this often before it is given up.
MAX_RETRY_AFTER_RETRIES = 5
# A reply hit by a network error (connection refused or reset, 5xx, timeout) is retried
# after each of these waits, then given up and logged: a cut network must not pile up work.
NETWORK_RETRY_DELAYS = (0.5, 1.0, 2.0)
_PRUNE_AT = 512  # per-chat windows kept before idle ones are swept
# Identical questions (or commands) in a group within this many seconds are one request.
BURST_SECONDS = 5.0

Request = Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]]


class SlidingWindow:
    """At most `max_rate` acquisitions in any `period` seconds; waiters go in arrival order."""

    def __init__(self, max_rate: int, period: float) -> None:
        self.max_rate = max_rate
        self.period = period
        self._times: deque[float] = deque()
        self._lock = asyncio.Lock()  # FIFO: a waiting request is never overtaken

    def idle(self) -> bool:
        now = time.monotonic()
        return not self._lock.locked() and all(now - t >= self.period for t in self._times)

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                while self._times and now - self._times[0] >= self.period:
                    self._times.popleft()
                if len(self._times) < self.max_rate:
                    self._times.append(now)
                    return
                await asyncio.sleep(self._times[0] + self.period - now)


class FloodLimiter(BaseRateLimiter[int]):
    """Per chat, per group and overall limits on every request that names a chat.

    `time_scale` shrinks every period (0.1: ten times faster), for tests only.
    """

    def __init__(
        self,
        *,
        time_scale: float = 1.0,
        max_retries: int = MAX_RETRY_AFTER_RETRIES,
        network_retry_delays: tuple[float, ...] = NETWORK_RETRY_DELAYS,
    ) -> None:
        self.time_scale = time_scale
        self.max_retries = max_retries
        self.network_retry_delays = network_retry_delays
        self._overall = SlidingWindow(OVERALL_PER_SECOND, 1.0 * time_scale)
        self._chats: dict[int | str, SlidingWindow] = {}
        self._groups: dict[int | str, SlidingWindow] = {}
        self._no_429 = asyncio.Event()  # cleared while Telegram asks everyone to wait
        self._no_429.set()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _window(
        self, windows: dict[int | str, SlidingWindow], key: int | str, rate: int, period: float
    ) -> SlidingWindow:
        if key not in windows and len(windows) >= _PRUNE_AT:
            for old in [k for k, w in windows.items() if w.idle()]:
                del windows[old]
        return windows.setdefault(key, SlidingWindow(rate, period * self.time_scale))

    async def _wait_turn(self, chat_id: int | str) -> None:
        # The chat's own window first, so a flooding chat queues behind itself and never
        # holds a place in the overall window that another chat could use.
        await self._window(self._chats, chat_id, CHAT_PER_SECOND, 1.0).acquire()
        if isinstance(chat_id, str) or chat_id < 0:  # groups, supergroups and channels
            await self._window(self._groups, chat_id, GROUP_PER_MINUTE, 60.0).acquire()
        await self._overall.acquire()

    async def process_request(
        self,
        callback: Request,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        max_retries = rate_limit_args or self.max_retries
        retry_afters = network_errors = 0
        while True:
            if chat_id is not None:
                await self._wait_turn(chat_id)
            await self._no_429.wait()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                retry_afters += 1
                if retry_afters > max_retries:
                    log.error("%s: still rate limited after %d retries", endpoint, max_retries)
                    raise
                seconds = _seconds(exc) + 0.1
                log.info("%s: rate limited by Telegram, waiting %.1f s", endpoint, seconds)
                self._no_429.clear()
                try:
                    await asyncio.sleep(seconds)
                finally:
                    self._no_429.set()
            except BadRequest:  # a subclass of NetworkError, but retrying never helps
                raise
            except NetworkError as exc:
                if network_errors >= len(self.network_retry_delays):
                    log.error("%s: giving up after %d network errors", endpoint, network_errors + 1)
                    raise
                delay = self.network_retry_delays[network_errors]
                network_errors += 1
                log.warning(
                    "%s failed (%s); retry %d of %d in %.1f s",
                    endpoint,
                    exc,
                    network_errors,
                    len(self.network_retry_delays),
                    delay,
                )
                await asyncio.sleep(delay)


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # an int retry_after is deprecated in PTB 22; both work
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = exc.retry_after
    return float(wait) if isinstance(wait, int | float) else wait.total_seconds()


class BurstFilter:
    """Remembers recent group requests, so a burst of the same one is answered once."""

    def __init__(
        self, seconds: float = BURST_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self.clock = clock
        self._seen: dict[tuple[int, str, int], float] = {}

    def is_repeat(self, chat_id: int, request: str, reply: str) -> bool:
        """True when the chat got this very reply to this very request moments ago.

        `request` is the question, or the command with its argument ("/iran ", "/timeline 2015").

        The reply is part of the key: "when was that?" from two people in a group follows up
        two different conversations, and is two questions.
        """
        now = self.clock()
        if len(self._seen) > _PRUNE_AT:
            self._seen = {k: t for k, t in self._seen.items() if now - t < self.seconds}
        key = (chat_id, " ".join(normalise(request).split()), hash(reply))
        last = self._seen.get(key)
        if last is not None and now - last < self.seconds:
            return True
        self._seen[key] = now
        return False
