"""Tables of the handoff: cases (draft applications and requests for a person) and their reference counter."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.tables import Base, BigId, UTCDateTime, utcnow
from handoff.search import derived


class Case(Base):
    """A draft application (様式1) or a request to talk to a person, waiting in the coordinators' queue."""

    __tablename__ = "handoff_case"
    __table_args__ = (Index("ix_handoff_case_status", "status", "created_at"),
                      Index("ix_handoff_case_conversation", "conversation_key"),
                      Index("ix_handoff_case_owner", "owner_id", "status", "created_at"),
                      Index("ix_handoff_case_org", "organisation_id", "status", "created_at"),
                      Index("ix_handoff_case_created", "created_at", "id"),
                      Index("ix_handoff_case_last_message", "last_message_at", "id"),
                      Index("ix_handoff_case_theme", "theme", "created_at"),
                      Index("ix_handoff_case_unread", "owner_id", "unread"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # KD-2026-0001
    kind: Mapped[str] = mapped_column(String(20))  # application | callback | question
    status: Mapped[str] = mapped_column(String(20), default="new")
    outcome: Mapped[str] = mapped_column(String(20))  # eligible | needs_review
    conversation_key: Mapped[str] = mapped_column(ForeignKey("conversation.key"))
    channel: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)  # the coordinator
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decisions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Conversation mode and the thread's state (kept on the case so the queue reads them in SQL)
    in_person: Mapped[bool] = mapped_column(Boolean, default=False)  # a coordinator talks; the bot is silent
    unread: Mapped[bool] = mapped_column(Boolean, default=False)  # the owner wrote; the case's coordinator has not read
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # set at creation too
    last_message: Mapped[str] = mapped_column(String(200), default="")
    # Derived from `fields`/`flags` on every write (handoff/search.py), for filtering and search in SQL
    theme: Mapped[str] = mapped_column(String(20), default="")
    flag_list: Mapped[str] = mapped_column(String(200), default="")  # ",conflict,cap_reached,"
    search_text: Mapped[str] = mapped_column(Text, default="")  # normalised (全角/半角, 異体字)


@event.listens_for(Case, "before_insert")
@event.listens_for(Case, "before_update")
def _derive(_mapper: Any, _conn: Any, case: Case) -> None:
    """Theme, flags and search text follow the JSON on every write."""
    for key, value in derived(case.reference, case.fields or {}, list(case.flags or [])).items():
        setattr(case, key, value)


class ReferenceCounter(Base):
    """The last reference number handed out per year; its row lock makes numbering gap-free and unique."""

    __tablename__ = "reference_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class CaseMessage(Base):
    """The case thread: what the owner sent in person mode, what the desk sent, and what happened."""

    __tablename__ = "case_message"
    __table_args__ = (Index("ix_case_message_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("handoff_case.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    direction: Mapped[str] = mapped_column(String(10))  # in | out | system
    kind: Mapped[str] = mapped_column(String(20), default="text")
    text: Mapped[str] = mapped_column(String(4000), default="")
    actor: Mapped[str] = mapped_column(String(254), default="")
    # The send that carries this line to the owner (its delivery status shows beside it in the thread).
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"), nullable=True)


class Visit(Base):
    """One expert visit of an approved application (001 4(1)ク①: ≤5 visits, ≤3 h each, ≤15 h in all)."""

    __tablename__ = "case_visit"
    __table_args__ = (Index("ix_case_visit_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("handoff_case.id"))
    visited_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(10))  # visit | online
    expert: Mapped[str] = mapped_column(String(200))
    report: Mapped[str] = mapped_column(String(4000), default="")  # 専門家支援報告書 (summary)
    report_shared: Mapped[bool] = mapped_column(Boolean, default=False)  # fed back to the owner's 商工会
    actor: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseNotification(Base):
    """A new case to tell the coordinators about by e-mail (sent by the worker; retried; at least once)."""

    __tablename__ = "case_notification"
    __table_args__ = (Index("ix_case_notification_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("handoff_case.id"))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Feedback(Base):
    """An owner's answer: a satisfaction rating of a case (once per case, with an optional comment) or the answer
    to 「解決しましたか」 after an FAQ answer (yes / no, tapped or typed)."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("kind", "case_id", name="uq_feedback_kind_case_id"),
                      Index("ix_feedback_kind_created", "kind", "created_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # satisfaction | faq
    conversation_key: Mapped[str] = mapped_column(String(200))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("handoff_case.id"), nullable=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1–5 faces
    answer: Mapped[str | None] = mapped_column(String(10), nullable=True)  # yes | no
    how: Mapped[str | None] = mapped_column(String(10), nullable=True)  # tap | typed
    faq_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
