"""Tables of the knowledge base: entries, their revision history, and a version counter for live refresh."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.tables import Base, BigId, UTCDateTime, utcnow


class FaqEntry(Base):
    __tablename__ = "faq_entry"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    question: Mapped[str] = mapped_column(String(300))
    phrasings: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200), default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    next: Mapped[str | None] = mapped_column(String(20), nullable=True)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(254), default="system")


class FaqRevision(Base):
    """Who changed which entry, when, from what to what."""

    __tablename__ = "faq_revision"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(60), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(20))  # create | edit | retire | restore | import | seed
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)


class FaqVersion(Base):
    """One row: bumped by every change, so every process rebuilds its index within a second."""

    __tablename__ = "faq_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer, default=0)


class FaqMissDismissal(Base):
    """A miss (a faq_missed or faq_unhelpful effect) the editor has dealt with, so the list no longer shows it."""

    __tablename__ = "faq_miss_dismissal"

    effect_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    dismissed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dismissed_by: Mapped[str] = mapped_column(String(254))
    reason: Mapped[str] = mapped_column(String(80))  # dismissed | phrasing:<entry id>
