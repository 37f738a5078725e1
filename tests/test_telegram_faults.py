"""Faults, end to end through the bot's own polling loop: failed polls, 429s, cut networks."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from bot_harness import ServeBot, ask
from fake_telegram import FakeTelegram

from bot.telegram import delivery

USER = 600


async def test_failed_polls_are_retried_with_backoff(
    tg: FakeTelegram,
    serve_bot: ServeBot,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(delivery, "POLL_READ_GRACE", 0.5)  # a hung poll fails after 1.5 s
    monkeypatch.setattr(delivery, "POLL_BACKOFF_FIRST", 0.02)
    async with serve_bot():
        await tg.refuse_connections(0.5)  # connection refused
        tg.fail_next("getUpdates", status=502, times=2)
        tg.fail_next("getUpdates", status=500)
        await tg.wait_for(lambda call: call.status == 500, timeout=10)
        tg.delay("getUpdates", 3)  # the next poll hangs past its read timeout
        hung = len(tg.calls_of("getUpdates"))
        await tg.wait_for_calls("getUpdates", hung + 1)
        tg.delay("getUpdates", 0)
        tg.send_text(USER, "/iran")  # arrives while the bot backs off
        [reply] = await tg.wait_for_calls("sendMessage", timeout=15)
        assert reply.params["text"].startswith("<b>The Iranian nuclear deal</b>")
        call = await ask(tg, USER, "When were the Astana talks on Syria?")
        assert "Syria" in call.params["text"]
    failures = [r.getMessage() for r in caplog.records if "getUpdates failed" in r.getMessage()]
    assert any("502" in m or "Bad Gateway" in m for m in failures), failures
    assert any("Internal Server Error" in m for m in failures), failures
    assert any("timed out" in m.lower() for m in failures), failures
    assert any("connect" in m.lower() for m in failures), failures
    delays = [float(m.rsplit(" in ", 1)[1].split()[0]) for m in failures[:6]]
    assert delays == sorted(delays) and delays[-1] > delays[0]  # backing off, not hammering


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_several_429s_in_a_row_are_all_waited_out(tg: FakeTelegram, bot: object) -> None:
    tg.fail_next("sendMessage", status=429, times=4, retry_after=1)
    for chat in (USER, USER + 1, USER + 2):
        tg.send_text(chat, "/oic")
    await tg.wait_for(lambda c: c.status == 200 and c.method == "sendMessage", timeout=15)
    calls = await tg.wait_for_calls("sendMessage", 7, timeout=15)
    limited = [c for c in calls if c.status == 429]
    answered = [c for c in calls if c.status == 200]
    assert len(limited) == 4
    assert sorted(c.params["chat_id"] for c in answered) == [USER, USER + 1, USER + 2]
    for reply in answered:  # nothing got through before Telegram's wait was over
        assert reply.time - limited[0].time >= 1.0


async def test_network_cut_while_sending_is_retried_a_few_times(
    tg: FakeTelegram, bot: object, caplog: pytest.LogCaptureFixture
) -> None:
    bot.bot.rate_limiter.network_retry_delays = (0.05, 0.1, 0.2)  # type: ignore[attr-defined]
    tg.fail_next("sendMessage", status=502, times=2)
    tg.send_text(USER, "/iran")
    calls = await tg.wait_for_calls("sendMessage", 3)
    assert [c.status for c in calls] == [502, 502, 200]
    retries = [r for r in caplog.records if "retry" in r.getMessage() and r.name.endswith("flood")]
    assert len(retries) == 2

    # A network that stays down: the reply is given up after three retries, never forever.
    tg.fail_next("sendMessage", status=502, times=100)
    tg.send_text(USER, "/oic")
    await tg.wait_for_calls("sendMessage", 3 + 4)
    await asyncio.sleep(0.6)  # longer than all the retry delays together
    assert len(tg.calls_of("sendMessage")) == 7
    assert any("giving up" in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    tg.clear_faults()
    call = await ask(tg, USER, "/unsc")  # and the bot carries on
    assert call.status == 200


async def test_sigterm_mid_reply_keeps_unstarted_updates(
    tg: FakeTelegram, serve_bot: ServeBot, state_path: Path
) -> None:
    """Stopping finishes the reply under way; updates not started wait in the journal."""
    async with serve_bot():
        tg.delay("sendMessage", 0.5)
        sent = [tg.send_text(USER, text)["update_id"] for text in ("/iran", "/oic", "/unsc")]
        await tg.wait_for_calls("sendMessage")
    tg.delay("sendMessage", 0)
    first = tg.calls_of("sendMessage")
    assert len(first) == 1 and first[0].status == 200  # the one under way got through
    assert not tg.pending_updates  # Telegram was told it can forget all three...
    journal = delivery.UpdateJournal(state_path)
    assert journal.pending() == sent[1:]  # ...because the unanswered two are journaled
    journal.close()
    async with serve_bot():
        await tg.wait_for_calls("sendMessage", 2)
        await asyncio.sleep(0.2)
    texts = [c.params["text"].split("\n")[0] for c in tg.calls_of("sendMessage")]
    assert len(texts) == 3 and len(set(texts)) == 3  # each answered once, none lost
