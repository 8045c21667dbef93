"""Tables of the handoff: cases (draft applications and requests for a person) and their reference counter."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
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
                      Index("ix_handoff_case_unread", "owner_id", "unread"),
                      # the queue's counts read these alone (handoff/queue.py: the rows never use them)
                      Index("ix_handoff_case_status_trial", "status", "trial"),
                      Index("ix_handoff_case_theme_flags", "theme", "trial", "flag_list"),
                      # the dashboard's and 統計's counts (handoff/cases.py:counts) read this alone
                      Index("ix_handoff_case_counts", "trial", "status", "outcome", "kind", "theme"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # KD-2026-0001
    kind: Mapped[str] = mapped_column(String(20))  # application | callback | question
    status: Mapped[str] = mapped_column(String(20), default="new")
    outcome: Mapped[str] = mapped_column(String(20))  # eligible | needs_review
    conversation_key: Mapped[str] = mapped_column(ForeignKey("conversation.key"))
    channel: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)  # the coordinator
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("expert.id"), nullable=True, index=True)  # approved
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The owner's own value of every field a coordinator corrected (handoff/draft.py), kept and shown beside it
    owner_fields: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, default=dict)
    decisions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    trial: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # from /try: never mailed
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
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("expert.id"), nullable=True, index=True)
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
    kind: Mapped[str] = mapped_column(String(20), default="new_case", server_default="new_case")  # | unread
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)  # unread: whom
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class CannedReply(Base):
    """A reply the desk reuses, managed in the web UI (admins and coordinators); {事業所名} {受付番号} {担当者名}
    are filled in for the case when it is put into the reply box."""

    __tablename__ = "canned_reply"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(60), unique=True)
    body: Mapped[str] = mapped_column(String(2000))
    updated_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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


class Expert(Base):
    """An expert the desk dispatches (001 4(1)エ): affiliation (for 4(1)ク②), qualifications, fields (themes ①〜⑧),
    areas, how they work, availability, and the organisation that recommended them (002: 推薦機関, on the profile)."""

    __tablename__ = "expert"
    __table_args__ = (Index("ix_expert_active_name", "active", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    qualifications: Mapped[str] = mapped_column(String(500), default="")
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)  # theme keys (handoff/experts.py THEMES)
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)  # municipalities, or 県内全域
    online: Mapped[bool] = mapped_column(Boolean, default=True)
    onsite: Mapped[bool] = mapped_column(Boolean, default=True)
    availability: Mapped[str] = mapped_column(String(500), default="")
    recommended_by: Mapped[str] = mapped_column(String(200), default="")  # 推薦機関 (002)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Derived on every write, for filtering in SQL on both backends: ",it_tools,sns," and ",菊陽町,県内全域,"
    field_list: Mapped[str] = mapped_column(String(300), default="")
    area_list: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@event.listens_for(Expert, "before_insert")
@event.listens_for(Expert, "before_update")
def _derive_expert(_mapper: Any, _conn: Any, expert: Expert) -> None:
    expert.field_list = "," + ",".join(expert.fields or []) + "," if expert.fields else ""
    expert.area_list = "," + ",".join(expert.areas or []) + "," if expert.areas else ""


class EvaluationRequest(Base):
    """The owner was asked to rate the expert when support ended (002 専門家の評価); open until rated, and while
    it is open the business's next free dispatch waits. Reminded once."""

    __tablename__ = "evaluation_request"
    __table_args__ = (Index("ix_evaluation_request_open", "conversation_key", "rated_at"),
                      Index("ix_evaluation_request_due", "rated_at", "reminded_at", "asked_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("handoff_case.id"), unique=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"))
    conversation_key: Mapped[str] = mapped_column(String(200))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ExpertEvaluation(Base):
    """One rating of an expert for one case: by the owner (six axes, 1–5) or by the 商工会's advisor (the six axes
    and 002's 支援機関 items, which only the desk sees). Once per case and rater."""

    __tablename__ = "expert_evaluation"
    __table_args__ = (UniqueConstraint("case_id", "rater", name="uq_expert_evaluation_case_id_rater"),
                      Index("ix_expert_evaluation_expert", "expert_id", "created_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("handoff_case.id"))
    rater: Mapped[str] = mapped_column(String(10))  # owner | advisor
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    communication: Mapped[int] = mapped_column(Integer)
    clarity: Mapped[int] = mapped_column(Integer)
    expertise: Mapped[int] = mapped_column(Integer)
    analysis: Mapped[int] = mapped_column(Integer)
    execution: Mapped[int] = mapped_column(Integer)
    manners: Mapped[int] = mapped_column(Integer)
    # 002: 支援機関 items (advisors only; shown to the desk only)
    org_issue: Mapped[int | None] = mapped_column(Integer, nullable=True)
    org_strategy: Mapped[int | None] = mapped_column(Integer, nullable=True)
    org_knowledge: Mapped[int | None] = mapped_column(Integer, nullable=True)
    org_execution: Mapped[int | None] = mapped_column(Integer, nullable=True)
    comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeskFile(Base):
    """An image or PDF a coordinator sent back to the owner of a case (a guide, a filled-in form). Kept with the case
    (bytes in the database, like owners' files) under the retention rules; on LINE it is fetched by LINE and the
    owner from a signed, expiring public link (bot/pipeline/file_links.py), on Telegram uploaded with the message."""

    __tablename__ = "desk_file"
    __table_args__ = (Index("ix_desk_file_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("handoff_case.id"))
    conversation_key: Mapped[str] = mapped_column(ForeignKey("conversation.key"))
    kind: Mapped[str] = mapped_column(String(10))  # image | file
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    preview: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)  # ≤ 1 MB JPEG (LINE)
    caption: Mapped[str] = mapped_column(String(500), default="")
    sent_by: Mapped[str] = mapped_column(String(320))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    link_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # the signed link's end


class DeskFileAccess(Base):
    """One fetch of a desk file's public link (LINE's servers or the owner's phone): when, which variant, whether it
    was served. No foreign key: the log outlives a purged file."""

    __tablename__ = "desk_file_access"
    __table_args__ = (Index("ix_desk_file_access_file", "file_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    file_id: Mapped[int] = mapped_column(BigId)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    variant: Mapped[str] = mapped_column(String(10))  # original | preview
    outcome: Mapped[str] = mapped_column(String(12))  # served | expired | bad_sig | gone
    address: Mapped[str] = mapped_column(String(64), default="")
