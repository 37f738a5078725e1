"""The aiohttp backend for PTB (bot/telegram/http.py) against the fake Bot API: JSON bodies,
file uploads as forms, and failures reported as PTB's own TimedOut and NetworkError."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fake_telegram import FakeTelegram
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.telegram.http import AiohttpRequest


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    request = AiohttpRequest(read_timeout=0.5, connect_timeout=0.5)
    async with Bot(tg.token, base_url=tg.base_url, request=request) as bot:
        yield bot


async def test_calls_go_as_json_and_keep_their_types(tg: FakeTelegram, bot: Bot) -> None:
    text = "Астана келіссөздері <b>2017</b> & «Женева»"
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Иран", callback_data="t:kk:iran")]])
    sent = await bot.send_message(100, text, reply_markup=markup)
    [call] = tg.calls_of("sendMessage")
    assert call.params["text"] == text  # every letter and sign as written
    assert call.params["chat_id"] == 100
    assert call.params["reply_markup"] == markup.to_dict()
    assert sent.text == text and sent.reply_markup == markup


async def test_files_go_as_multipart_forms(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_document(100, b"timeline", filename="timeline.txt", caption="Тізім")
    [call] = tg.calls_of("sendDocument")
    assert call.files == {"document": b"timeline"}
    assert call.params["caption"] == "Тізім"


async def test_api_errors_are_ptbs_own(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(100, "hello")


async def test_a_slow_answer_is_timed_out(tg: FakeTelegram, bot: Bot) -> None:
    tg.delay("sendMessage", 2.0)
    with pytest.raises(TimedOut):
        await bot.send_message(100, "hello")
    with pytest.raises(TimedOut):
        await bot.send_message(100, "hello", read_timeout=0.1)  # a call's own timeout wins


async def test_a_refused_connection_is_a_network_error(tg: FakeTelegram, bot: Bot) -> None:
    await tg.stop()
    with pytest.raises(NetworkError) as raised:
        await bot.send_message(100, "hello")
    assert not isinstance(raised.value, TimedOut)
    assert tg.token.split(":")[1] not in str(raised.value)  # aiohttp may quote the URL


async def test_used_before_initialize_is_refused() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:9/x", "POST")


async def test_the_proxy_from_the_environment_is_used(
    tg: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deployments behind a proxy set HTTP(S)_PROXY, which PTB's default backend honours."""
    monkeypatch.setenv("HTTP_PROXY", tg.url)  # the fake serves requests sent to it as a proxy
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    unreachable = "http://api.telegram.invalid/bot"  # only the proxy can reach it
    async with Bot(tg.token, base_url=unreachable, request=AiohttpRequest()) as bot:
        await bot.send_message(100, "via the proxy")
    assert tg.calls_of("sendMessage")[0].params["text"] == "via the proxy"
