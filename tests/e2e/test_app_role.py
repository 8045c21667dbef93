"""On PostgreSQL the application runs as its own role (issue 17, item 4, in part): `madoguchi db grant-app` lets it
work, but it cannot TRUNCATE, DELETE, UPDATE, ALTER or disable the triggers of the audit log."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from bot.staff.tables import AuditLog
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.processes import REPO, env_for
from tests.e2e.staff_fixtures import EMAILS, populate

pytestmark = pytest.mark.postgres


@pytest.fixture
def app_role(postgres_url: str) -> Iterator[str]:
    role = f"madoguchi_app_{uuid.uuid4().hex[:8]}"
    owner = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    yield role
    with owner.connect() as conn:
        conn.execute(text(f'DROP OWNED BY "{role}"'))  # its grants, here and on the database
        conn.execute(text(f'DROP ROLE "{role}"'))
    owner.dispose()


def test_the_app_role_works_but_cannot_touch_the_audit_log(postgres_url: str, app_role: str) -> None:
    owner = make_settings(postgres_url)  # `db upgrade` as the owner
    granted = subprocess.run([sys.executable, "-m", "bot", "db", "grant-app", app_role], env=env_for(owner), cwd=REPO,
                             capture_output=True, text=True, timeout=120)
    assert granted.returncode == 0, granted.stderr
    app_url = postgres_url.replace("postgres@", f"{app_role}@", 1)
    with LiveBot(make_settings(app_url)) as bot:  # the whole app as the application role
        world = populate(bot)
        world.login("admin")
        assert world.client().post("/login", data={"email": EMAILS["editor"], "password": "wrong"}).status_code == 401
        assert bot.client.post("/try/say", json={"text": "担当者と話したいです"}).status_code == 200
        assert bot.count(AuditLog) >= 2
        refused = {
            "TRUNCATE audit_log": "permission denied",
            "DELETE FROM audit_log": "permission denied",
            "UPDATE audit_log SET action = 'x'": "permission denied",
            "ALTER TABLE audit_log DISABLE TRIGGER ALL": "must be owner",
            "DROP TABLE audit_log": "must be owner",
            "UPDATE alembic_version SET version_num = '0001'": "permission denied",
        }
        app = create_engine(app_url)
        for statement, error in refused.items():
            with pytest.raises(Exception, match=error), app.begin() as conn:
                conn.execute(text(statement))
        app.dispose()
        assert bot.count(AuditLog) >= 2  # everything still there
