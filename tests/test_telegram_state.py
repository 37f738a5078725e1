"""The state store and the conversation context, without a server."""

from __future__ import annotations

import datetime as dtm
from pathlib import Path

from telegram import Chat, Message, User

from bot.engine import Turn
from bot.telegram.conversation import CONTEXT_TTL_SECONDS, Conversations
from bot.telegram.store import SqliteStateStore

BOT_ID = 4242
IRAN = Turn(("iran",), ("nuclear_talks_2013",))
SYRIA = Turn(("syria",), ())


def _message(chat: Chat, message_id: int, user_id: int, reply_to: Message | None = None) -> Message:
    user = User(user_id, "Bot" if user_id == BOT_ID else "Test", is_bot=user_id == BOT_ID)
    now = dtm.datetime.now(dtm.UTC)
    return Message(message_id, now, chat, from_user=user, text="x", reply_to_message=reply_to)


def test_store_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state.sqlite3"
    store = SqliteStateStore(path)
    store.set_language(7, "ru")
    store.set_language(7, "kk")
    store.remember_message(-100, 5, IRAN)
    store.close()
    store = SqliteStateStore(path)
    assert store.language(7) == "kk"
    assert store.language(8) is None
    assert store.message_turn(-100, 5) == IRAN
    assert store.message_turn(-100, 6) is None
    store.close()


def test_private_context_expires_after_silence(tmp_path: Path) -> None:
    now = [1000.0]
    conversations = Conversations(SqliteStateStore(tmp_path / "s.db"), clock=lambda: now[0])
    chat = Chat(1, Chat.PRIVATE)
    asked = _message(chat, 1, 1)
    conversations.remember(chat, asked.from_user, IRAN, [_message(chat, 2, BOT_ID)])
    now[0] += CONTEXT_TTL_SECONDS - 1
    assert conversations.context_for(_message(chat, 3, 1), BOT_ID) == [IRAN]
    conversations.remember(chat, asked.from_user, SYRIA, [])
    now[0] += CONTEXT_TTL_SECONDS - 1  # each answer restarts the clock
    assert conversations.context_for(_message(chat, 4, 1), BOT_ID) == [IRAN, SYRIA]
    now[0] += 2
    assert conversations.context_for(_message(chat, 5, 1), BOT_ID) == []


def test_group_context_is_per_user_and_replies_follow_their_message(tmp_path: Path) -> None:
    store = SqliteStateStore(tmp_path / "s.db")
    conversations = Conversations(store)
    group = Chat(-100, Chat.SUPERGROUP)
    alice, bob = _message(group, 1, 11), _message(group, 2, 22)
    iran_answer = _message(group, 3, BOT_ID)
    conversations.remember(group, alice.from_user, IRAN, [iran_answer])
    conversations.remember(group, alice.from_user, SYRIA, [_message(group, 4, BOT_ID)])
    assert conversations.context_for(_message(group, 5, 22), BOT_ID) == []
    assert conversations.context_for(_message(group, 6, 11), BOT_ID) == [IRAN, SYRIA]
    # a reply to the Iran answer is about Iran, whoever asks and whatever came since
    reply = _message(group, 7, bob.from_user.id, reply_to=iran_answer)
    assert conversations.context_for(reply, BOT_ID) == [IRAN]
    assert store.message_turn(-100, 3) == IRAN


def test_declines_are_not_remembered(tmp_path: Path) -> None:
    store = SqliteStateStore(tmp_path / "s.db")
    conversations = Conversations(store)
    chat = Chat(1, Chat.PRIVATE)
    conversations.remember(chat, None, Turn(), [_message(chat, 2, BOT_ID)])
    assert conversations.context_for(_message(chat, 3, 1), BOT_ID) == []
    assert store.message_turn(1, 2) is None
