"""The bot's commands as text: what /start, /help, /topics, /iran, /timeline, /lang and /ask reply.

Telegram's handlers and the console both call `run_command`, so a command cannot read one way
in a private chat and another in the terminal: the Telegram layer only adds buttons, sends the
HTML and remembers what was said. No Telegram imports here.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from .engine import Answer, Engine, Turn
from .locales import t
from .render import Markup, Plain, render_answer, render_timeline, render_topic, topic_list
from .text import LANGS, detect_language

log = logging.getLogger(__name__)

DEFAULT_LANG = "en"
# The commands of every fact base; each topic adds its own (/iran, /syria...) unless its id
# is one of these. /quiz is played by bot/quiz*.py, not answered here; /report and /reload
# are Telegram's, for admins only.
FIXED_COMMANDS = ("start", "help", "topics", "timeline", "ask", "lang", "quiz")
_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class Command:
    """'/Iran@thisbot now' -> name 'iran', bot 'thisbot', argument 'now'."""

    name: str
    bot: str | None = None
    argument: str = ""


def parse_command(text: str) -> Command | None:
    """The command a message starts with, or None; the argument keeps its newlines."""
    if not text.startswith("/"):
        return None
    first, *rest = text.split(maxsplit=1)
    name, _, bot = first.removeprefix("/").partition("@")
    return Command(name.lower(), bot or None, rest[0].strip() if rest else "")


@dataclass(frozen=True)
class CommandReply:
    """A command's reply text, and what the Telegram layer needs to dress it up."""

    text: str
    lang: str
    topic: str | None = None  # a whole topic shown: its buttons, and what follow-ups are about
    lists_topics: bool = False  # /start and /topics: a button for each topic
    answer: Answer | None = None  # a question answered: its buttons, follow-ups, the report
    chosen_lang: str | None = None  # /lang: the language the user chose, to keep

    @property
    def turn(self) -> Turn:
        """What a follow-up to this reply is about (nothing for lists and notes)."""
        if self.answer is not None:
            return self.answer.turn
        return Turn((self.topic,)) if self.topic else Turn()


def reply_language(text: str, chosen: str | None) -> str:
    """A message written in Russian or Kazakh is answered in it; otherwise the chosen language.

    Latin text says nothing (commands, names, English), so it never overrides a choice.
    """
    written = detect_language(text) if text else DEFAULT_LANG
    return written if written != DEFAULT_LANG else chosen or DEFAULT_LANG


def answer_question(
    engine: Engine, question: str, lang: str, history: list[Turn], markup: Markup = Plain
) -> CommandReply:
    """The engine's answer, rendered; an engine bug costs one answer, not the reply."""
    try:
        answer = engine.answer(question, lang, history)
    except Exception:
        log.exception("The engine failed on a question of %d characters", len(question))
        answer = Answer(question=question, lang=lang, kind="declined")
    return CommandReply(render_answer(answer, engine.kb, markup), answer.lang, answer=answer)


def run_command(
    engine: Engine,
    command: Command,
    lang: str,
    *,
    username: str,
    history: list[Turn] | None = None,
    markup: Markup = Plain,
) -> CommandReply:
    """The reply to `command` from a user whose language is `lang`; any name is answered,
    an unknown one (or one for another bot than @`username`) with a hint. `history` is the
    conversation an /ask question builds on."""
    kb = engine.kb
    name, argument = command.name, command.argument
    if command.bot is not None and command.bot.lower() != username.lower():
        name = ""  # /iran@otherbot is not ours: unknown here

    def note(key: str, reply_lang: str = lang, **values: object) -> CommandReply:
        return CommandReply(markup.escape(t(reply_lang, key, **values)), reply_lang)

    def topics(intro: str, buttons: bool = True) -> CommandReply:
        text = f"{intro}\n\n{topic_list(kb, lang, markup)}"
        return CommandReply(text, lang, lists_topics=buttons)

    if name == "start":
        payload = (argument.split() or [""])[0].lower()
        if payload not in kb.topics:  # a deep link (t.me/thisbot?start=iran) opens its topic
            return topics(markup.escape(t(lang, "welcome")))
        name = payload
    elif name == "help":
        help_text = markup.escape(t(lang, "help", username=username))
        return topics(f"{help_text}\n\n{markup.escape(t(lang, 'help_topics'))}", buttons=False)
    elif name == "topics":
        return topics(markup.escape(t(lang, "topics_intro")))
    elif name == "timeline":
        if argument and not _YEAR.fullmatch(argument):
            return note("timeline_bad_year")
        year = int(argument) if argument else None
        return CommandReply(render_timeline(kb, lang, year, markup), lang)
    elif name == "lang":
        choice = argument.lower()
        if choice not in LANGS:
            return note("lang_usage")
        return CommandReply(markup.escape(t(choice, "lang_set")), choice, chosen_lang=choice)
    elif name == "ask":
        if not argument:
            return note("ask_usage")
        return answer_question(
            engine, argument, reply_language(argument, lang), history or [], markup
        )
    if name in kb.topics:
        return CommandReply(render_topic(kb, name, lang, markup), lang, topic=name)
    return note("unknown_command")
