"""Quiz mode in Telegram: /quiz sends a quiz poll, "Next question" another, answers are scored.

Questions come from bot/quiz.py (pure); this module only sends them as native quiz polls
(sendPoll, type "quiz"), remembers what each chat was asked, and counts the poll_answer
updates Telegram sends for non-anonymous polls. `/quiz score` shows the asker's score, and
in a group the chat's top ten.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputPollOption,
    MaybeInaccessibleMessage,
    Message,
    Poll,
    ReplyParameters,
    Update,
)
from telegram.ext import Application

from ..locales import t
from ..quiz import QuizRequest, next_key, read_request
from ..quiz_files import quiz_bank
from ..render import Html
from ..settings import Settings
from ..text import LANGS
from .addressing import text_after_command
from .answering import in_group
from .context import BotContext
from .language import reply_language
from .quiz_store import QuizStore, open_quiz_store
from .replies import reply_html

NEXT_PREFIX = "qz"
NEXT_PATTERN = rf"^{NEXT_PREFIX}:"
_QUIZ = "quiz"

log = logging.getLogger(__name__)


@dataclass
class QuizService:
    store: QuizStore
    rng: random.Random = field(default_factory=random.Random)


def install_quiz(
    application: Application[Any, Any, Any, Any, Any, Any], settings: Settings
) -> None:
    application.bot_data[_QUIZ] = QuizService(open_quiz_store(settings))


def close_quiz(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    service: QuizService | None = application.bot_data.get(_QUIZ)
    if service is not None:
        service.store.close()


def _service(context: BotContext) -> QuizService:
    return context.bot_data[_QUIZ]


async def quiz_command(update: Update, context: BotContext) -> None:
    """/quiz, /quiz TOPIC, /quiz YEAR, /quiz score."""
    message = update.effective_message
    argument = text_after_command(message)
    lang = reply_language(argument, update.effective_user, context.store)
    request = read_request(argument, context.engine, lang)
    # Several members tapping /quiz at once get one poll; each still gets their own score.
    mine = str(update.effective_user.id) if request.score and update.effective_user else ""
    if in_group(message) and context.services.bursts.is_repeat(
        message.chat.id, f"/quiz {argument}", mine
    ):
        log.info("A group asked for a quiz again within seconds; answered once")
        return
    if request.score:
        await send_score(update, context, lang)
    elif request.unknown is not None:
        text = t(lang, "quiz_unknown", value=request.unknown[:60])
        await reply_html(message, Html.escape(text), quote=in_group(message))
    else:
        await send_quiz(message, lang, request, context, reply=in_group(message))


async def next_question(update: Update, context: BotContext) -> None:
    """The "Next question" button: another poll from the same pool, in the same language."""
    query = update.callback_query
    _, _, rest = (query.data or "").partition(":")
    lang, _, name = rest.partition(":")
    await query.answer()
    if query.message is not None:
        await send_quiz(
            query.message,
            lang if lang in LANGS else "en",
            QuizRequest.from_pool_name(name),
            context,
            reply=False,
        )


async def send_quiz(
    message: MaybeInaccessibleMessage,
    lang: str,
    request: QuizRequest,
    context: BotContext,
    *,
    reply: bool,
) -> None:
    """One quiz poll in the chat of `message`, none the chat had since its pool started over."""
    bank = quiz_bank(context.kb)
    pool = bank.keys(request.topic, request.year)
    if not pool:
        await reply_html(message, Html.escape(t(lang, "quiz_empty")), quote=reply)
        return
    service = _service(context)
    chat_id = message.chat.id
    key, starts_over = next_key(pool, service.store.asked(chat_id), service.rng)
    if starts_over:
        service.store.forget_asked(chat_id, pool)
    question = bank.question(key, lang)
    button = InlineKeyboardButton(
        t(lang, "quiz_next"), callback_data=f"{NEXT_PREFIX}:{lang}:{request.pool_name}"
    )
    sent: Message = await context.bot.send_poll(
        chat_id,
        question.question,
        [InputPollOption(option, text_parse_mode=None) for option in question.options],
        is_anonymous=False,  # else Telegram sends no poll_answer, and nothing can be scored
        type=Poll.QUIZ,
        correct_option_ids=[question.correct],
        explanation=question.explanation,
        explanation_parse_mode=None,  # plain text: the fact base's wording, not HTML
        question_parse_mode=None,
        reply_markup=InlineKeyboardMarkup([[button]]),
        reply_parameters=ReplyParameters(message.message_id) if reply else None,
    )
    service.store.mark_asked(chat_id, key)
    if sent.poll is not None:
        service.store.remember_poll(sent.poll.id, chat_id, question.correct)


async def poll_answer(update: Update, context: BotContext) -> None:
    """Count an answer to one of our quiz polls: per user, in the chat the poll was sent to."""
    answer = update.poll_answer
    user = answer.user
    if user is None or not answer.option_ids:  # a channel voting, or a vote taken back
        return
    store = _service(context).store
    sent = store.poll(answer.poll_id)
    if sent is None:  # not ours, or forgotten long ago
        return
    right = answer.option_ids[0] == sent.correct
    store.count_answer(answer.poll_id, sent.chat_id, user.id, user.full_name, right)


async def send_score(update: Update, context: BotContext, lang: str) -> None:
    message = update.effective_message
    user = update.effective_user
    store = _service(context).store
    mine = store.score(message.chat.id, user.id) if user else None
    if mine is None:
        lines = [t(lang, "quiz_score_none")]
    else:
        lines = [t(lang, "quiz_score", correct=mine.correct, answered=mine.answered)]
    if in_group(message):
        top = store.top(message.chat.id)
        if top:
            lines += ["", t(lang, "quiz_top")]
            lines += [
                t(
                    lang,
                    "quiz_top_line",
                    rank=rank,
                    name=s.name,
                    correct=s.correct,
                    answered=s.answered,
                )
                for rank, s in enumerate(top, start=1)
            ]
    text = "\n".join(Html.escape(line) for line in lines)
    await reply_html(message, text, quote=in_group(message))
