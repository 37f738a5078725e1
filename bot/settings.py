"""Configuration from the environment, read in one place (nothing else reads os.environ)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"


@dataclass(frozen=True)
class Settings:
    token: str | None = field(default=None, repr=False)  # never printed
    api_base_url: str = DEFAULT_API_BASE_URL
    knowledge_dir: Path | None = None
    state_path: Path = Path("data/bot_state.sqlite3")
    admins: frozenset[int] = frozenset()
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        admins = frozenset(
            int(part)
            for part in env.get("BOT_ADMINS", "").replace(",", " ").split()
            if part.isdigit()
        )
        knowledge = env.get("KNOWLEDGE_DIR")
        return cls(
            token=env.get("TELEGRAM_BOT_TOKEN") or None,
            api_base_url=env.get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL,
            knowledge_dir=Path(knowledge) if knowledge else None,
            state_path=Path(env.get("BOT_STATE_PATH") or "data/bot_state.sqlite3"),
            admins=admins,
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
        )
