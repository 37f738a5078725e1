"""Inline keyboards under answers: did-you-mean, related topics, the timeline and sharing.

Button data stays tiny ("t:ru:iran", "tl:ru") and well under Telegram's 64-byte limit,
because topic ids are at most 32 characters (the schema enforces it). It carries the
language of the answer it sits under, so the topic it opens reads the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from ..engine import Answer
from ..loader import KnowledgeBase
from ..locales import t
from ..text import LANGS

TOPIC_PREFIX = "t:"
TIMELINE = "tl"
MAX_CALLBACK_BYTES = 64
MAX_INLINE_QUERY = 256  # Telegram's limit on an inline query, hence on a share button's text


@lru_cache(maxsize=1024)
def _button(text: str, data: str) -> InlineKeyboardButton:
    """Buttons are immutable, and the same few sit under most answers: made once each."""
    assert len(data.encode()) <= MAX_CALLBACK_BYTES, data
    return InlineKeyboardButton(text, callback_data=data)


def _topic_button(kb: KnowledgeBase, topic_id: str, lang: str, key: str) -> InlineKeyboardButton:
    title = kb.topics[topic_id].button_title(lang)
    return _button(t(lang, key, value=title), f"{TOPIC_PREFIX}{lang}:{topic_id}")


def _last_row(lang: str, share: str | None) -> list[InlineKeyboardButton]:
    row = [_button(t(lang, "button_timeline"), f"{TIMELINE}:{lang}")]
    if share:
        query = share[:MAX_INLINE_QUERY]
        row.append(InlineKeyboardButton(t(lang, "button_share"), switch_inline_query=query))
    return row


def share_query(answer: Answer, followed_up: bool) -> str | None:
    """What the share button types after @thisbot: the question, unless it needs its context."""
    if not answer.answered:
        return None
    question = " ".join(answer.question.split())
    if followed_up or len(question) > MAX_INLINE_QUERY:
        return answer.topic
    return question


def answer_keyboard(answer: Answer, kb: KnowledgeBase, share: str | None) -> InlineKeyboardMarkup:
    lang = answer.lang
    rows = [[_topic_button(kb, c, lang, "button_maybe")] for c in answer.candidates]
    shown = set(answer.topics) | set(answer.candidates)
    related = [r for topic in answer.topics for r in kb.topics[topic].related if r not in shown]
    rows += [[_topic_button(kb, r, lang, "button_related")] for r in dict.fromkeys(related)]
    rows.append(_last_row(lang, share))
    return InlineKeyboardMarkup(rows)


def topic_keyboard(kb: KnowledgeBase, topic_id: str, lang: str) -> InlineKeyboardMarkup:
    rows = [[_topic_button(kb, r, lang, "button_related")] for r in kb.topics[topic_id].related]
    rows.append(_last_row(lang, topic_id))
    return InlineKeyboardMarkup(rows)


def topics_keyboard(kb: KnowledgeBase, lang: str) -> InlineKeyboardMarkup:
    """One button per topic, for /start and /topics."""
    rows = [[_topic_button(kb, topic_id, lang, "button_related")] for topic_id in kb.topics]
    rows.append(_last_row(lang, None))
    return InlineKeyboardMarkup(rows)


@dataclass(frozen=True)
class ButtonPress:
    """What a button asks for: a topic, or the timeline (topic None), in a language."""

    lang: str
    topic: str | None = None


def parse_callback(data: str | None, kb: KnowledgeBase) -> ButtonPress | None:
    """The press decoded; None for data this version does not know (an old message's button)."""
    kind, _, rest = (data or "").partition(":")
    lang, _, topic_id = rest.partition(":")
    if lang not in LANGS:
        return None
    if kind == TIMELINE and not topic_id:
        return ButtonPress(lang)
    if kind == TOPIC_PREFIX.rstrip(":") and topic_id in kb.topics:
        return ButtonPress(lang, topic_id)
    return None
