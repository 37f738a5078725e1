"""From a command's reply (bot/commands.py) to Telegram: buttons, HTML, bursts and memory.

The words come from commands.run_command, exactly as the console gets them; this module adds
the keyboard, sends the HTML (in groups as a reply to the asking message), skips a group's
burst of the same request, and remembers what was said for follow-ups and the report.
"""

from __future__ import annotations

import logging

from telegram import Chat, InlineKeyboardMarkup, MaybeInaccessibleMessage, Message, User

from ..commands import Command, CommandReply, run_command
from ..engine import Answer, Turn
from ..render import Html
from .context import BotContext
from .keyboards import answer_keyboard, share_query, topic_keyboard, topics_keyboard
from .language import reply_language
from .replies import reply_html

log = logging.getLogger(__name__)


def in_group(message: MaybeInaccessibleMessage) -> bool:
    """Answers in groups reply to the asking message, so the thread stays readable."""
    return message.chat.type != Chat.PRIVATE


def command_reply(
    command: Command, lang: str, context: BotContext, history: list[Turn] | None = None
) -> CommandReply:
    """commands.run_command, in Telegram HTML."""
    return run_command(
        context.engine,
        command,
        lang,
        username=context.bot.username,
        history=history,
        markup=Html,
    )


async def respond(message: Message, command: Command, context: BotContext) -> None:
    """Answer a command (or, as /ask, a question) that `message` put to the bot."""
    user = message.from_user
    asks = command.name == "ask"
    history = context.conversations.context_for(message, context.bot.id) if asks else None
    # the user's language (/lang, else their client's); a question's own language wins
    reply = command_reply(command, reply_language("", user, context.store), context, history)
    if reply.chosen_lang and user is not None:
        context.store.set_language(user.id, reply.chosen_lang)
    # Several members tapping /iran at once get one answer; /lang is each member's own.
    if (
        in_group(message)
        and command.name != "lang"
        and context.services.bursts.is_repeat(message.chat.id, _burst_key(command), reply.text)
    ):
        log.info("A group asked the same thing again within seconds; answered once")
        return
    await send_reply(message, user, reply, context, quote=in_group(message), history=history)


def _burst_key(command: Command) -> str:
    """/ask QUESTION and a mention asking QUESTION are the same request; /cmd@thisbot is /cmd."""
    if command.name == "ask":
        return command.argument
    return f"/{command.name} {command.argument}"


async def send_reply(
    target: MaybeInaccessibleMessage,
    user: User | None,
    reply: CommandReply,
    context: BotContext,
    *,
    quote: bool,
    history: list[Turn] | None = None,
) -> None:
    """Send `reply` with its buttons; note what it was about, and whether it went unanswered."""
    sent = await reply_html(target, reply.text, _keyboard(reply, context, history), quote=quote)
    context.conversations.remember(target.chat, user, reply.turn, sent)
    if reply.answer is not None:
        record_unanswered(reply.answer, context)


def _keyboard(
    reply: CommandReply, context: BotContext, history: list[Turn] | None
) -> InlineKeyboardMarkup | None:
    if reply.answer is not None:
        answer = reply.answer
        followed_up = bool(history) and answer.topic in history[-1].topics
        return answer_keyboard(answer, context.kb, share_query(answer, followed_up))
    if reply.topic is not None:
        return topic_keyboard(context.kb, reply.topic, reply.lang)
    if reply.lists_topics:
        return topics_keyboard(context.kb, reply.lang)
    return None


def record_unanswered(answer: Answer, context: BotContext) -> None:
    """Declined and unsure answers go to the maintainers' report; a failing store costs nothing."""
    try:
        context.services.unanswered.record(answer)
    except Exception:
        log.exception("Could not record an unanswered question")
