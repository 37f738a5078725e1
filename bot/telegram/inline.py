"""Inline mode: `@thisbot QUERY` in any chat offers answer cards ready to post.

The best answer comes first, then whole-topic cards for every topic it touched or was
unsure between. An empty query offers one card per topic.
"""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent

from ..engine import Engine
from ..locales import t
from ..render import Html, render_answer, render_topic
from .replies import split_html

INLINE_CACHE_SECONDS = 300
MAX_RESULTS = 20  # Telegram accepts 50; a fact base of a few topics never gets near
_DESCRIPTION_CHARS = 120


def _card(result_id: str, title: str, description: str, html_text: str) -> InlineQueryResultArticle:
    if len(description) > _DESCRIPTION_CHARS:
        description = description[: _DESCRIPTION_CHARS - 1].rstrip() + "…"
    return InlineQueryResultArticle(
        id=result_id,
        title=title,
        description=description,
        input_message_content=InputTextMessageContent(split_html(html_text)[0]),
    )


def topic_card(engine: Engine, topic_id: str, lang: str) -> InlineQueryResultArticle:
    topic = engine.kb.topics[topic_id]
    return _card(
        f"topic:{topic_id}",
        topic.title.get(lang),
        t(lang, "inline_topic_description"),
        render_topic(engine.kb, topic_id, lang, Html),
    )


def inline_results(engine: Engine, query: str, lang: str) -> list[InlineQueryResultArticle]:
    kb = engine.kb
    query = query.strip()
    if not query:
        return [topic_card(engine, topic_id, lang) for topic_id in kb.topics]
    cards: list[InlineQueryResultArticle] = []
    if query.lower() in kb.topics:  # what a share button under a topic types
        return [topic_card(engine, query.lower(), lang)]
    answer = engine.answer(query, lang)
    if answer.answered:
        plain = [line for line in render_answer(answer, kb).splitlines() if line.strip()]
        title, description = plain[0], " ".join(plain[1:3])
        cards.append(_card("answer", title, description, render_answer(answer, kb, Html)))
    for topic_id in dict.fromkeys((*answer.topics, *answer.candidates)):
        cards.append(topic_card(engine, topic_id, lang))
    return cards[:MAX_RESULTS]
