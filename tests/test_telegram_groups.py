"""Groups, end to end: the bot answers only when addressed, once per burst, and replies to
the asker."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot_harness import GROUP, ServeBot, StartBot, ask, assert_silent, buttons
from fake_telegram import BOT_USERNAME, Call, FakeTelegram
from helpers_core import copy_knowledge, edit_data
from telegram.ext import Application

from bot.engine import Engine

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
    # one group each: the same command twice in a group within seconds is one burst
    forms = (f"/iran@{BOT_USERNAME}", "/iran", f"/IRAN@{BOT_USERNAME.upper()}")
    for group, text in enumerate(forms, start=GROUP - 10):
        update, call = await _ask_in(tg, group, text)
        assert call.params["text"].startswith("<b>The Iranian nuclear deal</b>")
        assert call.params["reply_parameters"]["message_id"] == update["message"]["message_id"]


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


async def test_unknown_command_named_to_us_gets_a_one_line_hint(
    tg: FakeTelegram, bot: Application
) -> None:
    update = tg.send_text(GROUP, f"/weather@{BOT_USERNAME} tomorrow", user_id=ALICE)
    [call] = await tg.wait_for_calls("sendMessage")
    assert call.params["text"] == "I don't know that command. Try /help or /topics."
    assert call.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    # bare, it may be another bot's command: silence
    await assert_silent(tg, GROUP, lambda: tg.send_text(GROUP, "/weather", user_id=ALICE))


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


# --- bursts, replies and hints (issue 12) -----------------------------------------------------


async def _ask_in(tg: FakeTelegram, group: int, text: str) -> tuple[dict, Call]:
    """Send `text` to a group as Bob: the update sent, and the bot's next message."""
    before = len(tg.calls_of("sendMessage"))
    update = tg.send_text(group, text, user_id=BOB)
    return update, (await tg.wait_for_calls("sendMessage", before + 1))[before]


BURSTS = (
    f"/iran@{BOT_USERNAME}",
    "/iran",
    f"/start@{BOT_USERNAME} iran",
    f"/timeline@{BOT_USERNAME} 2015",
    f"/help@{BOT_USERNAME}",
    f"/topics@{BOT_USERNAME}",
    f"/weather@{BOT_USERNAME}",
)


async def test_a_burst_of_one_command_gets_one_answer(tg: FakeTelegram, bot: Application) -> None:
    for group, command in enumerate(BURSTS, start=GROUP - 100):
        before = len(tg.calls_of("sendMessage"))
        first = [tg.send_text(group, command, user_id=user) for user in range(800, 804)]
        tg.send_text(group, f"/oic@{BOT_USERNAME}", user_id=805)  # another command: answered
        await tg.wait_for_calls("sendMessage", before + 2)
        await asyncio.sleep(0.1)  # a group's updates are handled in order: all four are done
        answers = tg.calls_of("sendMessage")[before:]
        assert len(answers) == 2, (command, [a.params["text"][:60] for a in answers])
        assert (
            answers[0].params["reply_parameters"]["message_id"]
            == (first[0]["message"]["message_id"])
        )
        assert answers[1].params["text"].startswith("<b>Islamic rapprochement")


async def test_the_same_command_after_the_burst_window_is_answered_again(
    tg: FakeTelegram, bot: Application
) -> None:
    now = [1000.0]
    bot.bot_data["services"].bursts.clock = lambda: now[0]
    await ask(tg, GROUP, "/iran", user_id=ALICE)
    now[0] += 4.9
    await assert_silent(tg, GROUP, lambda: tg.send_text(GROUP, "/iran", user_id=BOB))
    now[0] += 5.1
    call = await ask(tg, GROUP, "/iran", user_id=BOB)
    assert call.params["text"].startswith("<b>The Iranian nuclear deal</b>")


async def test_lang_is_confirmed_to_each_member(tg: FakeTelegram, bot: Application) -> None:
    for user in (ALICE, BOB):
        call = await ask(tg, GROUP, f"/lang@{BOT_USERNAME} ru", user_id=user)
        assert call.params["text"] == "Теперь я буду отвечать по-русски."
        assert call.result["reply_to_message"]["from"]["id"] == user


async def test_every_group_answer_replies_to_its_message(
    tg: FakeTelegram, bot: Application
) -> None:
    iran = await ask(tg, GROUP, f"@{BOT_USERNAME} the Iranian nuclear deal", user_id=ALICE)
    asked = [
        f"/start@{BOT_USERNAME} iran",  # a deep link (t.me/bot?startgroup=iran)
        f"/start@{BOT_USERNAME}",
        f"/help@{BOT_USERNAME}",
        f"/topics@{BOT_USERNAME}",
        "/ukraine",
        f"/timeline@{BOT_USERNAME}",
        f"/timeline@{BOT_USERNAME} 2015",
        f"/timeline@{BOT_USERNAME} soon",
        f"/lang@{BOT_USERNAME}",
        f"/lang@{BOT_USERNAME} en",
        f"/ask@{BOT_USERNAME}",
        f"/ask@{BOT_USERNAME} Who reconciled Russia and Turkey?",
        f"/weather@{BOT_USERNAME}",
        f"/reload@{BOT_USERNAME}",  # not an admin: an unknown command
        f"@{BOT_USERNAME}",
        f"@{BOT_USERNAME} what about the OIC?",
    ]
    # one group each: "@thisbot" alone is /topics, and the same request twice is one burst
    for group, text in enumerate(asked, start=GROUP - 200):
        update, call = await _ask_in(tg, group, text)
        assert call.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    call = await ask(tg, GROUP, "when was that?", user_id=BOB, reply_to=iran.result["message_id"])
    assert call.result["reply_to_message"]["text"] == "when was that?"
    assert call.params["text"].startswith("<b>When: 2013.</b>")


async def test_every_part_of_a_long_group_answer_replies(
    tg: FakeTelegram, serve_bot: ServeBot, tmp_path: Path
) -> None:
    folder = copy_knowledge(tmp_path / "kb")
    edit_data(folder, "iran", lambda d: d["summary"].update(en=" ".join([d["summary"]["en"]] * 20)))
    async with serve_bot(engine=Engine.load(folder)):
        update = tg.send_text(GROUP, f"/iran@{BOT_USERNAME}", user_id=ALICE)
        parts = await tg.wait_for_calls("sendMessage", 2)
        await asyncio.sleep(0.1)
    assert len(tg.calls_of("sendMessage")) == len(parts) >= 2
    for part in parts:
        assert part.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert buttons(parts[-1]) and not buttons(parts[0])
