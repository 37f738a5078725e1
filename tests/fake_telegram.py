"""A fake Telegram Bot API server for end-to-end tests.

The real python-telegram-bot stack (Bot, Updater, Application) talks HTTP to this
server instead of api.telegram.org, so tests exercise the genuine request encoding,
long polling, update dispatching and error handling, while staying offline and fast.
Every text sent for formatting (messages, edits, captions, inline results) is read by TDLib,
the parser the real Bot API server runs (tests/tdlib.py), and refused as Telegram refuses it:
400 "Bad Request: can't parse entities: ...", an empty text, more than 4096 characters or 100
entities. Refusals are kept in ``refused``; the conftest fixture fails a test that caused one.

Typical use::

    async with FakeTelegram() as tg:
        app = tg.application_builder().build()
        app.add_handler(...)
        async with polling(app):
            tg.send_text(100, "hello")
            [call] = await tg.wait_for_calls("sendMessage")
            assert call.params["text"] == "hello"
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections import Counter, defaultdict, deque
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web
from tdlib import MAX_CAPTION, MAX_TEXT, message_problem, utf16_len
from telegram.ext import Application, ApplicationBuilder

__all__ = [
    "BOT_FIRST_NAME",
    "BOT_ID",
    "BOT_USERNAME",
    "DEFAULT_TOKEN",
    "ApiError",
    "Call",
    "FakeTelegram",
    "Handler",
    "polling",
]

DEFAULT_TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"
BOT_ID = 4242
BOT_USERNAME = "kzdiplobot"
BOT_FIRST_NAME = "KZ Diplomacy"

JSON = dict[str, Any]
_T = TypeVar("_T")
Handler = Callable[[JSON], Any]
"""Custom method implementation: decoded params in, ``result`` out (or raise ApiError)."""

# Form values are strings; these keys carry integers in the Bot API, so we coerce them
# back so that tests can compare ``params["chat_id"] == 100`` regardless of encoding.
_INT_KEYS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "user_id",
        "message_id",
        "reply_to_message_id",
        "message_thread_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
        "until_date",
        "duration",
        "width",
        "height",
        "max_connections",
        "open_period",
        "close_date",
        "correct_option_id",
    }
)
# Free text: never coerce, even when the user typed "true" or "[1]".
_TEXT_KEYS = frozenset(
    {
        "text",
        "caption",
        "query",
        "data",
        "description",
        "short_description",
        "title",
        "name",
        "question",
        "explanation",
        "next_offset",
        "switch_pm_parameter",
        "payload",
        "url",
        "secret_token",
    }
)
# sendPoll's limits, as the Bot API documents them
MAX_POLL_QUESTION = 300
MIN_POLL_OPTIONS, MAX_POLL_OPTIONS = 2, 12
MAX_POLL_OPTION = 100
MAX_POLL_EXPLANATION = 200
MAX_EXPLANATION_LINE_FEEDS = 2
_INT_RE = re.compile(r"-?\d+")
_FLOAT_RE = re.compile(r"-?\d+(\.\d+)?")
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?")
_MENTION_RE = re.compile(r"(?<![\w@/])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
# Update types that carry a message-like object we can index for replies/edits.
_MESSAGE_KEYS = ("message", "edited_message", "channel_post", "edited_channel_post")
_ERROR_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class Call:
    """One Bot API request as the server saw it (recorded before faults/delays apply)."""

    method: str
    params: dict[str, Any]
    time: float  # time.monotonic() at arrival, for measuring retry/backoff gaps
    status: int = 200  # HTTP status the server answered with (set once answered)
    result: Any = None  # the ``result`` payload returned on success
    files: dict[str, bytes] = field(default_factory=dict)  # multipart uploads by field name


@dataclass
class _Fault:
    status: int
    remaining: int
    retry_after: int | None
    description: str


def _auto_entities(text: str) -> list[JSON]:
    """Entities Telegram would attach: a leading /command and any @mentions."""
    entities: list[JSON] = []
    command = _COMMAND_RE.match(text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command[0])})
    for mention in _MENTION_RE.finditer(text):
        if command and mention.start() < command.end():
            continue
        entities.append(
            {
                "type": "mention",
                "offset": utf16_len(text[: mention.start()]),
                "length": utf16_len(mention[0]),
            }
        )
    return entities


def _decode_value(key: str, value: Any) -> Any:
    """Undo PTB's form encoding: JSON objects/lists, ints, bools and floats become native."""
    if not isinstance(value, str) or key in _TEXT_KEYS:
        return value
    stripped = value.strip()
    if stripped[:1] in ("{", "["):
        with contextlib.suppress(ValueError):
            return json.loads(stripped)
    if (key in _INT_KEYS or key.endswith("_chat_id")) and _INT_RE.fullmatch(stripped):
        return int(stripped)
    if stripped in ("true", "false"):
        return stripped == "true"
    if key in ("latitude", "longitude", "horizontal_accuracy") and _FLOAT_RE.fullmatch(stripped):
        return float(stripped)
    return value


def _decode_params(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _decode_value(key, value) for key, value in raw.items()}


class FakeTelegram:
    """In-process Bot API server: queues updates for getUpdates and records every call."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_id: int = BOT_ID,
        bot_username: str = BOT_USERNAME,
        bot_first_name: str = BOT_FIRST_NAME,
    ) -> None:
        self.token = token
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.calls: list[Call] = []
        # calls refused for their text, as Telegram refuses them: (method, description)
        self.refused: list[tuple[str, str]] = []
        self.commands: dict[tuple[str, str], list[JSON]] = {}  # (scope json, lang) -> commands
        self.descriptions: dict[str, str] = {}  # language_code -> description
        self.short_descriptions: dict[str, str] = {}
        self.webhook_url = ""
        self.messages: dict[tuple[int | str, int], JSON] = {}  # (chat_id, message_id) -> msg
        self.chats: dict[int | str, JSON] = {}
        self.polls: dict[str, JSON] = {}  # poll id -> Poll, as sendPoll made it
        self.pending_updates: list[JSON] = []

        self._update_ids = itertools.count(1)
        self._message_ids: defaultdict[int | str, itertools.count[int]] = defaultdict(
            lambda: itertools.count(1)
        )
        self._query_ids = itertools.count(1)
        self._poll_ids = itertools.count(1)
        self._faults: defaultdict[str, deque[_Fault]] = defaultdict(deque)
        self._delays: dict[str, float] = {}
        self._handlers: dict[str, Handler] = {}
        self._updates_changed = asyncio.Event()
        self._calls_changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self, port: int = 0) -> None:
        """Bind to a random free port on 127.0.0.1 so parallel test runs never collide
        (or to ``port``: the same one again after ``stop``, see ``refuse_connections``)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._closing = False

    async def stop(self) -> None:
        """Release pending long polls first, so shutdown never waits on their timeouts."""
        self._closing = True
        self._notify_updates()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """Server root, e.g. ``http://127.0.0.1:PORT``."""
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder.base_url`` (PTB appends token and method)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``ApplicationBuilder.base_file_url``."""
        return f"{self.url}/file/bot"

    def method_url(self, method: str) -> str:
        """Full URL of one method, for raw HTTP clients."""
        return f"{self.base_url}{self.token}/{method}"

    def application_builder(self) -> ApplicationBuilder:
        """An ApplicationBuilder already pointed at this server (add more options freely)."""
        return (
            ApplicationBuilder()
            .token(self.token)
            .base_url(self.base_url)
            .base_file_url(self.base_file_url)
        )

    # ------------------------------------------------------------------ recorded calls

    def calls_of(self, method: str) -> list[Call]:
        """Calls of one method (Bot API method names are case-insensitive)."""
        wanted = method.lower()
        return [call for call in self.calls if call.method.lower() == wanted]

    def clear_calls(self) -> None:
        """Forget recorded calls, e.g. after start-up chatter (getMe, setMyCommands...)."""
        self.calls.clear()

    def summary(self) -> str:
        """Methods received with counts, in first-seen order; used in timeout messages."""
        counts = Counter(call.method for call in self.calls)
        if not counts:
            return "no calls at all"
        return ", ".join(f"{method} x{count}" for method, count in counts.items())

    async def wait_for_calls(
        self, method: str, count: int = 1, timeout: float = 10.0
    ) -> list[Call]:
        """Wait until at least ``count`` calls of ``method`` arrived; return all of them."""

        def ready() -> list[Call] | None:
            found = self.calls_of(method)
            return found if len(found) >= count else None

        return await self._wait(
            ready, timeout, lambda: f"{count} x {method} (got {len(self.calls_of(method))})"
        )

    async def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 10.0) -> Call:
        """Wait for the first recorded call matching ``predicate`` and return it."""

        def ready() -> Call | None:
            return next((call for call in self.calls if predicate(call)), None)

        return await self._wait(ready, timeout, lambda: "a call matching the predicate")

    async def _wait(
        self, ready: Callable[[], _T | None], timeout: float, wanted: Callable[[], str]
    ) -> _T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = ready()
            if found is not None:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"Timed out after {timeout}s waiting for {wanted()}. "
                    f"Calls received: {self.summary()}"
                )
            event = self._calls_changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        times: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail like Telegram does.

        429 answers carry ``parameters.retry_after`` (default 1s) so PTB raises RetryAfter.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            template = _ERROR_DESCRIPTIONS.get(status, f"Error {status}")
            description = template.format(retry_after=retry_after)
        self._faults[method.lower()].append(_Fault(status, times, retry_after, description))

    def clear_faults(self) -> None:
        """Forget the faults ``fail_next`` queued and not yet used."""
        self._faults.clear()

    async def refuse_connections(self, seconds: float) -> None:
        """Go away for ``seconds``, as a cut network does: connections are refused, then the
        server comes back on the same port with its state (pending updates, messages) kept."""
        port = self._port
        await self.stop()
        await asyncio.sleep(seconds)
        await self.start(port or 0)

    def delay(self, method: str, seconds: float) -> None:
        """Answer every later call of ``method`` only after ``seconds`` (0 clears it)."""
        if seconds > 0:
            self._delays[method.lower()] = seconds
        else:
            self._delays.pop(method.lower(), None)

    def on(self, method: str, handler: Handler | None) -> None:
        """Override a method's result with ``handler(params)``; ``None`` restores default."""
        if handler is None:
            self._handlers.pop(method.lower(), None)
        else:
            self._handlers[method.lower()] = handler

    # ------------------------------------------------------------------ update builders

    def make_user(
        self,
        user_id: int,
        *,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JSON:
        """A Telegram User dict for a human."""
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    def make_chat(
        self,
        chat_id: int | str,
        *,
        chat_type: str | None = None,
        title: str | None = None,
        first_name: str = "Test",
        username: str | None = None,
    ) -> JSON:
        """A Chat dict; the type is inferred from the id sign unless given.

        Positive ids are private chats, ``-100...`` ids supergroups, other negatives groups.
        """
        if chat_type is None:
            chat_type = _infer_chat_type(chat_id)
        chat: JSON = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name
            if username:
                chat["username"] = username
        else:
            chat["title"] = title or f"Test {chat_type.capitalize()} {chat_id}"
            if chat_type == "supergroup":
                chat["is_forum"] = False
        self.chats[chat_id] = chat
        return chat

    def make_message(
        self,
        chat_id: int | str,
        text: str,
        *,
        user_id: int | None = None,
        first_name: str = "Test",
        username: str | None = None,
        language_code: str | None = "en",
        chat_type: str | None = None,
        chat_title: str | None = None,
        reply_to: JSON | int | None = None,
        entities: list[JSON] | None = None,
        from_bot: bool = False,
    ) -> JSON:
        """A Message dict with a fresh per-chat message_id (not queued; see send_text)."""
        if user_id is None:
            user_id = chat_id if isinstance(chat_id, int) and chat_id > 0 else 1001
        known = self.chats.get(chat_id)
        if known is not None and (chat_type is None or known["type"] == chat_type):
            chat = known
        else:
            chat = self.make_chat(
                chat_id,
                chat_type=chat_type,
                title=chat_title,
                first_name=first_name,
                username=username,
            )
        sender = (
            self.bot_user
            if from_bot
            else self.make_user(
                user_id, first_name=first_name, username=username, language_code=language_code
            )
        )
        message: JSON = {
            "message_id": self.next_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
            "text": text,
        }
        if chat["type"] != "channel":
            message["from"] = sender
        if entities is None and not from_bot:
            entities = _auto_entities(text)
        if entities:
            message["entities"] = entities
        replied = self._resolve_reply(chat_id, reply_to)
        if replied is not None:
            message["reply_to_message"] = replied
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def next_message_id(self, chat_id: int | str) -> int:
        """Message ids are sequential per chat, shared by users and the bot, as in Telegram."""
        return next(self._message_ids[chat_id])

    def send_update(self, update: JSON) -> JSON:
        """Queue an arbitrary update dict (edited_message, poll, chat_member, ...).

        ``update_id`` is assigned unless present; message-like payloads are indexed so
        later replies and edits can find them.
        """
        if "update_id" not in update:
            update = {"update_id": next(self._update_ids), **update}
        for key in _MESSAGE_KEYS:
            message = update.get(key)
            if isinstance(message, dict) and "chat" in message and "message_id" in message:
                self.messages[(message["chat"]["id"], message["message_id"])] = message
        self.pending_updates.append(update)
        self._notify_updates()
        return update

    def send_text(
        self,
        chat_id: int | str,
        text: str,
        *,
        user_id: int | None = None,
        first_name: str = "Test",
        username: str | None = None,
        language_code: str | None = "en",
        chat_type: str | None = None,
        chat_title: str | None = None,
        reply_to: JSON | int | None = None,
        entities: list[JSON] | None = None,
    ) -> JSON:
        """Queue a text ``message`` update from a user; entities are computed if omitted.

        ``user_id`` defaults to ``chat_id`` in private chats (1001 in groups); ``chat_type``
        defaults from the id sign. ``reply_to`` is a message dict or a known message_id.
        """
        message = self.make_message(
            chat_id,
            text,
            user_id=user_id,
            first_name=first_name,
            username=username,
            language_code=language_code,
            chat_type=chat_type,
            chat_title=chat_title,
            reply_to=reply_to,
            entities=entities,
        )
        return self.send_update({"message": message})

    def send_inline_query(
        self,
        user_id: int,
        query: str,
        language_code: str | None = "en",
        *,
        offset: str = "",
        first_name: str = "Test",
        username: str | None = None,
        chat_type: str | None = "sender",
    ) -> JSON:
        """Queue an ``inline_query`` update; its id is ``update["inline_query"]["id"]``."""
        inline_query: JSON = {
            "id": str(next(self._query_ids)),
            "from": self.make_user(
                user_id, first_name=first_name, username=username, language_code=language_code
            ),
            "query": query,
            "offset": offset,
        }
        if chat_type:
            inline_query["chat_type"] = chat_type
        return self.send_update({"inline_query": inline_query})

    def send_callback_query(
        self,
        user_id: int,
        chat_id: int | str,
        data: str,
        message: JSON | None = None,
        *,
        language_code: str | None = "en",
        first_name: str = "Test",
    ) -> JSON:
        """Queue a ``callback_query`` for a button press on ``message``.

        Without ``message`` the bot's latest message in that chat is used (a placeholder
        bot message is created if the bot has not written there yet).
        """
        if message is None:
            message = self.last_bot_message(chat_id) or self.make_message(
                chat_id, "…", from_bot=True
            )
        callback_query: JSON = {
            "id": str(next(self._query_ids)),
            "from": self.make_user(user_id, first_name=first_name, language_code=language_code),
            "chat_instance": f"ci{chat_id}",
            "data": data,
            "message": message,
        }
        return self.send_update({"callback_query": callback_query})

    def send_poll_answer(
        self,
        poll_id: str,
        user_id: int,
        option_ids: list[int],
        *,
        first_name: str = "Test",
        last_name: str | None = None,
        language_code: str | None = "en",
    ) -> JSON | None:
        """Queue a ``poll_answer`` as Telegram sends it: only for non-anonymous polls the bot
        sent, and not once the poll is closed (None then, nothing queued)."""
        poll = self.polls[poll_id]
        if poll["is_anonymous"] or poll["is_closed"]:
            return None
        for option in option_ids:
            poll["options"][option]["voter_count"] += 1
        poll["total_voter_count"] += 1
        user = self.make_user(
            user_id, first_name=first_name, last_name=last_name, language_code=language_code
        )
        answer: JSON = {
            "poll_id": poll_id,
            "user": user,
            "option_ids": list(option_ids),
            "option_persistent_ids": [poll["options"][i]["persistent_id"] for i in option_ids],
        }
        return self.send_update({"poll_answer": answer})

    def last_bot_message(self, chat_id: int | str) -> JSON | None:
        """The newest message the bot sent to ``chat_id`` (as stored by the fake)."""
        own = [
            msg
            for (chat, _), msg in self.messages.items()
            if chat == chat_id and msg.get("from", {}).get("id") == self.bot_user["id"]
        ]
        return max(own, key=lambda msg: msg["message_id"], default=None)

    def _resolve_reply(self, chat_id: int | str, reply_to: JSON | int | None) -> JSON | None:
        if reply_to is None or isinstance(reply_to, dict):
            return reply_to
        stored = self.messages.get((chat_id, reply_to))
        if stored is not None:
            return {k: v for k, v in stored.items() if k != "reply_to_message"}
        return {
            "message_id": reply_to,
            "date": int(time.time()),
            "chat": self.chats.get(chat_id) or self.make_chat(chat_id),
        }

    def _notify_updates(self) -> None:
        # Swap in a fresh Event so each waiter wakes exactly for changes after it started.
        event, self._updates_changed = self._updates_changed, asyncio.Event()
        event.set()

    def _notify_calls(self) -> None:
        event, self._calls_changed = self._calls_changed, asyncio.Event()
        event.set()

    # ------------------------------------------------------------------ HTTP layer

    async def _read_params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, bytes] = {}
        if request.content_type == "application/json":
            body = await request.read()
            if body:
                loaded = json.loads(body)
                if isinstance(loaded, dict):
                    raw.update(loaded)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    content = value.file.read()
                    files[key] = content
                    raw[key] = {
                        "file_name": value.filename,
                        "content_type": value.content_type,
                        "size": len(content),
                    }
                else:
                    raw[key] = value
        return _decode_params(raw), files

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, files = await self._read_params(request)
        call = Call(method=method, params=params, time=time.monotonic(), files=files)
        self.calls.append(call)
        self._notify_calls()

        delay = self._delays.get(method.lower())
        if delay:
            await asyncio.sleep(delay)

        if request.match_info["token"] != self.token:
            return self._error(call, 401, "Unauthorized")
        fault = self._take_fault(method)
        if fault is not None:
            return self._error(call, fault.status, fault.description, fault.retry_after)
        problem = _formatting_problem(params)
        if problem is not None:
            self.refused.append((method, problem))
            return self._error(call, 400, problem)
        try:
            result = await self._dispatch(method, params)
        except ApiError as err:
            return self._error(call, err.status, err.description)
        call.result = result
        self._notify_calls()
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401, text="Unauthorized")
        return web.Response(status=404, text="Not Found")

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method.lower())
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.popleft()
        return fault

    def _error(
        self, call: Call, status: int, description: str, retry_after: int | None = None
    ) -> web.Response:
        payload: JSON = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            payload["parameters"] = {"retry_after": retry_after}
        call.status = status
        self._notify_calls()
        return web.json_response(payload, status=status)

    # ------------------------------------------------------------------ Bot API methods

    async def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        name = method.lower()
        custom = self._handlers.get(name)
        if custom is not None:
            result = custom(params)
            return await result if asyncio.iscoroutine(result) else result
        if name == "getupdates":
            return await self._get_updates(params)
        if name == "getme":
            return self.bot_user
        if name == "getchat":
            chat_id = _require(params, "chat_id")
            chat = self.chats.get(chat_id) or self.make_chat(chat_id)
            return {**chat, "accent_color_id": 0, "max_reaction_count": 11}
        if name == "sendpoll":
            return self._send_poll(params)
        if name == "stoppoll":
            return self._stop_poll(params)
        if name in ("sendmessage", "forwardmessage") or (
            name.startswith("send") and name not in ("sendchataction", "sendmediagroup")
        ):
            return self._send_message(params)
        if name.startswith("editmessage"):
            return self._edit_message(params)
        if name == "copymessage":
            return {"message_id": self.next_message_id(_require(params, "chat_id"))}
        if name == "setmycommands":
            self.commands[_command_key(params)] = list(params.get("commands") or [])
            return True
        if name == "getmycommands":
            return self.commands.get(_command_key(params), [])
        if name == "deletemycommands":
            self.commands.pop(_command_key(params), None)
            return True
        if name in ("setmydescription", "setmyshortdescription"):
            store = self.descriptions if name == "setmydescription" else self.short_descriptions
            key = "description" if name == "setmydescription" else "short_description"
            store[params.get("language_code") or ""] = params.get(key) or ""
            return True
        if name in ("getmydescription", "getmyshortdescription"):
            store = self.descriptions if name == "getmydescription" else self.short_descriptions
            key = "description" if name == "getmydescription" else "short_description"
            return {key: store.get(params.get("language_code") or "", "")}
        if name == "setwebhook":
            self.webhook_url = params.get("url") or ""
            return True
        if name == "deletewebhook":
            self.webhook_url = ""
            if params.get("drop_pending_updates"):
                self.pending_updates.clear()
            return True
        if name == "getwebhookinfo":
            return {
                "url": self.webhook_url,
                "has_custom_certificate": False,
                "pending_update_count": len(self.pending_updates),
            }
        # answerInlineQuery, answerCallbackQuery, sendChatAction, deleteMessage,
        # close, logOut and anything else: Telegram answers plain ``true``.
        return True

    async def _get_updates(self, params: dict[str, Any]) -> list[JSON]:
        """Long poll: confirm updates below ``offset``, wait up to ``timeout`` for new ones."""
        offset = int(params.get("offset") or 0)
        if offset > 0:
            self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
        elif offset < 0:
            self.pending_updates = self.pending_updates[offset:]
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(params.get("timeout") or 0)
        while True:
            if self.pending_updates or self._closing:
                return self.pending_updates[:limit]
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            event = self._updates_changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _send_message(self, params: dict[str, Any]) -> JSON:
        chat_id = _require(params, "chat_id")
        chat = self.chats.get(chat_id) or self.make_chat(chat_id)
        message: JSON = {
            "message_id": self.next_message_id(chat_id),
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
        }
        if chat["type"] == "channel":
            del message["from"]
        for key in ("text", "caption", "entities", "caption_entities", "message_thread_id"):
            if params.get(key) is not None:
                message[key] = params[key]
        if "text" not in message and "caption" not in message:
            message["text"] = ""
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        reply_parameters = params.get("reply_parameters")
        reply_id = (
            reply_parameters.get("message_id")
            if isinstance(reply_parameters, dict)
            else params.get("reply_to_message_id")
        )
        if reply_id is not None:
            reply_chat = (
                reply_parameters.get("chat_id", chat_id)
                if isinstance(reply_parameters, dict)
                else chat_id
            )
            message["reply_to_message"] = self._resolve_reply(reply_chat, int(reply_id))
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _send_poll(self, params: dict[str, Any]) -> JSON:
        """A Message with a Poll, after the checks Telegram makes on a poll's sizes."""
        question = _require(params, "question")
        raw_options = params.get("options") or []
        options = [o.get("text", "") if isinstance(o, dict) else str(o) for o in raw_options]
        if not 1 <= utf16_len(question) <= MAX_POLL_QUESTION:
            raise ApiError(400, "Bad Request: poll question length must be 1-300 characters")
        if not MIN_POLL_OPTIONS <= len(options) <= MAX_POLL_OPTIONS:
            raise ApiError(400, "Bad Request: poll must have 2-12 options")
        if any(not 1 <= utf16_len(o) <= MAX_POLL_OPTION for o in options):
            raise ApiError(400, "Bad Request: poll options length must be 1-100 characters")
        kind = params.get("type") or "regular"
        # Bot API 9.6: correct_option_ids, a list; correct_option_id before it
        correct = params.get("correct_option_ids")
        if correct is None and params.get("correct_option_id") is not None:
            correct = [params["correct_option_id"]]
        valid = (
            isinstance(correct, list)
            and correct == sorted(set(correct))
            and all(isinstance(i, int) and 0 <= i < len(options) for i in correct)
        )
        if kind == "quiz" and not (correct and valid):
            raise ApiError(400, "Bad Request: wrong correct option ID specified")
        explanation = params.get("explanation") or ""
        too_long = utf16_len(explanation) > MAX_POLL_EXPLANATION
        if too_long or explanation.count("\n") > MAX_EXPLANATION_LINE_FEEDS:
            raise ApiError(400, "Bad Request: poll explanation is too long")
        poll: JSON = {
            "id": str(next(self._poll_ids)),
            "question": question,
            "options": [
                {"text": option, "voter_count": 0, "persistent_id": str(number)}
                for number, option in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": params.get("is_anonymous", True) is not False,
            "type": kind,
            "allows_multiple_answers": bool(params.get("allows_multiple_answers")),
            # quizzes never allow a changed answer; polls only when asked for
            "allows_revoting": kind != "quiz" and bool(params.get("allows_revoting")),
            "members_only": bool(params.get("members_only")),
        }
        if kind == "quiz":
            poll["correct_option_ids"] = correct
            if explanation:
                poll["explanation"] = explanation
        message = self._send_message({**params, "text": None})
        message.pop("text", None)
        message["poll"] = poll
        self.polls[poll["id"]] = poll
        return message

    def _stop_poll(self, params: dict[str, Any]) -> JSON:
        chat_id = _require(params, "chat_id")
        message = self.messages.get((chat_id, int(_require(params, "message_id"))))
        if message is None or "poll" not in message:
            raise ApiError(400, "Bad Request: message with poll to stop not found")
        poll = self.polls[message["poll"]["id"]]
        if poll["is_closed"]:
            raise ApiError(400, "Bad Request: poll has already been closed")
        poll["is_closed"] = True
        return poll

    def _edit_message(self, params: dict[str, Any]) -> JSON | bool:
        if params.get("inline_message_id"):
            return True
        chat_id = _require(params, "chat_id")
        message_id = int(_require(params, "message_id"))
        stored = self.messages.get((chat_id, message_id))
        if stored is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        changes = {
            key: params[key]
            for key in ("text", "caption", "entities", "caption_entities", "reply_markup")
            if key in params
        }
        if all(stored.get(key) == value for key, value in changes.items()):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        edited = {**stored, **changes, "edit_date": int(time.time())}
        self.messages[(chat_id, message_id)] = edited
        return edited


class ApiError(Exception):
    """Raise from a method implementation (or an ``on`` handler) to answer with an error."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _formatted_texts(params: dict[str, Any]) -> Iterator[tuple[str, Any, str | None]]:
    """Every text a call asks Telegram to format: (kind, text, parse mode), where kind is
    "text" (a message, at most 4096) or "caption" (at most 1024)."""
    mode = params.get("parse_mode")
    if "text" in params:
        yield "text", params["text"], mode
    if "caption" in params:
        yield "caption", params["caption"], mode
    results = params.get("results")
    for result in results if isinstance(results, list) else ():
        content = result.get("input_message_content") or {}
        if "message_text" in content:
            yield "text", content["message_text"], content.get("parse_mode")
        if "caption" in result:
            yield "caption", result["caption"], result.get("parse_mode")


def _formatting_problem(params: dict[str, Any]) -> str | None:
    """Telegram's refusal of a call's texts, read by TDLib as the Bot API server does."""
    for kind, text, mode in _formatted_texts(params):
        limit = MAX_CAPTION if kind == "caption" else MAX_TEXT
        problem = message_problem(str(text), mode, limit)
        if problem is not None:
            return problem
    return None


def _require(params: dict[str, Any], key: str) -> Any:
    if params.get(key) in (None, ""):
        raise ApiError(400, f"Bad Request: {key} is empty")
    return params[key]


def _command_key(params: dict[str, Any]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), params.get("language_code") or ""


def _infer_chat_type(chat_id: int | str) -> str:
    if isinstance(chat_id, str):
        return "channel"
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= -1_000_000_000_000 else "group"


@contextlib.asynccontextmanager
async def polling(
    app: Application,
    *,
    timeout: int = 1,
    poll_interval: float = 0.0,
    **start_polling_kwargs: Any,
) -> AsyncIterator[Application]:
    """Run ``app`` with long polling for the block, then shut it down in the right order."""
    await app.initialize()
    await app.start()
    try:
        assert app.updater is not None, "build the Application with an Updater"
        await app.updater.start_polling(
            poll_interval=poll_interval, timeout=timeout, **start_polling_kwargs
        )
        try:
            yield app
        finally:
            if app.updater.running:
                await app.updater.stop()
    finally:
        if app.running:
            await app.stop()
        await app.shutdown()
