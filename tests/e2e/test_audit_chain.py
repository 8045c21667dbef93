"""The audit log's hash chain (issue 17, item 4, in part): the worker seals new rows; `madoguchi audit verify` passes
on an untouched log and names the rows an owner changed or deleted behind the application's back."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.staff import seal
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.processes import REPO, env_for
from tests.e2e.staff_fixtures import populate


def cli(settings: object, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "audit", *args], env=env_for(settings),  # type: ignore[arg-type]
                          cwd=REPO, capture_output=True, text=True, timeout=120)


def test_the_worker_seals_and_verify_names_what_was_tampered_with(db_url: str) -> None:
    settings = make_settings(db_url, audit_seal_seconds=0.1)
    with LiveBot(settings) as bot:
        world = populate(bot)  # staff accounts created: audit rows
        world.login("admin")

        def unsealed() -> int:
            with Session(bot.engine) as session:
                return seal.verify(session=session).unsealed

        wait_until(lambda: unsealed() == 0, what="the worker to seal the new audit rows")
    good = cli(settings, "verify")
    assert good.returncode == 0 and "the audit log is intact" in good.stdout, good.stdout + good.stderr
    owner = bot.engine
    with owner.begin() as conn:  # the database owner, going around the append-only triggers
        if owner.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        ids = conn.execute(text("SELECT id FROM audit_log ORDER BY id")).scalars().all()
        conn.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE id = :id"), {"id": ids[1]})
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": ids[2]})
    bad = cli(settings, "verify")
    assert bad.returncode == 1
    assert f"changed: audit row {ids[1]}" in bad.stderr and f"missing: audit row {ids[2]}" in bad.stderr
    assert bad.stderr.count("audit row") == 2  # the other rows still check out
    owner.dispose()
