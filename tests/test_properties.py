"""Properties that hold for any text: the engine never raises, is deterministic, and its
replies are valid Telegram HTML."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from tdlib import EXPANDABLE, MAX_TEXT, message_problem, parse_html

from bot.dates import find_dates
from bot.engine import Engine, Turn
from bot.render import Html, Plain, render_answer, render_timeline
from bot.text import normalise, words

SETTINGS = settings(max_examples=200, deadline=None)

ENGINE = Engine.load()  # built once: hypothesis calls the tests hundreds of times

# words that reach the interesting paths: topics, dates, focus, follow-ups, markup
VOCABULARY = [
    "Syria", "Сирии", "Сириядағы", "Iran", "P5+1", "p5+1+", "UNSC", "ООН", "БҰҰ", "Minsk",
    "Ukraine", "Russia", "Turkey", "OIC", "JCPOA", "Astana", "talks", "переговоры",
    "келіссөздер", "when", "where", "who", "why", "когда", "қашан", "what about", "that",
    "2015", "2017-2018", "23 January", "January 2017", "в январе 2017", "2013 жылы",
    "8th of February", "1995", "0000", "9999", "31 February", "May", "mid", "early 2015",
    "<b>", "</b>", "<i>", "&", "&amp;", "<a href='x'>", '"', "'", "\\", "/start", "@bot",
    "weather", "hotels", "kazakhstan", "sammity v minske", "ё", "Ё", "ß", "İ", "ﬁ",
]  # fmt: skip
SPECIAL = [
    "\x00", "\x01", "\x07", "\x1b", "\x7f", "\t", "\n", "\r", "\u200b", "\u200c", "\u200d",
    "\u2060", "\ufeff", "\u202e", "\u202d", "\u061c", "\u00ad", "\ufffd", "\U0001f600",
    "\U0001f1f0\U0001f1ff", "👨‍👩‍👧", "שלום", "مرحبا", "ایران", "\u0301", "e\u0301",
    "𝓢𝔂𝓻𝓲𝓪", "Ｓｙｒｉａ", "①", "²", "٣", "߀",
]  # fmt: skip

any_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)
pieces = st.one_of(
    st.sampled_from(VOCABULARY), st.sampled_from(SPECIAL), st.text(max_size=12), any_text
)
questions = st.one_of(
    any_text,
    st.lists(pieces, max_size=12).map(" ".join),
    st.lists(pieces, max_size=12).map("".join),
)
langs = st.sampled_from([None, "en", "ru", "kk"])
topic_ids = st.sampled_from(sorted(ENGINE.kb.topics))
fact_ids = st.sampled_from(sorted(ENGINE.kb.facts))
turns = st.builds(
    Turn,
    topics=st.lists(topic_ids, max_size=2).map(tuple),
    facts=st.lists(fact_ids, max_size=2).map(tuple),
)
contexts = st.lists(turns, max_size=3)


def answer(question: str, lang=None, context=()):
    return ENGINE.answer(question, lang, context)


@SETTINGS
@given(question=questions, lang=langs, context=contexts)
def test_answer_never_raises_and_is_deterministic(question: str, lang, context) -> None:
    first = answer(question, lang, context)
    second = answer(question, lang, context)
    assert first == second
    assert first.lang in ("en", "ru", "kk")
    if lang:
        assert first.lang == lang
    assert set(first.topics) <= set(ENGINE.kb.topics)
    assert set(first.facts) <= set(ENGINE.kb.facts)
    assert set(first.candidates) <= set(ENGINE.kb.topics)
    assert 0.0 <= first.score <= 100.0
    assert first.answered == bool(first.topics)


@SETTINGS
@given(question=questions, lang=langs, context=contexts)
def test_html_reply_is_valid_telegram_html(question: str, lang, context) -> None:
    reply = answer(question, lang, context)
    markup = render_answer(reply, ENGINE.kb, Html)
    assert message_problem(markup) is None, message_problem(markup)
    assert "\x00" not in markup
    parsed = parse_html(markup)
    folds = [e for e in parsed.entities if e["type"]["@type"] == EXPANDABLE]
    assert len(folds) == (1 if reply.answered or reply.candidates else 0)


@SETTINGS
@given(question=questions.filter(lambda q: len(q) <= 200), lang=langs)
def test_plain_reply_to_a_short_question_fits_one_message(question: str, lang) -> None:
    text = render_answer(answer(question, lang), ENGINE.kb, Plain)
    assert 0 < len(text) <= MAX_TEXT


@SETTINGS
@given(text=questions)
def test_text_helpers_never_raise(text: str) -> None:
    normal = normalise(text)
    assert normal == normal.lower()
    assert "\u200b" not in normal and "\x00" not in normal
    for word in words(normal):
        assert word.strip()
    found, rest = find_dates(normal)
    for query in found:
        assert (query.first_day is None) == (query.last_day is None)
        if query.first_day:
            assert query.first_day <= query.last_day
        for lang in ("en", "ru", "kk"):
            assert query.label(lang)
    assert isinstance(rest, str)


@SETTINGS
@given(year=st.one_of(st.none(), st.integers(min_value=1, max_value=9999)), lang=langs)
def test_timeline_never_raises_and_is_valid_html(year, lang) -> None:
    assert parse_html(render_timeline(ENGINE.kb, lang or "en", year, Html)).text
