"""Stopping right after an answer: the polling loop ends at once and polls no more."""

from __future__ import annotations

import asyncio
import time

from bot_harness import ServeBot, ask
from fake_telegram import FakeTelegram

USER = 950


async def test_stop_just_after_an_answer_is_prompt(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    # The stop comes as the answer's handler finishes and wakes the polling loop: a cancel lost
    # there (asyncio.wait_for on Python 3.11) kept it polling through the shutdown.
    for question in ("/iran", "/oic", "/syria"):
        async with serve_bot():
            await ask(tg, USER, question)
            stopping = time.monotonic()
        assert time.monotonic() - stopping < 1.0
        # polling is over: the last call is the getUpdates that confirms what was fetched, which
        # does not wait, and nothing polls after it
        polls = tg.calls_of("getUpdates")
        await asyncio.sleep(0.3)
        assert tg.calls_of("getUpdates") == polls
        assert polls[-1].params.get("timeout") == 0, polls[-1].params
