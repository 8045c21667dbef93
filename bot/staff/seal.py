"""The audit log's hash chain. The worker seals new rows every minute, in one transaction under a lock (one sealer
at a time); `verify` walks the chain and names every sealed row that was changed or deleted."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.staff.tables import AuditLog, AuditSeal

LOCK = 1_700_017  # the PostgreSQL advisory lock of the sealer (SQLite: the write lock)


def content(row: AuditLog) -> bytes:
    """What a digest covers: every column of the row, in a fixed form."""
    return json.dumps([row.id, row.at.isoformat(), row.actor_id, row.actor, row.action, row.target, row.detail,
                       row.address], sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def digest(previous: str, row: AuditLog) -> str:
    return hashlib.sha256(previous.encode() + content(row)).hexdigest()


def seal(*, session: Session, now: datetime) -> int:
    """Chain every row not yet sealed (oldest id first) onto the last seal; how many were sealed."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK})
    last = session.scalars(select(AuditSeal.digest).order_by(AuditSeal.seq.desc()).limit(1)).first() or ""
    sealed = select(AuditSeal.audit_id)
    count = 0
    for row in session.scalars(select(AuditLog).where(AuditLog.id.not_in(sealed)).order_by(AuditLog.id)):
        last = digest(last, row)
        session.add(AuditSeal(audit_id=row.id, digest=last, sealed_at=now))
        count += 1
    return count


@dataclass
class Verdict:
    head: str = ""  # the last digest: kept outside the database, it shows that no seal was rewritten either
    sealed: int = 0
    unsealed: int = 0
    changed: list[int] = field(default_factory=list)  # audit ids whose content no longer matches
    missing: list[int] = field(default_factory=list)  # sealed audit ids no longer in the log

    @property
    def intact(self) -> bool:
        return not self.changed and not self.missing


def verify(*, session: Session) -> Verdict:
    """Walk the chain in seal order, recomputing each digest from the row as it is now."""
    verdict = Verdict()
    previous = ""
    rows = session.execute(select(AuditSeal, AuditLog).outerjoin(AuditLog, AuditLog.id == AuditSeal.audit_id)
                           .order_by(AuditSeal.seq))
    for stored, row in rows:
        verdict.sealed += 1
        if row is None:
            verdict.missing.append(stored.audit_id)
        elif digest(previous, row) != stored.digest:
            verdict.changed.append(stored.audit_id)
        previous = verdict.head = stored.digest  # each link is checked on its own: one change names one row
    sealed = select(AuditSeal.audit_id)
    verdict.unsealed = len(session.scalars(select(AuditLog.id).where(AuditLog.id.not_in(sealed))).all())
    return verdict
