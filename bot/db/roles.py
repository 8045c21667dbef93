"""Two PostgreSQL roles: the migration owner (runs `madoguchi db upgrade`, owns every table) and the application
(runs `serve` and `worker`). The application may read and write the tables it works with, but only read and append
to the audit log: it cannot UPDATE, DELETE or TRUNCATE it, and, not being the owner, cannot ALTER it or disable its
append-only trigger. Old log rows go only through `madoguchi_purge_logs` (migration 2400), a SECURITY DEFINER
function owned by the owner that removes nothing younger than a year and writes the chain's anchor itself; the
application may EXECUTE it (the daily purge) but not write `audit_anchor`. Run `madoguchi db grant-app ROLE` as the
owner after every upgrade (new tables need grants)."""

from __future__ import annotations

from sqlalchemy import Engine, text

# The application reads and appends to these; nobody but the owner changes them.
APPEND_ONLY = ("audit_log", "access_log", "audit_seal")
READ_ONLY = ("alembic_version", "audit_anchor")  # /readyz compares the schema's revision with the code's
PURGE_FUNCTION = "madoguchi_purge_logs(bigint, timestamp)"


def _quoted(role: str) -> str:
    if not role or not all(c.isalnum() or c == "_" for c in role):
        raise ValueError("a role name of letters, digits and _")
    return f'"{role}"'


def grant_app(engine: Engine, role: str) -> list[str]:
    """Grant `role` what the application needs and nothing more; returns the statements run."""
    if engine.dialect.name != "postgresql":
        raise ValueError("roles are a PostgreSQL matter (SQLite has none)")
    who = _quoted(role)
    with engine.begin() as conn:
        database = conn.execute(text("SELECT current_database()")).scalar_one()
        statements = [
            f'GRANT CONNECT ON DATABASE "{database}" TO {who}',
            f"GRANT USAGE ON SCHEMA public TO {who}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {who}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who}",
            *(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {t} FROM {who}" for t in READ_ONLY),
            *(f"REVOKE UPDATE, DELETE, TRUNCATE ON {t} FROM {who}" for t in APPEND_ONLY),
            f"GRANT EXECUTE ON FUNCTION {PURGE_FUNCTION} TO {who}",
        ]
        for statement in statements:
            conn.execute(text(statement))
    return statements
