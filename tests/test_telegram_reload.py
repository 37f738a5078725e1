"""Live reload of the fact base (/reload for admins), and one answer to a group's burst."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

from bot_harness import GROUP, ServeBot, ask, assert_silent
from fake_telegram import BOT_USERNAME, FakeTelegram

from bot.engine import Engine

ADMIN, STRANGER = 700, 701
KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


async def test_reload_is_admin_only_and_keeps_the_old_base_on_errors(
    tg: FakeTelegram, serve_bot: ServeBot, tmp_path: Path
) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    iran = folder / "iran.yaml"
    original = iran.read_text(encoding="utf-8")
    async with serve_bot(engine=Engine.load(folder), admins=frozenset({ADMIN})):
        # a stranger's /reload is an unknown command, word for word
        unknown = await ask(tg, STRANGER, "/no_such_command")
        hidden = await ask(tg, STRANGER, "/reload")
        assert hidden.params["text"] == unknown.params["text"]
        await assert_silent(tg, GROUP, lambda: tg.send_text(GROUP, "/reload", user_id=STRANGER))
        assert all("reload" not in str(commands) for commands in tg.commands.values())

        # a broken edit: the admin gets the file and line, the old base stays live
        iran.write_text(original + "\nfacts: [oops\n", encoding="utf-8")
        refused = await ask(tg, ADMIN, "/reload")
        assert "NOT reloaded" in refused.params["text"]
        assert re.search(r"iran\.yaml:\d+: YAML syntax error", refused.params["text"])
        still = await ask(tg, STRANGER, "/iran")
        assert still.params["text"].startswith("<b>The Iranian nuclear deal</b>")

        # a good edit is live at once
        iran.write_text(
            original.replace("The Iranian nuclear deal", "The Iran deal, reloaded", 1),
            encoding="utf-8",
        )
        done = await ask(tg, ADMIN, "/reload")
        assert done.params["text"].startswith("Fact base reloaded")
        fresh = await ask(tg, STRANGER, "/iran")
        assert fresh.params["text"].startswith("<b>The Iran deal, reloaded</b>")


async def test_watcher_picks_up_edits(
    tg: FakeTelegram, serve_bot: ServeBot, tmp_path: Path
) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    iran = folder / "iran.yaml"
    async with serve_bot(
        engine=Engine.load(folder), knowledge_watch=True, knowledge_watch_interval=0.1
    ):
        text = iran.read_text(encoding="utf-8")
        iran.write_text(text.replace("The Iranian nuclear deal", "Watched", 1), encoding="utf-8")
        for _ in range(50):
            call = await ask(tg, ADMIN, "/iran")
            if call.params["text"].startswith("<b>Watched</b>"):
                break
        assert call.params["text"].startswith("<b>Watched</b>")


async def test_group_burst_of_one_question_gets_one_answer(
    tg: FakeTelegram, serve_bot: ServeBot
) -> None:
    async with serve_bot():
        question = f"@{BOT_USERNAME} When were the Astana talks on Syria?"

        def burst() -> None:
            for user in range(800, 805):
                tg.send_text(GROUP, question, user_id=user)

        before = len(tg.calls_of("sendMessage"))
        burst()
        tg.send_text(GROUP, f"/ask@{BOT_USERNAME} Who reconciled Russia and Turkey?")
        await tg.wait_for_calls("sendMessage", before + 2)
        await asyncio.sleep(0.2)  # the group's updates are handled in order: all are done
        answers = tg.calls_of("sendMessage")[before:]
        assert len(answers) == 2, [a.params["text"][:60] for a in answers]
        assert "Turkey" in answers[1].params["text"]
