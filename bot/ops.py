"""What operations asks of the database: readiness (reachable, schema at the code's head, a live worker) and the
figures behind the database gauges of /metrics."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.db.engine import MIGRATIONS, reader
from bot.db.tables import OutboxMessage
from bot.pipeline import costs, heartbeat


@functools.lru_cache(maxsize=1)
def code_heads() -> frozenset[str]:
    """The Alembic head revision(s) this code expects."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(cfg).get_heads())


@dataclass(frozen=True)
class Readiness:
    database: bool
    schema: bool
    worker: bool

    @property
    def ready(self) -> bool:
        return self.database and self.schema and self.worker

    def to_dict(self) -> dict[str, Any]:
        problems = [name for name, ok in (("database unreachable", self.database),
                                          ("schema behind the code: run `madoguchi db upgrade`", self.schema),
                                          ("no worker heartbeat", self.worker)) if not ok]
        return {"status": "ready" if self.ready else "not ready", "problems": problems,
                "checks": {"database": self.database, "schema": self.schema, "worker": self.worker}}


def readiness(*, engine: Engine, now: datetime, stale: timedelta) -> Readiness:
    """Reachable, migrated to this code's head, and some worker beat within `stale`."""
    try:
        with reader(engine).connect() as conn:
            current = frozenset(MigrationContext.configure(conn).get_current_heads())
            schema = current == code_heads()
            with Session(bind=conn) as session:
                worker = schema and heartbeat.alive(session=session, now=now, stale=stale) > 0
    except Exception:  # noqa: BLE001 - readiness reports any failure as not ready
        return Readiness(False, False, False)
    return Readiness(True, schema, worker)


def database_figures(*, engine: Engine, now: datetime, stale: timedelta) -> dict[str, Any]:
    """Outbox backlog and the age of its oldest row per channel, heartbeats, and LINE pushes this month."""
    with Session(reader(engine)) as session:
        rows = session.execute(
            select(OutboxMessage.channel, func.count(), func.min(OutboxMessage.created_at))
            .where(OutboxMessage.status == "pending").group_by(OutboxMessage.channel)).all()
        outbox = {ch: (n, max(0.0, (now - oldest).total_seconds()) if oldest else 0.0) for ch, n, oldest in rows}
        return {"outbox": outbox, "heartbeats": heartbeat.ages(session=session, now=now),
                "alive": heartbeat.alive(session=session, now=now, stale=stale),
                "pushes": costs.pushes_by_kind(session=session, month=costs.month_of(now))}
