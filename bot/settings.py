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
    log_format: str = "text"  # or "json": one JSON object a line, for log collectors
    # Webhook mode (python -m bot run --webhook): Telegram posts updates to WEBHOOK_URL, which a
    # proxy or load balancer forwards to LISTEN:PORT; WEBHOOK_SECRET proves a post is Telegram's.
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    listen: str = "0.0.0.0"
    port: int = 8080
    # A shared store for replicas (redis://host:6379/0); none: the SQLite file at state_path.
    state_url: str | None = field(default=None, repr=False)  # may hold a password
    record_unanswered: bool = True
    unanswered_path: Path | None = None  # default: unanswered.sqlite3 beside state_path
    heartbeat_path: Path | None = None  # default: heartbeat beside state_path
    # Reliability (issue 5): the long-poll timeout, live reload of the fact base, and a time
    # scale for the flood limits (tests only: 0.1 makes every limit's period ten times shorter).
    poll_timeout: int = 10
    knowledge_watch: bool = False
    knowledge_watch_interval: float = 2.0
    rate_time_scale: float = 1.0
    # Built engines kept on disk for a fast start (BOT_CACHE_DIR; "off" disables it).
    cache_dir: Path | None = None

    @property
    def unanswered_file(self) -> Path:
        return self.unanswered_path or self.state_path.with_name("unanswered.sqlite3")

    @property
    def heartbeat_file(self) -> Path:
        return self.heartbeat_path or self.state_path.with_name("heartbeat")

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
            log_format=(env.get("LOG_FORMAT") or "text").lower(),
            webhook_url=env.get("WEBHOOK_URL") or None,
            webhook_secret=env.get("WEBHOOK_SECRET") or None,
            listen=env.get("LISTEN") or "0.0.0.0",
            port=int(env.get("PORT") or 8080),
            state_url=env.get("STATE_URL") or None,
            record_unanswered=_flag(env.get("RECORD_UNANSWERED"), default=True),
            unanswered_path=_path(env.get("UNANSWERED_PATH")),
            heartbeat_path=_path(env.get("HEARTBEAT_PATH")),
            poll_timeout=int(_number(env.get("BOT_POLL_TIMEOUT"), 10)),
            knowledge_watch=_flag(env.get("KNOWLEDGE_WATCH"), default=False),
            knowledge_watch_interval=_number(env.get("KNOWLEDGE_WATCH_INTERVAL"), 2.0),
            rate_time_scale=_number(env.get("BOT_RATE_TIME_SCALE"), 1.0),
            cache_dir=_cache_dir(env),
        )


def _cache_dir(env: Mapping[str, str]) -> Path | None:
    value = env.get("BOT_CACHE_DIR")
    if value is not None:
        return None if value.strip().lower() in ("", "0", "off", "no") else Path(value)
    base = env.get("XDG_CACHE_HOME") or (Path(env["HOME"]) / ".cache" if "HOME" in env else None)
    return Path(base) / "kz-diplomacy-bot" if base else None


def _flag(value: str | None, *, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() not in ("0", "false", "no", "off")


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _number(value: str | None, default: float) -> float:
    """A positive number, or the default for anything else."""
    try:
        number = float(value or "")
    except ValueError:
        return default
    return number if number > 0 else default
