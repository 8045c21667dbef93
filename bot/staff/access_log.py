"""Views of personal data: recorded when a staff member opens a case (its page, print view or XLSX), and the breach
report of one account over a period: the businesses it viewed, and those its role let it view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.staff.tables import AccessLog, StaffUser
from handoff.tables import Case

SEES_ALL = ("admin", "coordinator")  # advisors see their organisation's cases; editors none


def record(*, session: Session, staff_id: int, email: str, what: str, reference: str, now: datetime) -> None:
    session.add(AccessLog(at=now, staff_id=staff_id, staff_email=email, what=what, reference=reference))


@dataclass
class Viewed:
    reference: str
    business_name: str
    first: datetime
    last: datetime
    times: int
    how: set[str] = field(default_factory=set)


@dataclass
class Exposure:
    email: str
    role: str
    viewed: list[Viewed]
    could_view: list[str]  # references of the cases the account's role could open in the period


def report(*, session: Session, email: str, since: datetime, until: datetime) -> Exposure:
    """What one staff account viewed between `since` and `until`, and what its role could have viewed then."""
    user = session.scalars(select(StaffUser).where(StaffUser.email == email.strip().lower())).one()
    rows = session.execute(
        select(AccessLog.reference, AccessLog.what, func.min(AccessLog.at), func.max(AccessLog.at), func.count())
        .where(AccessLog.staff_id == user.id, AccessLog.at >= since, AccessLog.at < until)
        .group_by(AccessLog.reference, AccessLog.what)).all()
    viewed: dict[str, Viewed] = {}
    for reference, what, first, last, times in rows:
        seen = viewed.setdefault(reference, Viewed(reference, "", first, last, 0))
        seen.first, seen.last = min(seen.first, first), max(seen.last, last)
        seen.times += int(times)
        seen.how.add(what)
    names: dict[str, dict[str, Any]] = {reference: fields for reference, fields in session.execute(
        select(Case.reference, Case.fields).where(Case.reference.in_(viewed)))}
    for seen in viewed.values():
        seen.business_name = str((names.get(seen.reference) or {}).get("business_name") or "")
    could = select(Case.reference).where(Case.created_at < until).order_by(Case.reference)
    if user.role not in SEES_ALL:
        could = could.where(Case.organisation_id == (user.organisation_id if user.role == "advisor" else -1))
    return Exposure(user.email, user.role, sorted(viewed.values(), key=lambda v: v.reference),
                    list(session.scalars(could)))
