"""Build the bot's Application and run it with long polling: every handler is wired here.

    TELEGRAM_BOT_TOKEN=... python -m bot run

Optional: TELEGRAM_API_BASE_URL (a self-hosted Bot API server), BOT_STATE_PATH (the
SQLite file for /lang choices and message records), LOG_LEVEL.
`python -m bot run --webhook` serves a webhook instead (webhook.py), for replicas that share
STATE_URL (shared_store.py).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    PollAnswerHandler,
    filters,
)

from ..engine import Engine
from ..engine_cache import load_engine
from ..settings import Settings
from ..unanswered import open_unanswered_log
from . import handlers, quiz
from .addressing import NEW_HUMAN_MESSAGE
from .context import BotContext, Services, install_services
from .conversation import Conversations
from .delivery import serve_polling
from .flood import FloodLimiter
from .http import AiohttpRequest
from .liveness import install_heartbeat
from .logs import configure_logging, protect_token
from .menu import FIXED_COMMANDS, register_menu
from .ordering import PerChatUpdateProcessor
from .shared_store import open_state_store
from .store import StateStore
from .webhook import configuration_problem, serve_until_signalled

log = logging.getLogger(__name__)

# Edits, poll states, member changes and the like are never asked for, so never fetched;
# answers to the quiz polls are.
ALLOWED_UPDATES = [Update.MESSAGE, Update.INLINE_QUERY, Update.CALLBACK_QUERY, Update.POLL_ANSWER]
EXIT_NO_TOKEN = 3
EXIT_UNREACHABLE = 4
EXIT_BAD_CONFIG = 5
_BOTFATHER_HINT = (
    "create a bot with @BotFather (https://t.me/BotFather, /newbot) "
    "and set TELEGRAM_BOT_TOKEN to the token it gives you"
)


def build_application(
    settings: Settings, engine: Engine, store: StateStore | None = None
) -> Application:
    """The bot, ready for run_polling (or for tests, pointed at a fake Bot API)."""
    protect_token(settings.token)
    store = store or open_state_store(settings)
    application = (
        ApplicationBuilder()
        .token(settings.token or "")
        .base_url(settings.api_base_url)
        .request(AiohttpRequest(connection_pool_size=256))  # PTB's own pool sizes
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                allow_sending_without_reply=True,  # the question may be deleted meanwhile
            )
        )
        .rate_limiter(FloodLimiter(time_scale=settings.rate_time_scale))
        .concurrent_updates(PerChatUpdateProcessor())
        .context_types(ContextTypes(context=BotContext))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    services = Services(
        engine,
        store,
        Conversations(store),
        unanswered=open_unanswered_log(settings),
        admins=settings.admins,
    )
    install_services(application, services)
    quiz.install_quiz(application, settings)
    add_handlers(application, engine)
    return application


def add_handlers(application: Application, engine: Engine) -> None:
    # Order matters: within a group, the first handler whose filters match wins.
    human = NEW_HUMAN_MESSAGE  # not from bots, not edits
    topic_commands = [topic for topic in engine.kb.topics if topic not in FIXED_COMMANDS]
    application.add_handlers(
        [
            # 1. Our commands, as /cmd or /cmd@thisbot; CommandHandler skips /cmd@otherbot.
            CommandHandler("quiz", quiz.quiz_command, filters=human),  # before the others
            CommandHandler(FIXED_COMMANDS, handlers.command, filters=human),
            CommandHandler("report", handlers.report, filters=human),  # admins only
            CommandHandler("reload", handlers.reload, filters=human),  # admins only
            # 2. One command per topic of the fact base (reload.py updates this list).
            CommandHandler(topic_commands, handlers.command, filters=human),
            # 3. Any other command: a hint in private, and in groups for /cmd@thisbot only.
            MessageHandler(filters.COMMAND & human, handlers.unknown_command),
            # 4. Text: everything in private; in groups the callback keeps only what is for us.
            MessageHandler(filters.TEXT & ~filters.COMMAND & human, handlers.answer_message),
            # 5. Inline mode and button presses.
            InlineQueryHandler(handlers.inline_query),
            CallbackQueryHandler(quiz.next_question, pattern=quiz.NEXT_PATTERN),
            CallbackQueryHandler(handlers.button),
            # 6. Answers to quiz polls.
            PollAnswerHandler(quiz.poll_answer),
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
    services.unanswered.close()
    quiz.close_quiz(application)


def run(settings: Settings, knowledge_dir: str | Path | None = None, webhook: bool = False) -> int:
    """Long polling (or a webhook server) until SIGINT or SIGTERM; updates already received
    are answered first."""
    configure_logging(settings.log_level, settings.token, settings.log_format)
    if not settings.token:
        print(f"error: TELEGRAM_BOT_TOKEN is not set; {_BOTFATHER_HINT}.", file=sys.stderr)
        return EXIT_NO_TOKEN
    if webhook and (problem := configuration_problem(settings)):
        print(f"error: webhook mode: {problem}.", file=sys.stderr)
        return EXIT_BAD_CONFIG
    # the built engine from the cache when the files are unchanged: no YAML or pydantic in memory
    engine = load_engine(knowledge_dir or settings.knowledge_dir, settings.cache_dir)
    application = build_application(settings, engine)
    install_heartbeat(application, settings.heartbeat_file)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # run_polling runs on it, and closes it
    try:
        loop.run_until_complete(_check_token(application))
        if webhook:
            loop.run_until_complete(serve_until_signalled(application, settings, ALLOWED_UPDATES))
        else:
            # not application.run_polling: see delivery.py for why updates are confirmed late
            loop.run_until_complete(serve_polling(application, settings, ALLOWED_UPDATES))
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
