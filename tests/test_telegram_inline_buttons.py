"""Inline mode and inline keyboards, end to end."""

from __future__ import annotations

from bot_harness import ask, assert_valid_html, buttons, replies_after
from fake_telegram import FakeTelegram
from telegram.ext import Application

from bot.engine import Answer, Engine
from bot.telegram.keyboards import answer_keyboard, parse_callback

USER = 300


async def test_inline_query_offers_answer_cards(tg: FakeTelegram, bot: Application) -> None:
    update = tg.send_inline_query(USER, "When did Kazakhstan host the Iran nuclear talks?")
    [call] = await tg.wait_for_calls("answerInlineQuery")
    assert call.params["inline_query_id"] == update["inline_query"]["id"]
    assert call.params["cache_time"] > 0
    results = call.params["results"]
    assert results and len({r["id"] for r in results}) == len(results)
    best = results[0]["input_message_content"]
    assert best["parse_mode"] == "HTML"
    assert "2013" in best["message_text"]
    assert any(r["title"] == "The Iranian nuclear deal" for r in results)
    for result in results:
        assert_valid_html(result["input_message_content"]["message_text"])


async def test_empty_inline_query_offers_every_topic(
    tg: FakeTelegram, bot: Application, engine: Engine
) -> None:
    tg.send_inline_query(USER, "")
    [call] = await tg.wait_for_calls("answerInlineQuery")
    titles = [r["title"] for r in call.params["results"]]
    assert titles == [topic.title.en for topic in engine.kb.topics.values()]


async def test_inline_query_in_russian(tg: FakeTelegram, bot: Application) -> None:
    tg.send_inline_query(USER, "Иран переговоры", language_code="en")
    [call] = await tg.wait_for_calls("answerInlineQuery")
    assert any(r["title"] == "Ядерная сделка с Ираном" for r in call.params["results"])


async def test_shared_topic_query_gives_the_topic_card(tg: FakeTelegram, bot: Application) -> None:
    tg.send_inline_query(USER, "russia_turkey")
    [call] = await tg.wait_for_calls("answerInlineQuery")
    [card] = call.params["results"]
    assert card["id"] == "topic:russia_turkey"


async def test_off_topic_inline_query_answers_without_cards(
    tg: FakeTelegram, bot: Application
) -> None:
    tg.send_inline_query(USER, "best pizza recipe")
    [call] = await tg.wait_for_calls("answerInlineQuery")
    assert call.params["results"] == []


async def test_topic_button_shows_the_topic(tg: FakeTelegram, bot: Application) -> None:
    answer = await ask(tg, USER, "/iran")
    assert "t:en:unsc" in [b.get("callback_data") for b in buttons(answer)]
    update = tg.send_callback_query(USER, USER, "t:en:unsc")
    [ack] = await tg.wait_for_calls("answerCallbackQuery")
    assert ack.params["callback_query_id"] == update["callback_query"]["id"]
    shown = (await tg.wait_for_calls("sendMessage", 2))[1]
    assert shown.params["text"].startswith("<b>Membership of the UN Security Council")


async def test_button_keeps_the_answer_language(tg: FakeTelegram, bot: Application) -> None:
    [shown] = await replies_after(tg, lambda: tg.send_callback_query(USER, USER, "t:kk:iran"))
    assert shown.params["text"].startswith("<b>Иран ядролық келісімі</b>")


async def test_timeline_button(tg: FakeTelegram, bot: Application) -> None:
    [shown] = await replies_after(tg, lambda: tg.send_callback_query(USER, USER, "tl:en"))
    assert shown.params["text"].startswith("<b>Timeline")
    await tg.wait_for_calls("answerCallbackQuery")


async def test_stale_button_is_acknowledged(tg: FakeTelegram, bot: Application) -> None:
    tg.send_callback_query(USER, USER, "t:en:atlantis")
    [ack] = await tg.wait_for_calls("answerCallbackQuery")
    assert ack.params["show_alert"] is True
    assert "/topics" in ack.params["text"]


async def test_button_follow_up_is_about_the_shown_topic(
    tg: FakeTelegram, bot: Application
) -> None:
    await replies_after(tg, lambda: tg.send_callback_query(USER, USER, "t:en:iran"))
    call = await ask(tg, USER, "when was that?")
    assert call.params["text"].startswith("<b>When: 2013.</b>")


def test_did_you_mean_buttons_for_unsure_answers(engine: Engine) -> None:
    answer = Answer(
        question="Kazakhstan talks", lang="ru", kind="declined", candidates=("syria", "iran")
    )
    markup = answer_keyboard(answer, engine.kb, share=None).to_dict()["inline_keyboard"]
    data = [b["callback_data"] for row in markup for b in row if "callback_data" in b]
    assert data[:2] == ["t:ru:syria", "t:ru:iran"]
    assert markup[0][0]["text"].startswith("? ")
    assert all(len(d.encode()) <= 64 for d in data)
    assert not any("switch_inline_query" in b for row in markup for b in row)


def test_callback_data_round_trips(engine: Engine) -> None:
    for topic_id in engine.kb.topics:
        for lang in ("en", "ru", "kk"):
            press = parse_callback(f"t:{lang}:{topic_id}", engine.kb)
            assert press is not None and (press.topic, press.lang) == (topic_id, lang)
    assert parse_callback("tl:kk", engine.kb).topic is None
    for junk in (None, "", "t:", "t:xx:iran", "tl", "t:en:nope", "zz:en:iran"):
        assert parse_callback(junk, engine.kb) is None


async def test_topic_buttons_carry_short_titles_that_fit_a_phone(
    tg: FakeTelegram, bot: Application, engine: Engine
) -> None:
    for lang in ("en", "ru", "kk"):
        call = await ask(tg, USER, f"/lang {lang}")
        call = await ask(tg, USER, "/start")
        labels = [b["text"] for b in buttons(call) if b.get("callback_data", "").startswith("t:")]
        assert len(labels) == len(engine.kb.topics)
        assert all(len(label) <= 32 for label in labels), labels  # "→ " and 30 characters
        assert f"→ {engine.kb.topics['ukraine'].short_title.get(lang)}" in labels
