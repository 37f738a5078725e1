"""Tests for the fake Bot API server, driven by the real python-telegram-bot stack."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fake_telegram import BOT_ID, BOT_USERNAME, FakeTelegram, polling
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


def build_app(tg: FakeTelegram) -> Application:
    return tg.application_builder().build()


async def test_bot_initialize_calls_get_me(tg: FakeTelegram) -> None:
    app = build_app(tg)
    async with app:
        assert app.bot.id == BOT_ID
        assert app.bot.username == BOT_USERNAME
    [call] = tg.calls_of("getMe")
    assert call.status == 200
    assert tg.url.startswith("http://127.0.0.1:")


async def test_echo_handler_receives_update_and_sends_message(tg: FakeTelegram) -> None:
    sent: list[Message] = []

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        sent.append(await update.effective_message.reply_text(update.effective_message.text or ""))

    app = build_app(tg)
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with polling(app):
        update = tg.send_text(100, "Сәлем 👋 hello")
        [call] = await tg.wait_for_calls("sendMessage")

    assert call.params["chat_id"] == 100
    assert call.params["text"] == "Сәлем 👋 hello"
    assert update["message"]["from"]["id"] == 100
    # PTB parsed our result into a real Message: ids are per chat, sender is the bot.
    [message] = sent
    assert message.message_id == update["message"]["message_id"] + 1
    assert message.from_user is not None and message.from_user.id == BOT_ID
    assert message.chat.id == 100
    # The confirmed update is gone from the queue after shutdown.
    assert tg.pending_updates == []


async def test_reply_to_message_is_echoed_in_result(tg: FakeTelegram) -> None:
    app = build_app(tg)

    async def quote(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("quoted", do_quote=True)

    app.add_handler(MessageHandler(filters.TEXT, quote))
    async with polling(app):
        update = tg.send_text(-100123, "question", user_id=7, chat_type="supergroup")
        [call] = await tg.wait_for_calls("sendMessage")

    original_id = update["message"]["message_id"]
    assert call.params["reply_parameters"]["message_id"] == original_id
    assert call.result["reply_to_message"]["message_id"] == original_id
    assert call.result["reply_to_message"]["text"] == "question"
    assert call.result["chat"]["type"] == "supergroup"


async def test_command_entity_routes_to_command_handler_in_group(tg: FakeTelegram) -> None:
    seen: list[list[str]] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(list(context.args or []))
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, "welcome")

    app = build_app(tg)
    app.add_handler(CommandHandler("start", start))
    async with polling(app):
        update = tg.send_text(-555, f"/start@{BOT_USERNAME} now", user_id=9, chat_title="Team")
        [call] = await tg.wait_for_calls("sendMessage")

    assert seen == [["now"]]
    assert call.params["chat_id"] == -555
    chat = update["message"]["chat"]
    assert chat == {"id": -555, "type": "group", "title": "Team"}


def test_entities_use_utf16_offsets() -> None:
    tg = FakeTelegram()
    update = tg.send_text(1, "/help 😀 ask @someone_else please")
    entities = update["message"]["entities"]
    assert entities[0] == {"type": "bot_command", "offset": 0, "length": 5}
    # The emoji counts as two UTF-16 code units, as Telegram measures offsets.
    assert entities[1] == {"type": "mention", "offset": 13, "length": 13}
    assert "entities" not in tg.send_text(1, "plain text")["message"]
    assert tg.send_text(1, "/x", entities=[])["message"].get("entities") is None


async def test_inline_query_is_answered(tg: FakeTelegram) -> None:
    async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.inline_query is not None
        await update.inline_query.answer(
            [
                InlineQueryResultArticle(
                    id="1",
                    title="CICA",
                    input_message_content=InputTextMessageContent("CICA summit"),
                )
            ],
            cache_time=5,
        )

    app = build_app(tg)
    app.add_handler(InlineQueryHandler(inline))
    async with polling(app):
        update = tg.send_inline_query(77, "cica", language_code="kk")
        [call] = await tg.wait_for_calls("answerInlineQuery")

    assert call.params["inline_query_id"] == update["inline_query"]["id"]
    assert call.params["cache_time"] == 5
    [result] = call.params["results"]  # JSON string decoded into Python objects
    assert result["title"] == "CICA"
    assert result["input_message_content"]["message_text"] == "CICA summit"


async def test_callback_query_answer_and_edit(tg: FakeTelegram) -> None:
    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("ok")
        await query.edit_message_text(f"chose {query.data}")

    app = build_app(tg)
    app.add_handler(CallbackQueryHandler(button))
    async with polling(app):
        menu = await app.bot.send_message(
            100,
            "pick",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]]),
        )
        [sent] = tg.calls_of("sendMessage")
        assert sent.params["reply_markup"] == {
            "inline_keyboard": [[{"text": "A", "callback_data": "a"}]]
        }
        tg.send_callback_query(100, 100, "a")  # defaults to the bot's last message there
        [edit] = await tg.wait_for_calls("editMessageText")
        await tg.wait_for_calls("answerCallbackQuery")

    assert edit.params["message_id"] == menu.message_id
    assert edit.params["text"] == "chose a"
    assert edit.result["edit_date"] >= edit.result["date"]
    assert tg.calls_of("answerCallbackQuery")[0].params["text"] == "ok"


async def test_edit_unknown_message_is_bad_request(tg: FakeTelegram) -> None:
    async with build_app(tg) as app:
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await app.bot.edit_message_text("x", chat_id=1, message_id=99)


@pytest.mark.parametrize(
    ("markup", "says"),
    [
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("close</b>", "Unexpected end tag"),
        ("<b><i>crossed</b></i>", "Unmatched end tag"),
        ("a < b", "Unsupported start tag"),
        ("<br/>", 'Unsupported start tag "br/"'),
        ("<script>x</script>", 'Unsupported start tag "script"'),
    ],
)
async def test_html_telegram_cannot_parse_is_refused_as_telegram_does(
    tg: FakeTelegram, markup: str, says: str
) -> None:
    """TDLib, the Bot API server's own parser, reads every HTML text: its errors come back."""
    async with build_app(tg) as app:
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await app.bot.send_message(1, markup, parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await app.bot.answer_inline_query(
                "q1", [InlineQueryResultArticle("1", "t", InputTextMessageContent(markup, "HTML"))]
            )
    assert [method for method, _ in tg.refused] == ["sendMessage", "answerInlineQuery"]
    for _, description in tg.refused:  # word for word as the Bot API says it
        assert description.startswith("Bad Request: can't parse entities: ")
        assert says in description
    tg.refused.clear()  # refused on purpose: the fixture checks nothing else was


async def test_what_telegram_accepts_passes(tg: FakeTelegram) -> None:
    folded = "<b>Lead</b>\n<blockquote expandable>the rest\n<i>and more</i> R&amp;D</blockquote>"
    async with build_app(tg) as app:
        sent = await app.bot.send_message(1, folded, parse_mode="HTML")
        await app.bot.send_message(1, "a < b & c", parse_mode=None)  # plain text: not parsed
        await app.bot.edit_message_text("<u>edited</u>", 1, sent.message_id, parse_mode="HTML")
    assert tg.refused == []


@pytest.mark.parametrize(
    ("markup", "says"),
    [
        ("x" * 4097, "message is too long"),
        ("<b>a</b> " * 101, "too many entities (101 > 100)"),
        ("<b> </b>", "message text is empty"),
    ],
)
async def test_what_does_not_fit_a_message_is_refused(
    tg: FakeTelegram, markup: str, says: str
) -> None:
    async with build_app(tg) as app:
        with pytest.raises(BadRequest):
            await app.bot.send_message(1, markup, parse_mode="HTML")
    assert tg.refused == [("sendMessage", f"Bad Request: {says}")]
    tg.refused.clear()


async def test_fail_next_429_is_visible_to_raw_http_client(tg: FakeTelegram) -> None:
    tg.fail_next("sendMessage", status=429, retry_after=1)
    async with httpx.AsyncClient() as client:
        url = tg.method_url("sendMessage")
        failed = await client.post(url, json={"chat_id": 5, "text": "hi"})
        ok = await client.post(url, json={"chat_id": 5, "text": "hi"})

    assert failed.status_code == 429
    assert failed.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert ok.status_code == 200
    assert ok.json()["result"]["text"] == "hi"
    assert [call.status for call in tg.calls_of("sendMessage")] == [429, 200]


# PTB warns about the upcoming int -> timedelta change whenever it builds a RetryAfter.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_fail_next_maps_to_ptb_exceptions(tg: FakeTelegram) -> None:
    async with build_app(tg) as app:
        tg.fail_next("sendMessage", status=429, retry_after=3)
        with pytest.raises(RetryAfter) as info:
            await app.bot.send_message(1, "x")
        assert "Retry in 3" in str(info.value)

        tg.fail_next("sendMessage", status=502, times=2)
        for _ in range(2):
            with pytest.raises(NetworkError):
                await app.bot.send_message(1, "x")
        assert (await app.bot.send_message(1, "x")).text == "x"


async def test_multipart_upload_is_recorded(tg: FakeTelegram) -> None:
    async with build_app(tg) as app:
        message = await app.bot.send_document(
            -100777, b"report body", filename="report.txt", caption="Report"
        )
    [call] = tg.calls_of("sendDocument")
    assert call.params["chat_id"] == -100777
    assert call.params["caption"] == "Report"
    assert call.params["document"]["file_name"] == "report.txt"
    assert call.files == {"document": b"report body"}
    assert message.caption == "Report"


async def test_wrong_token_is_unauthorized(tg: FakeTelegram) -> None:
    app = tg.application_builder().token("999:WRONG").build()
    with pytest.raises(InvalidToken):
        await app.initialize()


async def test_get_updates_long_poll_and_offset(tg: FakeTelegram) -> None:
    url = tg.method_url("getUpdates")
    async with httpx.AsyncClient(timeout=10) as client:
        empty = await client.post(url, data={"timeout": "0"})
        assert empty.json() == {"ok": True, "result": []}

        # A long poll returns as soon as an update arrives, well before its timeout.
        started = time.monotonic()
        poll = asyncio.create_task(client.post(url, data={"timeout": "5"}))
        await tg.wait_for(lambda c: c.method == "getUpdates" and c.params.get("timeout") == 5)
        first = tg.send_text(1, "one")
        second = tg.send_text(1, "two")
        got = (await poll).json()["result"]
        assert time.monotonic() - started < 2
        assert [u["update_id"] for u in got] in (
            [first["update_id"]],
            [first["update_id"], second["update_id"]],
        )

        # Passing offset confirms everything below it.
        confirm = await client.post(url, json={"offset": first["update_id"] + 1, "timeout": 0})
        assert [u["update_id"] for u in confirm.json()["result"]] == [second["update_id"]]
        assert tg.pending_updates == [second]


async def test_long_poll_times_out_empty(tg: FakeTelegram) -> None:
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.post(tg.method_url("getUpdates"), json={"timeout": 0.3})
    assert response.json()["result"] == []
    assert 0.25 <= time.monotonic() - started < 2


async def test_delay_slows_a_method(tg: FakeTelegram) -> None:
    tg.delay("getMe", 0.3)
    async with httpx.AsyncClient() as client:
        started = time.monotonic()
        await client.post(tg.method_url("getMe"))
        assert time.monotonic() - started >= 0.3
        tg.delay("getMe", 0)
        started = time.monotonic()
        await client.post(tg.method_url("getMe"))
        assert time.monotonic() - started < 0.3


async def test_commands_and_descriptions_round_trip(tg: FakeTelegram) -> None:
    async with build_app(tg) as app:
        await app.bot.set_my_commands([("start", "Start"), ("help", "Help")])
        await app.bot.set_my_commands([("start", "Бастау")], language_code="kk")
        await app.bot.set_my_description("Answers questions", language_code="en")
        await app.bot.set_my_short_description("KZ diplomacy")
        default = await app.bot.get_my_commands()
        kazakh = await app.bot.get_my_commands(language_code="kk")
        description = await app.bot.get_my_description(language_code="en")

    assert [c.command for c in default] == ["start", "help"]
    assert [c.description for c in kazakh] == ["Бастау"]
    assert description.description == "Answers questions"
    assert tg.short_descriptions == {"": "KZ diplomacy"}
    assert tg.calls_of("setMyCommands")[1].params["language_code"] == "kk"


async def test_custom_handler_and_raw_updates(tg: FakeTelegram) -> None:
    tg.on("getChatMemberCount", lambda params: 5 if params["chat_id"] == -7 else 0)
    seen: list[Any] = []

    async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update.edited_message)

    app = build_app(tg)
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited))
    async with polling(app):
        members = await app.bot.get_chat_member_count(-7)
        chat = await app.bot.get_chat(42)
        original = tg.make_message(42, "before")
        tg.send_update({"edited_message": {**original, "text": "after", "edit_date": 1}})
        await tg.wait_for(lambda c: c.method == "getUpdates" and bool(c.result))
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)

    assert members == 5
    assert chat.id == 42 and chat.type == "private"
    [message] = seen
    assert message.text == "after"


async def test_wait_for_calls_timeout_lists_received_methods(tg: FakeTelegram) -> None:
    async with httpx.AsyncClient() as client:
        await client.post(tg.method_url("getMe"))
    with pytest.raises(AssertionError, match=r"sendMessage.*Calls received: getMe x1"):
        await tg.wait_for_calls("sendMessage", timeout=0.1)


async def test_stop_releases_pending_long_poll() -> None:
    tg = FakeTelegram()
    await tg.start()
    async with httpx.AsyncClient(timeout=10) as client:
        poll = asyncio.create_task(client.post(tg.method_url("getUpdates"), json={"timeout": 30}))
        await tg.wait_for_calls("getUpdates")
        started = time.monotonic()
        await tg.stop()
        response = await poll
    assert response.json()["result"] == []
    assert time.monotonic() - started < 2
