"""Claiming outbox rows for delivery, in order per conversation, with a lease instead of a long transaction."""

from __future__ import annotations

import random
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.channels.base import Delivery, Outcome, Outgoing
from bot.db.engine import reader
from bot.db.tables import OutboxMessage, utcnow

BACKOFF_CAP_SECONDS = 60.0


def backoff(attempts: int) -> timedelta:
    """0.5 s, 1 s, 2 s … capped at a minute, with ±20 % jitter."""
    base = min(BACKOFF_CAP_SECONDS, 0.5 * 2 ** max(0, attempts - 1))
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


def lease_row(row: OutboxMessage, *, now: datetime, lease: timedelta) -> Outgoing:
    """Lease a row (inside the caller's transaction) and decide, durably, whether this attempt uses the token."""
    use_reply = bool(row.reply_token and row.reply_deadline_at and now < row.reply_deadline_at)
    claimed = Outgoing(
        id=row.id, channel=row.channel, recipient=row.recipient, payload=row.payload, retry_key=row.retry_key,
        reply_token=row.reply_token, use_reply_token=use_reply, reply_attempted=bool(row.reply_attempted),
    )
    row.lease_until = now + lease
    row.attempts = (row.attempts or 0) + 1
    # Recorded before the call: after a crash we know a reply may have gone out with this token.
    row.reply_attempted = bool(row.reply_attempted) or use_reply
    return claimed


def has_pending(session: Session, conversation_key: str) -> bool:
    return session.scalar(
        select(OutboxMessage.id)
        .where(OutboxMessage.conversation_key == conversation_key, OutboxMessage.status == "pending")
        .limit(1)
    ) is not None


def claim_next(
    *, session_factory: sessionmaker[Session], channels: Collection[str], lease: timedelta,
    conversation_key: str | None = None,
) -> Outgoing | None:
    """Lease the oldest due row that heads its conversation's queue (nothing earlier still pending)."""
    now = utcnow()
    earlier = aliased(OutboxMessage)
    head_of_queue = ~exists().where(
        earlier.conversation_key == OutboxMessage.conversation_key,
        earlier.status == "pending",
        earlier.id < OutboxMessage.id,
    )
    stmt = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == "pending",
            OutboxMessage.channel.in_(list(channels)),
            OutboxMessage.next_attempt_at <= now,
            (OutboxMessage.lease_until.is_(None)) | (OutboxMessage.lease_until < now),
            head_of_queue,
        )
        .order_by(OutboxMessage.id)
        .limit(1)
    )
    if conversation_key is not None:
        stmt = stmt.where(OutboxMessage.conversation_key == conversation_key)
    with Session(reader(session_factory.kw["bind"])) as session:  # idle polling takes no write lock
        if session.scalar(stmt.with_only_columns(OutboxMessage.id)) is None:
            return None
    with session_factory.begin() as session:
        row = session.scalars(stmt.with_for_update(skip_locked=True, of=OutboxMessage)).first()
        if row is None:
            return None
        return lease_row(row, now=now, lease=lease)


def settle(
    *, session_factory: sessionmaker[Session], message_id: int, delivery: Delivery, max_attempts: int
) -> str:
    """Record what happened to a claimed row; returns its new status."""
    now = utcnow()
    with session_factory.begin() as session:
        row = session.get(OutboxMessage, message_id, with_for_update=True)
        assert row is not None
        values: dict[str, Any] = {"lease_until": None, "last_error": delivery.error or None}
        if delivery.reply_refused:  # recorded before any push, so a crash cannot mistake it for delivered
            values |= {"reply_token": None, "reply_attempted": False}
        if delivery.outcome is Outcome.SENT:
            values |= {"status": "sent", "sent_at": now, "via": delivery.via}
        elif delivery.outcome is Outcome.FAILED or row.attempts >= max_attempts:
            values |= {"status": "failed"}
        else:
            values |= {"next_attempt_at": now if delivery.reply_refused else now + backoff(row.attempts)}
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))
        return str(values.get("status", "pending"))


def take_pulled(*, session_factory: sessionmaker[Session], conversation_key: str) -> list[dict[str, Any]]:
    """For pull channels: hand over every pending send of the conversation, in order, and mark them sent."""
    now = utcnow()
    with session_factory.begin() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.conversation_key == conversation_key, OutboxMessage.status == "pending")
            .order_by(OutboxMessage.id)
            .with_for_update()
        ).all()
        for row in rows:
            row.status, row.sent_at, row.via = "sent", now, "pull"
        return [reply for row in rows for reply in row.payload]

