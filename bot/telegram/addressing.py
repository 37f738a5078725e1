"""Group etiquette: which messages are meant for the bot, and what they ask.

In private chats every text is for the bot. In groups only commands (handled by
CommandHandler, which already ignores /cmd@otherbot; an unknown command counts only as
/cmd@thisbot), mentions of the bot and replies to its own messages are; other chatter is
never answered.
"""

from __future__ import annotations

import re

from telegram import Chat, Message
from telegram.ext import filters

from ..commands import Command, parse_command


class _FromHuman(filters.MessageFilter):
    """Not from a bot (including this one), not posted through this bot's inline mode."""

    __slots__ = ()

    def filter(self, message: Message) -> bool:
        sender = message.from_user
        if sender is None or message.via_bot is not None:
            return False
        # an anonymous group admin writes as GroupAnonymousBot on behalf of the chat
        anonymous_admin = message.sender_chat is not None and message.sender_chat.id == (
            message.chat.id
        )
        return not sender.is_bot or anonymous_admin


FROM_HUMAN = _FromHuman(name="FROM_HUMAN")
# New messages only: an edited question is not asked again.
NEW_HUMAN_MESSAGE = filters.UpdateType.MESSAGE & FROM_HUMAN


def is_private(message: Message) -> bool:
    return message.chat.type == Chat.PRIVATE


def command_of(message: Message) -> Command:
    """The command a message starts with: '/Iran@thisbot now' -> iran, thisbot, 'now'."""
    return parse_command(message.text or "") or Command("")


def text_after_command(message: Message) -> str:
    """Everything after the command, newlines kept (context.args would split them away)."""
    return command_of(message).argument


def names_this_bot(message: Message, username: str) -> bool:
    """/cmd@thisbot: meant for this bot even in a group full of other bots' commands."""
    named = command_of(message).bot
    return named is not None and named.lower() == username.lower()


def strip_mention(text: str, username: str) -> str:
    """The text without '@thisbot', tidied up."""
    stripped = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
    return re.sub(r"[ \t]+", " ", stripped).strip(" ,:;\n\t")


def mentions(text: str, username: str) -> bool:
    return re.search(rf"@{re.escape(username)}\b", text, flags=re.IGNORECASE) is not None


def is_reply_to(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == bot_id


def question_for_bot(message: Message, username: str, bot_id: int) -> str | None:
    """The question a text message puts to the bot, or None when it is not addressed to it."""
    text = message.text or ""
    if is_private(message) or mentions(text, username) or is_reply_to(message, bot_id):
        return strip_mention(text, username)
    return None
