"""The command menu and the bot's profile texts, registered at start-up in every language.

English goes without a language code, so it is what every other client language sees.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from ..commands import FIXED_COMMANDS
from ..loader import KnowledgeBase
from ..locales import t
from ..text import LANGS

log = logging.getLogger(__name__)

MAX_COMMANDS = 100  # Telegram's limits
MAX_COMMAND_DESCRIPTION = 256
MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def command_menu(kb: KnowledgeBase, lang: str) -> list[BotCommand]:
    """The fixed commands, then one command per topic titled from the fact base."""
    commands = [BotCommand(name, t(lang, f"cmd_{name}")) for name in FIXED_COMMANDS]
    commands += [
        BotCommand(topic_id, _fit(topic.title.get(lang), MAX_COMMAND_DESCRIPTION))
        for topic_id, topic in kb.topics.items()
        if topic_id not in FIXED_COMMANDS
    ]
    return commands[:MAX_COMMANDS]


async def register_menu(bot: Bot, kb: KnowledgeBase) -> None:
    """setMyCommands, setMyDescription and setMyShortDescription in en (default), ru and kk.

    A failure here is logged, not fatal: the bot answers fine without a menu.
    """
    for lang in LANGS:
        code = None if lang == "en" else lang
        try:
            await bot.set_my_commands(command_menu(kb, lang), language_code=code)
            await bot.set_my_description(
                _fit(t(lang, "bot_description"), MAX_DESCRIPTION), language_code=code
            )
            await bot.set_my_short_description(
                _fit(t(lang, "bot_short_description"), MAX_SHORT_DESCRIPTION), language_code=code
            )
        except TelegramError as exc:
            log.warning("Could not register the %s command menu: %s", lang, exc)
