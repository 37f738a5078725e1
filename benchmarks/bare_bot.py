"""The floor for the end-to-end benchmark: a bare python-telegram-bot app.

It answers every text with one fixed reply, and does nothing else.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE_URL=http://127.0.0.1:PORT/bot python bare_bot.py
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

FIXED_REPLY = "Thank you for your question."


async def answer_fixed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(FIXED_REPLY)


def main() -> None:
    builder = ApplicationBuilder().token(os.environ["TELEGRAM_BOT_TOKEN"])
    if os.environ.get("TELEGRAM_API_BASE_URL"):
        builder = builder.base_url(os.environ["TELEGRAM_API_BASE_URL"])
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, answer_fixed))
    app.run_polling(allowed_updates=[Update.MESSAGE])


if __name__ == "__main__":
    main()
