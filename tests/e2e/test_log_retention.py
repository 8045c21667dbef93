"""Retention of the audit and access logs (issue 17, item 2): the daily purge (`madoguchi data purge`, with
--dry-run) removes audit rows older than MADOGUCHI_RETENTION_AUDIT_DAYS and access rows older than
_ACCESS_DAYS; `madoguchi audit verify` still passes (the chain goes on from an anchor) and still catches a change
to what remains. A purge never removes a tampered row, and on PostgreSQL the application's role can purge only
through the owner's function, never rows younger than a year, never by DELETE."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import utcnow
from bot.staff import seal
from bot.staff.tables import AccessLog, AuditAnchor, AuditLog, StaffUser
from tests.conftest import make_settings
from tests.e2e.processes import REPO, env_for

OLD, KEPT_OLD, RECENT = 2000, 400, 1  # days


def run(settings: object, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env_for(settings),  # type: ignore[arg-type]
                          cwd=REPO, capture_output=True, text=True, timeout=120)


def purge(settings: object, *flags: str) -> dict:  # type: ignore[type-arg]
    done = run(settings, "data", "purge", *flags)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def seed(engine: Engine) -> list[int]:
    """Audit rows 2000 days old (5), 400 days old (2) and recent (3); access rows 1200 days old (2) and recent (1);
    all sealed. Returns the audit ids, oldest first."""
    now = utcnow()
    with make_session_factory(engine).begin() as session:
        staff = StaffUser(email="coord@example.jp", password_hash="x", role="coordinator")
        session.add(staff)
        session.flush()
        for days, n in ((OLD, 5), (KEPT_OLD, 2), (RECENT, 3)):
            for i in range(n):
                session.add(AuditLog(at=now - timedelta(days=days, minutes=-i), actor="system", action="test.row",
                                     target=f"{days}-{i}", detail={}, address=""))
        for days in (1200, 1200, 100):
            session.add(AccessLog(at=now - timedelta(days=days), staff_id=staff.id, staff_email=staff.email,
                                  what="case", reference="KD-2020-0001"))
        session.flush()
        seal.seal(session=session, now=now)
    with engine.connect() as conn:
        return list(conn.execute(select(AuditLog.id).where(AuditLog.action == "test.row").order_by(AuditLog.id))
                    .scalars())


def lift_triggers(conn: object) -> None:
    """The database owner going around the append-only triggers (as an attacker with the owner's password would)."""
    if conn.dialect.name == "postgresql":  # type: ignore[attr-defined]
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))  # type: ignore[attr-defined]
    else:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))  # type: ignore[attr-defined]
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))  # type: ignore[attr-defined]


def test_old_log_rows_are_purged_and_the_chain_still_verifies(db_url: str) -> None:
    settings = make_settings(db_url)
    engine = make_engine(settings)
    ids = seed(engine)
    dry = purge(settings, "--dry-run")
    assert dry["audit_log"] == 5 and dry["access_log"] == 2 and "audit_chain_broken_at" not in dry
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "test.row")) == 10
    done = purge(settings)
    assert done["audit_log"] == 5 and done["access_log"] == 2
    with engine.connect() as conn:
        left = list(conn.execute(select(AuditLog.id).where(AuditLog.action == "test.row")).scalars())
        assert sorted(left) == ids[5:]  # the 400-day-old and recent rows stay
        assert conn.scalar(select(func.count()).select_from(AccessLog)) == 1
        anchor = conn.execute(select(AuditAnchor)).one()
        assert anchor.through_audit_id == ids[4] and anchor.purged_rows == 5
        assert conn.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "data.purge")) == 1
    verified = run(settings, "audit", "verify")
    assert verified.returncode == 0 and "the audit log is intact" in verified.stdout, verified.stdout + verified.stderr
    assert f"through audit row {ids[4]} purged" in verified.stdout
    again = purge(settings)
    assert again["audit_log"] == 0 and again["access_log"] == 0
    with engine.begin() as conn:  # the first row after the anchor deleted behind the application's back
        lift_triggers(conn)
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": ids[5]})
    broken = run(settings, "audit", "verify")
    assert broken.returncode == 1 and f"missing: audit row {ids[5]}" in broken.stderr
    engine.dispose()


def test_a_purge_stops_before_a_tampered_row_and_keeps_the_evidence(db_url: str) -> None:
    settings = make_settings(db_url)
    engine = make_engine(settings)
    ids = seed(engine)
    with engine.begin() as conn:
        lift_triggers(conn)
        conn.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE id = :id"), {"id": ids[2]})
    dry = purge(settings, "--dry-run")
    assert dry["audit_log"] == 2 and dry["audit_chain_broken_at"] == ids[2]
    purge(settings)
    with engine.connect() as conn:
        left = set(conn.execute(select(AuditLog.id).where(AuditLog.action == "test.row")).scalars())
    assert left == set(ids[2:])  # the changed row and everything after it stay
    verified = run(settings, "audit", "verify")
    assert verified.returncode == 1 and f"changed: audit row {ids[2]}" in verified.stderr
    engine.dispose()


@pytest.fixture
def app_role(postgres_url: str) -> Iterator[str]:
    role = f"madoguchi_app_{uuid.uuid4().hex[:8]}"
    owner = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    yield role
    with owner.connect() as conn:
        conn.execute(text(f'DROP OWNED BY "{role}"'))
        conn.execute(text(f'DROP ROLE "{role}"'))
    owner.dispose()


@pytest.mark.postgres
def test_the_app_role_purges_only_through_the_owners_function(postgres_url: str, app_role: str) -> None:
    owner_settings = make_settings(postgres_url)
    granted = run(owner_settings, "db", "grant-app", app_role)
    assert granted.returncode == 0, granted.stderr
    engine = make_engine(owner_settings)
    ids = seed(engine)
    app_url = postgres_url.replace("postgres@", f"{app_role}@", 1)
    app = create_engine(app_url)
    refused = {
        "DELETE FROM audit_log": "permission denied",
        "DELETE FROM access_log": "permission denied",
        "INSERT INTO audit_anchor (at, through_seq, through_audit_id, digest, purged_rows) "
        "VALUES (now(), 1, 1, 'x', 0)": "permission denied",
        # the function itself refuses anything younger than a year, whoever asks
        "SELECT * FROM madoguchi_purge_logs((SELECT max(seq) FROM audit_seal), NULL)": "younger than 365 days",
        "SELECT * FROM madoguchi_purge_logs(NULL, (now() AT TIME ZONE 'UTC')::timestamp)": "younger than 365 days",
    }
    for statement, error in refused.items():
        with pytest.raises(Exception, match=error), app.begin() as conn:
            conn.execute(text(statement))
    app_settings = make_settings(app_url)
    done = purge(app_settings)  # the daily purge as the application's role
    assert done["audit_log"] == 5 and done["access_log"] == 2
    with engine.connect() as conn:
        assert sorted(conn.execute(select(AuditLog.id).where(AuditLog.action == "test.row")).scalars()) == ids[5:]
    verified = run(app_settings, "audit", "verify")
    assert verified.returncode == 0 and "the audit log is intact" in verified.stdout, verified.stdout + verified.stderr
    app.dispose()
    engine.dispose()
