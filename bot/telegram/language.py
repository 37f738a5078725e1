"""Which language a reply is in: the message's own language, the user's choice, their client's."""

from __future__ import annotations

from telegram import User

from ..commands import reply_language as _pick
from ..text import LANGS
from .store import StateStore


def client_language(user: User | None) -> str | None:
    """Telegram's language_code ("ru", "kk", "ru-RU") when it is one we speak."""
    code = (user.language_code or "").split("-")[0].lower() if user else ""
    return code if code in LANGS else None


def reply_language(text: str, user: User | None, store: StateStore) -> str:
    """commands.reply_language, where the choice is /lang's, else the Telegram client's."""
    chosen = store.language(user.id) if user else None
    return _pick(text, chosen or client_language(user))
