"""The visit ledger of an approved application: 001 4(1)ク① allows 5 visits per application, 3 hours each, 15 hours
in all. After the support the expert's report (専門家支援報告書) is fed back to the owner's 商工会・商工会議所
(001 3(2)イ); here a coordinator records it and shares it with that organisation's advisors."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.channels.base import Channel
from bot.staff import audit
from bot.staff.tables import StaffUser
from dialogs.hours import JST
from dialogs.parsing import parse_minutes
from dialogs.program import FALLBACK_CAPS, Caps
from handoff import evaluation, lifecycle, relay
from handoff.decide import MODES
from handoff.lifecycle import Move
from handoff.tables import Case, Expert, Visit

CLAUSE = "実施要領 4(1)ク①"
LOGGABLE = ("approved", "in_support")


class VisitError(ValueError):
    """A visit the ledger refuses, with a message for the coordinator."""


def hours(minutes: int) -> str:
    """180 → '3', 90 → '1.5'."""
    return f"{minutes / 60:g}"


def check_day(*, case: Case, visited_on: date | None, now: datetime) -> None:
    """A visit happens between the case's decision (its application, at the earliest) and today (JST)."""
    today = now.astimezone(JST).date()
    if visited_on is None or visited_on > today:
        raise VisitError("支援日を今日までの日付で入力してください")
    received = case.created_at.astimezone(JST).date()
    if visited_on < received:
        raise VisitError(f"支援日は受付日（{received:%Y-%m-%d}）以降の日付で入力してください")


def totals(*, session: Session, case: Case) -> tuple[int, int]:
    """(visits, minutes) logged so far for the case."""
    count, minutes = session.execute(
        select(func.count(Visit.id), func.coalesce(func.sum(Visit.minutes), 0)).where(Visit.case_id == case.id)
    ).one()
    return int(count), int(minutes)


def ledger(*, session: Session, case: Case, shared_only: bool = False) -> list[Visit]:
    stmt = select(Visit).where(Visit.case_id == case.id).order_by(Visit.visited_on, Visit.id)
    if shared_only:
        stmt = stmt.where(Visit.report_shared.is_(True))
    return list(session.scalars(stmt))


def log(*, session: Session, case: Case, actor: StaffUser, visited_on: date | None, duration: str, mode: str,
        expert: str, report: str, now: datetime, address: str = "",
        channels: Mapping[str, Channel] | None = None, caps: Caps = FALLBACK_CAPS) -> Visit:
    """Record one visit, or refuse it with the rule it breaks. The case row is locked first, so two coordinators
    logging at once cannot both pass the caps (the program year's: the route passes the year file's). The last
    planned visit ends the support: the owner is asked to rate the expert (002 専門家の評価)."""
    row = lifecycle.locked(session=session, case=case)
    if row.status not in LOGGABLE:
        raise VisitError("支援の記録は、承認された申請にだけ付けられます")
    lifecycle.check(session=session, case=row, move=Move.VISIT, actor=actor)
    check_day(case=row, visited_on=visited_on, now=now)
    minutes = parse_minutes(duration)
    if minutes is None:
        raise VisitError("時間を入力してください（例：3、1.5、1時間30分）")
    if mode not in MODES or not expert.strip():
        raise VisitError("方法（訪問・オンライン）と専門家を入力してください")
    count, used = totals(session=session, case=case)
    if count >= caps.visits:
        raise VisitError(f"支援は1申請につき{caps.visits}回までです（{CLAUSE}）。{count + 1}回目は記録できません")
    if used + minutes > round(caps.hours * 60):
        raise VisitError(f"合計が{caps.hours:g}時間を超えます（{CLAUSE}）。記録済み{hours(used)}時間、"
                         f"残り{hours(round(caps.hours * 60) - used)}時間です")
    if minutes > round(caps.hours_per_visit * 60):
        raise VisitError(f"1回の支援は{caps.hours_per_visit:g}時間以内です（{CLAUSE}）。"
                         f"{hours(minutes)}時間は記録できません")
    visit = Visit(case_id=case.id, visited_on=visited_on, minutes=minutes, mode=mode, expert=expert.strip()[:200],
                  report=report.strip()[:4000], report_shared=False, actor=actor.email, created_at=now,
                  expert_id=_registry_expert(session, row, expert))
    session.add(visit)
    session.flush()
    relay.note(session=session, case=case, direction="system", now=now, actor=actor.email,
               text=f"支援記録：{count + 1}回目 {visited_on:%Y-%m-%d} {hours(minutes)}時間（{MODES[mode]}）")
    lifecycle.transition(session=session, case=case, move=Move.VISIT, actor=actor, now=now, address=address,
                         detail={"number": count + 1, "minutes": minutes, "total_minutes": used + minutes})
    evaluation.after_visit(session=session, case=row, count=count + 1, channels=channels or {}, now=now,
                           caps=caps)
    return visit


def _registry_expert(session: Session, case: Case, name: str) -> int | None:
    """The approved registry expert, when the visit names them (another name typed is a free-text expert)."""
    if case.expert_id is None:
        return None
    expert = session.get(Expert, case.expert_id)
    return expert.id if expert is not None and expert.name == name.strip() else None


def share(*, session: Session, case: Case, visit_id: int, actor: StaffUser, now: datetime,
          address: str = "") -> None:
    """Feed the expert's report back to the owner's 商工会・商工会議所 (its advisors see it on the case page)."""
    visit = session.scalar(select(Visit).where(Visit.id == visit_id, Visit.case_id == case.id))
    if visit is None or not visit.report:
        raise VisitError("共有する報告書がありません")
    if case.organisation_id is None:
        raise VisitError("この事業者の商工会・商工会議所が登録されていないため、共有できません")
    visit.report_shared = True
    audit.record(session=session, action="case.report_shared", actor=actor, target=case.reference,
                 address=address, now=now, detail={"visit": visit.id, "organisation": case.organisation_id})


def fiscal_year_start(today: date) -> date:
    """Japanese fiscal years start on 1 April."""
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def usage_this_year(*, session: Session, conversation_key: str, today: date) -> tuple[int, int]:
    """(visits, minutes) this business has used in the current fiscal year, from the ledger."""
    count, minutes = session.execute(
        select(func.count(Visit.id), func.coalesce(func.sum(Visit.minutes), 0))
        .join(Case, Case.id == Visit.case_id)
        .where(Case.conversation_key == conversation_key, Visit.visited_on >= fiscal_year_start(today))
    ).one()
    return int(count), int(minutes)


def known_usage(*, session: Session, conversation_key: str, today: date) -> dict[str, float] | None:
    """For a business the desk knows (an earlier application from this conversation): its visits and hours this
    fiscal year from the ledger, which pre-screening then uses instead of asking. None for a new business."""
    known = session.scalar(select(Case.id).where(Case.conversation_key == conversation_key,
                                                 Case.kind == "application").limit(1))
    if known is None:
        return None
    count, minutes = usage_this_year(session=session, conversation_key=conversation_key, today=today)
    return {"visits": count, "hours": minutes / 60}
