"""Alembic owns the schema: after `upgrade`, the database matches the models on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from bot.db.models import metadata
from tests.conftest import make_settings

OPTIONAL = {"ix_handoff_case_search_trgm"}  # PostgreSQL's trigram index, made only where pg_trgm is available


def _not_optional(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    # SQLite's trigram full-text index of the queue (migration 2100) and its shadow tables: not a model
    return name not in OPTIONAL and not (name or "").startswith("handoff_case_fts")


def test_migrations_match_the_models(db_url: str) -> None:
    settings = make_settings(db_url)  # runs `upgrade head`
    engine = create_engine(settings.sqlalchemy_url())
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False,
                                                                       "include_object": _not_optional}), metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_twice_is_harmless(sqlite_url: str) -> None:
    make_settings(sqlite_url)
    make_settings(sqlite_url)
