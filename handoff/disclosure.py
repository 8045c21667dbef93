"""Disclosure to an owner (開示, APPI Art. 33): everything held about one conversation (one person on one channel),
from every table, found by how each table points at the owner — the conversation itself, its key, its cases, their
references — so a table added later is covered by the same rules. JSON-ready."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, select
from sqlalchemy.orm import Session

from bot.db.models import metadata
from handoff.tables import Case

# How a table's rows belong to an owner: a column and what it holds (the conversation table by its `key`).
BY_COLUMN = {"conversation_key": "conversation", "case_id": "case_ids", "reference": "references",
             "target": "references"}


def _json(value: Any) -> Any:
    if isinstance(value, bytes):  # a file the owner sent: named by its size (the desk sends the file itself)
        return f"（{len(value)} バイトのファイル）"
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


# Kept on erasure because the program requires them (001: the application and its visit records, 専門家支援報告書).
KEPT_STATUSES = ("approved", "in_support")
NEVER_ERASED = ("audit_log", "access_log")  # append-only; they hold case references and staff actions, not content


def erase(*, session: Session, conversation_key: str) -> dict[str, Any]:
    """Deletion / use-stop (削除・利用停止, APPI Art. 35): every row about the owner goes, child tables first, except
    approved applications and their visit records (kept: the program requires them; their threads still go). The
    conversation row stays only while a kept case points at it, with its state emptied. Returns what was done."""
    cases = session.execute(select(Case.id, Case.reference, Case.status).where(
        Case.conversation_key == conversation_key)).all()
    kept = [c for c in cases if c.status in KEPT_STATUSES or _has_visits(session, c.id)]
    kept_ids = [c.id for c in kept]
    case_ids = [c.id for c in cases]
    deleted: dict[str, int] = {}
    for table in reversed(metadata.sorted_tables):
        if table.name in NEVER_ERASED or table.name == "conversation":
            continue
        where = None
        if "conversation_key" in table.c:
            where = table.c.conversation_key == conversation_key
            if table.name == "handoff_case" and kept_ids:
                where = where & table.c.id.not_in(kept_ids)
        elif "case_id" in table.c and case_ids:
            where = table.c.case_id.in_(case_ids)
            if table.name == "case_visit" and kept_ids:
                where = where & table.c.case_id.not_in(kept_ids)
        if where is not None:
            count = _rows(session.execute(table.delete().where(where)))
            if count:
                deleted[table.name] = count
    conversation = metadata.tables["conversation"]
    if kept_ids:
        session.execute(conversation.update().where(conversation.c.key == conversation_key).values(state={}))
    elif _rows(session.execute(conversation.delete().where(conversation.c.key == conversation_key))):
        deleted["conversation"] = 1
    return {"deleted": deleted, "kept_cases": [c.reference for c in kept]}


def _rows(result: Any) -> int:
    """How many rows a DELETE touched."""
    return int(cast(CursorResult[Any], result).rowcount)


def _has_visits(session: Session, case_id: int) -> bool:
    visits = metadata.tables["case_visit"]
    return session.execute(select(visits.c.id).where(visits.c.case_id == case_id).limit(1)).first() is not None


def owner_label(conversation_key: str) -> str:
    """How the audit log names an owner: not their platform id (the log outlives an erasure)."""
    return "owner:" + hashlib.sha256(conversation_key.encode()).hexdigest()[:16]


def as_html(held: dict[str, Any]) -> str:
    """The export as one readable page (開示: the owner's copy; a browser prints it as PDF), every table as a table."""
    from html import escape
    from json import dumps

    def cell(value: Any) -> str:
        shown = value if isinstance(value, str) else dumps(value, ensure_ascii=False, default=str)
        return f"<td>{escape(shown)}</td>"

    parts = ["<!doctype html><html lang=\"ja\"><meta charset=\"utf-8\"><title>保有個人データの開示</title>",
             "<style>body{font-family:sans-serif}table{border-collapse:collapse;margin-bottom:1.5em}"
             "td,th{border:1px solid #999;padding:2px 6px;vertical-align:top;font-size:12px}</style>",
             "<h1>保有個人データの開示</h1>",
             f"<p>対象：{escape(str(held['owner']))}　ケース：{escape('、'.join(held['cases']) or 'なし')}</p>"]
    for table, rows in held["tables"].items():
        columns = list(rows[0]) if rows else []
        parts.append(f"<h2>{escape(table)}（{len(rows)}件）</h2><table><tr>"
                     + "".join(f"<th>{escape(c)}</th>" for c in columns) + "</tr>")
        parts.extend("<tr>" + "".join(cell(row.get(c)) for c in columns) + "</tr>" for row in rows)
        parts.append("</table>")
    return "\n".join(parts) + "\n</html>\n"
