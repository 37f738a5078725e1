"""Build the bot's Application and run it with long polling: every handler is wired here.

    TELEGRAM_BOT_TOKEN=... python -m bot run

Optional: TELEGRAM_API_BASE_URL (a self-hosted Bot API server), BOT_STATE_PATH (the
SQLite file for /lang choices and message records), LOG_LEVEL.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from ..engine import Engine
from ..settings import Settings
from . import handlers
from .addressing import NEW_HUMAN_MESSAGE
from .context import BotContext, Services, install_services
from .conversation import Conversations
from .logs import configure_logging, protect_token
from .menu import FIXED_COMMANDS, register_menu
from .ordering import PerChatUpdateProcessor
from .store import SqliteStateStore, StateStore

log = logging.getLogger(__name__)

# A reply hit by Telegram's 429 waits retry_after and tries again this often before it is lost.
MAX_RETRIES = 5
# Edits, polls, member changes and the like are never asked for, so never fetched.
ALLOWED_UPDATES = [Update.MESSAGE, Update.INLINE_QUERY, Update.CALLBACK_QUERY]
EXIT_NO_TOKEN = 3
EXIT_UNREACHABLE = 4
_BOTFATHER_HINT = (
    "create a bot with @BotFather (https://t.me/BotFather, /newbot) "
    "and set TELEGRAM_BOT_TOKEN to the token it gives you"
)


def build_application(
    settings: Settings, engine: Engine, store: StateStore | None = None
) -> Application:
    """The bot, ready for run_polling (or for tests, pointed at a fake Bot API)."""
    protect_token(settings.token)
    store = store or SqliteStateStore(settings.state_path)
    application = (
        ApplicationBuilder()
        .token(settings.token or "")
        .base_url(settings.api_base_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,  # the question may be deleted meanwhile
            )
        )
        .rate_limiter(AIORateLimiter(max_retries=MAX_RETRIES))
        .concurrent_updates(PerChatUpdateProcessor())
        .context_types(ContextTypes(context=BotContext))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    install_services(application, Services(engine, store, Conversations(store)))
    add_handlers(application, engine)
    return application


def add_handlers(application: Application, engine: Engine) -> None:
    # Order matters: within a group, the first handler whose filters match wins.
    human = NEW_HUMAN_MESSAGE  # not from bots, not edits
    topic_commands = [topic for topic in engine.kb.topics if topic not in FIXED_COMMANDS]
    application.add_handlers(
        [
            # 1. Our commands, as /cmd or /cmd@thisbot; CommandHandler skips /cmd@otherbot.
            CommandHandler("start", handlers.start, filters=human),
            CommandHandler("help", handlers.help_command, filters=human),
            CommandHandler("topics", handlers.topics, filters=human),
            CommandHandler("timeline", handlers.timeline, filters=human),
            CommandHandler("ask", handlers.ask, filters=human),
            CommandHandler("lang", handlers.lang, filters=human),
            # 2. One command per topic of the fact base.
            CommandHandler(topic_commands, handlers.show_topic, filters=human),
            # 3. Any other command: a hint in private; in groups it is someone else's.
            MessageHandler(
                filters.COMMAND & filters.ChatType.PRIVATE & human, handlers.unknown_command
            ),
            # 4. Text: everything in private; in groups the callback keeps only what is for us.
            MessageHandler(filters.TEXT & ~filters.COMMAND & human, handlers.answer_message),
            # 5. Inline mode and button presses.
            InlineQueryHandler(handlers.inline_query),
            CallbackQueryHandler(handlers.button),
        ]
    )
    application.add_error_handler(handlers.error_handler)


async def _post_init(application: Application) -> None:
    services: Services = application.bot_data["services"]
    await register_menu(application.bot, services.engine.kb)
    log.info("@%s is up: %s", application.bot.username, services.engine.kb.summary())


async def _post_shutdown(application: Application) -> None:
    services: Services = application.bot_data["services"]
    services.store.close()


def run(settings: Settings, knowledge_dir: str | Path | None = None) -> int:
    """Long polling until SIGINT or SIGTERM; updates already fetched are answered first."""
    configure_logging(settings.log_level, settings.token)
    if not settings.token:
        print(f"error: TELEGRAM_BOT_TOKEN is not set; {_BOTFATHER_HINT}.", file=sys.stderr)
        return EXIT_NO_TOKEN
    engine = Engine.load(knowledge_dir or settings.knowledge_dir)
    application = build_application(settings, engine)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # run_polling runs on it, and closes it
    try:
        loop.run_until_complete(_check_token(application))
        application.run_polling(
            allowed_updates=ALLOWED_UPDATES, stop_signals=(signal.SIGINT, signal.SIGTERM)
        )
    except InvalidToken:
        print(f"error: Telegram rejected TELEGRAM_BOT_TOKEN; {_BOTFATHER_HINT}.", file=sys.stderr)
        return EXIT_NO_TOKEN
    except NetworkError as exc:
        print(
            f"error: cannot reach the Bot API at {settings.api_base_url} ({exc}); "
            "check the network or TELEGRAM_API_BASE_URL.",
            file=sys.stderr,
        )
        return EXIT_UNREACHABLE
    finally:
        if not loop.is_closed():
            loop.close()
    return 0


async def _check_token(application: Application) -> None:
    """One getMe before polling, so a bad token or server fails in one line, not a traceback."""
    async with application.bot:
        pass
