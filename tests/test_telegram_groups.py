"""Groups, end to end: the bot answers only when addressed, and replies to the asker."""

from __future__ import annotations

from bot_harness import GROUP, StartBot, ask, assert_silent, buttons
from fake_telegram import BOT_USERNAME, FakeTelegram
from telegram.ext import Application

ALICE, BOB = 501, 502


async def test_chatter_is_never_answered(tg: FakeTelegram, bot: Application) -> None:
    for text in (
        "When did Kazakhstan host the Iran nuclear talks?",  # a question the bot knows well
        "good morning everyone",
        "@someone_else what do you think about Iran?",
    ):
        await assert_silent(tg, GROUP, lambda text=text: tg.send_text(GROUP, text, user_id=ALICE))


async def test_commands_for_other_bots_are_ignored(tg: FakeTelegram, bot: Application) -> None:
    for text in ("/iran@otherbot", "/start@otherbot iran", "/weather", "/weather@otherbot"):
        await assert_silent(tg, GROUP, lambda text=text: tg.send_text(GROUP, text, user_id=ALICE))


async def test_topic_command_addressed_to_us_is_answered(
    tg: FakeTelegram, bot: Application
) -> None:
    for text in (f"/iran@{BOT_USERNAME}", "/iran", f"/IRAN@{BOT_USERNAME.upper()}"):
        before = len(tg.messages)
        call = await ask(tg, GROUP, text, user_id=ALICE)
        assert call.params["text"].startswith("<b>The Iranian nuclear deal</b>")
        asked = call.result["reply_to_message"]
        assert asked["text"] == text and asked["message_id"] >= before


async def test_mention_is_answered_as_a_reply(tg: FakeTelegram, bot: Application) -> None:
    update = tg.send_text(
        GROUP, f"@{BOT_USERNAME} when did Kazakhstan host the Iran nuclear talks?", user_id=ALICE
    )
    [call] = await tg.wait_for_calls("sendMessage")
    assert call.params["chat_id"] == GROUP
    assert call.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert "2013" in call.params["text"][:150]


async def test_mention_alone_lists_the_topics(tg: FakeTelegram, bot: Application) -> None:
    call = await ask(tg, GROUP, f"@{BOT_USERNAME}", user_id=ALICE)
    assert "/iran" in call.params["text"]


async def test_ask_works_in_groups(tg: FakeTelegram, bot: Application) -> None:
    call = await ask(tg, GROUP, f"/ask@{BOT_USERNAME} When were the Astana talks on Syria?")
    assert "Syria" in call.params["text"]
    assert "reply_parameters" in call.params


async def test_messages_from_bots_are_ignored(tg: FakeTelegram, bot: Application) -> None:
    def from_a_bot() -> None:
        message = tg.make_message(GROUP, f"@{BOT_USERNAME} tell me about Iran", user_id=777)
        message["from"]["is_bot"] = True
        tg.send_update({"message": message})

    await assert_silent(tg, GROUP, from_a_bot)


async def test_unknown_command_is_silent_in_groups(tg: FakeTelegram, bot: Application) -> None:
    await assert_silent(
        tg, GROUP, lambda: tg.send_text(GROUP, f"/weather@{BOT_USERNAME}", user_id=ALICE)
    )


async def test_context_is_per_user_in_groups(tg: FakeTelegram, bot: Application) -> None:
    await ask(tg, GROUP, f"@{BOT_USERNAME} tell me about the Iranian nuclear deal", user_id=ALICE)
    bob = await ask(tg, GROUP, f"@{BOT_USERNAME} when was that?", user_id=BOB)
    assert not bob.params["text"].startswith("<b>When: 2013")
    alice = await ask(tg, GROUP, f"@{BOT_USERNAME} when was that?", user_id=ALICE)
    assert alice.params["text"].startswith("<b>When: 2013.</b>")


async def test_reply_follow_up_survives_restart_and_other_topics(
    tg: FakeTelegram, start_bot: StartBot
) -> None:
    async with start_bot():
        iran = await ask(tg, GROUP, f"@{BOT_USERNAME} the Iranian nuclear deal", user_id=ALICE)
        await ask(tg, GROUP, f"@{BOT_USERNAME} the Astana talks on Syria", user_id=ALICE)
        await ask(tg, GROUP, "/ukraine", user_id=BOB)
    iran_message = iran.result["message_id"]

    async with start_bot():
        call = await ask(tg, GROUP, "when was that?", user_id=BOB, reply_to=iran_message)
    assert call.params["text"].startswith("<b>When: 2013.</b>")
    assert call.result["reply_to_message"]["text"] == "when was that?"


async def test_reply_to_someone_else_is_chatter(tg: FakeTelegram, bot: Application) -> None:
    first = tg.send_text(GROUP, "anyone know about Iran?", user_id=ALICE)
    reply_to = first["message"]["message_id"]
    await assert_silent(
        tg, GROUP, lambda: tg.send_text(GROUP, "no idea", user_id=BOB, reply_to=reply_to)
    )


async def test_group_answer_keyboard_has_share_button(tg: FakeTelegram, bot: Application) -> None:
    call = await ask(tg, GROUP, f"@{BOT_USERNAME} tell me about the OIC", user_id=ALICE)
    assert any("switch_inline_query" in b for b in buttons(call))
