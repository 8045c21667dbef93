"""Dialect helpers: INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL alike, built once per table."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.tables import Base


@functools.lru_cache(maxsize=32)
def _insert_ignoring(dialect: str, model: type[Base], keys: tuple[str, ...]) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(Table, model.__table__)  # Core, not the ORM's bulk-insert layer (the webhook's hot path)
    pk = next(iter(table.primary_key.columns))
    return insert(table).on_conflict_do_nothing(index_elements=list(keys)).returning(pk)


def insert_ignoring_duplicates(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> int:
    """Insert rows, skipping any whose `keys` already exist. Returns how many were inserted."""
    if not rows:
        return 0
    stmt = _insert_ignoring(session.get_bind().dialect.name, model, tuple(keys))
    return len(session.connection().execute(stmt, list(rows)).all())
