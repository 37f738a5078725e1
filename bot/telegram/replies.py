"""Sending HTML replies that Telegram always accepts: at most 4096 characters, tags balanced.

A long reply is split on line boundaries. A tag may span lines (the folded rest of an
answer is one `<blockquote expandable>`): a cut inside it closes it at the end of one part
and opens it again at the start of the next. A single line longer than a message is cut at
a space, the same way.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardMarkup, MaybeInaccessibleMessage, Message

MAX_MESSAGE_LENGTH = 4096
# Room kept for the tags closed and reopened around a cut.
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
    stack: list[str] = []  # the tags open after what `current` holds, as written
    for line in text.split("\n"):
        around = size("".join(stack) + _closing(stack))  # what a cut inside `stack` adds
        for piece in _split_line(line, limit - around):
            after = _after(stack, piece)
            added = size(piece) + (1 if current else 0)
            if current and current_size + added + size(_closing(after)) > limit:
                parts.append("\n".join(current) + _closing(stack))
                piece = "".join(stack) + piece
                current, current_size, added = [], 0, size(piece)
            current.append(piece)
            current_size += added
            stack = after
    parts.append("\n".join(current) + _closing(stack))
    cleaned = [part.strip("\n") for part in parts]
    return [part for part in cleaned if _TAG.sub("", part).strip()]


def _name(tag: str) -> str:
    match = _TAG.fullmatch(tag)
    return match.group(2).lower() if match else ""


def _closing(stack: list[str]) -> str:
    return "".join(f"</{_name(tag)}>" for tag in reversed(stack))


def _after(stack: list[str], html: str) -> list[str]:
    """The tags open after `html`, given those open before it."""
    stack = list(stack)
    for atom in _TAG.finditer(html):
        closing, name = atom.group(1), atom.group(2).lower()
        names = [_name(tag) for tag in stack]
        if closing and name in names:
            del stack[len(names) - 1 - names[::-1].index(name)]
        elif not closing:
            stack.append(atom.group(0))
    return stack


def _split_line(line: str, limit: int) -> list[str]:
    """One line as pieces of at most `limit`, cut at spaces and never inside a tag or entity.

    Every piece but the last closes the tags it leaves open and the next reopens them; the
    last leaves open what the line leaves open (a quote that goes on over the next lines).
    """
    if size(line) + size(_closing(_after([], line))) <= limit:
        return [line]
    budget = max(limit - _TAG_RESERVE, limit // 2)
    pieces: list[str] = []
    stack: list[str] = []  # tags open where the current piece starts
    atoms = _ATOM.findall(line)
    start = 0
    while start < len(atoms):
        reopen = "".join(stack)
        used, end, last_space = size(reopen), start, None
        while end < len(atoms) and used + size(atoms[end]) <= budget:
            if atoms[end].isspace():
                last_space = end
            used += size(atoms[end])
            end += 1
        if end < len(atoms) and last_space is not None and last_space > start:
            end = last_space
        end = max(end, start + 1)
        body = "".join(atoms[start:end])
        stack = _after(stack, body)
        start = end
        while start < len(atoms) and atoms[start].isspace():
            start += 1
        pieces.append(reopen + body + (_closing(stack) if start < len(atoms) else ""))
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
