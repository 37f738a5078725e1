"""`python -m bot run` under load: SIGTERM and SIGKILL mid-queue lose nothing, and the token
stays out of every line the process prints.

Every question is an `/ask` in a group, so each reply quotes the message it answers and the
duplicates can be counted exactly. The flood limits run on a 20 times faster clock.
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from pathlib import Path

from bot_harness import bot_env, bot_process
from fake_telegram import FakeTelegram

from bot.telegram.ordering import MAX_CONCURRENT_UPDATES

QUESTIONS = [
    "When were the Astana talks on Syria?",
    "Who reconciled Russia and Turkey?",
    "When was Kazakhstan elected to the UN Security Council?",
    "What did Kazakhstan do in the OIC?",
    "When did Kazakhstan host the Iran nuclear talks?",
    "What about the Minsk talks on Ukraine?",
    "What happened in 2015?",
    "Why did Kazakhstan mediate between Russia and Turkey?",
    "Where were the Iran talks held?",
    "Who took part in the Astana process?",
]
SENT_LOG = "LOAD_TEST_COUNTS"


def _queue_questions(tg: FakeTelegram, count: int) -> set[tuple[int, int]]:
    """`count` questions, ten to a group; returns (chat, message id) of each."""
    asked = set()
    for number in range(count):
        group = -1000 - number // len(QUESTIONS)
        text = f"/ask {QUESTIONS[number % len(QUESTIONS)]}"
        update = tg.send_text(group, text, user_id=5000 + number)
        asked.add((group, update["message"]["message_id"]))
    return asked


def _answers(tg: FakeTelegram) -> Counter[tuple[int, int]]:
    """How often each question was answered (successful replies only)."""
    return Counter(
        (call.params["chat_id"], call.params["reply_parameters"]["message_id"])
        for call in tg.calls_of("sendMessage")
        if call.status == 200 and "reply_parameters" in call.params
    )


async def _wait_answered(tg: FakeTelegram, count: int, timeout: float) -> None:
    await tg.wait_for(lambda _call: len(_answers(tg)) >= count, timeout=timeout)


async def _stop(process: asyncio.subprocess.Process, signum: int) -> str:
    if process.returncode is None:
        process.send_signal(signum)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return out.decode() + err.decode()


async def _interrupted_run(
    tmp_path: Path, tg: FakeTelegram, questions: int, stop_after: int, signum: int
) -> tuple[int, str]:
    """Queue the questions, stop the bot with `signum` after `stop_after` answers, start it
    again until every question is answered; the duplicate count and the output."""
    asked = _queue_questions(tg, questions)
    env = bot_env(tg, tmp_path)
    first = await bot_process(env)
    try:
        await _wait_answered(tg, stop_after, 60)
        output = await _stop(first, signum)
        answered_before_restart = len(_answers(tg))
        assert answered_before_restart < questions, "stopped too late to prove anything"
        second = await bot_process(env)
        try:
            await _wait_answered(tg, questions, 90)
        finally:
            output += await _stop(second, signal.SIGTERM)
    finally:
        for process in (first, locals().get("second")):
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()
    answers = _answers(tg)
    assert set(answers) == asked  # none lost
    duplicates = sum(answers.values()) - len(asked)
    (tmp_path.parent / f"{SENT_LOG}-{signal.Signals(signum).name}").write_text(
        f"{questions} questions, {duplicates} answered twice\n"
    )
    print(f"\n{signal.Signals(signum).name}: {questions} questions, {duplicates} duplicates")
    return duplicates, output


async def test_restart_under_load_loses_nothing(tmp_path: Path, tg: FakeTelegram) -> None:
    duplicates, output = await _interrupted_run(tmp_path, tg, 300, 30, signal.SIGTERM)
    # A clean stop finishes the replies it started and confirms them: nothing twice.
    assert duplicates == 0, output[-3000:]
    assert "Traceback" not in output


async def test_crash_under_load_loses_nothing(tmp_path: Path, tg: FakeTelegram) -> None:
    questions = 200
    duplicates, output = await _interrupted_run(tmp_path, tg, questions, 20, signal.SIGKILL)
    # At least once: only replies under way at the moment of the kill can be sent twice. A
    # group's questions are answered one at a time, so that is at most one per group; the kill
    # comes in the first burst of replies, when one is under way in nearly every group.
    groups = questions // len(QUESTIONS)
    assert duplicates <= min(groups, MAX_CONCURRENT_UPDATES), output[-3000:]


async def test_token_never_printed_at_debug_level(tmp_path: Path, tg: FakeTelegram) -> None:
    process = await bot_process(bot_env(tg, tmp_path, LOG_LEVEL="DEBUG"))
    try:
        await tg.wait_for_calls("getUpdates", timeout=60)
        tg.send_text(100, "Tell me about the Iranian nuclear deal")
        await tg.wait_for_calls("sendMessage", timeout=30)
        tg.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
        tg.send_text(100, "/oic")
        tg.fail_next("getUpdates", status=502)
        tg.send_inline_query(100, "iran")
        await tg.wait_for_calls("answerInlineQuery", timeout=30)
        output = await _stop(process, signal.SIGTERM)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert "DEBUG" in output and "sendMessage" in output  # the debug logs were really on
    assert "chat not found" in output.lower()  # and so was the error
    assert tg.token not in output
    assert tg.token.split(":", 1)[1] not in output
