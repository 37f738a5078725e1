"""Replies that fit a phone, end to end: measured on what Telegram's own parser (TDLib) makes
of each message, the part a reader sees before expanding the folded rest."""

from __future__ import annotations

import pytest
from bot_harness import ask
from fake_telegram import FakeTelegram
from tdlib import EXPANDABLE, Parsed, parse_html
from telegram.ext import Application

from bot.engine import Engine

USER = 700
SHORT_CHARS = 400  # the limit on what shows before the fold (not the renderer's own)

# when, where, who, why and how many, in every language, over several topics
QUESTIONS = {
    "en": [
        "When were the Astana talks on Syria?",
        "Where did Kazakhstan host the Syria talks?",
        "Who reconciled Russia and Turkey?",
        "Why was Astana chosen for the Syria talks?",
        "How many rounds of Syrian talks did Astana host in 2015?",
        "When was Kazakhstan elected to the UN Security Council?",
    ],
    "ru": [
        "Когда прошли переговоры по Сирии в Астане?",
        "Где прошли переговоры по Сирии?",
        "Кто помирил Россию и Турцию?",
        "Почему переговоры по Сирии прошли в Астане?",
        "Сколько раундов переговоров по Сирии прошло в Астане?",
        "Когда Казахстан принимал переговоры по Ирану?",
    ],
    "kk": [
        "Сирия жөніндегі келіссөздер қашан өтті?",
        "Сирия бойынша келіссөздер қайда өтті?",
        "Ресей мен Түркияны кім татуластырды?",
        "Неге Астана таңдалды?",
        "Астанада Сирия бойынша қанша раунд келіссөз өтті?",
        "Минск саммиттері қашан өтті?",
    ],
}


def _folds(parsed: Parsed) -> list[dict]:
    return [e for e in parsed.entities if e["type"]["@type"] == EXPANDABLE]


@pytest.mark.parametrize("lang", sorted(QUESTIONS))
async def test_a_question_gets_a_short_reply_with_the_rest_folded(
    tg: FakeTelegram, bot: Application, engine: Engine, lang: str
) -> None:
    for number, question in enumerate(QUESTIONS[lang]):
        call = await ask(tg, USER + number, question, language_code=lang)
        parsed = parse_html(call.params["text"])
        [fold] = _folds(parsed)
        short = parsed.outside(EXPANDABLE)
        assert len(short) <= SHORT_CHARS, (question, short)
        assert fold["offset"] + fold["length"] == parsed.units()  # the fold ends the message
        answer = engine.answer(question, lang)
        assert answer.answered, question
        topic = engine.kb.topics[answer.topic]
        assert f"/{topic.id}" in short.splitlines()[-1]  # where to go next
        source = topic.source.get(lang)  # named in the reply language
        assert source not in short and source in parsed.text  # folded, not lost


async def test_a_date_question_gets_a_short_reply(tg: FakeTelegram, bot: Application) -> None:
    for number, question in enumerate(["What happened in 2015?", "Что было в 2016 году?"]):
        parsed = parse_html((await ask(tg, USER + 50 + number, question)).params["text"])
        assert len(_folds(parsed)) == 1
        assert len(parsed.outside(EXPANDABLE)) <= SHORT_CHARS
        assert "/timeline 201" in parsed.outside(EXPANDABLE)


async def test_a_topic_command_shows_the_whole_topic_unfolded(
    tg: FakeTelegram, bot: Application, engine: Engine
) -> None:
    parsed = parse_html((await ask(tg, USER + 60, "/syria")).params["text"])
    assert _folds(parsed) == []
    facts = engine.kb.topics["syria"].facts_by_date()
    positions = [parsed.text.index(fact.text.en) for fact in facts]
    assert positions == sorted(positions)  # every fact, in date order
