"""Logging that never shows the bot token: one line per event, as text or JSON.

httpx logs every request URL at INFO and PTB's Bot logs its API URL at DEBUG, and a Bot
API URL holds the token; so httpx is kept at WARNING and the loggers that see URLs have
the token blotted out.
"""

from __future__ import annotations

import json
import logging

# Filters on a logger see only the records created on it, so each one is named.
_SEES_URLS = (
    "aiohttp.client",
    "httpx",
    "httpcore",
    "telegram.Bot",
    "telegram.ext.ExtBot",
    "telegram.ext.Updater",
)
_REDACTED = "<redacted token>"


class RedactToken(logging.Filter):
    """Replaces the token in a record's message before any handler formats it."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, _REDACTED), None
        if record.exc_info and not record.exc_text:  # PTB's InvalidToken message holds it
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, _REDACTED)
        return True


def protect_token(token: str | None) -> None:
    """Keep the token out of library logs: called when an Application is built."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not token:
        return
    for name in _SEES_URLS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactToken) and f.token == token for f in logger.filters):
            logger.addFilter(RedactToken(token))


class OneLineFormatter(logging.Formatter):
    """The usual text format, with tracebacks folded into the same line: one line per event."""

    def format(self, record: logging.LogRecord) -> str:
        return _one_line(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object a line (LOG_FORMAT=json), for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:  # already redacted by RedactToken when the token is known
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def _one_line(text: str) -> str:
    return text.replace("\r", "").replace("\n", " | ")


def configure_logging(level: str, token: str | None, log_format: str = "text") -> None:
    """Console logging for `python -m bot run`: LOG_LEVEL, LOG_FORMAT; the token redacted."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # force: this handler is the only one, whatever a library may have set up before
    logging.basicConfig(level=getattr(logging, level, logging.INFO), handlers=[handler], force=True)
    protect_token(token)
    if token:
        for root_handler in logging.getLogger().handlers:
            root_handler.addFilter(RedactToken(token))
