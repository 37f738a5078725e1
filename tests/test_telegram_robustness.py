"""Odd updates, API errors, 429s, long replies and the token's secrecy."""

from __future__ import annotations

import logging

import pytest
from bot_harness import GROUP, PROBE, StartBot, ask, assert_valid_html
from fake_telegram import BOT_USERNAME, FakeTelegram
from hypothesis import given
from hypothesis import strategies as st
from tdlib import EXPANDABLE, parse_html
from telegram.ext import Application

from bot.telegram.replies import split_html

USER = 400


async def test_odd_updates_never_crash_it(
    tg: FakeTelegram, bot: Application, caplog: pytest.LogCaptureFixture
) -> None:
    message = tg.make_message(USER, "Tell me about Iran")
    sticker = {k: v for k, v in tg.make_message(USER, "").items() if k != "text"}
    sticker["sticker"] = {
        "file_id": "s1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    photo = {k: v for k, v in tg.make_message(GROUP, "").items() if k != "text"}
    photo["photo"] = [{"file_id": "p1", "file_unique_id": "p1", "width": 9, "height": 9}]
    photo["caption"] = f"@{BOT_USERNAME} what is this?"
    for update in (
        {"edited_message": {**message, "text": "Tell me about Syria", "edit_date": 1}},
        {"message": sticker},
        {"message": photo},
        {
            "poll": {
                "id": "1",
                "question": "?",
                "options": [],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            }
        },
        {"channel_post": tg.make_message("@news", "Iran")},
    ):
        tg.send_update(update)
    call = await ask(tg, USER, "/help")
    assert f"@{BOT_USERNAME}" in call.params["text"]
    assert len(tg.calls_of("sendMessage")) == 1  # the edit, the sticker... got nothing
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_error_is_logged_and_the_bot_carries_on(
    tg: FakeTelegram, bot: Application, caplog: pytest.LogCaptureFixture
) -> None:
    tg.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    tg.send_text(USER, "/iran")
    await tg.wait_for_calls("sendMessage")
    call = await ask(tg, USER, "/oic")
    assert call.status == 200
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and "chat not found" in str(errors[0].exc_info[1]).lower()


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_limit_is_waited_out(tg: FakeTelegram, bot: Application) -> None:
    tg.fail_next("sendMessage", status=429, retry_after=1)
    tg.send_text(USER, "/iran")
    first, second = await tg.wait_for_calls("sendMessage", 2, timeout=10)
    assert (first.status, second.status) == (429, 200)
    assert second.time - first.time >= 1.0
    assert second.params["text"] == first.params["text"]


async def test_token_never_reaches_the_logs(
    tg: FakeTelegram, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with start_bot():
        await ask(tg, USER, "Tell me about Iran")
        await ask(tg, GROUP, PROBE)
        tg.send_inline_query(USER, "iran")
        await tg.wait_for_calls("answerInlineQuery")
        tg.fail_next("sendMessage", status=400)
        tg.send_text(USER, "/oic")
        await tg.wait_for_calls("sendMessage", 3)
    assert len(caplog.records) > 20  # the DEBUG logs were really captured
    secret = tg.token.split(":", 1)[1]
    assert secret not in caplog.text
    for record in caplog.records:
        assert secret not in record.getMessage()


# --- splitting long replies -------------------------------------------------------------------


def _plain(part: str) -> str:
    """What a reader sees of `part`; TDLib raises if Telegram would refuse it."""
    return parse_html(part).text


_line = st.one_of(
    st.text(alphabet="ab &<>é😀 ", max_size=60).map(lambda s: s.replace("&", "&amp;")
                                                     .replace("<", "&lt;").replace(">", "&gt;")),
    st.text(alphabet="xyz ", min_size=1, max_size=40).map(lambda s: f"<b>{s}</b> tail"),
    st.text(alphabet="pq ", max_size=300).map(lambda s: f"<i>{s}</i>"),
)  # fmt: skip


@given(
    st.lists(_line, max_size=40),
    st.lists(_line, max_size=40),
    st.integers(min_value=80, max_value=400),
)
def test_split_html_parts_are_short_and_valid(
    lines: list[str], folded: list[str], limit: int
) -> None:
    text = "\n".join(lines)
    if folded:  # the folded rest of an answer: one blockquote over many lines
        text += "\n<blockquote expandable>" + "\n".join(folded) + "</blockquote>"
    parts = split_html(text, limit)
    for part in parts:
        assert len(part.encode("utf-16-le")) // 2 <= limit
        _plain(part)
    # nothing is lost but whitespace at the cuts
    assert "".join("".join(_plain(p).split()) for p in parts) == "".join(_plain(text).split())


def test_split_html_cuts_on_lines() -> None:
    lines = [f"<b>{n}</b> — fact number {n}" for n in range(400)]
    parts = split_html("\n".join(lines))
    assert len(parts) > 1
    assert "\n".join(parts).split("\n") == lines
    assert all(len(p) <= 4096 for p in parts)


@pytest.mark.parametrize(
    ("fold_line", "count"), [("fact number {n}", 400), ("{n} " + "word " * 1000, 12)]
)
def test_split_html_keeps_the_fold_folded_in_every_part(fold_line: str, count: int) -> None:
    lines = [fold_line.format(n=n) for n in range(count)]  # the second: lines over 4096
    text = "<b>Lead</b>\n<blockquote expandable>" + "\n".join(lines) + "</blockquote>"
    parts = split_html(text)
    assert len(parts) > 1 and parts[0].startswith("<b>Lead</b>\n<blockquote expandable>")
    for part in parts:
        parsed = parse_html(part)  # raises where Telegram would refuse the part
        assert parsed.units() <= 4096
        [fold] = [e for e in parsed.entities if e["type"]["@type"] == EXPANDABLE]
        assert fold["offset"] + fold["length"] == parsed.units()  # folded up to the end
    plain = "".join(_plain(part) for part in parts)
    words = "".join(lines).split()  # too long for TDLib to parse in one piece
    assert "".join(plain.split()) == "Lead" + "".join(words)


def test_split_html_cuts_a_giant_line_between_words() -> None:
    text = "<b>" + " ".join(["word"] * 3000) + "</b>"
    parts = split_html(text)
    assert len(parts) == 4
    for part in parts:
        assert part.startswith("<b>word") and part.endswith("word</b>")
        assert_valid_html(part)


async def test_long_reply_is_sent_in_parts(tg: FakeTelegram, bot: Application) -> None:
    # the whole timeline in every language fits today; force a split by a small limit
    from bot.telegram import replies

    limit = replies.MAX_MESSAGE_LENGTH
    replies_split = replies.split_html
    try:
        replies.split_html = lambda text, limit=limit: replies_split(text, 300)  # type: ignore
        tg.send_text(USER, "/timeline")
        calls = await tg.wait_for_calls("sendMessage", 2)
        await ask(tg, USER, "/help")
    finally:
        replies.split_html = replies_split
    parts = tg.calls_of("sendMessage")[:-1]
    assert len(parts) > 1
    for part in parts:
        assert len(part.params["text"]) <= 300
        assert_valid_html(part.params["text"])
    assert calls[0].params["text"].startswith("<b>Timeline")


async def test_engine_failure_still_gets_a_polite_reply(
    tg: FakeTelegram, bot: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = bot.bot_data["services"].engine

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("day is out of range for month")

    monkeypatch.setattr(engine, "answer", broken)
    call = await ask(tg, USER, "what happened on 30 Feb 2016?")
    assert call.params["text"].startswith("Sorry")
    assert "/iran" in call.params["text"]
