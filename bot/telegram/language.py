"""Which language to reply in: the message's own language, the user's choice, their client's."""

from __future__ import annotations

from telegram import User

from ..text import LANGS, detect_language
from .store import StateStore

DEFAULT_LANG = "en"


def client_language(user: User | None) -> str | None:
    """Telegram's language_code ("ru", "kk", "ru-RU") when it is one we speak."""
    code = (user.language_code or "").split("-")[0].lower() if user else ""
    return code if code in LANGS else None


def reply_language(text: str, user: User | None, store: StateStore) -> str:
    """A message written in Russian or Kazakh is answered in it; else /lang; else the client's.

    Latin text says nothing (commands, names, English), so it never overrides a choice.
    """
    written = detect_language(text) if text else DEFAULT_LANG
    if written != DEFAULT_LANG:
        return written
    chosen = store.language(user.id) if user else None
    return chosen or client_language(user) or DEFAULT_LANG
