"""The flows several handlers share: answer a question, show a topic, the timeline, the topics.

Each one picks the words (engine and renderer), sends them (replies) and remembers what
was said (conversations), so the handlers themselves only parse the update.
"""

from __future__ import annotations

import logging

from telegram import Chat, MaybeInaccessibleMessage, Message, User

from ..engine import Answer, Turn
from ..locales import t
from ..render import Html, render_answer, render_timeline, render_topic, topic_list
from .context import BotContext
from .keyboards import answer_keyboard, share_query, topic_keyboard, topics_keyboard
from .language import reply_language
from .replies import reply_html

log = logging.getLogger(__name__)


def in_group(message: MaybeInaccessibleMessage) -> bool:
    """Answers in groups reply to the asking message, so the thread stays readable."""
    return message.chat.type != Chat.PRIVATE


async def answer_question(message: Message, question: str, context: BotContext) -> None:
    lang = reply_language(question, message.from_user, context.store)
    history = context.conversations.context_for(message, context.bot.id)
    try:
        answer = context.engine.answer(question, lang, history)
    except Exception:  # an engine bug must cost one answer, not the asker's reply
        log.exception("The engine failed on a question of %d characters", len(question))
        answer = Answer(question=question, lang=lang, kind="declined")
    followed_up = bool(history) and answer.topic in history[-1].topics
    keyboard = answer_keyboard(answer, context.kb, share_query(answer, followed_up))
    text = render_answer(answer, context.kb, Html)
    if in_group(message) and context.services.bursts.is_repeat(message.chat.id, question, text):
        log.info("A group asked the same question again within seconds; answered once")
        return
    sent = await reply_html(message, text, keyboard, quote=in_group(message))
    context.conversations.remember(message.chat, message.from_user, answer.turn, sent)
    record_unanswered(answer, context)


def record_unanswered(answer: Answer, context: BotContext) -> None:
    """Declined and unsure answers go to the maintainers' report; a failing store costs nothing."""
    try:
        context.services.unanswered.record(answer)
    except Exception:
        log.exception("Could not record an unanswered question")


async def send_topic(
    target: MaybeInaccessibleMessage,
    user: User | None,
    topic_id: str,
    lang: str,
    context: BotContext,
    *,
    quote: bool,
) -> None:
    """The whole topic; it becomes the subject of the user's follow-ups."""
    text = render_topic(context.kb, topic_id, lang, Html)
    keyboard = topic_keyboard(context.kb, topic_id, lang)
    sent = await reply_html(target, text, keyboard, quote=quote)
    context.conversations.remember(target.chat, user, Turn((topic_id,)), sent)


async def send_timeline(
    target: MaybeInaccessibleMessage,
    lang: str,
    year: int | None,
    context: BotContext,
    *,
    quote: bool,
) -> None:
    await reply_html(target, render_timeline(context.kb, lang, year, Html), quote=quote)


async def send_topic_list(message: Message, lang: str, intro_key: str, context: BotContext) -> None:
    """An introduction, then every topic as a command and as a button."""
    text = f"{Html.escape(t(lang, intro_key))}\n\n{topic_list(context.kb, lang, Html)}"
    keyboard = topics_keyboard(context.kb, lang)
    await reply_html(message, text, keyboard, quote=in_group(message))
