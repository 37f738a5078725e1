"""Helpers for the end-to-end bot tests: ask and wait for the reply, check silence and HTML."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from html.parser import HTMLParser
from typing import Any

from fake_telegram import BOT_USERNAME, Call, FakeTelegram
from telegram.ext import Application

# `async with start_bot() as app:` (the conftest fixture) runs the bot; twice is a restart.
StartBot = Callable[[], AbstractAsyncContextManager[Application]]
# `async with serve_bot(**settings) as app:` runs it through delivery.py's polling loop.
ServeBot = Callable[..., AbstractAsyncContextManager[Application]]

GROUP = -100500  # a group chat id (negative: the fake infers the type)
PROBE = f"/help@{BOT_USERNAME}"
ALLOWED_TAGS = {"b", "i", "a"}


async def ask(tg: FakeTelegram, chat_id: int, text: str, **kwargs: Any) -> Call:
    """Send a message as a user and return the bot's next sendMessage."""
    before = len(tg.calls_of("sendMessage"))
    tg.send_text(chat_id, text, **kwargs)
    return (await tg.wait_for_calls("sendMessage", before + 1))[before]


async def replies_after(tg: FakeTelegram, send: Any, count: int = 1) -> list[Call]:
    """Queue something with `send()` and return the next `count` sendMessage calls."""
    before = len(tg.calls_of("sendMessage"))
    send()
    return (await tg.wait_for_calls("sendMessage", before + count))[before:]


async def assert_silent(tg: FakeTelegram, chat_id: int, send: Any) -> None:
    """Queue `send()`, then a probe in the same chat: the bot keeps a chat's updates in order,
    so once the probe is answered the earlier update was handled, and must have got nothing."""
    before = len(tg.calls_of("sendMessage"))
    send()
    tg.send_text(chat_id, PROBE, user_id=1001)
    calls = await tg.wait_for_calls("sendMessage", before + 1)
    await asyncio.sleep(0.05)  # anything sent for the silent update would have landed by now
    new = tg.calls_of("sendMessage")[before:]
    assert len(new) == 1, [c.params.get("text", "")[:80] for c in new]
    assert f"@{BOT_USERNAME}" in calls[before].params["text"]  # the probe's /help


def buttons(call: Call) -> list[dict[str, Any]]:
    markup = call.params.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")

    def handle_entityref(self, name: str) -> None:
        if name not in {"lt", "gt", "amp", "quot"}:
            self.problems.append(f"entity &{name};")


def assert_valid_html(text: str) -> None:
    """Telegram HTML: only b/i/a tags, balanced; every '&' starts an entity; ≤ 4096 chars."""
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    assert not checker.problems, checker.problems
    assert not checker.stack, f"unclosed {checker.stack}"
    assert len(text.encode("utf-16-le")) // 2 <= 4096
    for index, char in enumerate(text):
        if char == "&":
            assert any(text.startswith(e, index) for e in ("&lt;", "&gt;", "&amp;", "&quot;"))
