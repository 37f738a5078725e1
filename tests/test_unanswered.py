"""The unanswered-question report: what is recorded, the grouping, the CLI and /report."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from bot_harness import ask, assert_silent
from fake_telegram import FakeTelegram
from helpers_core import run_cli
from telegram.ext import Application

from bot.engine import Answer, Engine
from bot.settings import Settings
from bot.unanswered import (
    DAY_SECONDS,
    LOW_CONFIDENCE_BELOW,
    NoUnansweredLog,
    SqliteUnansweredLog,
    UnansweredQuestion,
    format_report,
    needs_attention,
    open_unanswered_log,
    report,
    summarise,
)

ADMIN = 777
NOT_ADMIN = 778
NOW = 1_800_000_000.0


def _question(
    text: str, lang: str = "en", days_ago: float = 0, score: float = 20.0
) -> UnansweredQuestion:
    return UnansweredQuestion(text, lang, NOW - days_ago * DAY_SECONDS, score, ("iran",))


def test_declines_and_unsure_answers_need_attention_confident_ones_do_not() -> None:
    declined = Answer(question="q", lang="en", kind="declined", score=90.0)
    unsure = Answer(question="q", lang="en", kind="topic", score=LOW_CONFIDENCE_BELOW - 0.1)
    sure = Answer(question="q", lang="en", kind="topic", score=LOW_CONFIDENCE_BELOW)
    assert needs_attention(declined) and needs_attention(unsure)
    assert not needs_attention(sure)


def test_the_record_holds_text_language_time_score_candidates_and_no_ids(
    tmp_path: Path, engine: Engine
) -> None:
    log = SqliteUnansweredLog(tmp_path / "u.sqlite3")
    answer = engine.answer("Какое население Ирана?")
    assert log.record(answer, now=NOW)
    assert not log.record(engine.answer("Tell me about the Iranian nuclear deal"), now=NOW)
    [kept] = log.since(NOW - 1)
    assert kept == UnansweredQuestion(
        "Какое население Ирана?", "ru", NOW, answer.score, answer.candidates
    )
    log.close()
    columns = {
        row[1]
        for row in sqlite3.connect(tmp_path / "u.sqlite3").execute("PRAGMA table_info(unanswered)")
    }
    assert columns == {"asked", "text", "lang", "score", "candidates"}


def test_recording_can_be_switched_off(tmp_path: Path, engine: Engine) -> None:
    settings = Settings.from_env(
        {"BOT_STATE_PATH": str(tmp_path / "s.sqlite3"), "RECORD_UNANSWERED": "off"}
    )
    log = open_unanswered_log(settings)
    assert isinstance(log, NoUnansweredLog)
    assert not log.record(engine.answer("What is the population of Iran?"))
    on = open_unanswered_log(Settings(state_path=tmp_path / "s.sqlite3"))
    assert isinstance(on, SqliteUnansweredLog)  # the default, beside the state file
    assert (tmp_path / "unanswered.sqlite3").exists()
    on.close()


def test_similar_questions_are_grouped_and_counted() -> None:
    questions = [
        _question("What is the population of Iran?"),
        _question("what is the population of iran"),
        _question("What's the population of Iran??"),
        _question("population of Iran"),
        _question("How do I reset my password?"),
        _question("how do i reset my password"),
        _question("Какая погода в Астане?", lang="ru"),
    ]
    groups = summarise(questions)
    assert [g.count for g in groups] == [4, 2, 1]
    assert groups[0].langs == {"en": 4}
    assert "population" in groups[0].text.lower()
    assert groups[2].langs == {"ru": 1}
    assert [g.count for g in summarise(questions, top=2)] == [4, 2]
    text = format_report(summarise(questions, top=2), 7, len(questions))
    assert (
        text.splitlines()[0]
        == "Unanswered questions in the last 7 days: 7. Most frequent first, similar grouped:"
    )
    assert "4× [en]" in text and "near: iran" in text


def test_the_report_covers_the_days_asked_for(tmp_path: Path) -> None:
    log = SqliteUnansweredLog(tmp_path / "u.sqlite3")
    log.add(_question("old question about the moon", days_ago=10))
    log.add(_question("new question about the sun", days_ago=1))
    recent = report(log, days=7, top=10, now=NOW)
    assert "sun" in recent and "moon" not in recent
    assert "moon" in report(log, days=30, top=10, now=NOW)
    assert report(log, days=0.5, top=10, now=NOW) == "No unanswered questions in the last 0.5 days."
    log.close()


def test_console_records_and_report_lists(tmp_path: Path) -> None:
    env = {"UNANSWERED_PATH": str(tmp_path / "u.sqlite3")}
    questions = "What is the population of Iran?\nwhat is the population of iran\nSyria talks\n"
    done = run_cli("console", stdin=questions, env=env)
    assert done.returncode == 0, done.stderr
    done = run_cli("report", "--since", "1", "--top", "5", env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert (
        lines[0]
        == "Unanswered questions in the last 1 day: 2. Most frequent first, similar grouped:"
    )
    assert lines[1].startswith("1. 2× [en] ")
    assert "Syria" not in done.stdout
    done = run_cli("console", stdin="Is Geneva expensive?\n", env={**env, "RECORD_UNANSWERED": "0"})
    assert "Geneva" not in run_cli("report", env=env).stdout


# --- in Telegram ------------------------------------------------------------------------------


@pytest.fixture
def bot_settings(bot_settings: Settings) -> Settings:
    return dataclasses.replace(bot_settings, admins=frozenset({ADMIN}))


async def test_declined_questions_are_recorded_and_admins_get_the_report(
    tg: FakeTelegram, bot: Application, state_path: Path
) -> None:
    await ask(tg, 300, "What is the population of Iran?")
    await ask(tg, 301, "what is the population of iran?")
    await ask(tg, 302, "Tell me about the Iranian nuclear deal")
    log = SqliteUnansweredLog(state_path.with_name("unanswered.sqlite3"))
    assert [q.text for q in log.since(0)] == [
        "What is the population of Iran?",
        "what is the population of iran?",
    ]
    log.close()
    call = await ask(tg, ADMIN, "/report")
    text = call.params["text"]
    assert text.startswith(
        "Unanswered questions in the last 30 days: 2. Most frequent first, similar grouped:"
    )
    assert "2× [en]" in text


async def test_report_is_an_unknown_command_for_everyone_else(
    tg: FakeTelegram, bot: Application
) -> None:
    await ask(tg, 300, "What is the population of Iran?")
    call = await ask(tg, NOT_ADMIN, "/report")
    unknown = await ask(tg, NOT_ADMIN, "/nosuchcommand")
    assert call.params["text"] == unknown.params["text"]
    assert "Iran" not in call.params["text"]
    # in a group not even an admin gets it: the questions are for maintainers' eyes
    await assert_silent(tg, -100500, lambda: tg.send_text(-100500, "/report", user_id=ADMIN))
