"""Replies in English, Russian and Kazakh; the menu registered in all three."""

from __future__ import annotations

import json

from bot_harness import StartBot, ask
from fake_telegram import FakeTelegram
from telegram.ext import Application

from bot.engine import Engine

USER = 200


async def test_russian_client_gets_russian(tg: FakeTelegram, bot: Application) -> None:
    call = await ask(tg, USER, "/iran", language_code="ru")
    assert call.params["text"].startswith("<b>Ядерная сделка с Ираном</b>")
    call = await ask(tg, USER, "/start", language_code="ru")
    assert call.params["text"].startswith("Здравствуйте")


async def test_kazakh_client_gets_kazakh(tg: FakeTelegram, bot: Application) -> None:
    call = await ask(tg, USER, "/iran", language_code="kk")
    assert call.params["text"].startswith("<b>Иран ядролық келісімі</b>")
    call = await ask(tg, USER, "/help", language_code="kk")
    assert call.params["text"].startswith("Сұрағыңызды")


async def test_the_message_language_wins(tg: FakeTelegram, bot: Application) -> None:
    call = await ask(tg, USER, "Когда прошли переговоры по Ирану?", language_code="en")
    assert "Ядерная сделка с Ираном" in call.params["text"]
    call = await ask(tg, USER, "Иран келіссөздері қашан өтті?", language_code="ru")
    assert "Иран ядролық келісімі" in call.params["text"]
    call = await ask(tg, USER, "Tell me about the Iranian nuclear deal", language_code=None)
    assert "The Iranian nuclear deal" in call.params["text"]


async def test_lang_choice_survives_a_restart(tg: FakeTelegram, start_bot: StartBot) -> None:
    async with start_bot():
        call = await ask(tg, USER, "/lang kk")
        assert call.params["text"] == "Енді қазақша жауап беремін."
        call = await ask(tg, USER, "/lang fr")
        assert "/lang ru" in call.params["text"]
    async with start_bot():
        call = await ask(tg, USER, "/iran", language_code="en")
        assert call.params["text"].startswith("<b>Иран ядролық келісімі</b>")
        call = await ask(tg, USER, "Tell me about the Iranian nuclear deal", language_code="en")
        assert "Иран ядролық келісімі" in call.params["text"]
        # a message written in Russian is still answered in Russian
        call = await ask(tg, USER, "Расскажи про ядерную сделку с Ираном")
        assert "Ядерная сделка с Ираном" in call.params["text"]
        call = await ask(tg, USER, "/lang en")
        assert call.params["text"] == "Replies will be in English."


async def test_menu_and_descriptions_in_three_languages(
    tg: FakeTelegram, start_bot: StartBot, engine: Engine
) -> None:
    async with start_bot():
        await tg.wait_for_calls("setMyShortDescription", 3)
    default_scope = json.dumps({"type": "default"})
    menus = {lang: tg.commands[(default_scope, lang)] for lang in ("", "ru", "kk")}
    calls = tg.calls_of("setMyCommands")
    assert [c.params.get("language_code") for c in calls] == [None, "ru", "kk"]
    for lang, key in (("en", ""), ("ru", "ru"), ("kk", "kk")):
        commands = {c["command"]: c["description"] for c in menus[key]}
        assert {"start", "help", "topics", "timeline", "ask", "lang"} <= commands.keys()
        for topic_id, topic in engine.kb.topics.items():
            assert commands[topic_id] == topic.title.get(lang)[:256]
        assert all(1 <= len(d) <= 256 for d in commands.values())
    assert set(tg.descriptions) == set(tg.short_descriptions) == {"", "ru", "kk"}
    assert "Kazakhstan" in tg.descriptions[""] and "Казахстан" in tg.descriptions["ru"]
    assert all(len(d) <= 120 for d in tg.short_descriptions.values())
