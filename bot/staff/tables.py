"""Tables of the staff web app."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.tables import Base, BigId, UTCDateTime, utcnow


class Organisation(Base):
    """A 商工会 / 商工会議所 (or the 連合会 itself): routes cases and scopes what advisors see."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # 商工会 | 商工会議所 | 連合会
    area: Mapped[str] = mapped_column(String(100), default="")
    # Other names owners type for it (「菊陽商工会」 for 菊陽町商工会); routing matches them normalised
    aliases: Mapped[list[str] | None] = mapped_column(JSON, nullable=True, default=list)


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # admin | coordinator | editor | advisor
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # An e-mail when an owner writes on one of my cases (the badge shows it anyway)
    mail_unread: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffSession(Base):
    """A login. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "staff_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    flash: Mapped[list[Any]] = mapped_column(JSON, default=list)


class LoginAttempt(Base):
    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email", "email", "at"),
        Index("ix_login_attempt_address", "address", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginThrottle(Base):
    """Login attempts in the current window per account ("account:<email>") and per address ("address:<ip>").

    One row per key, counted up by a single INSERT … ON CONFLICT DO UPDATE … RETURNING before the password is
    checked, so concurrent attempts each get their own number and at most the limit of them are checked.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class AccessLog(Base):
    """Who opened which case's personal data, how and when (the case page, its print view, its XLSX): for a breach
    report of one staff account. Append-only for the application role (`bot/db/roles.py`)."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_staff", "staff_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    staff_email: Mapped[str] = mapped_column(String(254))
    what: Mapped[str] = mapped_column(String(20))  # case | print | xlsx
    reference: Mapped[str] = mapped_column(String(20))


class AuditSeal(Base):
    """The audit log's hash chain: row by row, in the order they were sealed, digest = SHA-256(previous digest +
    the row's content). A sealed row changed or deleted breaks the chain (`madoguchi audit verify`). Append-only
    like the log."""

    __tablename__ = "audit_seal"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    audit_id: Mapped[int] = mapped_column(BigId, unique=True)  # no foreign key: a deleted row must show as missing
    digest: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditAnchor(Base):
    """Where the audit log's hash chain now starts: written by the purge of old rows (`bot/staff/seal.py`), it keeps
    the digest of the last seal removed, so `madoguchi audit verify` checks the remaining chain from it. Append-only;
    on PostgreSQL only the purge function (SECURITY DEFINER, migration 2400) writes it."""

    __tablename__ = "audit_anchor"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    through_seq: Mapped[int] = mapped_column(BigId)  # the last seal removed
    through_audit_id: Mapped[int] = mapped_column(BigId)
    digest: Mapped[str] = mapped_column(String(64))  # that seal's digest: the next seal chains onto it
    purged_rows: Mapped[int] = mapped_column(Integer)


class AuditLog(Base):
    """Append-only: who did what, when, from where. Never a password or a token."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_target", "target", "id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    actor: Mapped[str] = mapped_column(String(254))  # e-mail, or "system"
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    address: Mapped[str] = mapped_column(String(64), default="")
