"""Tables of the カルテ (issue 15, item 4; seed 003 伴走支援): one record per business, the conversations (one person on
one channel) that belong to it, merges a coordinator confirmed or dismissed, and follow-up notes.

What identifies the business to a person (the name and phone the owner gave) is kept on the link, beside the
conversation it came from, so disclosure and erasure of that conversation cover it (handoff/disclosure.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.tables import Base, BigId, UTCDateTime, utcnow


class Business(Base):
    """A business the desk knows. A merged business points at the one it was merged into (kept, so a merge can be
    undone); its organisation is that of its latest case."""

    __tablename__ = "business"
    __table_args__ = (Index("ix_business_org", "organisation_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("business.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BusinessLink(Base):
    """One conversation (a LINE user, a Telegram user…) of a business, with the name and phone given on it."""

    __tablename__ = "business_link"
    __table_args__ = (Index("ix_business_link_business", "business_id"),
                      Index("ix_business_link_phone", "phone_digits"),
                      Index("ix_business_link_name", "name_key"))

    conversation_key: Mapped[str] = mapped_column(ForeignKey("conversation.key"), primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id"))
    name: Mapped[str] = mapped_column(String(200), default="")  # 事業所名 as the owner gave it
    name_key: Mapped[str] = mapped_column(String(200), default="")  # normalised, for matching
    representative: Mapped[str] = mapped_column(String(100), default="")
    phone_digits: Mapped[str] = mapped_column(String(20), default="")
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BusinessMerge(Base):
    """A proposed merge of two businesses (same phone or name): merged only when a coordinator confirms; undoable."""

    __tablename__ = "business_merge"
    __table_args__ = (Index("ix_business_merge_status", "status", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id"))  # the one kept
    other_id: Mapped[int] = mapped_column(ForeignKey("business.id"))  # the one merged into it
    reason: Mapped[str] = mapped_column(String(20))  # phone | name
    status: Mapped[str] = mapped_column(String(12), default="proposed")  # proposed | merged | dismissed | undone
    moved: Mapped[list[Any]] = mapped_column(JSON, default=list)  # the conversation keys moved (for the undo)
    decided_by: Mapped[str] = mapped_column(String(254), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BusinessNote(Base):
    """A follow-up note (伴走支援): what was learnt, the next action and its date; due ones show in the queue."""

    __tablename__ = "business_note"
    __table_args__ = (Index("ix_business_note_due", "done_at", "due_on"),
                      Index("ix_business_note_business", "business_id", "id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id"))
    text: Mapped[str] = mapped_column(String(2000), default="")
    next_action: Mapped[str] = mapped_column(String(500), default="")
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    actor: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
