"""The callbacks, one per kind of update, in the order app.py wires them.

Each one parses its update and hands over to answering.py; none holds any logic of its own.
"""

from __future__ import annotations

import logging
import re

from telegram import Update

from ..locales import t
from ..render import Html
from ..text import LANGS
from ..unanswered import report as unanswered_report
from .addressing import command_name, question_for_bot, text_after_command
from .answering import (
    answer_question,
    in_group,
    send_timeline,
    send_topic,
    send_topic_list,
)
from .context import BotContext
from .inline import INLINE_CACHE_SECONDS, inline_results
from .keyboards import parse_callback
from .language import reply_language
from .reload import reload_knowledge
from .replies import reply_html

log = logging.getLogger(__name__)

_YEAR = re.compile(r"\d{4}")
# /report covers this many days by default and shows this many groups, within one message.
REPORT_DAYS = 30
REPORT_TOP = 15
REPORT_MAX_CHARS = 4000


def _language(update: Update, context: BotContext) -> str:
    """For commands and buttons, whose text says nothing about the language."""
    return reply_language("", update.effective_user, context.store)


async def start(update: Update, context: BotContext) -> None:
    """Welcome and the topics; a deep link (/start iran) opens that topic straight away."""
    message = update.effective_message
    payload = (context.args or [""])[0].lower()
    lang = _language(update, context)
    if payload in context.kb.topics:
        await send_topic(message, update.effective_user, payload, lang, context, quote=False)
    else:
        await send_topic_list(message, lang, "welcome", context)


async def help_command(update: Update, context: BotContext) -> None:
    lang = _language(update, context)
    text = Html.escape(t(lang, "help", username=context.bot.username))
    await reply_html(update.effective_message, text, quote=in_group(update.effective_message))


async def topics(update: Update, context: BotContext) -> None:
    await send_topic_list(
        update.effective_message, _language(update, context), "topics_intro", context
    )


async def show_topic(update: Update, context: BotContext) -> None:
    """/iran, /syria, ...: one command per topic of the fact base."""
    message = update.effective_message
    lang = _language(update, context)
    topic_id = command_name(message)
    await send_topic(
        message, update.effective_user, topic_id, lang, context, quote=in_group(message)
    )


async def timeline(update: Update, context: BotContext) -> None:
    """/timeline for every dated fact, /timeline 2015 for one year."""
    message = update.effective_message
    lang = _language(update, context)
    argument = text_after_command(message)
    if argument and not _YEAR.fullmatch(argument):
        await reply_html(
            message, Html.escape(t(lang, "timeline_bad_year")), quote=in_group(message)
        )
        return
    year = int(argument) if argument else None
    await send_timeline(message, lang, year, context, quote=in_group(message))


async def ask(update: Update, context: BotContext) -> None:
    """/ask QUESTION: reaches the bot in groups whatever the privacy mode."""
    message = update.effective_message
    question = text_after_command(message)
    if not question:
        lang = _language(update, context)
        await reply_html(message, Html.escape(t(lang, "ask_usage")), quote=in_group(message))
        return
    await answer_question(message, question, context)


async def lang(update: Update, context: BotContext) -> None:
    """/lang en|ru|kk: the user's reply language, kept across restarts."""
    message = update.effective_message
    choice = text_after_command(message).lower()
    if choice in LANGS and update.effective_user is not None:
        context.store.set_language(update.effective_user.id, choice)
        text = t(choice, "lang_set")
    else:
        text = t(_language(update, context), "lang_usage")
    await reply_html(message, Html.escape(text), quote=in_group(message))


async def report(update: Update, context: BotContext) -> None:
    """/report [DAYS]: the unanswered-question summary, for admins in private chats only;
    to anyone else it is an unknown command."""
    message = update.effective_message
    user = update.effective_user
    if user is None or user.id not in context.services.admins or in_group(message):
        if not in_group(message):
            await unknown_command(update, context)
        return
    argument = text_after_command(message)
    days = int(argument) if argument.isdigit() and int(argument) > 0 else REPORT_DAYS
    summary = unanswered_report(context.services.unanswered, days, REPORT_TOP)
    await reply_html(message, Html.escape(summary[:REPORT_MAX_CHARS]))


async def reload(update: Update, context: BotContext) -> None:
    """/reload: load the fact base again, for admins (BOT_ADMINS); to anyone else it is an
    unknown command, so nothing gives away that it exists."""
    message = update.effective_message
    user = update.effective_user
    if user is None or user.id not in context.services.admins:
        if not in_group(message):
            await unknown_command(update, context)
        return
    ok, detail = await reload_knowledge(context.application)
    text = t(_language(update, context), "reload_ok" if ok else "reload_failed", value=detail)
    await reply_html(message, Html.escape(text), quote=in_group(message))


async def unknown_command(update: Update, context: BotContext) -> None:
    """Private chats only: groups are full of other bots' commands."""
    text = Html.escape(t(_language(update, context), "unknown_command"))
    await reply_html(update.effective_message, text)


async def answer_message(update: Update, context: BotContext) -> None:
    """Any text in private; in groups, only mentions of the bot and replies to it."""
    message = update.effective_message
    question = question_for_bot(message, context.bot.username, context.bot.id)
    if question is None:
        return
    if not question:  # just "@thisbot"
        await send_topic_list(message, _language(update, context), "topics_intro", context)
        return
    await answer_question(message, question, context)


async def inline_query(update: Update, context: BotContext) -> None:
    query = update.inline_query
    lang = reply_language(query.query, query.from_user, context.store)
    results = inline_results(context.engine, query.query, lang)
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=True)


async def button(update: Update, context: BotContext) -> None:
    """A press on a topic or timeline button: acknowledge it, then show what it names."""
    query = update.callback_query
    press = parse_callback(query.data, context.kb)
    if press is None or query.message is None:
        lang = _language(update, context)
        await query.answer(t(lang, "stale_button"), show_alert=True)
        return
    await query.answer()
    if press.topic is None:
        await send_timeline(query.message, press.lang, None, context, quote=False)
    else:
        await send_topic(
            query.message, query.from_user, press.topic, press.lang, context, quote=False
        )


async def error_handler(update: object, context: BotContext) -> None:
    """Log and carry on: one bad update must never stop the bot."""
    kind = "no update"
    if isinstance(update, Update):
        kind = f"update {update.update_id} ({', '.join(update.to_dict().keys() - {'update_id'})})"
    log.error("Error while handling %s", kind, exc_info=context.error)
