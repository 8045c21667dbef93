"""The knowledge base in the database: seeding, editing with revisions, retiring, YAML import/export."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from knowledge.content import DEFAULT, read_yaml
from knowledge.index import Entry
from knowledge.tables import FaqEntry, FaqRevision, FaqVersion

ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}$")
NEXT_ACTIONS = (None, "prescreen", "person")


class FaqError(ValueError):
    """An edit the store refuses, with a message for the editor."""


def snapshot(row: FaqEntry) -> dict[str, Any]:
    return {"id": row.id, "question": row.question, "phrasings": list(row.phrasings), "answer": row.answer,
            "source": row.source, "tags": list(row.tags), "next": row.next, "retired": row.retired}


def entry_of(row: FaqEntry) -> Entry:
    return Entry(row.id, row.question, tuple(row.phrasings), row.answer, row.source, tuple(row.tags), row.next)


def version(*, session: Session) -> int | None:
    """The content version; None while the database has never held the knowledge base."""
    return session.scalar(select(FaqVersion.version).where(FaqVersion.id == 1))


def _bump(session: Session) -> None:
    if version(session=session) is None:
        session.add(FaqVersion(id=1, version=1))
    else:
        session.execute(update(FaqVersion).where(FaqVersion.id == 1).values(version=FaqVersion.version + 1))


def _validated(data: dict[str, Any]) -> dict[str, Any]:
    question, answer = str(data.get("question", "")).strip(), str(data.get("answer", "")).strip()
    phrasings = [p.strip() for p in data.get("phrasings", []) if p and p.strip()]
    if not question or not answer:
        raise FaqError("質問と回答は必須です")
    if len(answer) > 400:
        raise FaqError(f"回答は400文字以内にしてください（いま{len(answer)}文字）")
    if data.get("next") not in NEXT_ACTIONS:
        raise FaqError("次の案内は prescreen・person・なし のいずれかです")
    return {"question": question, "phrasings": phrasings, "answer": answer,
            "source": str(data.get("source", "")).strip(), "tags": [t.strip() for t in data.get("tags", []) if t],
            "next": data.get("next")}


def _revise(session: Session, row: FaqEntry, action: str, before: dict[str, Any] | None, actor: str,
            now: datetime) -> None:
    row.updated_at, row.updated_by = now, actor
    session.flush()
    session.add(FaqRevision(entry_id=row.id, at=now, actor=actor, action=action, before=before, after=snapshot(row)))
    _bump(session)


def save(*, session: Session, entry_id: str, data: dict[str, Any], actor: str, now: datetime,
         action: str | None = None) -> FaqEntry:
    """Create or edit an entry; every change is a revision."""
    if not ID.match(entry_id):
        raise FaqError("IDは半角英小文字・数字・ハイフンで2〜59文字にしてください")
    values = _validated(data)
    if action != "seed" and version(session=session) is None:
        seed(session=session, now=now)  # the first edit keeps the default content instead of replacing it
    row = session.get(FaqEntry, entry_id)
    before = snapshot(row) if row else None
    if row is None:
        row = FaqEntry(id=entry_id, retired=bool(data.get("retired", False)), **values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
        if "retired" in data:
            row.retired = bool(data["retired"])
    _revise(session, row, action or ("edit" if before else "create"), before, actor, now)
    return row


def set_retired(*, session: Session, entry_id: str, retired: bool, actor: str, now: datetime) -> FaqEntry:
    row = session.get(FaqEntry, entry_id)
    if row is None:
        raise FaqError("その項目はありません")
    before = snapshot(row)
    row.retired = retired
    _revise(session, row, "retire" if retired else "restore", before, actor, now)
    return row


def add_phrasing(*, session: Session, entry_id: str, phrasing: str, actor: str, now: datetime) -> FaqEntry:
    row = session.get(FaqEntry, entry_id)
    if row is None:
        raise FaqError("その項目はありません")
    data = snapshot(row) | {"phrasings": [*row.phrasings, phrasing]}
    return save(session=session, entry_id=entry_id, data=data, actor=actor, now=now)


def entries(*, session: Session, include_retired: bool = False) -> list[FaqEntry]:
    stmt = select(FaqEntry).order_by(FaqEntry.id)
    if not include_retired:
        stmt = stmt.where(FaqEntry.retired.is_(False))
    return list(session.scalars(stmt))


def revisions(*, session: Session, entry_id: str) -> list[FaqRevision]:
    return list(session.scalars(select(FaqRevision).where(FaqRevision.entry_id == entry_id)
                                .order_by(FaqRevision.id.desc())))


def seed(*, session: Session, now: datetime) -> int:
    """Load the default content once, into a database that never had a knowledge base."""
    if version(session=session) is not None:
        return 0
    items = read_yaml(DEFAULT)
    for e in items:
        save(session=session, entry_id=e.id, data=e.to_dict(), actor="system", now=now, action="seed")
    return len(items)


def export_rows(*, session: Session) -> list[dict[str, Any]]:
    """Every entry (retired ones too), in the YAML shape of knowledge/content/faq.yaml plus `retired`."""
    out = []
    for row in entries(session=session, include_retired=True):
        item = entry_of(row).to_dict()
        if row.retired:
            item["retired"] = True
        out.append(item)
    return out


def wanted(item: dict[str, Any]) -> dict[str, Any]:
    """A YAML row as the entry's fields (without its id), validated as an edit is."""
    return {**_validated(item), "retired": bool(item.get("retired", False))}


def draft(*, entry_id: str, data: dict[str, Any]) -> Entry:
    """An entry as it would be published (validated, not stored): what the editor's preview shows."""
    return entry_of(FaqEntry(id=entry_id, **_validated(data)))


def import_rows(*, session: Session, rows: list[dict[str, Any]], actor: str, now: datetime) -> int:
    """Create or update entries from YAML rows (unchanged ones are left alone)."""
    changed = 0
    for item in rows:
        row = session.get(FaqEntry, str(item["id"]))
        target = wanted(item)
        if row is not None and {k: v for k, v in snapshot(row).items() if k != "id"} == target:
            continue
        save(session=session, entry_id=str(item["id"]), data=target, actor=actor, now=now, action="import")
        changed += 1
    return changed
