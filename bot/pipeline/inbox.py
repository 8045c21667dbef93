"""Storing channel events durably, once each, before the webhook answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.db.sql import insert_ignoring_duplicates
from bot.db.tables import Conversation, InboxEvent, utcnow
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
            "inbound": e.inbound.to_dict() if e.inbound else None, "raw": e.raw,
            "reply_token": e.reply_token, "event_at": e.event_at, "received_at": now, "attempts": 0,
        }
        for e in events
    ]
    with session_factory.begin() as session:
        insert_ignoring_duplicates(session, Conversation, list(conversations.values()), ["key"])
        return insert_ignoring_duplicates(session, InboxEvent, rows, ["channel", "event_key"])
