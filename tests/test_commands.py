"""The bot's commands (bot/commands.py): the console speaks them with the words of a private
chat, and /help lists every topic command; end to end through the fake Bot API and
`python -m bot console`."""

from __future__ import annotations

import asyncio
import html
import re

import pytest
from bot_harness import ask
from fake_telegram import BOT_USERNAME, FakeTelegram
from helpers_core import run_cli, telegram_modules_imported
from telegram.ext import Application

from bot.cli import CONSOLE_USERNAME
from bot.commands import FIXED_COMMANDS, Command, parse_command, run_command
from bot.engine import Engine
from bot.locales import t
from bot.text import LANGS

USER = 100
HINT = "I don't know that command. Try /help or /topics."

# A private chat's worth of commands and questions, in an order where each one matters: the
# language switches, a follow-up needs the question before it, a deep link opens a topic.
SESSION = [
    "/start",
    "/help",
    "/topics",
    *(f"/{topic}" for topic in ("syria", "russia_turkey", "unsc", "oic", "iran", "ukraine")),
    "/timeline",
    "/timeline 2015",
    "/timeline 1990",
    "/timeline soon",
    "/ask When were the Astana talks on Syria?",
    "when was that?",
    "/ask",
    "/weather",
    "/report",  # Telegram's admins only: to anyone else an unknown command
    "/start iran",
    "/lang ru",
    "/help",
    "/IRAN",
    "What is the population of Iran?",
    "/lang kk",
    "/topics",
    "/timeline 2017",
    "/lang de",
    "Минские саммиты",
]


def _plain(telegram_html: str) -> str:
    """What a Telegram user reads, the fold opened: the folded rest of an answer (a quote) is
    a paragraph of its own, then no tags and no entities."""
    unfolded = re.sub(r"<blockquote[^>]*>", "\n", telegram_html)
    return html.unescape(re.sub(r"<[^>]+>", "", unfolded))


# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/iran", Command("iran")),
        ("/IRAN@SomeBot  now ", Command("iran", "SomeBot", "now")),
        ("/ask@bot line one\nline two", Command("ask", "bot", "line one\nline two")),
        ("/timeline\t2015", Command("timeline", None, "2015")),
        ("/", Command("")),
        ("iran /iran", None),
        ("", None),
    ],
)
def test_parse_command(text: str, expected: Command | None) -> None:
    assert parse_command(text) == expected


# --- the pure replies ------------------------------------------------------------------------


def _run(engine: Engine, text: str, lang: str = "en") -> str:
    command = parse_command(text)
    assert command is not None
    return run_command(engine, command, lang, username="thisbot").text


@pytest.mark.parametrize("lang", LANGS)
def test_help_lists_every_topic_command_with_its_title(engine: Engine, lang: str) -> None:
    text = _run(engine, "/help", lang)
    assert text.startswith(t(lang, "help", username="thisbot"))
    listed = text.split(t(lang, "help_topics"), 1)[1]
    for topic in engine.kb.topics.values():
        assert f"/{topic.id} — {topic.title.get(lang)}" in listed.splitlines()
    for command in set(FIXED_COMMANDS) - {"start", "help"}:  # what /help is read to find
        assert f"\n/{command}" in text, command


def test_every_command_answers_in_plain_text(engine: Engine) -> None:
    for text in [line for line in SESSION if line.startswith("/")]:
        reply = _run(engine, text)
        assert reply.strip(), text
        assert "<b>" not in reply and "&lt;" not in reply, text


def test_unknown_commands_get_the_hint(engine: Engine) -> None:
    for text in ("/weather", "/report", "/reload", "/", "/iran_now", "/iran@otherbot"):
        assert _run(engine, text) == HINT
    assert _run(engine, "/IRAN@ThisBot").startswith("The Iranian nuclear deal")


def test_lang_reply_carries_the_choice(engine: Engine) -> None:
    chosen = run_command(engine, Command("lang", argument="KK"), "en", username="b")
    assert (chosen.chosen_lang, chosen.lang) == ("kk", "kk")
    refused = run_command(engine, Command("lang", argument="de"), "ru", username="b")
    assert refused.chosen_lang is None and refused.text == t("ru", "lang_usage")


def test_a_question_in_russian_is_answered_in_russian_whatever_the_choice(
    engine: Engine,
) -> None:
    reply = run_command(engine, Command("ask", argument="Минские саммиты"), "kk", username="b")
    assert reply.answer is not None and reply.answer.lang == "ru" and reply.topic is None
    english = run_command(engine, Command("ask", argument="Minsk summits"), "kk", username="b")
    assert english.answer is not None and english.answer.lang == "kk"


# --- end to end: the console reads as a private chat -----------------------------------------


async def test_console_replies_are_the_private_chat_replies(
    tg: FakeTelegram, bot: Application
) -> None:
    """Every command and question of SESSION, in Telegram and in the console: the same text."""
    console = asyncio.create_task(
        asyncio.to_thread(run_cli, "console", stdin="\n".join(SESSION) + "\n")
    )
    telegram = [_plain((await ask(tg, USER, text)).params["text"]) for text in SESSION]
    done = await console
    assert done.returncode == 0, done.stderr
    expected = "".join(
        reply.replace(f"@{BOT_USERNAME}", f"@{CONSOLE_USERNAME}") + "\n\n" for reply in telegram
    )
    assert done.stdout == expected
    # and they are the replies SESSION is about, not the same wrong text twice
    replies = dict(zip(SESSION, telegram, strict=False))
    assert replies["/weather"] == replies["/report"] == HINT
    assert replies["/timeline soon"] == t("en", "timeline_bad_year")
    assert replies["when was that?"].startswith("When: 23 January 2017")
    assert replies["/start iran"] == replies["/iran"]
    assert telegram[SESSION.index("/lang ru") + 1].startswith(t("ru", "help", username="")[:20])
    assert "Ядерная сделка с Ираном" in telegram[SESSION.index("/IRAN")]
    assert telegram[-2] == t("kk", "lang_usage")  # /lang de, after /lang kk
    assert telegram[-1].startswith("Усилия по урегулированию")  # Russian, whatever /lang says


def test_console_speaks_every_command() -> None:
    """`python -m bot console` with the commands on stdin, as `make run` without a token."""
    stdin = "/help\n/topics\n/iran\n/timeline 2013\n/lang ru\n/unsc\n/ask Iran 2013\n/nope\n"
    done = run_cli("console", stdin=stdin)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Sorry" not in out  # nothing was taken for a question and declined
    assert "/syria — Mediation in the Syrian conflict (the Astana talks)" in out
    assert out.count("/ukraine — ") == 2  # in /help and in /topics
    assert out.count("• 2013 — In 2013 Kazakhstan hosted two rounds") == 2  # /iran, timeline
    assert "В 2013 году Казахстан принял у себя" in out  # /ask, after /lang ru
    assert "Теперь я буду отвечать по-русски." in out
    assert "Членство в Совете Безопасности ООН" in out
    assert out.rstrip().endswith("Я не знаю такой команды. Попробуйте /help или /topics.")
    assert "<b>" not in out and "Traceback" not in done.stderr


def test_console_lang_option_is_the_starting_choice() -> None:
    done = run_cli("console", "--lang", "ru", stdin="/topics\n/lang en\n/topics\n")
    first, _, rest = done.stdout.partition("Replies will be in English.")
    assert t("ru", "topics_intro") in first and t("en", "topics_intro") in rest


def test_console_imports_no_telegram() -> None:
    body = (
        "sys.stdin = io.StringIO('/help\\n/iran\\n/lang kk\\nIran\\n/nope\\n')\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['console'])"
    )
    assert telegram_modules_imported(body) == []


# --- end to end: /help in Telegram -----------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
async def test_help_in_telegram_lists_the_topic_commands(
    tg: FakeTelegram, bot: Application, engine: Engine, lang: str
) -> None:
    call = await ask(tg, USER, "/help", language_code=lang)
    text = _plain(call.params["text"])
    assert f"@{BOT_USERNAME}" in text
    lines = text.split(t(lang, "help_topics"), 1)[1].splitlines()
    for topic in engine.kb.topics.values():
        assert f"/{topic.id} — {topic.title.get(lang)}" in lines
