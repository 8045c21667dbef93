"""Tables of the message pipeline. Singular snake_case names; timestamps end in `_at` and are UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets BIGINT identities.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC on every backend, returned as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Conversation(Base):
    """One person on one channel: the dialog state. Its row lock orders that person's turns."""

    __tablename__ = "conversation"
    __table_args__ = (Index("ix_conversation_created", "created_at"),)  # レポート: friends added in a date range

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # "line:U…", "web:…"
    channel: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(150))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    turn_count: Mapped[int] = mapped_column(Integer, default=0)
    # LINE's rich menu for the state (dialogs.main.menu_of) and the one linked; NULL shown = the default.
    menu_wanted: Mapped[str | None] = mapped_column(String(20), nullable=True)
    menu_shown: Mapped[str | None] = mapped_column(String(20), nullable=True)
    trial: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # /try, `madoguchi chat`
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InboxEvent(Base):
    """Every webhook event, stored before the webhook is acknowledged; unique per channel event id."""

    __tablename__ = "inbox_event"
    __table_args__ = (
        UniqueConstraint("channel", "event_key", name="uq_inbox_event_channel_event_key"),
        Index("ix_inbox_event_pending", "status", "conversation_key", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    event_key: Mapped[str] = mapped_column(String(100))
    conversation_key: Mapped[str] = mapped_column(ForeignKey("conversation.key"))
    status: Mapped[str] = mapped_column(String(12))  # pending | done | ignored | failed
    inbound: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    reply_token: Mapped[str | None] = mapped_column(String(300), nullable=True)
    event_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    turn_no: Mapped[int | None] = mapped_column(Integer, nullable=True)
    worker: Mapped[str | None] = mapped_column(String(80), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class OutboxMessage(Base):
    """One send to a channel (≤ the channel's per-call message limit), committed with the turn."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        Index("ix_outbox_message_conversation", "conversation_key", "status", "id"),
        Index("ix_outbox_message_sent", "channel", "via", "sent_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    conversation_key: Mapped[str] = mapped_column(ForeignKey("conversation.key"))
    inbox_event_id: Mapped[int | None] = mapped_column(ForeignKey("inbox_event.id"), nullable=True)
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(150))
    payload: Mapped[list[Any]] = mapped_column(JSON)
    reply_token: Mapped[str | None] = mapped_column(String(300), nullable=True)
    reply_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reply_attempted: Mapped[bool] = mapped_column(Boolean, default=False)
    retry_key: Mapped[str] = mapped_column(String(36))
    # pending | sent | failed | unconfirmed (a reply LINE may have taken; never pushed blindly: README)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    leased_by: Mapped[str | None] = mapped_column(String(80), nullable=True)  # the worker holding the lease
    via: Mapped[str | None] = mapped_column(String(12), nullable=True)  # reply | push | pull
    # Who asked for this send: bot | coordinator_reply | decision | reminder | survey (LINE pushes are counted by it).
    purpose: Mapped[str] = mapped_column(String(20), default="bot", server_default="bot")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class DialogEffect(Base):
    """An effect a turn asked for (e.g. handoff_requested), recorded in the turn's transaction."""

    __tablename__ = "dialog_effect"
    __table_args__ = (
        Index("ix_dialog_effect_kind_at", "kind", "created_at"),  # the reports: one kind in a date range
        Index("ix_dialog_effect_conversation", "conversation_key", "kind"),  # one owner's (consent, erasure)
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    conversation_key: Mapped[str] = mapped_column(ForeignKey("conversation.key"))
    kind: Mapped[str] = mapped_column(String(50))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WorkerHeartbeat(Base):
    """A worker process's last sign of life (readiness: some worker beat recently)."""

    __tablename__ = "worker_heartbeat"

    worker_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OwnerProfile(Base):
    """What the platform says about the person behind a conversation (LINE's profile): chosen by that person, so
    never a verified name. Fetched after the first turn and refreshed rarely (bot/pipeline/profiles.py)."""

    __tablename__ = "owner_profile"

    conversation_key: Mapped[str] = mapped_column(ForeignKey("conversation.key"), primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    picture_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the next fetch; a claim pushes it RETRY ahead (a lease)
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # the last answer with a profile
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | found | missing | error


class OwnerFile(Base):
    """An image or file an owner sent (LINE keeps it only for a while, so it is fetched soon after it arrives). Shown
    to the desk on the conversation's cases; the bytes stay in the database with the conversation."""

    __tablename__ = "owner_file"
    __table_args__ = (UniqueConstraint("channel", "message_id", name="uq_owner_file_channel_message_id"),
                      Index("ix_owner_file_conversation", "conversation_key", "id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    conversation_key: Mapped[str] = mapped_column(ForeignKey("conversation.key"))
    channel: Mapped[str] = mapped_column(String(20))
    message_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # image | file
    file_name: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | stored | refused | failed
    reason: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
