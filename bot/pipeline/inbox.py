"""Storing channel events durably, once each, before the webhook answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.sql import insert_ignoring_duplicates
from bot.db.tables import Conversation, DialogEffect, InboxEvent, OwnerFile, utcnow
from dialogs.model import Inbound


@dataclass(frozen=True)
class NewEvent:
    """A channel event converted at the adapter edge. `inbound` None means: keep it, never answer it."""

    channel: str
    event_key: str
    user_id: str
    event_at: datetime
    raw: dict[str, Any]
    inbound: Inbound | None
    reply_token: str | None = None
    trial: bool = False  # from a trial channel (/try, `madoguchi chat`): its cases are marked, never mailed

    @property
    def conversation_key(self) -> str:
        return f"{self.channel}:{self.user_id}"


# What a stored event keeps of the platform's body: no text, no names, no tokens (data minimisation, APPI).
ENVELOPE = ("type", "mode", "timestamp", "webhookEventId", "update_id", "kind")


def minimal(raw: dict[str, Any]) -> dict[str, Any]:
    """The envelope of a platform event (its type, time and ids), without what the person sent."""
    return {k: v for k, v in raw.items() if k in ENVELOPE and isinstance(v, str | int | float | bool)}


def store_events(*, session_factory: sessionmaker[Session], events: list[NewEvent]) -> int:
    """Insert the events (duplicates are no-ops) and their conversations in one transaction."""
    if not events:
        return 0
    now = utcnow()
    conversations = {
        e.conversation_key: {
            "key": e.conversation_key, "channel": e.channel, "user_id": e.user_id, "state": {},
            "turn_count": 0, "trial": e.trial, "created_at": now, "updated_at": now,
        }
        for e in events
    }
    rows = [
        {
            "channel": e.channel, "event_key": e.event_key, "conversation_key": e.conversation_key,
            "status": "pending" if e.inbound else "ignored",
            # The body waits for its turn (which reads an image's or a file's id from it) and is then cut to its
            # envelope (turns.py); an event nobody answers (a group's message, a beacon) keeps only the envelope.
            "inbound": e.inbound.to_dict() if e.inbound else None, "raw": e.raw if e.inbound else minimal(e.raw),
            "reply_token": e.reply_token, "event_at": e.event_at, "received_at": now, "attempts": 0,
        }
        for e in events
    ]
    with session_factory.begin() as session:
        insert_ignoring_duplicates(session, Conversation, list(conversations.values()), ["key"])
        return insert_ignoring_duplicates(session, InboxEvent, rows, ["channel", "event_key"])


FORGOTTEN = "（同意がなかったため削除しました）"


def forget_prescreening(*, session: Session, conversation_key: str) -> int:
    """What the owner typed or tapped since their latest pre-screening began, blanked in the inbox (the events stay,
    so the transcript shows that something was said and then deleted) and in the questions it recorded for the FAQ
    editor, and what the reports' funnel noted of the business (area, size, theme, 商工会); the images and files sent
    since are deleted. Returns how many events were blanked."""
    began = session.scalar(select(func.max(DialogEffect.created_at)).where(
        DialogEffect.conversation_key == conversation_key, DialogEffect.kind == "prescreen_started"))
    if began is None:
        return 0
    events = session.scalars(select(InboxEvent).where(
        InboxEvent.conversation_key == conversation_key, InboxEvent.inbound.is_not(None),
        InboxEvent.started_at >= began))
    forgotten = 0
    for event in events:
        assert event.inbound is not None
        event.inbound = {**event.inbound, "text": FORGOTTEN if event.inbound.get("text") else "", "data": ""}
        event.raw = minimal(event.raw)
        forgotten += 1
    session.execute(delete(OwnerFile).where(  # images and files sent since (fetched or still waiting to be)
        OwnerFile.conversation_key == conversation_key, OwnerFile.received_at >= began))
    for effect in session.scalars(select(DialogEffect).where(  # questions asked on the way (the FAQ misses list)
            DialogEffect.conversation_key == conversation_key, DialogEffect.created_at >= began,
            DialogEffect.kind.in_(("faq_missed", "faq_unhelpful")))):
        effect.payload = {**effect.payload, "question": ""}
    for effect in session.scalars(select(DialogEffect).where(  # what the funnel knew of the business: not kept either
            DialogEffect.conversation_key == conversation_key, DialogEffect.created_at >= began,
            DialogEffect.kind == "prescreen_asked")):
        effect.payload = {"step": effect.payload.get("step"), "index": effect.payload.get("index")}
    return forgotten
