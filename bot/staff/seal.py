"""The audit log's hash chain. The worker seals new rows every minute, in one transaction under a lock (one sealer
at a time); `verify` walks the chain and names every sealed row that was changed or deleted.

Retention (issue 17, item 2): `purge_logs` removes the oldest sealed rows (a prefix of the chain, after checking it)
and the access log's old rows. The last removed seal's digest is kept as an anchor (`audit_anchor`), and the chain
is verified from the newest anchor on — so a purge never breaks `madoguchi audit verify`, while removing or changing
any remaining row (or the anchor) still does. On PostgreSQL the removal runs in `madoguchi_purge_logs`, a SECURITY
DEFINER function of the migration owner (migration 2400): the application's role cannot delete log rows itself."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from bot.staff.tables import AccessLog, AuditAnchor, AuditLog, AuditSeal

LOCK = 1_700_017  # the PostgreSQL advisory lock of the sealer (SQLite: the write lock)


def content(row: AuditLog) -> bytes:
    """What a digest covers: every column of the row, in a fixed form."""
    return json.dumps([row.id, row.at.isoformat(), row.actor_id, row.actor, row.action, row.target, row.detail,
                       row.address], sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def digest(previous: str, row: AuditLog) -> str:
    return hashlib.sha256(previous.encode() + content(row)).hexdigest()


def seal(*, session: Session, now: datetime) -> int:
    """Chain every row not yet sealed (oldest id first) onto the last seal; how many were sealed."""
    _lock(session)
    last = session.scalars(select(AuditSeal.digest).order_by(AuditSeal.seq.desc()).limit(1)).first()
    if last is None:  # every seal purged: the chain goes on from the anchor
        last = anchor.digest if (anchor := _anchor(session)) is not None else ""
    sealed = select(AuditSeal.audit_id)
    count = 0
    for row in session.scalars(select(AuditLog).where(AuditLog.id.not_in(sealed)).order_by(AuditLog.id)):
        last = digest(last, row)
        session.add(AuditSeal(audit_id=row.id, digest=last, sealed_at=now))
        count += 1
    return count


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK})


def _anchor(session: Session) -> AuditAnchor | None:
    return session.scalars(select(AuditAnchor).order_by(AuditAnchor.id.desc()).limit(1)).first()


@dataclass
class Verdict:
    head: str = ""  # the last digest: kept outside the database, it shows that no seal was rewritten either
    anchor: AuditAnchor | None = None  # where the chain starts after a purge (None: at the first row ever)
    sealed: int = 0
    unsealed: int = 0
    changed: list[int] = field(default_factory=list)  # audit ids whose content no longer matches
    missing: list[int] = field(default_factory=list)  # sealed audit ids no longer in the log

    @property
    def intact(self) -> bool:
        return not self.changed and not self.missing


def verify(*, session: Session) -> Verdict:
    """Walk the chain in seal order from the newest anchor, recomputing each digest from the row as it is now."""
    verdict = Verdict(anchor=_anchor(session))
    previous = verdict.head = verdict.anchor.digest if verdict.anchor else ""
    after = verdict.anchor.through_seq if verdict.anchor else 0
    rows = session.execute(select(AuditSeal, AuditLog).outerjoin(AuditLog, AuditLog.id == AuditSeal.audit_id)
                           .where(AuditSeal.seq > after).order_by(AuditSeal.seq))
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


def purge_logs(*, session: Session, now: datetime, audit_days: int, access_days: int,
               dry_run: bool = False) -> dict[str, int]:
    """Remove (or, dry, count) audit rows older than `audit_days` and access-log rows older than `access_days`.

    Only a prefix of the chain goes, and only once its links are checked: a row changed or missing stops the purge
    before it (the evidence stays; `audit_chain_broken_at` names the row) — never a purge that hides tampering."""
    _lock(session)
    seal(session=session, now=now)  # rows not sealed yet join the chain before any is removed
    cutoff = now - timedelta(days=audit_days)
    anchor = _anchor(session)
    previous = anchor.digest if anchor else ""
    through: AuditSeal | None = None
    count = 0
    broken = None
    for stored, row in _chain(session, anchor.through_seq if anchor else 0):
        if row is not None and row.at >= cutoff:
            break
        if row is None or digest(previous, row) != stored.digest:
            broken = stored.audit_id
            break
        previous, through, count = stored.digest, stored, count + 1
    access_before = now - timedelta(days=access_days)
    access = int(session.scalar(select(func.count(AccessLog.id)).where(AccessLog.at < access_before)) or 0)
    done = {"audit_log": count, "access_log": access} | ({"audit_chain_broken_at": broken} if broken else {})
    if dry_run or (through is None and not access):
        return done
    if session.get_bind().dialect.name == "postgresql":  # as the owner, through the SECURITY DEFINER function
        session.execute(text("SELECT * FROM madoguchi_purge_logs(:seq, :before)"),
                        {"seq": through.seq if through else None, "before": access_before.replace(tzinfo=None)})
        return done
    if through is not None:
        with _triggers_lifted(session, ("audit_log", "audit_seal")):
            sealed = select(AuditSeal.audit_id).where(AuditSeal.seq <= through.seq)
            session.execute(delete(AuditLog).where(AuditLog.id.in_(sealed)))
            session.execute(delete(AuditSeal).where(AuditSeal.seq <= through.seq))
        session.add(AuditAnchor(at=now, through_seq=through.seq, through_audit_id=through.audit_id,
                                digest=through.digest, purged_rows=count))
    session.execute(delete(AccessLog).where(AccessLog.at < access_before))
    return done


def _chain(session: Session, after: int, chunk: int = 1000) -> Iterator[tuple[AuditSeal, AuditLog | None]]:
    """The seals after `after` with their rows, in order, read a chunk at a time."""
    while True:
        rows = session.execute(select(AuditSeal, AuditLog).outerjoin(AuditLog, AuditLog.id == AuditSeal.audit_id)
                               .where(AuditSeal.seq > after).order_by(AuditSeal.seq).limit(chunk)).tuples().all()
        yield from rows
        if len(rows) < chunk:
            return
        after = rows[-1][0].seq


@contextmanager
def _triggers_lifted(session: Session, tables: tuple[str, ...]) -> Iterator[None]:
    """SQLite (no roles): the append-only DELETE triggers of `tables` are dropped and re-created exactly as they
    were, inside the caller's transaction (SQLite's DDL is transactional: a failure rolls them back too)."""
    names = ",".join(f"'{t}'" for t in tables)
    saved = session.execute(text(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({names})"
                                 " AND upper(sql) LIKE '%BEFORE DELETE%'")).tuples().all()
    for name, _ in saved:
        session.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _, sql in saved:
        session.execute(text(sql))
