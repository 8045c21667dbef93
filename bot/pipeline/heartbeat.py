"""Worker heartbeats: each worker process writes its beat; readiness and metrics read them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.sql import insert_ignoring_duplicates
from bot.db.tables import WorkerHeartbeat


def beat(*, session_factory: sessionmaker[Session], worker_id: str, now: datetime) -> None:
    """Record that this worker is alive."""
    with session_factory.begin() as session:
        insert_ignoring_duplicates(session, WorkerHeartbeat,
                                   [{"worker_id": worker_id, "started_at": now, "beat_at": now}], ["worker_id"])
        row = session.get(WorkerHeartbeat, worker_id)
        assert row is not None
        row.beat_at = now


def leave(*, session_factory: sessionmaker[Session], worker_id: str) -> None:
    """A worker stopping cleanly takes its beat away."""
    with session_factory.begin() as session:
        session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.worker_id == worker_id))


def alive(*, session: Session, now: datetime, stale: timedelta) -> int:
    """How many workers beat within `stale`."""
    return int(session.scalar(select(func.count()).select_from(WorkerHeartbeat)
                              .where(WorkerHeartbeat.beat_at >= now - stale)) or 0)


def ages(*, session: Session, now: datetime) -> dict[str, float]:
    """Seconds since each worker's last beat."""
    return {w: (now - at).total_seconds() for w, at in session.execute(
        select(WorkerHeartbeat.worker_id, WorkerHeartbeat.beat_at))}
