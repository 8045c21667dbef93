"""Disclosure to an owner (開示, APPI Art. 33): everything held about one conversation (one person on one channel),
from every table, found by how each table points at the owner — the conversation itself, its key, its cases, their
references — so a table added later is covered by the same rules. JSON-ready."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from bot.db.models import metadata
from handoff.tables import Case

# How a table's rows belong to an owner: a column and what it holds (the conversation table by its `key`).
BY_COLUMN = {"conversation_key": "conversation", "case_id": "case_ids", "reference": "references",
             "target": "references"}


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def _link(table: Table) -> tuple[str, str] | None:
    """(column, what it holds) for a table that points at an owner, else None."""
    if table.name == "conversation":
        return "key", "conversation"
    return next(((c.name, BY_COLUMN[c.name]) for c in table.columns if c.name in BY_COLUMN), None)


def export(*, session: Session, conversation_key: str) -> dict[str, Any]:
    """{table: [rows]} of everything about the owner of `conversation_key` (only tables that hold something)."""
    owned = {"conversation": [conversation_key]}
    found = session.execute(select(Case.id, Case.reference).where(Case.conversation_key == conversation_key)).all()
    owned["case_ids"] = [row.id for row in found]
    owned["references"] = [row.reference for row in found]
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in metadata.sorted_tables:
        link = _link(table)
        if link is None or not owned[link[1]]:
            continue
        column, holds = link
        rows = session.execute(select(table).where(table.c[column].in_(owned[holds])).order_by(*table.primary_key))
        listed = [{k: _json(v) for k, v in row._mapping.items()} for row in rows]
        if listed:
            tables[table.name] = listed
    return {"owner": conversation_key, "cases": owned["references"], "tables": tables}
