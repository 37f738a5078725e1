"""The delivery journal on its own: what a restart takes over, sweeping, poison updates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.telegram.delivery import MAX_ATTEMPTS, UpdateJournal


@pytest.fixture
def journal(tmp_path: Path) -> UpdateJournal:
    return UpdateJournal(tmp_path / "state.sqlite3")


def _update(update_id: int) -> tuple[int, str]:
    return update_id, json.dumps({"update_id": update_id, "message": {"text": "Iran?"}})


def test_a_restart_takes_over_the_unanswered_in_order(journal: UpdateJournal) -> None:
    assert journal.take_over() == (set(), [])
    journal.add([_update(12), _update(10), _update(11)])
    journal.answered(11)
    known, pending = journal.take_over()
    assert known == {10, 11, 12}  # Telegram may send all three again: none is taken twice
    assert [update_id for update_id, _ in pending] == [10, 12]
    assert json.loads(pending[0][1])["update_id"] == 10


def test_fetched_twice_is_journaled_once(journal: UpdateJournal) -> None:
    journal.add([_update(5)])
    journal.answered(5)
    journal.add([_update(5)])  # a poll repeated before it was confirmed
    assert journal.pending() == []


def test_sweeping_keeps_the_unanswered_and_the_unconfirmed(journal: UpdateJournal) -> None:
    journal.add([_update(1), _update(2), _update(3), _update(4)])
    for update_id in (1, 3, 4):
        journal.answered(update_id)
    journal.sweep(confirmed=4)
    assert journal.pending() == [2]
    assert journal.take_over()[0] == {2, 4}  # 4 is answered, but Telegram may send it again


def test_a_poison_update_is_given_up(journal: UpdateJournal) -> None:
    journal.add([_update(7), _update(8)])
    for attempt in range(1, MAX_ATTEMPTS + 1):
        journal.attempted(7)  # started, and the process died before it finished
        still = [update_id for update_id, _ in journal.take_over()[1]]
        assert (7 in still) == (attempt < MAX_ATTEMPTS), attempt
    pending = journal.take_over()[1]
    assert [update_id for update_id, _ in pending] == [8]  # 8 was never started: kept


def test_updates_never_started_are_kept_however_often_the_bot_restarts(
    journal: UpdateJournal,
) -> None:
    journal.add([_update(20)])
    for _ in range(MAX_ATTEMPTS + 2):  # SIGTERM with a queue: nothing was started
        assert [update_id for update_id, _ in journal.take_over()[1]] == [20]
