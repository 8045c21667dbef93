"""Claiming outbox rows for delivery, in order per conversation, with a lease instead of a long transaction.

Exactly once, as far as the platform lets us know (README, 送信の重複と未確認): a lease names its worker, and a
worker whose heartbeat went stale has its leases taken over at once; a settle counts only for the attempt that
still holds the row (`attempts` fences it); and a reply that may have reached LINE is tried again only with its
reply token while the token is fresh (LINE answers 400 to a used token: delivered). Once the token is stale it is
never pushed blindly: the row becomes `unconfirmed`, shown as 送信未確認 in the case page.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.channels.base import Batch, Channel, Delivery, FileSender, Outcome, Outgoing, SentFile
from bot.db.engine import reader
from bot.db.tables import Conversation, OutboxMessage, WorkerHeartbeat, utcnow
from dialogs.model import Reply

log = logging.getLogger(__name__)
BACKOFF_CAP_SECONDS = 60.0
UNCONFIRMED = "unconfirmed"
UNCONFIRMED_NOTE = "LINE が返信を受け付けたか確かめられず、重複を避けるため再送していません"


def backoff(attempts: int) -> timedelta:
    """0.5 s, 1 s, 2 s … capped at a minute, with ±20 % jitter."""
    base = min(BACKOFF_CAP_SECONDS, 0.5 * 2 ** max(0, attempts - 1))
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


def enqueue(*, session: Session, conversation: Conversation, channel: Channel, replies: tuple[Reply, ...],
            now: datetime, reply_token: str | None = None, reply_deadline_at: datetime | None = None,
            inbox_event_id: int | None = None, purpose: str = "bot") -> list[OutboxMessage]:
    """The one writer of outbox rows (the bot's turns and the desk's messages alike): the replies rendered for the
    conversation's channel, in order; the first may use the event's reply token while it is fresh. `purpose` says
    who asked for the send (bot | coordinator_reply | decision | reminder | survey), for the LINE push counts."""
    return _rows(session=session, conversation=conversation, batches=channel.render(replies), now=now,
                 reply_token=reply_token, reply_deadline_at=reply_deadline_at, inbox_event_id=inbox_event_id,
                 purpose=purpose)


def enqueue_file(*, session: Session, conversation: Conversation, channel: Channel, sent: SentFile, now: datetime,
                 purpose: str = "coordinator_file") -> list[OutboxMessage]:
    """A file from the desk, rendered by the owner's channel (LINE: an image message or a link; Telegram: an
    upload), queued in order with everything else; ValueError when the channel cannot carry files."""
    if not isinstance(channel, FileSender):
        raise ValueError(f"{conversation.channel} cannot carry files")
    return _rows(session=session, conversation=conversation, batches=channel.render_file(sent), now=now,
                 purpose=purpose)


def _rows(*, session: Session, conversation: Conversation, batches: list[Batch], now: datetime,
          reply_token: str | None = None, reply_deadline_at: datetime | None = None,
          inbox_event_id: int | None = None, purpose: str) -> list[OutboxMessage]:
    rows = [
        OutboxMessage(
            conversation_key=conversation.key, inbox_event_id=inbox_event_id, channel=conversation.channel,
            recipient=conversation.user_id, payload=batch, retry_key=str(uuid.uuid4()),
            reply_token=reply_token if i == 0 else None, reply_deadline_at=reply_deadline_at if i == 0 else None,
            reply_attempted=False, status="pending", attempts=0, next_attempt_at=now, created_at=now,
            purpose=purpose,
        )
        for i, batch in enumerate(batches)
    ]
    session.add_all(rows)
    session.flush()
    return rows


def _token_fresh(row: OutboxMessage, now: datetime) -> bool:
    return bool(row.reply_token and row.reply_deadline_at and now < row.reply_deadline_at)


def lease_row(row: OutboxMessage, *, now: datetime, lease: timedelta, worker_id: str = "") -> Outgoing:
    """Lease a row (inside the caller's transaction) and decide, durably, whether this attempt uses the token."""
    use_reply = _token_fresh(row, now)
    row.lease_until = now + lease
    row.leased_by = worker_id or None
    row.attempts = (row.attempts or 0) + 1
    claimed = Outgoing(
        id=row.id, channel=row.channel, recipient=row.recipient, payload=row.payload, retry_key=row.retry_key,
        reply_token=row.reply_token, use_reply_token=use_reply, reply_attempted=bool(row.reply_attempted),
        attempts=row.attempts,
    )
    # Recorded before the call: after a crash we know a reply may have gone out with this token.
    row.reply_attempted = bool(row.reply_attempted) or use_reply
    return claimed


# Statements are built once (building them is most of SQLAlchemy's cost); values come as bind parameters.
_earlier = aliased(OutboxMessage)
_DUE = (
    select(OutboxMessage)
    .where(
        OutboxMessage.status == "pending",
        OutboxMessage.channel.in_(bindparam("channels", expanding=True)),
        OutboxMessage.next_attempt_at <= bindparam("now"),
        OutboxMessage.lease_until.is_(None) | (OutboxMessage.lease_until < bindparam("now")) | exists().where(
            # a dead worker's lease (its heartbeat stale: killed) is taken over at once, not when it runs out
            WorkerHeartbeat.worker_id == OutboxMessage.leased_by, WorkerHeartbeat.beat_at < bindparam("dead_before"),
            WorkerHeartbeat.worker_id != bindparam("me")),  # never our own: we are alive, whatever the beat says
        ~exists().where(  # the head of its conversation's queue: nothing earlier still pending
            _earlier.conversation_key == OutboxMessage.conversation_key,
            _earlier.status == "pending",
            _earlier.id < OutboxMessage.id,
        ),
    )
    .order_by(OutboxMessage.id)
    .limit(1)
)
_DUE_OF = _DUE.where(OutboxMessage.conversation_key == bindparam("key"))
_PEEK = {False: _DUE.with_only_columns(OutboxMessage.id), True: _DUE_OF.with_only_columns(OutboxMessage.id)}
_CLAIM = {
    False: _DUE.with_for_update(skip_locked=True, of=OutboxMessage),
    True: _DUE_OF.with_for_update(skip_locked=True, of=OutboxMessage),
}
_HAS_PENDING = (
    select(OutboxMessage.id)
    .where(OutboxMessage.conversation_key == bindparam("key"), OutboxMessage.status == "pending")
    .limit(1)
)


def has_pending(session: Session, conversation_key: str) -> bool:
    return session.scalar(_HAS_PENDING, {"key": conversation_key}) is not None


def _unconfirmed(row: OutboxMessage) -> None:
    """A reply that may have reached LINE, whose token can no longer tell us: never pushed (it would be a duplicate
    whenever the reply did arrive); left for the desk, marked 送信未確認."""
    row.status, row.lease_until, row.leased_by, row.via = UNCONFIRMED, None, None, "reply?"
    row.last_error = UNCONFIRMED_NOTE
    log.warning("outbox %s unconfirmed: a reply may have been accepted and its token is stale; not pushed", row.id)


def claim_next(
    *, session_factory: sessionmaker[Session], channels: Collection[str], lease: timedelta,
    conversation_key: str | None = None, worker_id: str = "", takeover: timedelta | None = None,
) -> Outgoing | None:
    """Lease the oldest due row that heads its conversation's queue (nothing earlier still pending). A row whose
    earlier reply may have been accepted and whose token is stale is marked unconfirmed on the way, never sent."""
    now = utcnow()
    dead_before = now - (takeover if takeover is not None else timedelta(days=3650))
    params = {"channels": list(channels), "now": now, "key": conversation_key, "dead_before": dead_before,
              "me": worker_id}
    one = conversation_key is not None
    with Session(reader(session_factory.kw["bind"])) as session:  # idle polling takes no write lock
        if session.scalar(_PEEK[one], params) is None:
            return None
    with session_factory.begin() as session:
        while (row := session.scalars(_CLAIM[one], params).first()) is not None:
            if row.reply_attempted and not _token_fresh(row, now):
                _unconfirmed(row)
                session.flush()
                continue
            return lease_row(row, now=now, lease=lease, worker_id=worker_id)
        return None


def settle(*, session_factory: sessionmaker[Session], sent: Outgoing, delivery: Delivery, max_attempts: int) -> str:
    """Record what happened to a leased row, in one UPDATE, if this attempt still holds it (a worker taken for dead
    and taken over settles nothing: the newer attempt decides); returns its new status ("" when fenced out)."""
    return settle_many(session_factory=session_factory, outcomes=[(sent, delivery)], max_attempts=max_attempts)[0]


def settle_many(*, session_factory: sessionmaker[Session], outcomes: list[tuple[Outgoing, Delivery]],
                max_attempts: int) -> list[str]:
    """`settle` for several sends in one transaction (the worker batches the settles of concurrent turns)."""
    now = utcnow()
    changes = [_settled(sent, delivery, max_attempts, now) for sent, delivery in outcomes]
    with session_factory.begin() as session:
        held = [session.scalar(update(OutboxMessage).where(
            OutboxMessage.id == sent.id, OutboxMessage.status == "pending", OutboxMessage.attempts == sent.attempts,
        ).values(**values).returning(OutboxMessage.id)) for (sent, _), values in zip(outcomes, changes, strict=True)]
    return [str(values.get("status", "pending")) if row is not None else "" for row, values in
            zip(held, changes, strict=True)]


def _settled(sent: Outgoing, delivery: Delivery, max_attempts: int, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {"lease_until": None, "leased_by": None, "last_error": delivery.error or None}
    if delivery.reply_refused:  # recorded before any push, so a crash cannot mistake it for delivered
        values |= {"reply_token": None, "reply_attempted": False}
    elif sent.use_reply_token and delivery.outcome is not Outcome.SENT and not delivery.maybe_accepted:
        values["reply_attempted"] = sent.reply_attempted  # this attempt surely never reached LINE: only earlier ones
    if delivery.outcome is Outcome.SENT:
        values |= {"status": "sent", "sent_at": now, "via": delivery.via}
    elif delivery.outcome is Outcome.FAILED or sent.attempts >= max_attempts:
        values |= {"status": "failed"}
    else:
        values |= {"next_attempt_at": now if delivery.reply_refused else now + backoff(sent.attempts)}
    return values


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

