"""Creating and listing cases. Called by the pipeline inside the turn's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db.sql import insert_ignoring_duplicates
from bot.staff import organisations
from bot.staff.tables import StaffUser
from handoff import lifecycle
from handoff.lifecycle import Move
from handoff.tables import Case, CaseMessage, ReferenceCounter

PREFIX = "KD"
OPEN = ("new", "claimed")  # a callback case that is still open (one per conversation)


def next_reference(*, session: Session, now: datetime) -> str:
    """KD-<year>-<4 digits>, counted per year under the counter row's lock."""
    insert_ignoring_duplicates(session, ReferenceCounter, [{"year": now.year, "last": 0}], ["year"])
    number = session.execute(
        update(ReferenceCounter).where(ReferenceCounter.year == now.year)
        .values(last=ReferenceCounter.last + 1).returning(ReferenceCounter.last)
    ).scalar_one()
    return f"{PREFIX}-{now.year}-{number:04d}"


def create_case(*, session: Session, conversation_key: str, channel: str, kind: str, outcome: str,
                fields: dict[str, Any], decisions: list[Any], flags: list[str], now: datetime,
                organisation_id: int | None = None, trial: bool = False) -> Case:
    """Open a new case in the queue (routed to the owner's 商工会/商工会議所 when it is one we know); a trial's
    case (from /try) is marked so the queue hides it by default and nobody is mailed."""
    case = Case(reference=next_reference(session=session, now=now), kind=kind, status="new", outcome=outcome,
                conversation_key=conversation_key, channel=channel, fields=fields, decisions=decisions,
                flags=flags, created_at=now, updated_at=now, organisation_id=organisation_id, last_message_at=now,
                trial=trial)
    session.add(case)
    session.flush()
    return case


def organisation_named(*, session: Session, name: str | None) -> int | None:
    """The id of the organisation the owner named (its name or an alias, normalised: 「菊陽商工会」 is 菊陽町商工会),
    if we know exactly one."""
    return organisations.route(session=session, name=name)


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


Claimed = lifecycle.Claimed


def claim(*, session: Session, reference: str, coordinator: StaffUser, now: datetime, address: str = "") -> Case:
    """Take an unowned case. The row lock decides, so exactly one of any number of claimants wins."""
    case = session.scalar(select(Case).where(Case.reference == reference))
    if case is None:
        raise LookupError(reference)
    lifecycle.transition(session=session, case=case, move=Move.CLAIM, actor=coordinator, now=now, address=address)
    return case


def queue(*, session: Session, organisation_id: int | None = None) -> list[Case]:
    """Cases for the queue; an advisor's view is limited to their organisation."""
    stmt = select(Case).order_by(Case.created_at.desc(), Case.id.desc())
    if organisation_id is not None:
        stmt = stmt.where(Case.organisation_id == organisation_id)
    return list(session.scalars(stmt))


def by_reference(*, session: Session, reference: str) -> Case | None:
    return session.scalar(select(Case).where(Case.reference == reference))


def thread(*, session: Session, case: Case) -> list[CaseMessage]:
    return list(session.scalars(select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)))


def get_for(*, session: Session, reference: str, organisation_id: int | None = None) -> Case | None:
    """One case, or None when it does not exist or lies outside the given organisation."""
    case = session.scalar(select(Case).where(Case.reference == reference))
    if case is None or (organisation_id is not None and case.organisation_id != organisation_id):
        return None
    return case


def counts(*, session: Session) -> dict[str, dict[str, int]]:
    """How many cases by status, outcome, kind and theme (/try trials not counted): one GROUP BY over the four
    columns, read from the index that holds them (ix_handoff_case_counts: one pass over an index, never the table —
    at 1 million cases four GROUP BYs read the table four times), summed per column here (a few dozen groups)."""
    columns = (("status", Case.status), ("outcome", Case.outcome), ("kind", Case.kind), ("theme", Case.theme))
    out: dict[str, dict[str, int]] = {key: {} for key, _ in columns}
    rows = session.execute(select(*(c for _, c in columns), func.count()).where(Case.trial.is_(False))
                           .group_by(*(c for _, c in columns))).all()
    for *values, n in rows:
        for (key, _), value in zip(columns, values, strict=True):
            out[key][value or "—"] = out[key].get(value or "—", 0) + int(n)
    return out


def release(*, session: Session, case: Case, actor: StaffUser, now: datetime, address: str = "") -> None:
    """Back to the queue, unowned (its owner or an admin; person mode must be handed back first)."""
    lifecycle.transition(session=session, case=case, move=Move.RELEASE, actor=actor, now=now, address=address)


def reassign(*, session: Session, case: Case, to: StaffUser | None, actor: StaffUser, now: datetime,
             address: str = "") -> None:
    """Give the case to another coordinator (admin)."""
    lifecycle.transition(session=session, case=case, move=Move.REASSIGN, actor=actor, to_owner=to, now=now,
                         address=address)


def reopen(*, session: Session, case: Case, actor: StaffUser, reason: str, now: datetime, address: str = "") -> None:
    """An admin reopens a decided or finished case, with a reason; it goes back to its owner as 対応中."""
    lifecycle.transition(session=session, case=case, move=Move.REOPEN, actor=actor, reason=reason, now=now,
                         address=address)


def assignable(*, session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).where(StaffUser.active.is_(True),
                                                        StaffUser.role.in_(("admin", "coordinator")))
                                .order_by(StaffUser.email)))
