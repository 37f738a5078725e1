"""Bad input, end to end: every odd message, command, query, button or update gets a sensible
reply or silence, never a crash, and the bot answers a normal question straight afterwards.

The bot runs as `python -m bot run` does (serve_bot: delivery.py's own polling loop), one
bot per test. The plain cases already covered elsewhere (a 5000-character question, two
markup questions, /timeline soon, /lang fr, an odd update of each common kind through PTB's
updater) are not repeated; these are the ones around them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from bot_harness import GROUP, ServeBot, ask, assert_silent, assert_valid_html, buttons
from fake_telegram import BOT_ID, BOT_USERNAME, FakeTelegram

USER = 900
NORMAL_QUESTION = "When did Kazakhstan host the Iran nuclear talks?"
TELEGRAM_TAGS = {"b", "i", "u", "s", "a", "code", "pre", "tg-spoiler", "blockquote"}
MAX_MESSAGE = 4096


@pytest.fixture(autouse=True)
def no_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """No handler may fail: the error handler would log it at ERROR."""
    yield
    records = caplog.get_records("call")
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert not errors, errors


async def still_answers(tg: FakeTelegram, chat_id: int = USER) -> None:
    text = NORMAL_QUESTION if chat_id > 0 else f"@{BOT_USERNAME} {NORMAL_QUESTION}"
    call = await ask(tg, chat_id, text, user_id=USER)
    assert "2013" in call.params["text"][:150], call.params["text"][:150]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.hrefs: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href"))


def assert_telegram_html(text: str) -> None:
    """Valid Telegram HTML (bot_harness: balanced, known entities, ≤ 4096), only Telegram's
    tags, and no link or tag the asker typed: their markup must come back as text."""
    assert_valid_html(text)
    parser = _Links()
    parser.feed(text)
    parser.close()
    assert set(parser.tags) <= TELEGRAM_TAGS, parser.tags
    assert not [h for h in parser.hrefs if h and ("evil" in h or h == "http://x")], parser.hrefs


def assert_every_reply_valid(tg: FakeTelegram) -> None:
    for call in tg.calls_of("sendMessage"):
        assert call.status == 200
        assert_telegram_html(call.params["text"])
        for button in buttons(call):
            assert len(button.get("switch_inline_query", "")) <= 256
            assert len(button.get("callback_data", "").encode()) <= 64


# --- text ----------------------------------------------------------------------------------


async def test_messages_over_4096_characters(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    async with serve_bot():
        for question in (
            "filler " * 3000 + NORMAL_QUESTION,  # 21 000 characters, the real question last
            "x" * 10_000,  # one giant word
            "😀" * 4097,  # 8194 UTF-16 units
            (NORMAL_QUESTION + " ") * 100,  # answerable, far too long to share
        ):
            call = await ask(tg, USER, question)
            assert call.params["text"]
        share = [b for b in buttons(call) if "switch_inline_query" in b]
        assert share and share[0]["switch_inline_query"] == "iran"  # the topic, not 5000 chars
        giant = f"/ask@{BOT_USERNAME} " + "Iran " * 2000
        call = await ask(tg, GROUP, giant, user_id=USER)
        assert "reply_parameters" in call.params
        await still_answers(tg)
    assert_every_reply_valid(tg)


async def test_empty_and_whitespace_only_text(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    async with serve_bot():
        await assert_silent(tg, USER, lambda: tg.send_text(USER, ""))
        await assert_silent(tg, GROUP, lambda: tg.send_text(GROUP, "", user_id=USER))
        await assert_silent(tg, GROUP, lambda: tg.send_text(GROUP, "   ", user_id=USER))
        for blank in (" ", "   \n\t  ", "\n\n\n"):
            call = await ask(tg, USER, blank)  # nothing asked: what the bot can answer
            assert call.params["text"].startswith("I know about these topics")
        for blank in ("\u3000", "\u00a0\u2003"):  # Unicode spaces: a polite decline
            call = await ask(tg, USER, blank)
            assert "/iran" in call.params["text"]
        call = await ask(tg, GROUP, f"@{BOT_USERNAME}  \n ", user_id=USER)
        assert call.params["text"].startswith("I know about these topics")
        call = await ask(tg, USER, "/ask    ")
        assert "/ask" in call.params["text"]
        await still_answers(tg)
    assert_every_reply_valid(tg)


async def test_emoji_right_to_left_zero_width_and_control_characters(
    tg: FakeTelegram, serve_bot: ServeBot
) -> None:
    async with serve_bot():
        for odd in (
            "😀",
            "🇰🇿🤝🇮🇷👍🏽‍",  # flags, a skin tone, a dangling joiner
            "ما هو دور كازاخستان في محادثات إيران؟",
            "מה קרה ב-2015?",
            "\u200b\u200c\u200d\u2060\ufeff",  # zero-width only
            "\x01\x07\x1b[31m\x7f\x9b",  # C0 and C1 controls, an ANSI escape
            "\ud7ff\ue000\U0010ffff",  # edges of the planes
        ):
            call = await ask(tg, USER, odd)  # a decline, which lists the topics
            assert "\n/iran — " in call.params["text"], (odd, call.params["text"][:80])
        # invisible characters around and inside a real question do not hide it
        for disguised in (
            f"\u202e{NORMAL_QUESTION}",  # right-to-left override
            "When did Kazakhstan host the I\u200bran nu\u200dclear talks?\ufeff",
            f"\u200f{NORMAL_QUESTION}\u200e",  # RTL and LTR marks
            f"\x1b[1m{NORMAL_QUESTION}\x1b[0m",
        ):
            call = await ask(tg, USER, disguised)
            assert "2013" in call.params["text"][:150], disguised
        call = await ask(tg, GROUP, f"@{BOT_USERNAME} \u202e😀\u200b", user_id=USER)
        assert call.params["text"].startswith("Sorry")
        await still_answers(tg)
    assert_every_reply_valid(tg)


async def test_nul_character(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    async with serve_bot():
        call = await ask(tg, USER, "\x00")
        assert call.params["text"].startswith("Sorry")
        call = await ask(tg, USER, f"{NORMAL_QUESTION}\x00\x00")
        assert "2013" in call.params["text"][:150]
        call = await ask(tg, USER, "Tell me about\x00 the Iranian nuclear deal")
        assert "Iranian nuclear deal" in call.params["text"]
        call = await ask(tg, USER, "/timeline 20\x0015")
        assert "/timeline 2015" in call.params["text"]
        call = await ask(tg, USER, "/lang \x00")
        assert "/lang ru" in call.params["text"]
        assert "\x00" not in "".join(c.params["text"] for c in tg.calls_of("sendMessage"))
        await still_answers(tg)
    assert_every_reply_valid(tg)


HTML_INJECTIONS = (
    "<b>Iran",
    "</b></i></a> Iran nuclear talks",
    '<a href="http://evil.example/">click</a> when were the Iran talks?',
    "<a href='javascript:alert(1)'>Iran</a>",
    "&amp; &lt; & &#0; &#x110000; &bogus; &",
    "<i><b><u>unclosed tags about the Astana talks",
    '<tg-spoiler>Syria</tg-spoiler> <pre><code class="x">Iran</code>',
    '<img src=x onerror="alert(1)"> <script>alert(1)</script> <!-- Iran',
    "<<b>>Iran<</b>>",
)
MARKDOWN_INJECTIONS = (
    "*bold* _x_ [link](http://x)",
    "*Iran* _nuclear_ [deal](http://x) `code` ```pre``` ~strike~ ||spoiler||",
    "[Astana talks](http://evil.example) on \\*Syria\\*",
)


async def test_html_and_markdown_injection(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    async with serve_bot():
        for question in (*HTML_INJECTIONS, *MARKDOWN_INJECTIONS):
            call = await ask(tg, USER, question)
            assert call.params["parse_mode"] == "HTML"
            assert_telegram_html(call.params["text"])
            for button in buttons(call):  # a share button carries the question as plain text
                if "switch_inline_query" in button and button["switch_inline_query"] != "iran":
                    assert button["switch_inline_query"] == " ".join(question.split())
        for question in HTML_INJECTIONS[2:5]:
            call = await ask(tg, GROUP, f"/ask@{BOT_USERNAME} {question}", user_id=USER)
            assert_telegram_html(call.params["text"])
            tg.send_inline_query(USER, question)
            [*_, inline] = await tg.wait_for_calls("answerInlineQuery")
            for result in inline.params["results"]:
                assert_telegram_html(result["input_message_content"]["message_text"])
        await still_answers(tg)
    assert_every_reply_valid(tg)


# --- groups and commands -------------------------------------------------------------------


async def test_mentions_of_other_bots_in_a_group(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    async with serve_bot():
        for text in (
            "@gif Iran",
            "@otherbot /iran",
            f"@otherbot @{BOT_USERNAME}x tell me about Iran",
            f"@{BOT_USERNAME}_fake when were the Astana talks?",
            f"@{BOT_USERNAME[:-1]} tell me about Iran",
            "hey @someone, @another_bot: when did Kazakhstan host the Iran nuclear talks?",
        ):
            await assert_silent(
                tg, GROUP, lambda text=text: tg.send_text(GROUP, text, user_id=USER)
            )
        await still_answers(tg, GROUP)


async def test_commands_with_junk_arguments(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    async with serve_bot():
        call = await ask(tg, USER, "/iran lots of junk")
        assert call.params["text"].startswith("<b>The Iranian nuclear deal</b>")
        call = await ask(tg, USER, "/topics 42")
        assert call.params["text"].startswith("I know about these topics")
        call = await ask(tg, USER, "/help ???")
        assert f"@{BOT_USERNAME}" in call.params["text"]
        call = await ask(tg, USER, "/start ../../etc/passwd <b>")
        assert call.params["text"].startswith("Hello!")
        call = await ask(tg, USER, "/start " + "iran" * 100)
        assert call.params["text"].startswith("Hello!")
        call = await ask(tg, GROUP, f"/syria@{BOT_USERNAME} \x00 <i> 😀 " + "z" * 5000)
        assert call.params["text"].startswith("<b>Mediation in the Syrian conflict")
        await still_answers(tg)
    assert_every_reply_valid(tg)


async def test_unknown_commands(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    async with serve_bot():
        for command in ("/a", "/iranx", "/Weather_Report_2015 today", "/" + "x" * 32, "/_"):
            call = await ask(tg, USER, command)
            assert call.params["text"].startswith("I don't know that command"), command
        for command in ("/iranx", "/Weather_Report_2015 today", "/_"):  # maybe other bots'
            await assert_silent(
                tg, GROUP, lambda command=command: tg.send_text(GROUP, command, user_id=USER)
            )
        call = await ask(tg, GROUP, f"/x@{BOT_USERNAME}", user_id=USER)  # named: ours
        assert call.params["text"].startswith("I don't know that command")
        await still_answers(tg)
        await still_answers(tg, GROUP)


async def test_timeline_with_bad_years(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    async with serve_bot():
        for argument in ("abc", "99999", "2015 2016", "-2015", "2015.5", "'; DROP"):
            call = await ask(tg, USER, f"/timeline {argument}")
            assert call.params["text"] == "Give a year as four digits, e.g. /timeline 2015."
        for year in ("0000", "9999"):  # four digits, just no facts that year
            call = await ask(tg, USER, f"/timeline {year}")
            assert "2013" in call.params["text"] and "2018" in call.params["text"]
        call = await ask(tg, GROUP, f"/timeline@{BOT_USERNAME} abc", user_id=USER)
        assert "/timeline 2015" in call.params["text"]
        for year in ("2015", "２０１５", " 2015 "):  # full-width digits are digits too
            call = await ask(tg, USER, f"/timeline {year}")
            assert call.params["text"].startswith("<b>Timeline: 2015</b>")
        await still_answers(tg)
    assert_every_reply_valid(tg)


async def test_lang_with_a_bad_or_missing_code(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    async with serve_bot():
        usage = "Choose a language: /lang en, /lang ru or /lang kk."
        for command in ("/lang xx", "/lang", "/lang en ru", "/lang " + "k" * 300, "/lang ru!"):
            call = await ask(tg, USER, command)
            assert call.params["text"] == usage, command
        call = await ask(tg, USER, "/lang xx", language_code="ru")
        assert call.params["text"].startswith("Выберите язык")
        call = await ask(tg, USER, "/iran")  # no bad choice was stored
        assert call.params["text"].startswith("<b>The Iranian nuclear deal</b>")
        call = await ask(tg, USER, "/lang KK")
        assert call.params["text"] == "Енді қазақша жауап беремін."
        call = await ask(tg, USER, "/lang en")
        await still_answers(tg)


async def test_follow_up_as_the_very_first_message(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    async with serve_bot():
        call = await ask(tg, USER, "when was that?")  # the first update this bot ever sees
        assert call.params["text"].startswith("Sorry")
        assert "/iran" in call.params["text"]
        for follow_up in ("and who took part?", "why?", "where?"):
            call = await ask(tg, USER + 1, follow_up)
            assert call.params["text"].startswith("Sorry"), follow_up
        call = await ask(tg, USER + 2, "а когда это было?")
        assert call.params["text"].startswith("Извините")
        # a group: a mention, and a reply to a bot message the bot has no record of
        call = await ask(tg, GROUP, f"@{BOT_USERNAME} when was that?", user_id=USER)
        assert call.params["text"].startswith("Sorry")
        unknown = tg.make_message(GROUP, "<b>An answer from before the state was lost</b>")
        unknown["from"] = tg.bot_user
        # (not "when was that?" again: the group would get one answer for the two)
        call = await ask(tg, GROUP, "so when was it?", user_id=USER, reply_to=unknown)
        assert call.params["text"].startswith("Sorry")
        await still_answers(tg)
    assert_every_reply_valid(tg)


# --- inline mode and buttons ---------------------------------------------------------------


def assert_valid_inline_answer(call: Any) -> list[dict[str, Any]]:
    results = call.params["results"]
    assert len(results) <= 50
    assert len({r["id"] for r in results}) == len(results)
    for result in results:
        assert 1 <= len(result["id"].encode()) <= 64
        assert result["title"]
        content = result["input_message_content"]
        assert content["parse_mode"] == "HTML"
        assert_telegram_html(content["message_text"])
    return results


async def test_inline_query_of_256_characters(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    queries = (
        (NORMAL_QUESTION + " ") * 6,
        "x" * 256,
        "😀" * 128,  # 256 UTF-16 units
        ('<a href="http://evil.example">' + "Iran & ") * 7,
        "\x00\u202e\u200b" * 85,
    )
    async with serve_bot():
        for query in queries:
            query = query[:256]
            update = tg.send_inline_query(USER, query)
            wanted = update["inline_query"]["id"]
            call = await tg.wait_for(
                lambda c, wanted=wanted: (
                    c.method == "answerInlineQuery" and c.params["inline_query_id"] == wanted
                )
            )
            results = assert_valid_inline_answer(call)
            if query.startswith(NORMAL_QUESTION):
                assert "2013" in results[0]["input_message_content"]["message_text"]
        await still_answers(tg)


FORGED_CALLBACK_DATA = (
    "t:xx:nonexistent",
    "t:en:nonexistent",
    "t:en:",
    "t::iran",
    "t:en:iran:extra",
    "tl:xx",
    "tl:en:extra",
    "tl",
    ":",
    "\x00\x01\xff\ufffd",
    "'; DROP TABLE state; --",
    "<b>t:en:iran</b>",
    "x" * 64,
    "🙂" * 16,  # 64 bytes
    "t:en:" + "i" * 59,
)


async def test_forged_and_stale_callback_data(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    async with serve_bot():
        before = len(tg.calls_of("sendMessage"))
        for data in FORGED_CALLBACK_DATA:
            update = tg.send_callback_query(USER, USER, data)
            wanted = update["callback_query"]["id"]
            ack = await tg.wait_for(
                lambda c, wanted=wanted: (
                    c.method == "answerCallbackQuery" and c.params["callback_query_id"] == wanted
                )
            )
            assert ack.params["show_alert"] is True, data
            assert ack.params["text"] == "This button is out of date. Try /topics."
        # a button without data (a game's) and a valid one on an inline-mode message
        for query in (
            {"game_short_name": "g", "message": tg.make_message(USER, "…", from_bot=True)},
            {"data": "t:en:iran", "inline_message_id": "AAAA"},
        ):
            query.update(
                id=f"extra{len(query)}", chat_instance="ci", **{"from": tg.make_user(USER)}
            )
            tg.send_update({"callback_query": query})
            ack = await tg.wait_for(
                lambda c, query=query: (
                    c.method == "answerCallbackQuery"
                    and c.params["callback_query_id"] == query["id"]
                )
            )
            assert ack.params["show_alert"] is True
        assert len(tg.calls_of("sendMessage")) == before  # alerts only, nothing posted
        # a real button under a message too old to reply to still shows its topic
        tg.send_callback_query(
            USER, USER, "t:en:iran", {"chat": tg.chats[USER], "message_id": 1, "date": 0}
        )
        call = (await tg.wait_for_calls("sendMessage", before + 1))[before]
        assert call.params["text"].startswith("<b>The Iranian nuclear deal</b>")
        await still_answers(tg)


# --- updates the bot does not handle, and senders it ignores -------------------------------


def _unhandled_updates(tg: FakeTelegram) -> list[dict[str, Any]]:
    user = tg.make_user(USER)
    group = tg.make_chat(GROUP)
    date = 1_700_000_000

    def service(**fields: Any) -> dict[str, Any]:
        message = tg.make_message(GROUP, "", user_id=USER)
        del message["text"]
        return {**message, **fields}

    member = {"status": "member", "user": user}
    left = {"status": "left", "user": user}
    poll = {
        "id": "p1",
        "question": f"@{BOT_USERNAME} Iran?",
        "options": [{"text": "yes", "voter_count": 1, "persistent_id": "o1"}],
        "total_voter_count": 1,
        "is_closed": False,
        "is_anonymous": False,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": False,
        "members_only": False,
    }
    post = tg.make_message("@news", f"@{BOT_USERNAME} /iran {NORMAL_QUESTION}")
    return [
        {"poll": poll},
        {
            "poll_answer": {
                "poll_id": "p1",
                "user": user,
                "option_ids": [0],
                "option_persistent_ids": ["o1"],
            }
        },
        {"message": service(poll=poll)},
        {
            "message_reaction": {
                "chat": group,
                "message_id": 1,
                "user": user,
                "date": date,
                "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": "👍"}],
            }
        },
        {
            "message_reaction_count": {
                "chat": group,
                "message_id": 1,
                "date": date,
                "reactions": [{"type": {"type": "emoji", "emoji": "👍"}, "total_count": 3}],
            }
        },
        {
            "chat_member": {
                "chat": group,
                "from": user,
                "date": date,
                "old_chat_member": left,
                "new_chat_member": member,
            }
        },
        {
            "my_chat_member": {
                "chat": group,
                "from": user,
                "date": date,
                "old_chat_member": {"status": "left", "user": tg.bot_user},
                "new_chat_member": {"status": "member", "user": tg.bot_user},
            }
        },
        {"chat_join_request": {"chat": group, "from": user, "user_chat_id": USER, "date": date}},
        {"channel_post": post},
        {"edited_channel_post": {**post, "text": "/iran", "edit_date": date}},
        {"message": service(new_chat_members=[tg.bot_user, user])},
        {"message": service(left_chat_member=user)},
        {"message": service(group_chat_created=True)},
        {
            "message": service(
                sticker={
                    "file_id": "s1",
                    "file_unique_id": "u1",
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                }
            )
        },
        {
            "message": service(
                photo=[{"file_id": "p1", "file_unique_id": "p1", "width": 9, "height": 9}],
                caption=f"@{BOT_USERNAME} {NORMAL_QUESTION}",
                caption_entities=[{"type": "mention", "offset": 0, "length": 11}],
            )
        },
        {"message": service(dice={"emoji": "🎲", "value": 3})},
        {"message": service(location={"latitude": 51.1, "longitude": 71.4})},
        {"future_update_kind": {"chat": group, "text": f"@{BOT_USERNAME} Iran?"}},
    ]


async def test_updates_the_bot_does_not_handle(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    async with serve_bot():
        sent = [tg.send_update(update) for update in _unhandled_updates(tg)]
        # private photo with a question in the caption: still not a text question
        photo = tg.make_message(USER, "")
        del photo["text"]
        photo.update(photo=[{"file_id": "p2", "file_unique_id": "p2", "width": 1, "height": 1}])
        photo["caption"] = NORMAL_QUESTION
        sent.append(tg.send_update({"message": photo}))
        await assert_silent(tg, GROUP, lambda: None)
        await assert_silent(tg, USER, lambda: None)
        # every one was handled and confirmed, so Telegram would never send it again
        last = max(update["update_id"] for update in sent)
        await tg.wait_for(
            lambda c: c.method == "getUpdates" and (c.params.get("offset") or 0) > last
        )
        assert len(tg.calls_of("sendMessage")) == 2  # the two probes
        assert not tg.calls_of("answerCallbackQuery") and not tg.calls_of("answerInlineQuery")
        await still_answers(tg)
        await still_answers(tg, GROUP)


async def test_an_update_the_library_cannot_read_is_skipped(
    tg: FakeTelegram, serve_bot: ServeBot, caplog: pytest.LogCaptureFixture
) -> None:
    """A poll option without `persistent_id` (Bot API < 9.6) cannot be read by PTB: that update
    is skipped and logged without the users' data, the rest of its batch answered."""
    poll = {
        "id": "p2",
        "question": "?",
        "options": [{"text": "yes", "voter_count": 0}],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
    }
    async with serve_bot():
        tg.send_text(USER, "/oic")
        poisoned = tg.send_update({"poll": poll})
        tg.send_text(USER + 1, "/syria")
        first, second = await tg.wait_for_calls("sendMessage", 2)
        assert {first.params["chat_id"], second.params["chat_id"]} == {USER, USER + 1}
        await tg.wait_for(
            lambda c: (
                c.method == "getUpdates" and (c.params.get("offset") or 0) > poisoned["update_id"]
            )
        )
        await still_answers(tg)
    skipped = [r.getMessage() for r in caplog.records if "cannot be read" in r.getMessage()]
    assert skipped == [f"Update {poisoned['update_id']} cannot be read ({_POLL_ERROR}); skipped"]
    for record in caplog.records:  # no log line shows the raw update
        assert "p2" not in record.getMessage(), record.getMessage()  # the poll's id


_POLL_ERROR = "`persistent_id` is a required argument since Bot API 9.6"


async def test_messages_from_this_bot_and_other_bots(tg: FakeTelegram, serve_bot: ServeBot) -> None:
    def from_sender(chat_id: int, text: str, sender: dict[str, Any], **extra: Any) -> None:
        message = tg.make_message(chat_id, text, user_id=USER)
        message.update({"from": sender, **extra})
        tg.send_update({"message": message})

    other_bot = {"id": 777, "is_bot": True, "first_name": "Other", "username": "otherbot"}
    async with serve_bot():
        ours = await ask(tg, GROUP, f"@{BOT_USERNAME} tell me about the OIC", user_id=USER)
        our_message = ours.result
        for chat_id in (USER, GROUP):
            for text in (
                NORMAL_QUESTION,
                f"@{BOT_USERNAME} {NORMAL_QUESTION}",
                "/iran",
                f"/iran@{BOT_USERNAME}",
                "/start",
                "/weather",
            ):
                for sender in (tg.bot_user, other_bot):
                    await assert_silent(
                        tg,
                        chat_id,
                        lambda c=chat_id, t=text, s=sender: from_sender(c, t, s),
                    )
        # another bot replying to our answer, and a human posting through our inline mode
        await assert_silent(
            tg,
            GROUP,
            lambda: from_sender(GROUP, "when was that?", other_bot, reply_to_message=our_message),
        )
        human = tg.make_user(USER)
        await assert_silent(
            tg, USER, lambda: from_sender(USER, NORMAL_QUESTION, human, via_bot=tg.bot_user)
        )
        assert tg.bot_user["id"] == BOT_ID
        await still_answers(tg)
        await still_answers(tg, GROUP)


async def test_a_flood_of_bad_input_leaves_no_backlog(
    tg: FakeTelegram, serve_bot: ServeBot
) -> None:
    """All of the above at once, in many chats: everything is handled, nothing is stuck."""
    async with serve_bot():
        texts = [*HTML_INJECTIONS, *MARKDOWN_INJECTIONS, "", " ", "\x00", "😀", "/timeline abc"]
        for number, text in enumerate(texts):
            tg.send_text(USER + 10 + number, text)
        for data in FORGED_CALLBACK_DATA:
            tg.send_callback_query(USER, USER, data)
        for update in _unhandled_updates(tg):
            tg.send_update(update)
        answered = len(texts) - 1  # the empty text gets nothing
        await tg.wait_for_calls("sendMessage", answered)
        await tg.wait_for_calls("answerCallbackQuery", len(FORGED_CALLBACK_DATA))
        await asyncio.sleep(0.1)
        assert len(tg.calls_of("sendMessage")) == answered
        await still_answers(tg)
    assert_every_reply_valid(tg)
