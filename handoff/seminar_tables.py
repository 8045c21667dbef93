"""Tables of the 講習会 (001 3(2)ウ・4(2)) and 個別相談会 (001 3(2)エ・4(3)): an organisation's request (様式2/様式3)
that the desk schedules and publishes, the consultation's time slots, and the owners' sign-ups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.tables import Base, BigId, UTCDateTime, utcnow


class Seminar(Base):
    """One 講習会 (kind lecture, 様式2) or 個別相談会 (kind consultation, 様式3): one request form per event (※6/※9)."""

    __tablename__ = "seminar"
    __table_args__ = (Index("ix_seminar_status_starts", "status", "starts_at"),
                      Index("ix_seminar_org", "organisation_id", "created_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # lecture | consultation
    status: Mapped[str] = mapped_column(String(20), default="requested")  # handoff/seminars.py Status
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    # The request (様式2/様式3) as the organisation sent it
    theme: Mapped[str] = mapped_column(String(30))  # handoff/experts.py THEMES (①〜⑧)
    title: Mapped[str] = mapped_column(String(100))
    proposed_dates: Mapped[str] = mapped_column(String(300), default="")
    venue_request: Mapped[str] = mapped_column(String(200), default="")
    expected: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 参加予定人数
    note: Mapped[str] = mapped_column(String(1000), default="")
    area: Mapped[str] = mapped_column(String(30), default="")  # municipality, for owners' search by area
    # The desk's schedule
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    venue: Mapped[str] = mapped_column(String(200), default="")
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("expert.id"), nullable=True)
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(String(500), default="")  # why declined or cancelled
    # 様式4 (立替金精算): the venue fee the organisation paid in advance (※7/※10), as the desk recorded it
    venue_fee_yen: Mapped[int | None] = mapped_column(Integer, nullable=True)
    venue_fee_note: Mapped[str] = mapped_column(String(300), default="")
    # After a 個別相談会: the expert's report (専門家支援報告書), fed back to the organisation (001 3(2)エ)
    report: Mapped[str] = mapped_column(Text, default="")
    report_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SeminarSlot(Base):
    """A 個別相談会 time slot with one expert. `taken_by` is set by one conditional UPDATE (… WHERE taken_by IS NULL),
    so two owners can never book the same slot, on SQLite or PostgreSQL."""

    __tablename__ = "seminar_slot"
    __table_args__ = (Index("ix_seminar_slot_seminar", "seminar_id", "starts_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    seminar_id: Mapped[int] = mapped_column(ForeignKey("seminar.id"))
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("expert.id"), nullable=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer, default=60)
    taken_by: Mapped[str | None] = mapped_column(String(200), nullable=True)  # a conversation key


class SeminarSignup(Base):
    """An owner's sign-up (one per event and conversation; a cancelled one is reactivated by signing up again)."""

    __tablename__ = "seminar_signup"
    __table_args__ = (UniqueConstraint("seminar_id", "conversation_key",
                                       name="uq_seminar_signup_seminar_id_conversation_key"),
                      Index("ix_seminar_signup_due", "status", "reminded_at"),
                      Index("ix_seminar_signup_conversation", "conversation_key", "status"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    seminar_id: Mapped[int] = mapped_column(ForeignKey("seminar.id"))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("seminar_slot.id"), nullable=True)
    conversation_key: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | cancelled
    business_name: Mapped[str] = mapped_column(String(100), default="")
    name: Mapped[str] = mapped_column(String(60), default="")
    org_type: Mapped[str] = mapped_column(String(30), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attended: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # recorded by the desk; None: not yet
    attendance_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
