"""Dialect helpers: INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignoring_duplicates(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> int:
    """Insert rows, skipping any whose `keys` already exist. Returns how many were inserted."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table).values(list(rows)).on_conflict_do_nothing(index_elements=list(keys))
    result = session.execute(stmt)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
