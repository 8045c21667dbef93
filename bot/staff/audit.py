"""The audit log: one append-only row per security-relevant event. Secrets are never written."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot.staff.tables import AuditLog, StaffUser
from dialogs.hours import JST

SECRET_KEYS = re.compile(r"pass|token|secret|csrf|cookie|hash", re.I)


def _clean(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: ("[redacted]" if SECRET_KEYS.search(k) else v) for k, v in detail.items()}


def record(*, session: Session, action: str, actor: StaffUser | None, target: str = "", address: str = "",
           detail: dict[str, Any] | None = None, now: datetime, actor_label: str | None = None) -> None:
    """Append one row (in the caller's transaction)."""
    session.add(AuditLog(at=now, actor_id=actor.id if actor else None,
                         actor=actor.email if actor else (actor_label or "system"), action=action, target=target,
                         detail=_clean(detail or {}), address=address))


def recent(*, session: Session, limit: int = 200) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)))


def for_target(*, session: Session, target: str, limit: int = 200) -> list[AuditLog]:
    """The audit trail of one object (a case reference, an account), oldest first."""
    rows = session.scalars(select(AuditLog).where(AuditLog.target == target).order_by(AuditLog.id.desc()).limit(limit))
    return list(reversed(list(rows)))


PER_PAGE = 100
NOISE = ("login.failed",)  # hidden with `quiet`: failed logins must not push the real events out of view


@dataclass(frozen=True)
class Filters:
    """The audit page's filters: an action (or a prefix ending in "."), who, a word in the target, JST days."""

    action: str = ""
    actor: str = ""
    q: str = ""
    since: date | None = None
    until: date | None = None
    quiet: bool = False
    page: int = 1

    def query(self, **changes: Any) -> dict[str, str]:
        """As query-string values (for the pager's links)."""
        values = asdict(replace(self, **changes))
        return {k: ("1" if v is True else str(v)) for k, v in values.items() if v not in ("", None, False)}


def _where(f: Filters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.action:
        where.append(AuditLog.action.startswith(f.action, autoescape=True) if f.action.endswith(".")
                     else AuditLog.action == f.action)
    if f.actor:
        where.append(func.lower(AuditLog.actor).contains(f.actor.strip().lower(), autoescape=True))
    if f.q:
        where.append(AuditLog.target.contains(f.q.strip(), autoescape=True))
    if f.since:
        where.append(AuditLog.at >= datetime.combine(f.since, time(), JST))
    if f.until:
        where.append(AuditLog.at < datetime.combine(f.until + timedelta(days=1), time(), JST))
    if f.quiet:
        where.append(AuditLog.action.not_in(NOISE))
    return where


def search(*, session: Session, filters: Filters) -> tuple[list[AuditLog], int, int]:
    """One page of matching rows, newest first; with the number of matches and of pages."""
    where = _where(filters)
    total = int(session.scalar(select(func.count(AuditLog.id)).where(*where)) or 0)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(1, filters.page), pages)
    rows = session.scalars(select(AuditLog).where(*where).order_by(AuditLog.id.desc())
                           .offset((page - 1) * PER_PAGE).limit(PER_PAGE))
    return list(rows), total, pages


def actions(*, session: Session) -> list[str]:
    """Every action the log holds (for the filter's choices)."""
    return list(session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))
