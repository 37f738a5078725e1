"""The callbacks, one per kind of update, in the order app.py wires them.

Each one parses its update and hands over to answering.py; none holds any logic of its own.
"""

from __future__ import annotations

import logging

from telegram import Update

from ..commands import Command
from ..locales import t
from ..render import Html
from ..unanswered import report as unanswered_report
from .addressing import command_of, names_this_bot, question_for_bot, text_after_command
from .answering import command_reply, in_group, respond, send_reply
from .context import BotContext
from .inline import INLINE_CACHE_SECONDS, inline_results
from .keyboards import parse_callback
from .language import reply_language
from .reload import reload_knowledge
from .replies import reply_html

log = logging.getLogger(__name__)

# /report covers this many days by default and shows this many groups, within one message.
REPORT_DAYS = 30
REPORT_TOP = 15
REPORT_MAX_CHARS = 4000


def _language(update: Update, context: BotContext) -> str:
    """For commands and buttons, whose text says nothing about the language."""
    return reply_language("", update.effective_user, context.store)


async def command(update: Update, context: BotContext) -> None:
    """/start, /help, /topics, /timeline, /ask, /lang and the topic commands (/iran...):
    the words are commands.run_command's, the same as in the console."""
    message = update.effective_message
    await respond(message, command_of(message), context)


async def report(update: Update, context: BotContext) -> None:
    """/report [DAYS]: the unanswered-question summary, for admins in private chats only;
    to anyone else it is an unknown command."""
    message = update.effective_message
    user = update.effective_user
    if user is None or user.id not in context.services.admins or in_group(message):
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
        await unknown_command(update, context)
        return
    lang = _language(update, context)
    ok, detail = await reload_knowledge(context.application, lang)
    text = t(lang, "reload_ok" if ok else "reload_failed", value=detail)
    await reply_html(message, Html.escape(text), quote=in_group(message))


async def unknown_command(update: Update, context: BotContext) -> None:
    """A one-line hint; in groups only for /cmd@thisbot, as a bare /cmd may be another bot's.

    commands.run_command answers it, so a topic added by a reload works before its handler
    does, and the hint reads as the console's."""
    message = update.effective_message
    if in_group(message) and not names_this_bot(message, context.bot.username):
        return
    await respond(message, command_of(message), context)


async def answer_message(update: Update, context: BotContext) -> None:
    """Any text in private; in groups, only mentions of the bot and replies to it."""
    message = update.effective_message
    question = question_for_bot(message, context.bot.username, context.bot.id)
    if question is None:
        return
    # just "@thisbot" lists the topics; anything else is asked as /ask would ask it
    asked = Command("ask", argument=question) if question else Command("topics")
    await respond(message, asked, context)


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
    reply = command_reply(Command(press.topic or "timeline"), press.lang, context)
    await send_reply(query.message, query.from_user, reply, context, quote=False)


async def error_handler(update: object, context: BotContext) -> None:
    """Log and carry on: one bad update must never stop the bot."""
    kind = "no update"
    if isinstance(update, Update):
        kind = f"update {update.update_id} ({', '.join(update.to_dict().keys() - {'update_id'})})"
    log.error("Error while handling %s", kind, exc_info=context.error)
