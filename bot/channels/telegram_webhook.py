"""Telegram webhook: the secret-token header is checked (constant time) before anything is read; updates are
parsed by python-telegram-bot and converted to our `NewEvent`s here (PTB objects stay in bot/channels/)."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from telegram import Message, Update

from bot.channels import telegram_commands
from bot.channels.base import Malformed, Unauthenticated
from bot.pipeline.inbox import NewEvent
from dialogs.model import Inbound, Kind

CHANNEL = "telegram"


class BadSecret(Unauthenticated):
    """Missing or wrong X-Telegram-Bot-Api-Secret-Token."""


class BadUpdate(Malformed):
    """Authenticated, but not an update."""


def verify(secret: str, header: str | None) -> None:
    if not header or not hmac.compare_digest(secret.encode(), header.encode()):
        raise BadSecret


# What a message holds → (our kind, how to read its text); the first present attribute wins.
MESSAGE_KINDS: tuple[tuple[str, Kind, Callable[[Message], str]], ...] = (
    ("text", Kind.TEXT, lambda m: m.text or ""),
    ("sticker", Kind.STICKER, lambda m: ""),
    ("photo", Kind.IMAGE, lambda m: m.caption or ""),
    ("document", Kind.FILE, lambda m: m.document.file_name if m.document and m.document.file_name else ""),
    ("location", Kind.LOCATION, lambda m: ""),
    ("voice", Kind.MEDIA, lambda m: ""),
    ("video", Kind.MEDIA, lambda m: ""),
    ("audio", Kind.MEDIA, lambda m: ""),
)


def _from_message(message: Message, at: datetime) -> Inbound:
    command = telegram_commands.inbound_of(message.text or "", at)  # /start is the first contact, like a follow
    if command is not None:
        return command
    for attribute, kind, read in MESSAGE_KINDS:
        if getattr(message, attribute):
            return Inbound(kind, at, text=read(message))
    return Inbound(Kind.MEDIA, at)


def to_new_event(raw: dict[str, Any]) -> NewEvent:
    update = Update.de_json(raw, None)
    chat = update.effective_chat
    user = str(chat.id if chat else (update.effective_user.id if update.effective_user else "unknown"))
    inbound: Inbound | None = None
    at = datetime.now(UTC)
    if update.callback_query is not None:
        inbound = Inbound(Kind.POSTBACK, at, data=update.callback_query.data or "")
    elif update.message is not None and (chat is None or chat.type == "private"):
        at = update.message.date.astimezone(UTC)
        inbound = _from_message(update.message, at)
    return NewEvent(CHANNEL, str(update.update_id), user, at, raw, inbound)


def parse(secret: str, header: str | None, body: bytes) -> list[NewEvent]:
    """Check the secret, then read one update. Raises BadSecret or BadUpdate."""
    verify(secret, header)
    try:
        raw = json.loads(body)
        if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
            raise ValueError("no update_id")
        return [to_new_event(raw)]
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, OverflowError) as exc:
        raise BadUpdate(f"{type(exc).__name__}: {str(exc)[:200]}") from exc
