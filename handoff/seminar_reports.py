"""The reports page's figures for 講習会・個別相談会 (events whose date falls in the range; an advisor's report counts
their organisation's events only): events held or coming, sign-ups (cancelled ones apart), booked slots, attendance
as the desk recorded it, and the venue fees recorded from 様式4."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handoff.seminar_tables import Seminar, SeminarSignup

SECTION = "講習会・個別相談会"
COUNTED = ("published", "held")


def add(*, report: Any, session: Session, lo: datetime, hi: datetime, organisation_id: int | None) -> None:
    """Add the section to the report (SQL aggregates only)."""
    events = select(Seminar.id, Seminar.kind, Seminar.venue_fee_yen).where(
        Seminar.starts_at >= lo, Seminar.starts_at < hi, Seminar.status.in_(COUNTED))
    if organisation_id is not None:
        events = events.where(Seminar.organisation_id == organisation_id)
    scoped = events.subquery()
    by_kind = dict(session.execute(select(scoped.c.kind, func.count()).group_by(scoped.c.kind)).tuples().all())
    signed = dict(session.execute(
        select(scoped.c.kind, func.count(SeminarSignup.id)).join(SeminarSignup, SeminarSignup.seminar_id == scoped.c.id)
        .where(SeminarSignup.status == "active").group_by(scoped.c.kind)).tuples().all())
    cancelled = session.scalar(select(func.count(SeminarSignup.id))
                               .join(scoped, SeminarSignup.seminar_id == scoped.c.id)
                               .where(SeminarSignup.status == "cancelled")) or 0
    came = session.scalar(select(func.count(SeminarSignup.id)).join(scoped, SeminarSignup.seminar_id == scoped.c.id)
                          .where(SeminarSignup.status == "active", SeminarSignup.attended.is_(True))) or 0
    fees = session.scalar(select(func.coalesce(func.sum(scoped.c.venue_fee_yen), 0))) or 0
    report.add(SECTION, "講習会（公開・開催）", int(by_kind.get("lecture", 0)))
    report.add(SECTION, "講習会の申込者", int(signed.get("lecture", 0)))
    report.add(SECTION, "個別相談会（公開・開催）", int(by_kind.get("consultation", 0)))
    report.add(SECTION, "個別相談会の予約", int(signed.get("consultation", 0)))
    report.add(SECTION, "申込の取消", int(cancelled))
    report.add(SECTION, "出席（出欠を記録した催し）", int(came))
    report.add(SECTION, "会場使用料（様式4、円）", int(fees))
