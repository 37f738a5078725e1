"""Live reload of the fact base: /reload (admins), SIGHUP, or a watcher on the folder.

The new engine is built completely, off the event loop, while the old one keeps answering;
then one reference is replaced. A question is answered by the engine that was live when its
update arrived, never by a half-loaded one. A broken edit leaves the old fact base live and
reports the validation error, which names the file and line.

The build starts from the live engine: only files whose bytes changed are parsed, and their
topics patched into a copy of its index, so an edit goes live in about one file's time.
While it runs, the build thread hands the interpreter back every half millisecond (instead
of every 5 ms), so that replies keep coming without waiting for it.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from telegram.ext import Application, CommandHandler

from ..engine import Engine, freeze_heap
from ..loader import KnowledgeBase, KnowledgeError, paused_gc
from ..quiz_files import QUIZ_FOLDER
from .context import replace_engine, services_of
from .menu import FIXED_COMMANDS, register_menu

log = logging.getLogger(__name__)

_LOCK = "reload_lock"
BUILD_SWITCH_INTERVAL = 0.0005  # seconds: how long the build thread may keep the GIL


async def reload_knowledge(application: Application, lang: str = "en") -> tuple[bool, str]:
    """Load the fact base again: (True, its summary in `lang`), or (False, the validation
    error)."""
    lock: asyncio.Lock = application.bot_data.setdefault(_LOCK, asyncio.Lock())
    async with lock:  # two reloads at once would race to be the last one swapped in
        live = services_of(application).engine
        try:
            engine, languages = await asyncio.to_thread(_rebuild, live)
        except KnowledgeError as exc:
            log.error("The fact base was not reloaded, the old one stays live:\n%s", exc)
            return False, str(exc)
        except Exception as exc:  # a bug in loading must not take the bot down
            log.exception("The fact base was not reloaded, the old one stays live")
            return False, f"{type(exc).__name__}: {exc}"
        old_kb = services_of(application).engine.kb
        replace_engine(application, engine)
        _update_topic_commands(application, old_kb, engine.kb)
        await register_menu(application.bot, engine.kb)
        log.info("Fact base reloaded: %s", engine.kb.summary("en", languages))
        return True, engine.kb.summary(lang, languages)


def _rebuild(live: Engine) -> tuple[Engine, list[str]]:
    """The engine of the fact base folder as it is now, built from the live one, and the
    languages it is complete in (which reads every text of the base: not on the event loop
    either)."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(BUILD_SWITCH_INTERVAL)
    try:
        # no collection meanwhile, in this thread or the event loop's: one would walk all
        # that the build made so far, holding the interpreter; then it is frozen, not walked
        with paused_gc():
            engine = Engine.load(live.kb.directory, previous=live)
            languages = engine.kb.languages()
            freeze_heap()
        return engine, languages
    finally:
        sys.setswitchinterval(interval)


def _topic_commands(kb: KnowledgeBase) -> frozenset[str]:
    return frozenset(topic for topic in kb.topics if topic not in FIXED_COMMANDS)


def _update_topic_commands(
    application: Application, old: KnowledgeBase, new: KnowledgeBase
) -> None:
    """/new_topic works at once: the handler of the old topic commands learns the new ids."""
    for group in application.handlers.values():
        for handler in group:
            if isinstance(handler, CommandHandler) and handler.commands == _topic_commands(old):
                handler.commands = _topic_commands(new)


def _snapshot(directory: Path | None) -> dict[str, tuple[int, int]]:
    """The topic files' and quiz files' times and sizes: a reload reads both."""
    if directory is None or not directory.is_dir():
        return {}
    found = {}
    for folder in (directory, directory / QUIZ_FOLDER):
        for path in folder.iterdir() if folder.is_dir() else ():
            if path.suffix in (".yaml", ".yml"):
                status = path.stat()
                found[str(path.relative_to(directory))] = (status.st_mtime_ns, status.st_size)
    return found


def watch_knowledge(application: Application, interval: float) -> Coroutine[Any, Any, None]:
    """Reload whenever a topic or quiz file is added, removed or changed (polls mtimes).

    The folder as it is at this call is the baseline, so an edit made from then on is picked
    up however soon the returned watcher gets to run.
    """
    directory = services_of(application).engine.kb.directory
    return _watch(application, directory, _snapshot(directory), interval)


async def _watch(
    application: Application,
    directory: Path | None,
    seen: dict[str, tuple[int, int]],
    interval: float,
) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            now = await asyncio.to_thread(_snapshot, directory)
        except OSError as exc:  # a file removed between listing and stat
            log.debug("Knowledge watcher: %s", exc)
            continue
        if now != seen:
            seen = now
            log.info("The fact base changed on disk; reloading")
            await reload_knowledge(application)
