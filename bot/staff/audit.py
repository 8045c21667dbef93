"""The audit log: one append-only row per security-relevant event. Secrets are never written."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.staff.tables import AuditLog, StaffUser

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
