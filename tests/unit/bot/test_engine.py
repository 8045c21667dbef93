"""The PostgreSQL engine checks a pooled connection before use only when it sat idle (no round trip per transaction
on a busy pipeline), and still replaces one the server dropped meanwhile (a restart, a pooler's idle timeout)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bot.db import engine as engine_mod
from bot.settings import Settings
from tests.fakes import postgres

pytestmark = pytest.mark.skipif(not postgres.reachable(), reason="PostgreSQL is not reachable")


def _backend_pid(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT pg_backend_pid()")))


def _terminate(url: str, pid: int) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    time.sleep(0.2)


def test_a_connection_dropped_while_idle_is_replaced_before_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_mod, "IDLE_PING_SECONDS", 0.1)
    with postgres.fresh_database() as url:
        engine = engine_mod.make_engine(Settings(database_url=url))
        first = _backend_pid(engine)
        _terminate(url, first)  # the server drops the pooled connection (a restart, an idle timeout)
        assert _backend_pid(engine) != first  # pinged on checkout, found dead, replaced: no error
        engine.dispose()


def test_a_busy_connection_is_not_pinged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Within IDLE_PING_SECONDS of its last use the connection is handed out unchecked: a dropped one then fails its
    statement once (and the pool discards it) — the price of no round trip per transaction."""
    monkeypatch.setattr(engine_mod, "IDLE_PING_SECONDS", 60.0)
    with postgres.fresh_database() as url:
        engine = engine_mod.make_engine(Settings(database_url=url))
        first = _backend_pid(engine)
        _terminate(url, first)
        with pytest.raises(OperationalError):
            _backend_pid(engine)
        assert _backend_pid(engine) != first  # the next one is a new connection
        engine.dispose()
