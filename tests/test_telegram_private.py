"""Private chats, end to end over HTTP: commands, questions, follow-ups, HTML safety."""

from __future__ import annotations

import html

from bot_harness import ask, assert_valid_html, buttons, replies_after
from fake_telegram import BOT_USERNAME, FakeTelegram
from telegram.ext import Application

USER = 100


async def test_start_welcomes_and_lists_topics(tg: FakeTelegram, bot: Application) -> None:
    call = await ask(tg, USER, "/start")
    text = call.params["text"]
    assert text.startswith("Hello!")
    for command in ("/syria", "/russia_turkey", "/unsc", "/oic", "/iran", "/ukraine"):
        assert command in text
    assert call.params["parse_mode"] == "HTML"
    assert {b["callback_data"] for b in buttons(call)} >= {"t:en:iran", "tl:en"}
    assert_valid_html(text)


async def test_start_deep_link_opens_the_topic(tg: FakeTelegram, bot: Application) -> None:
    call = await ask(tg, USER, "/start iran")
    assert call.params["text"].startswith("<b>The Iranian nuclear deal</b>")
    assert "2013" in call.params["text"]


async def test_help_names_the_bot_from_get_me(tg: FakeTelegram, bot: Application) -> None:
    call = await ask(tg, USER, "/help")
    assert f"@{BOT_USERNAME}" in call.params["text"]
    assert "/timeline" in call.params["text"]


async def test_topic_command_shows_every_fact_with_a_keyboard(
    tg: FakeTelegram, bot: Application
) -> None:
    call = await ask(tg, USER, "/iran")
    text = call.params["text"]
    assert text.startswith("<b>The Iranian nuclear deal</b>")
    assert "<b>2013</b>" in text and "JCPOA" in text
    data = [b.get("callback_data") for b in buttons(call)]
    assert "t:en:unsc" in data and "t:en:oic" in data and "tl:en" in data
    [share] = [b for b in buttons(call) if "switch_inline_query" in b]
    assert share["switch_inline_query"] == "iran"
    assert all(len(d.encode()) <= 64 for d in data if d)


async def test_question_gets_an_answer_with_share_button(
    tg: FakeTelegram, bot: Application
) -> None:
    question = "When did Kazakhstan host the Iran nuclear talks?"
    call = await ask(tg, USER, question)
    assert "2013" in call.params["text"][:150]
    assert call.params["chat_id"] == USER
    assert "reply_parameters" not in call.params  # no need to quote in a private chat
    [share] = [b for b in buttons(call) if "switch_inline_query" in b]
    assert share["switch_inline_query"] == question


async def test_follow_up_uses_the_conversation(tg: FakeTelegram, bot: Application) -> None:
    first = await ask(tg, USER, "Tell me about the Iranian nuclear deal")
    assert "Iranian nuclear deal" in first.params["text"]
    follow_up = await ask(tg, USER, "when was that?")
    assert follow_up.params["text"].startswith("<b>When: 2013.</b>")
    # a follow-up needs its context, so sharing it shares the topic instead
    [share] = [b for b in buttons(follow_up) if "switch_inline_query" in b]
    assert share["switch_inline_query"] == "iran"


async def test_context_belongs_to_its_chat(tg: FakeTelegram, bot: Application) -> None:
    await ask(tg, USER, "Tell me about the Iranian nuclear deal")
    other = await ask(tg, USER + 1, "when was that?")
    assert "2013" not in other.params["text"].split("\n")[0]
    assert "/iran" in other.params["text"]  # a decline lists the topics


async def test_off_topic_question_is_declined_politely(tg: FakeTelegram, bot: Application) -> None:
    call = await ask(tg, USER, "What is the best pizza recipe?")
    text = call.params["text"]
    assert text.startswith("Sorry")
    assert "/syria" in text and "/ukraine" in text
    assert not [b for b in buttons(call) if "switch_inline_query" in b]


async def test_timeline_for_one_year(tg: FakeTelegram, bot: Application) -> None:
    call = await ask(tg, USER, "/timeline 2015")
    text = call.params["text"]
    assert text.startswith("<b>Timeline: 2015</b>")
    lines = [line for line in text.splitlines()[1:] if line.strip()]
    assert lines and all("2015" in line for line in lines)


async def test_timeline_bad_year_says_how(tg: FakeTelegram, bot: Application) -> None:
    call = await ask(tg, USER, "/timeline soon")
    assert "/timeline 2015" in call.params["text"]
    call = await ask(tg, USER, "/timeline 1850")
    assert "1850" in call.params["text"]


async def test_whole_timeline_is_in_date_order(tg: FakeTelegram, bot: Application) -> None:
    call = await ask(tg, USER, "/timeline")
    text = call.params["text"]
    assert text.startswith("<b>Timeline")
    assert text.index("2013") < text.index("2015") < text.index("2017")
    assert_valid_html(text)


async def test_markup_in_a_question_is_escaped(tg: FakeTelegram, bot: Application) -> None:
    for question in ("<b>Iran</b> & the P5+1 <i>talks", "what about <script>&amp; x</b>"):
        call = await ask(tg, USER, question)
        assert_valid_html(call.params["text"])
        assert "<script>" not in call.params["text"]


async def test_long_message_gets_a_valid_reply(tg: FakeTelegram, bot: Application) -> None:
    question = ("Tell me about Iran & <b>the talks</b> " * 200)[:5000]
    assert len(question) == 5000
    call = await ask(tg, USER, question)
    assert_valid_html(call.params["text"])


async def test_unknown_command_gets_a_hint(tg: FakeTelegram, bot: Application) -> None:
    call = await ask(tg, USER, "/weather")
    assert "/help" in call.params["text"]
    call = await ask(tg, USER, "/iran@someotherbot")
    assert "/help" in call.params["text"]


async def test_ask_without_a_question_shows_usage(tg: FakeTelegram, bot: Application) -> None:
    call = await ask(tg, USER, "/ask")
    assert "/ask" in call.params["text"]
    call = await ask(tg, USER, "/ask When were the Astana talks on Syria?")
    assert "Syria" in call.params["text"]


async def test_answers_escape_the_fact_base(tg: FakeTelegram, bot: Application) -> None:
    calls = await replies_after(tg, lambda: tg.send_text(USER, "/russia_turkey"))
    text = calls[0].params["text"]
    assert_valid_html(text)
    assert "Russia" in html.unescape(text)
