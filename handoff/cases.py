"""Creating and listing cases. Called by the pipeline inside the turn's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.sql import insert_ignoring_duplicates
from handoff.tables import Case, ReferenceCounter

PREFIX = "KD"
OPEN = ("new", "claimed", "person")


def next_reference(*, session: Session, now: datetime) -> str:
    """KD-<year>-<4 digits>, counted per year under the counter row's lock."""
    insert_ignoring_duplicates(session, ReferenceCounter, [{"year": now.year, "last": 0}], ["year"])
    number = session.execute(
        update(ReferenceCounter).where(ReferenceCounter.year == now.year)
        .values(last=ReferenceCounter.last + 1).returning(ReferenceCounter.last)
    ).scalar_one()
    return f"{PREFIX}-{now.year}-{number:04d}"


def create_case(*, session: Session, conversation_key: str, channel: str, kind: str, outcome: str,
                fields: dict[str, Any], decisions: list[Any], flags: list[str], now: datetime) -> Case:
    """Open a new case in the queue."""
    case = Case(reference=next_reference(session=session, now=now), kind=kind, status="new", outcome=outcome,
                conversation_key=conversation_key, channel=channel, fields=fields, decisions=decisions,
                flags=flags, created_at=now, updated_at=now)
    session.add(case)
    session.flush()
    return case


def open_case_of(*, session: Session, conversation_key: str, kind: str) -> Case | None:
    return session.scalars(
        select(Case).where(Case.conversation_key == conversation_key, Case.kind == kind, Case.status.in_(OPEN))
    ).first()


def public(case: Case) -> dict[str, Any]:
    """The case as `madoguchi cases list --json` prints it."""
    f = case.fields
    return {
        "reference": case.reference, "status": case.status, "kind": case.kind, "outcome": case.outcome,
        "size_class": f.get("size_class"), "industry": f.get("industry"), "org_type": f.get("org_type"),
        "theme": f.get("theme"), "employees": f.get("employees"), "capital_yen": f.get("capital_yen"),
        "past_visits": f.get("past_visits"), "past_hours": f.get("past_hours"), "flags": list(case.flags),
        "business_name": f.get("business_name"), "created_at": case.created_at.isoformat(),
        "municipality": f.get("municipality"), "shokokai": f.get("shokokai"), "mode": f.get("mode"),
        "employees_range": f.get("employees_range"), "channel": case.channel,
        "decisions": list(case.decisions),
    }


def list_cases(*, session: Session) -> list[dict[str, Any]]:
    """Every case, newest first."""
    return [public(c) for c in session.scalars(select(Case).order_by(Case.created_at.desc(), Case.id.desc()))]
