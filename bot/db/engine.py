"""Engine and session factory. SQLite: WAL and BEGIN IMMEDIATE, so writers queue instead of failing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def make_engine(settings: Settings) -> Engine:
    url = settings.sqlalchemy_url()
    if not settings.is_sqlite:
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let the "begin" hook below issue BEGIN itself
        cur = dbapi_conn.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # Writers take the write lock up front (no deadlocking lock upgrades); readers stay concurrent (WAL).
        conn.exec_driver_sql("BEGIN " + conn.get_execution_options().get("sqlite_begin", "IMMEDIATE"))

    return engine


def reader(engine: Engine) -> Engine:
    """The same engine for read-only work: on SQLite its transactions do not wait for writers."""
    return engine.execution_options(sqlite_begin="DEFERRED")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Create or upgrade the schema with Alembic."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", settings.sqlalchemy_url().replace("%", "%%"))
    command.upgrade(cfg, revision)


def ping(engine: Engine) -> bool:
    try:
        with reader(engine).connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - readiness reports any failure as not ready
        return False
