"""Engine and session factory. SQLite: WAL and BEGIN IMMEDIATE, so writers queue instead of failing."""

from __future__ import annotations

import functools
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy import exc as exc_mod
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _writer_queued_connection() -> type[sqlite3.Connection]:
    """A sqlite3 connection class whose write transactions first queue on one Python lock per engine.

    Writers of one process then hand over instantly instead of meeting SQLite's busy handler, which sleeps
    1–100 ms per retry; other processes still meet SQLite's own lock and busy timeout.
    """
    writer = threading.Lock()

    class Connection(sqlite3.Connection):
        holds_writer = False

        def begin(self, mode: str) -> None:
            if mode == "IMMEDIATE" and not self.holds_writer:
                writer.acquire()
                self.holds_writer = True
            try:
                self.execute("BEGIN " + mode)  # writers lock up front: no deadlocking lock upgrades
            except BaseException:
                self._release()
                raise

        def _release(self) -> None:
            if self.holds_writer:
                self.holds_writer = False
                writer.release()

        def commit(self) -> None:
            try:
                super().commit()
            finally:
                self._release()

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                self._release()

        def close(self) -> None:
            try:
                super().close()
            finally:
                self._release()

    return Connection


IDLE_PING_SECONDS = 5.0


def _ping_when_idle(engine: Engine) -> None:
    """`pool_pre_ping`, but only for a connection idle longer than IDLE_PING_SECONDS: a busy pipeline pays no round
    trip per transaction, while a connection that sat in the pool (across a database restart, a pooler's idle
    timeout) is still checked and replaced before use. One in use that breaks raises, and the pool then drops every
    connection older than the failure (SQLAlchemy's disconnect handling)."""

    @event.listens_for(engine, "connect")
    def _connected(_dbapi_conn: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("returned_at", 0.0) < IDLE_PING_SECONDS:
            return
        try:
            with dbapi_conn.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_conn.rollback()  # psycopg opened a transaction for the SELECT
        except Exception as exc:  # noqa: BLE001 - any failure: the pool connects afresh and checks out again
            raise exc_mod.DisconnectionError(str(exc)) from exc


def make_engine(settings: Settings) -> Engine:
    url = settings.sqlalchemy_url()
    if not settings.is_sqlite:
        # Behind a transaction pooler each transaction may run on another server connection, where a statement
        # psycopg prepared (after 5 uses) does not exist: prepare_threshold=None turns preparing off.
        pooled = {"prepare_threshold": None} if settings.database_transaction_pooler else {}
        engine = create_engine(url, pool_size=10, max_overflow=20, connect_args=pooled)
        _ping_when_idle(engine)
        return engine
    connect_args = {"check_same_thread": False, "timeout": 30, "factory": _writer_queued_connection()}
    engine = create_engine(url, connect_args=connect_args)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let the "begin" hook below issue BEGIN itself
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # Readers (see `reader`) use deferred transactions and stay concurrent under WAL.
        conn.connection.dbapi_connection.begin(conn.get_execution_options().get("sqlite_begin", "IMMEDIATE"))

    return engine


@functools.lru_cache(maxsize=16)
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
