"""Stopping right after an answer: the polling loop ends at once and polls no more."""

from __future__ import annotations

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
            polls = len(tg.calls_of("getUpdates"))
        assert time.monotonic() - stopping < 1.0
        # at most the one getUpdates that confirms what was handled, and it does not wait
        late = tg.calls_of("getUpdates")[polls:]
        assert all(not call.params.get("timeout") for call in late), [c.params for c in late]
