"""Flood limits, measured on the fake server's clock: 1 a second per chat, 20 a minute per
group, 30 a second overall, here on a 20 times faster clock (BOT_RATE_TIME_SCALE)."""

from __future__ import annotations

import itertools

from bot_harness import GROUP, ServeBot
from fake_telegram import BOT_USERNAME, Call, FakeTelegram

SCALE = 0.05
SLACK = 0.9  # arrival times jitter by a few milliseconds around the limiter's


def _most_in_window(calls: list[Call], seconds: float) -> int:
    times = sorted(call.time for call in calls)
    return max(sum(1 for t in times[i:] if t - start < seconds) for i, start in enumerate(times))


async def test_one_user_flooding_is_paced_and_others_are_not_starved(
    tg: FakeTelegram, serve_bot: ServeBot
) -> None:
    async with serve_bot(rate_time_scale=SCALE):
        for number in range(30):
            tg.send_text(100, f"/timeline {2010 + number % 8}")
        tg.send_text(200, "/iran")  # another chat, asking after the flood started
        calls = await tg.wait_for_calls("sendMessage", 31, timeout=30)
    flood = [c for c in calls if c.params["chat_id"] == 100]
    [other] = [c for c in calls if c.params["chat_id"] == 200]
    assert len(flood) == 30  # delayed, never dropped
    gaps = sorted(b.time - a.time for a, b in itertools.pairwise(flood))
    # one a second (scaled) in the chat; a single gap may shrink by one request's HTTP jitter
    assert gaps[len(gaps) // 2] >= SCALE * SLACK
    assert gaps[0] >= SCALE / 2
    assert flood[-1].time - flood[0].time >= (len(flood) - 1) * SCALE * SLACK
    assert other.time < flood[5].time  # the other chat did not wait for the flood


async def test_group_flood_keeps_twenty_a_minute(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    async with serve_bot(rate_time_scale=SCALE):
        for number in range(25):  # 25 different years: a repeat would be one burst, answered once
            tg.send_text(GROUP, f"/timeline@{BOT_USERNAME} {1995 + number}", user_id=900)
        calls = await tg.wait_for_calls("sendMessage", 25, timeout=30)
    assert _most_in_window(calls, 60 * SCALE * SLACK) <= 20
    assert calls[-1].time - calls[0].time >= 60 * SCALE * SLACK  # the 21st waited


async def test_many_chats_keep_thirty_a_second(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    # Real time here: a window of a fraction of a second would measure HTTP jitter instead.
    async with serve_bot(rate_time_scale=1.0):
        for chat in range(1, 61):
            tg.send_text(chat, "/help")
        calls = await tg.wait_for_calls("sendMessage", 60, timeout=30)
    assert _most_in_window(calls, SLACK) <= 30
    assert calls[-1].time - calls[0].time >= SLACK
