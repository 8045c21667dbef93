"""The coordinators' queue: filters, search, waiting time, and the count behind the in-app badge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from dialogs.normalize import normalize
from handoff import delivery
from handoff.cases import OPEN
from handoff.tables import Case

FLAGS = {"conflict": "専門家との関係", "missing_fields": "未記入あり", "cap_reached": "利用上限",
         "request_scope": "対象外の可能性", "org_review": "形態要確認", delivery.FLAG: "送信失敗"}
STATUS_FILTERS = ("open", "new", "claimed", "person", "approved", "rejected", "routed", "closed", "all")


@dataclass(frozen=True)
class Filters:
    status: str = "open"
    kind: str = ""
    theme: str = ""
    flag: str = ""
    mine: bool = False
    q: str = ""


def _filtered(stmt: Select[tuple[Case]], f: Filters, me: int | None) -> Select[tuple[Case]]:
    if f.status == "open":
        stmt = stmt.where(Case.status.in_(OPEN))
    elif f.status in STATUS_FILTERS and f.status != "all":
        stmt = stmt.where(Case.status == f.status)
    if f.kind:
        stmt = stmt.where(Case.kind == f.kind)
    if f.mine and me is not None:
        stmt = stmt.where(Case.owner_id == me)
    return stmt


SEARCHED = ("business_name", "representative", "problem", "business", "municipality", "shokokai", "expert_name")


def _matches(case: Case, q: str) -> bool:
    """The search words (全角/半角 alike) in the reference or the draft's text fields."""
    words = [w for w in (normalize(part) for part in q.split()) if w]
    haystack = normalize(" ".join([case.reference, *(str(case.fields.get(k) or "") for k in SEARCHED)]))
    return all(w in haystack for w in words)


def search(*, session: Session, filters: Filters, organisation_id: int | None = None, me: int | None = None,
           limit: int = 500) -> list[Case]:
    """Cases matching the filters, oldest waiting first among open ones (who has waited longest comes first)."""
    stmt = select(Case).order_by(Case.created_at, Case.id)
    if organisation_id is not None:
        stmt = stmt.where(Case.organisation_id == organisation_id)
    found = list(session.scalars(_filtered(stmt, filters, me).limit(limit)))
    failed = delivery.failed_cases(session=session, case_ids=[c.id for c in found])
    # Theme, flags and text live in the JSON fields; filtering them here keeps the SQL portable.
    return [c for c in found if (not filters.theme or c.fields.get("theme") == filters.theme)
            and (not filters.flag or filters.flag in flags_of(c, failed)) and (not filters.q.strip()
                                                                              or _matches(c, filters.q))]


def flags_of(case: Case, failed: set[int]) -> list[str]:
    """The case's own flags, and 送信失敗 when a send to its owner failed."""
    return [*case.flags, delivery.FLAG] if case.id in failed else list(case.flags)


def failed_sends(*, session: Session, found: list[Case]) -> set[int]:
    return delivery.failed_cases(session=session, case_ids=[c.id for c in found])


def new_count(*, session: Session, organisation_id: int | None = None) -> int:
    stmt = select(func.count(Case.id)).where(Case.status == "new")
    if organisation_id is not None:
        stmt = stmt.where(Case.organisation_id == organisation_id)
    return int(session.scalar(stmt) or 0)


def waiting(case: Case, now: datetime) -> str:
    """How long an open case has waited, in words a coordinator reads at a glance."""
    if case.status not in OPEN:
        return "—"
    minutes = max(0, int((now - case.created_at).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes}分"
    if minutes < 48 * 60:
        return f"{minutes // 60}時間"
    return f"{minutes // (24 * 60)}日"
