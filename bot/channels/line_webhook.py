"""LINE webhook: signature check on the raw bytes, then SDK parsing, then our own `NewEvent`s.

Order (line-bot-sdk fastapi-echo): verify → parse → store → 200. Webhook models are line-bot-sdk's; they are
converted here and never leave `bot/channels/`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from linebot.v3.webhooks import (
    AudioMessageContent,
    Event,
    FileMessageContent,
    FollowEvent,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
    VideoMessageContent,
)

from bot.channels.base import Malformed, Unauthenticated
from bot.pipeline.inbox import NewEvent
from dialogs.model import Inbound, Kind

log = logging.getLogger(__name__)
CHANNEL = "line"


class BadSignature(Unauthenticated):
    """Missing or wrong x-line-signature."""


class BadBody(Malformed):
    """Signed, but not a webhook body."""


def signature_of(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify(secret: str, body: bytes, signature: str | None) -> None:
    """Constant-time check of Base64(HMAC-SHA256(secret, body)); raises BadSignature."""
    if not signature or not hmac.compare_digest(signature_of(secret, body).encode(), signature.encode()):
        raise BadSignature


# Message content class → (kind, how to read its text)
CONTENT_KINDS: dict[type, tuple[Kind, Callable[[Any], str]]] = {
    TextMessageContent: (Kind.TEXT, lambda m: m.text or ""),
    StickerMessageContent: (Kind.STICKER, lambda m: ""),
    ImageMessageContent: (Kind.IMAGE, lambda m: ""),
    FileMessageContent: (Kind.FILE, lambda m: m.file_name or ""),
    LocationMessageContent: (Kind.LOCATION, lambda m: m.address or m.title or ""),
    VideoMessageContent: (Kind.MEDIA, lambda m: ""),
    AudioMessageContent: (Kind.MEDIA, lambda m: ""),
}


def _inbound(event: Event, at: datetime) -> Inbound | None:
    """Our Inbound for the events we answer; None for the ones we keep but never answer."""
    if getattr(event.mode, "value", event.mode) != "active" or not isinstance(event.source, UserSource):
        return None
    if isinstance(event, MessageEvent):
        kind, read = CONTENT_KINDS.get(type(event.message), (Kind.MEDIA, lambda m: ""))
        return Inbound(kind, at, text=read(event.message))
    if isinstance(event, PostbackEvent):
        return Inbound(Kind.POSTBACK, at, data=event.postback.data or "")
    if isinstance(event, FollowEvent):
        return Inbound(Kind.FOLLOW, at)
    if isinstance(event, UnfollowEvent):
        return Inbound(Kind.UNFOLLOW, at)
    return None


def _source_id(raw: dict[str, Any]) -> str:
    source = raw.get("source") or {}
    return str(source.get("userId") or source.get("groupId") or source.get("roomId") or "unknown")


def _event_key(raw: dict[str, Any]) -> str:
    key = raw.get("webhookEventId")
    if isinstance(key, str) and key:
        return key
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:40]
    return f"sha:{digest}"


def to_new_event(raw: dict[str, Any]) -> NewEvent:
    at = _event_time(raw)
    try:
        event: Event | None = Event.from_dict(raw)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:  # a type this SDK does not know: keep, ignore
        log.info("kept an unknown LINE event type %r (%s)", raw.get("type"), type(exc).__name__)
        event = None
    inbound = _inbound(event, at) if event is not None else None
    token = getattr(event, "reply_token", None) if inbound else None
    return NewEvent(CHANNEL, _event_key(raw), _source_id(raw), at, raw, inbound, token)


# What a signed body must look like before anything reads it further; LINE's own bodies are shallow and typed so.
MAX_DEPTH = 16
LATEST_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z: later timestamps do not fit a datetime
EVENT_FIELDS: tuple[tuple[str, type | tuple[type, ...]], ...] = (
    ("type", str), ("timestamp", int), ("source", dict), ("webhookEventId", str), ("mode", str),
    ("replyToken", str), ("deliveryContext", dict), ("message", dict), ("postback", dict))


def _event_time(raw: dict[str, Any]) -> datetime:
    return datetime.fromtimestamp(int(raw.get("timestamp") or 0) / 1000, UTC)


def _depth(doc: Any) -> int:
    """How deeply lists and objects nest (without recursion: a hostile body cannot exhaust the stack)."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def _check_event(raw: Any) -> dict[str, Any]:
    """An event object whose fields have the types LINE sends; raises TypeError/ValueError otherwise."""
    if not isinstance(raw, dict):
        raise TypeError("an event is not an object")
    for name, kind in EVENT_FIELDS:
        value = raw.get(name)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            raise TypeError(f"{name} is not a {getattr(kind, '__name__', kind)}")
    if not 0 <= int(raw.get("timestamp") or 0) <= LATEST_MS:
        raise ValueError("timestamp out of range")
    ids = [value for key, value in (raw.get("source") or {}).items() if key in ("userId", "groupId", "roomId")]
    if not all(isinstance(value, str) for value in ids):
        raise TypeError("source ids are not strings")
    return raw


def parse(secret: str, body: bytes, signature: str | None) -> list[NewEvent]:
    """Verify, then check the body's shape, then convert every event. Raises BadSignature or BadBody (never more:
    a signed body that answers 500 would be redelivered by LINE for ever)."""
    verify(secret, body, signature)
    try:
        doc = json.loads(body)
        if not isinstance(doc, dict) or not isinstance(doc.get("events"), list):
            raise TypeError("events is not a list")
        if _depth(doc) > MAX_DEPTH:
            raise ValueError("nested too deeply")
        return [to_new_event(_check_event(raw)) for raw in doc["events"]]
    except (ValueError, KeyError, TypeError, RecursionError, OverflowError) as exc:
        raise BadBody(f"{type(exc).__name__}: {str(exc)[:200]}") from exc
