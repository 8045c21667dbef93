"""Housekeeping as the shell runs it: the retention purge (the policy from Settings), the audit log's seals and
SQLite's planner statistics."""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from bot.db.tables import utcnow
from bot.settings import Settings
from handoff.retention import Policy, purge

log = logging.getLogger(__name__)


def policy(settings: Settings) -> Policy:
    return Policy(trial_days=settings.retention_trial_days, unconsented_days=settings.retention_unconsented_days,
                  draft_days=settings.retention_draft_days, chat_days=settings.retention_chat_days,
                  closed_case_days=settings.retention_closed_case_days, file_days=settings.retention_file_days)


def purge_once(*, session_factory: sessionmaker[Session], settings: Settings, dry_run: bool = False) -> dict[str, int]:
    """Purge what is past its retention (or count it), the audit and access logs' old rows included; audited as
    one row (written after the purge, so it is never its own victim)."""
    from bot.staff import audit, seal

    with session_factory.begin() as session:
        now = utcnow()
        done = purge(session=session, now=now, policy=policy(settings), dry_run=dry_run)
        done |= seal.purge_logs(session=session, now=now, audit_days=settings.retention_audit_days,
                                access_days=settings.retention_access_days, dry_run=dry_run)
        if not dry_run and any(done.values()):
            audit.record(session=session, action="data.purge", actor=None, now=now, detail=done)
    if any(done.values()):
        log.info("retention purge%s: %s", " (dry run)" if dry_run else "", done)
    return done


def seal_once(*, session_factory: sessionmaker[Session], settings: Settings) -> int:
    """Seal the audit rows written since the last time (one sealer at a time)."""
    from bot.staff import seal

    with session_factory.begin() as session:
        return seal.seal(session=session, now=utcnow())


def analyze_once(*, session_factory: sessionmaker[Session], settings: Settings) -> None:
    """SQLite's query planner statistics (sqlite_stat1), refreshed with the purge: without them SQLite guesses that
    any indexed equality is selective and may sort a quarter of the cases for one queue page. Sampled
    (analysis_limit), so it stays short at any size. PostgreSQL: autovacuum keeps its own."""
    with session_factory.begin() as session:
        if session.get_bind().dialect.name == "sqlite":
            session.execute(text("PRAGMA analysis_limit = 1000"))
            session.execute(text("ANALYZE"))
