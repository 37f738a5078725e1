"""Sending HTML replies that Telegram always accepts: at most 4096 characters, tags balanced.

A long reply is split on line boundaries. The renderer opens and closes its tags on one
line, so a line boundary is always a safe cut; a single line longer than a message is cut
at a space, closing its open tags and reopening them in the next part.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardMarkup, MaybeInaccessibleMessage, Message

MAX_MESSAGE_LENGTH = 4096
# Room kept for the tags closed and reopened around a cut inside a line.
_TAG_RESERVE = 64
_ATOM = re.compile(r"<[^<>]*>|&#?\w+;|\s|.", re.DOTALL)
_TAG = re.compile(r"<(/?)([a-zA-Z]+)[^<>]*>")


def size(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units), an upper bound with the tags in."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Cut `text` into parts of at most `limit`, each valid HTML on its own; none if blank."""
    parts: list[str] = []
    current: list[str] = []
    current_size = 0
    for line in text.split("\n"):
        for piece in _split_line(line, limit):
            added = size(piece) + (1 if current else 0)
            if current and current_size + added > limit:
                parts.append("\n".join(current))
                current, current_size = [], 0
                added = size(piece)
            current.append(piece)
            current_size += added
    parts.append("\n".join(current))
    cleaned = [part.strip("\n") for part in parts]
    return [part for part in cleaned if part.strip()]


def _open_tags(stack: list[str], atom: str) -> None:
    match = _TAG.fullmatch(atom)
    if match is None:
        return
    closing, name = match.group(1), match.group(2).lower()
    if closing and name in stack:
        del stack[len(stack) - 1 - stack[::-1].index(name)]
    elif not closing:
        stack.append(name)


def _split_line(line: str, limit: int) -> list[str]:
    """One line as pieces of at most `limit`, cut at spaces and never inside a tag or entity."""
    if size(line) <= limit:
        return [line]
    budget = limit - _TAG_RESERVE
    pieces: list[str] = []
    stack: list[str] = []  # tags open where the current piece starts
    atoms = _ATOM.findall(line)
    start = 0
    while start < len(atoms):
        reopen = "".join(f"<{name}>" for name in stack)
        used, end, last_space = size(reopen), start, None
        while end < len(atoms) and used + size(atoms[end]) <= budget:
            if atoms[end].isspace():
                last_space = end
            used += size(atoms[end])
            end += 1
        if end < len(atoms) and last_space is not None and last_space > start:
            end = last_space
        end = max(end, start + 1)
        closing = list(stack)
        for atom in atoms[start:end]:
            _open_tags(closing, atom)
        body = "".join(atoms[start:end])
        pieces.append(reopen + body + "".join(f"</{name}>" for name in reversed(closing)))
        stack = closing
        start = end
        while start < len(atoms) and atoms[start].isspace():
            start += 1
    return pieces


async def reply_html(
    message: MaybeInaccessibleMessage,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
    *,
    quote: bool = False,
) -> list[Message]:
    """Send `text` in as many parts as needed; the keyboard goes under the last part.

    With `quote` (groups) every part replies to `message`, so none floats loose in the chat.
    """
    parts = split_html(text)
    sent: list[Message] = []
    for number, part in enumerate(parts, start=1):
        markup = keyboard if number == len(parts) else None
        if isinstance(message, Message):
            sent.append(await message.reply_text(part, reply_markup=markup, do_quote=quote))
        else:  # a button under a message too old to reply to: write to the chat instead
            sent.append(
                await message.get_bot().send_message(message.chat.id, part, reply_markup=markup)
            )
    return sent
