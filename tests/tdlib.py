"""Telegram's own HTML parser: TDLib, the library the Bot API server runs, from the tdjson wheel.

`parse_html` asks TDLib's `parseTextEntities` what Telegram would make of a message's HTML:
the text a reader sees and its entities, or the exact "Can't parse entities" error. The fake
Bot API server refuses what it refuses, so every HTML text the bot sends in the end-to-end
tests is checked by the real parser rather than by a home-made one. The wheel's own binding
calls libtdjson's `td_execute` (the library sits in tdjson.libs under a hashed name, so ctypes
would have to guess its path).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import tdjson

MAX_TEXT = 4096  # UTF-16 code units of parsed text in one message
MAX_CAPTION = 1024  # the same for a media caption
MAX_ENTITIES = 100  # Telegram keeps no more in a message: the fake refuses more, none lost silently
EXPANDABLE = "textEntityTypeExpandableBlockQuote"


class ParseError(ValueError):
    """TDLib's refusal, worded as TDLib words it ("Can't parse entities: ...")."""


@dataclass(frozen=True)
class Parsed:
    """A message as a reader gets it: its text and entities (offsets in UTF-16 code units)."""

    text: str
    entities: tuple[dict[str, Any], ...]

    def units(self) -> int:
        return utf16_len(self.text)

    def outside(self, entity_type: str) -> str:
        """The text outside every entity of `entity_type`: what shows before expanding."""
        encoded = self.text.encode("utf-16-le")
        kept, start = [], 0
        spans = sorted(
            (e["offset"], e["offset"] + e["length"])
            for e in self.entities
            if e["type"]["@type"] == entity_type
        )
        for first, last in spans:
            kept.append(encoded[start * 2 : first * 2])
            start = max(start, last)
        kept.append(encoded[start * 2 :])
        return b"".join(kept).decode("utf-16-le")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _execute(request: dict[str, Any]) -> dict[str, Any]:
    return json.loads(tdjson.td_execute(json.dumps(request).encode()))


@cache
def _quiet() -> None:
    """TDLib logs to stderr by default; once, before the first parse, silence it."""
    _execute({"@type": "setLogVerbosityLevel", "new_verbosity_level": 0})


def parse_html(markup: str) -> Parsed:
    """TDLib's reading of `markup` in Telegram's HTML parse mode; ParseError if it refuses."""
    _quiet()
    result = _execute(
        {"@type": "parseTextEntities", "text": markup, "parse_mode": {"@type": "textParseModeHTML"}}
    )
    if result["@type"] == "error":
        raise ParseError(result["message"])
    return Parsed(result["text"], tuple(result["entities"]))


def message_problem(
    text: str, parse_mode: str | None = "HTML", limit: int = MAX_TEXT
) -> str | None:
    """Why Telegram would refuse `text` as a message (or as a caption, with its `limit`),
    worded as the Bot API does; None when it would send it."""
    if str(parse_mode).lower() == "html":
        try:
            parsed = parse_html(text)
        except ParseError as err:
            return f"Bad Request: c{str(err)[1:]}"  # the Bot API lower-cases TDLib's first letter
    else:
        parsed = Parsed(text, ())
    if limit == MAX_TEXT and not parsed.text.strip():
        return "Bad Request: message text is empty"  # a caption may be empty
    if parsed.units() > limit:
        return f"Bad Request: {'message' if limit == MAX_TEXT else 'caption'} is too long"
    if len(parsed.entities) > MAX_ENTITIES:
        return f"Bad Request: too many entities ({len(parsed.entities)} > {MAX_ENTITIES})"
    return None
