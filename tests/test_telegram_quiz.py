"""Quiz mode end to end: /quiz polls in private and groups, Next, answers scored, /quiz score."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot_harness import GROUP, ServeBot, StartBot, ask, buttons
from fake_telegram import BOT_USERNAME, Call, FakeTelegram
from telegram.ext import Application
from webhook_harness import replica, replica_settings

from bot.engine import Engine
from bot.quiz_files import quiz_bank
from bot.settings import Settings
from bot.telegram.quiz_store import RedisQuizStore

ALICE, BOB = 501, 502


async def quiz(tg: FakeTelegram, chat_id: int, text: str = "/quiz", **kwargs: Any) -> Call:
    """Send a /quiz command and return the sendPoll it brings."""
    before = len(tg.calls_of("sendPoll"))
    tg.send_text(chat_id, text, **kwargs)
    return (await tg.wait_for_calls("sendPoll", before + 1))[before]


def questions_of(engine: Engine, lang: str, topic: str | None = None, year: int | None = None):
    bank = quiz_bank(engine.kb)
    return {
        bank.question(key, lang).question: bank.question(key, lang)
        for key in bank.keys(topic, year)
    }


async def answered(app: Application, chat_id: int, user_id: int, count: int) -> None:
    """Wait until the bot has counted `count` answers of the user in the chat."""
    store = app.bot_data["quiz"].store
    for _ in range(200):
        score = store.score(chat_id, user_id)
        if score is not None and score.answered >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"user {user_id} has no {count} answers counted in chat {chat_id}")


def assert_quiz_poll(call: Call, engine: Engine, lang: str, **pool: Any) -> None:
    """A quiz poll of the pool, in the language, as the bank builds it, with a Next button."""
    params = call.params
    known = questions_of(engine, lang, **pool)
    assert params["question"] in known, params["question"]
    question = known[params["question"]]
    assert params["type"] == "quiz" and params["is_anonymous"] is False
    assert [o["text"] for o in params["options"]] == list(question.options)
    assert params["correct_option_ids"] == [question.correct]
    assert params["explanation"] == question.explanation
    [next_button] = buttons(call)
    assert next_button["callback_data"].startswith(f"qz:{lang}:")
    assert call.result["poll"]["type"] == "quiz"


async def test_private_quiz_scores_answers_and_keeps_them_over_a_restart(
    tg: FakeTelegram, start_bot: StartBot, engine: Engine
) -> None:
    async with start_bot() as app:
        first = await quiz(tg, ALICE, user_id=ALICE, first_name="Alice")
        assert_quiz_poll(first, engine, "en")
        poll = first.result["poll"]
        tg.send_poll_answer(poll["id"], ALICE, [poll["correct_option_ids"][0]], first_name="Alice")
        await answered(app, ALICE, ALICE, 1)
        second = await quiz(tg, ALICE, user_id=ALICE)
        assert second.params["question"] != first.params["question"]
        wrong = (second.result["poll"]["correct_option_ids"][0] + 1) % len(second.params["options"])
        tg.send_poll_answer(second.result["poll"]["id"], ALICE, [wrong], first_name="Alice")
        await answered(app, ALICE, ALICE, 2)
        # Telegram may send an update again: it is counted once
        tg.send_poll_answer(poll["id"], ALICE, [poll["correct_option_ids"][0]], first_name="Alice")
        score = await ask(tg, ALICE, "/quiz score", user_id=ALICE)
        assert score.params["text"] == "Your quiz score: 1 right of 2."
        third = (await quiz(tg, ALICE, user_id=ALICE)).result["poll"]
    async with start_bot() as app:
        score = await ask(tg, ALICE, "/quiz score", user_id=ALICE)
        assert score.params["text"] == "Your quiz score: 1 right of 2."
        # a poll sent before the restart is still scored
        tg.send_poll_answer(third["id"], ALICE, third["correct_option_ids"], first_name="Alice")
        await answered(app, ALICE, ALICE, 3)
        score = await ask(tg, ALICE, "/quiz score", user_id=ALICE)
        assert score.params["text"] == "Your quiz score: 2 right of 3."


async def test_group_quiz_replies_counts_each_member_and_shows_the_top(
    tg: FakeTelegram, serve_bot: ServeBot, engine: Engine
) -> None:
    # through the bot's own polling loop (delivery.py), which asks for ALLOWED_UPDATES only
    async with serve_bot() as bot:
        await _group_quiz(tg, bot, engine)
    assert "poll_answer" in tg.calls_of("getUpdates")[-1].params["allowed_updates"]


async def _group_quiz(tg: FakeTelegram, bot: Application, engine: Engine) -> None:
    call = await quiz(tg, GROUP, f"/quiz@{BOT_USERNAME}", user_id=ALICE, first_name="Alice")
    assert_quiz_poll(call, engine, "en")
    asked = call.result["reply_to_message"]
    assert asked["text"] == f"/quiz@{BOT_USERNAME}"
    poll = call.result["poll"]
    right = poll["correct_option_ids"][0]
    tg.send_poll_answer(poll["id"], ALICE, [right], first_name="Alice", last_name="Smith")
    tg.send_poll_answer(poll["id"], BOB, [(right + 1) % len(poll["options"])], first_name="Bob")
    await answered(bot, GROUP, ALICE, 1)
    await answered(bot, GROUP, BOB, 1)
    reply = await ask(tg, GROUP, "/quiz score", user_id=BOB, first_name="Bob")
    assert reply.params["text"] == (
        "Your quiz score: 0 right of 1.\n\nTop players in this chat:\n"
        "1. Alice Smith: 1 of 1\n2. Bob: 0 of 1"
    )
    # the private score is another: Bob has answered nothing there
    private = await ask(tg, BOB, "/quiz score", user_id=BOB)
    assert private.params["text"] == "You have not answered a quiz question here yet. Try /quiz."
    # /quiz for another bot is not ours
    before = len(tg.calls_of("sendPoll"))
    tg.send_text(GROUP, "/quiz@otherbot", user_id=ALICE)
    await ask(tg, GROUP, f"/help@{BOT_USERNAME}", user_id=ALICE)
    assert len(tg.calls_of("sendPoll")) == before


async def test_topic_and_year_narrow_the_quiz(
    tg: FakeTelegram, bot: Application, engine: Engine
) -> None:
    for text, pool in (
        ("/quiz iran", {"topic": "iran"}),
        ("/quiz Iran", {"topic": "iran"}),
        ("/quiz 2015", {"year": 2015}),
        (f"/quiz@{BOT_USERNAME} 2015", {"year": 2015}),
        ("/quiz the Minsk summits", {"topic": "ukraine"}),
    ):
        assert_quiz_poll(await quiz(tg, ALICE, text, user_id=ALICE), engine, "en", **pool)
    unknown = await ask(tg, ALICE, "/quiz atlantis", user_id=ALICE)
    assert unknown.params["text"].startswith("I have no quiz about “atlantis”.")
    empty = await ask(tg, ALICE, "/quiz 1999", user_id=ALICE)
    assert empty.params["text"] == "I have no quiz questions on that yet. Try /quiz."


async def test_kazakh_and_russian_users_get_the_quiz_in_their_language(
    tg: FakeTelegram, bot: Application, engine: Engine
) -> None:
    kazakh = await quiz(tg, ALICE, user_id=ALICE, language_code="kk")
    assert_quiz_poll(kazakh, engine, "kk")
    russian = await quiz(tg, BOB, "/quiz иран", user_id=BOB, language_code="en")
    assert_quiz_poll(russian, engine, "ru", topic="iran")
    in_group = await quiz(tg, GROUP, "/quiz 2015", user_id=BOB, language_code="ru")
    assert_quiz_poll(in_group, engine, "ru", year=2015)
    poll = kazakh.result["poll"]
    tg.send_poll_answer(poll["id"], ALICE, [poll["correct_option_ids"][0]], language_code="kk")
    await answered(bot, ALICE, ALICE, 1)
    score = await ask(tg, ALICE, "/quiz score", user_id=ALICE, language_code="kk")
    assert score.params["text"] == "Викторинадағы нәтижеңіз: 1 сұрақтан 1 дұрыс жауап."


async def test_next_button_goes_through_the_pool_before_any_repeat(
    tg: FakeTelegram, bot: Application, engine: Engine
) -> None:
    pool = questions_of(engine, "ru", year=2015)
    call = await quiz(tg, GROUP, "/quiz 2015", user_id=ALICE, language_code="ru")
    seen = [call.params["question"]]
    for _ in range(len(pool)):
        [button] = buttons(call)
        assert button["text"] == "Следующий вопрос ➡"
        before = len(tg.calls_of("sendPoll"))
        tg.send_callback_query(BOB, GROUP, button["callback_data"], call.result)
        call = (await tg.wait_for_calls("sendPoll", before + 1))[before]
        assert_quiz_poll(call, engine, "ru", year=2015)
        assert "reply_parameters" not in call.params
        seen.append(call.params["question"])
    # every question of the pool once, then it starts over
    assert sorted(seen[: len(pool)]) == sorted(pool)
    assert seen[len(pool)] in pool
    answers = tg.calls_of("answerCallbackQuery")
    assert len(answers) == len(pool)


async def test_replicas_share_quiz_polls_and_scores(
    tg: FakeTelegram, bot_settings: Settings, engine: Engine, redis_url: str, tmp_path: Path
) -> None:
    one, two = replica_settings(bot_settings, redis_url, tmp_path)
    async with replica(one, engine) as first, replica(two, engine) as second:
        await first.say(tg, GROUP, "/quiz", user_id=ALICE)
        [call] = await tg.wait_for_calls("sendPoll")
        poll = call.result["poll"]
        update = {
            "update_id": 90_001,
            "poll_answer": {
                "poll_id": poll["id"],
                "user": tg.make_user(ALICE, first_name="Alice"),
                "option_ids": poll["correct_option_ids"],
                "option_persistent_ids": ["x"],
            },
        }
        assert await second.post(update) == 200  # the answer reaches the other replica
        shared = RedisQuizStore(redis_url)
        for _ in range(200):
            if shared.score(GROUP, ALICE) is not None:
                break
            await asyncio.sleep(0.02)
        shared.close()
        await second.say(tg, GROUP, "/quiz score", user_id=ALICE, first_name="Alice")
        [score] = await tg.wait_for_calls("sendMessage")
        assert score.params["text"].startswith("Your quiz score: 1 right of 1.")
        assert "1. Alice: 1 of 1" in score.params["text"]


async def test_stray_answers_and_odd_buttons_are_harmless(
    tg: FakeTelegram, bot: Application
) -> None:
    user = tg.make_user(ALICE, first_name="Alice")
    for answer in (
        {"poll_id": "not-ours", "user": user, "option_ids": [0], "option_persistent_ids": ["0"]},
        {"poll_id": "not-ours", "user": user, "option_ids": [], "option_persistent_ids": []},
    ):
        tg.send_update({"poll_answer": answer})
    score = await ask(tg, ALICE, "/quiz score", user_id=ALICE)
    assert score.params["text"] == "You have not answered a quiz question here yet. Try /quiz."
    for data, method in (("qz:xx:no_such_topic", "sendMessage"), ("qz:", "sendPoll")):
        before = len(tg.calls_of(method))
        tg.send_callback_query(ALICE, ALICE, data)
        [call] = (await tg.wait_for_calls(method, before + 1))[before:]
        if method == "sendMessage":
            assert call.params["text"] == "I have no quiz questions on that yet. Try /quiz."
    long = await ask(tg, ALICE, "/quiz " + "x" * 5000, user_id=ALICE)
    assert long.params["text"].startswith("I have no quiz about “" + "x" * 60 + "”.")


async def test_a_burst_of_quiz_commands_in_a_group_gets_one_poll(
    tg: FakeTelegram, bot: Application
) -> None:
    group = GROUP - 7
    before = len(tg.calls_of("sendPoll"))
    for user in range(900, 904):
        tg.send_text(group, f"/quiz@{BOT_USERNAME}", user_id=user)
    await tg.wait_for_calls("sendPoll", before + 1)
    # a different request in the same group is answered: its reply shows all four were handled
    await ask(tg, group, f"/quiz@{BOT_USERNAME} score", user_id=900)
    await asyncio.sleep(0.1)
    assert len(tg.calls_of("sendPoll")) == before + 1
    # each member's own score is not a repeat of another's
    other = await ask(tg, group, f"/quiz@{BOT_USERNAME} score", user_id=901)
    assert other.result["reply_to_message"]["from"]["id"] == 901
