"""What the desk does to a 講習会・個別相談会: accept/decline/publish/hold/cancel (one table of moves), the schedule
(date, time, venue, lecturer from the expert registry, capacity), the consultation's slots, 様式4 (立替金), the
expert's report; and the participant list as CSV (the desk and the event's organisation; every download audited)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from bot.services import Services
from bot.staff import access_log, audit
from bot.staff.tables import StaffUser
from bot.web.deps import ServicesDep
from bot.web.staff.security import CsrfDep, Staff, address_of, flash, page, user_of
from bot.web.staff.seminars import ORG_TYPES, Viewer, found
from dialogs.hours import JST
from handoff import seminar_signups as signups
from handoff import seminars
from handoff.seminar_tables import Seminar

router = APIRouter(tags=["seminars"])
Desk = Annotated[Staff, Depends(page("seminars_desk"))]
SeminarId = Annotated[int, Path(ge=1, le=2**53)]
Work = Callable[[Session, Seminar, StaffUser, datetime, str, dict[str, Any]], str]


def _at(day: str, clock: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=JST)
    except ValueError as exc:
        raise seminars.SeminarError("日付と時刻を正しく入力してください") from exc


def _number(value: str, what: str, low: int, high: int) -> int:
    value = value.strip().replace(",", "")
    if not value.isdigit() or not low <= int(value) <= high:
        raise seminars.SeminarError(f"{what}は{low}〜{high}の数字で入力してください")
    return int(value)


async def _do(request: Request, services: Services, staff: Staff, seminar_id: int, work: Work) -> RedirectResponse:
    """Run one desk action in a transaction; its message (or the refusal) is flashed on the event's page."""
    form: dict[str, Any] = {k: str(v)[:8000] for k, v in (await request.form()).items()}
    told: list[str] = []
    form |= {"_channels": services.channels, "_told": told}  # for the owners a cancellation must reach

    def run() -> str:
        with services.session_factory.begin() as session:
            seminar = found(session, staff, seminar_id)
            return work(session, seminar, user_of(session, staff), utcnow(), address_of(request), form)

    try:
        message = await run_in_threadpool(run)
        for key in told:
            services.pipeline.deliver_soon(key)
    except seminars.SeminarError as exc:
        message = f"保存できませんでした：{exc}"
    await run_in_threadpool(flash, services, staff, message)
    return RedirectResponse(f"/seminars/{seminar_id}", status_code=303)


def _move(session: Session, s: Seminar, actor: StaffUser, now: datetime, address: str, form: dict[str, Any]) -> str:
    try:
        move = seminars.Move(form.get("move", ""))
    except ValueError as exc:
        raise seminars.SeminarError("操作を選んでください") from exc
    after = seminars.move(session=session, seminar=s, move=move, actor=actor, now=now, reason=form.get("reason", ""),
                          address=address)
    if move is seminars.Move.CANCEL:
        form["_told"].extend(signups.tell_cancelled(session=session, seminar=s, channels=form["_channels"], now=now))
        return f"「中止」にしました（申込者{len(form['_told'])}人にお知らせしました）"
    return f"「{seminars.STATUS_LABELS[after]}」にしました"


def _schedule(session: Session, s: Seminar, actor: StaffUser, now: datetime, address: str,
              form: dict[str, Any]) -> str:
    day = form.get("day", "")
    capacity = _number(form.get("capacity", ""), "定員", 1, 1000) if s.kind == "lecture" else None
    data = seminars.ScheduleIn(starts_at=_at(day, form.get("start", "")), ends_at=_at(day, form.get("end", "")),
                               venue=form.get("venue", "").strip()[:200], capacity=capacity,
                               expert_id=_number(form.get("expert_id", ""), "講師", 1, 2**53),
                               area=form.get("area", "").strip()[:30])
    if not data.venue:
        raise seminars.SeminarError("会場を入力してください")
    changed = seminars.schedule(session=session, seminar=s, data=data, actor=actor, now=now, address=address)
    return "日程を保存しました" if changed else "変更はありません"


def _slots(session: Session, s: Seminar, actor: StaffUser, now: datetime, address: str, form: dict[str, Any]) -> str:
    if s.kind != "consultation" or seminars.Status(s.status) not in seminars.SCHEDULABLE:
        raise seminars.SeminarError("相談枠は受理した個別相談会に作ります")
    count = _number(form.get("count", ""), "枠の数", 1, 12)
    minutes = _number(form.get("minutes", ""), "1枠の時間（分）", 15, 180)
    expert = _number(form.get("slot_expert_id", ""), "専門家", 1, 2**53)
    signups.add_slots(session=session, seminar=s, expert_id=expert, count=count, minutes=minutes,
                      first=_at(form.get("slot_day", ""), form.get("slot_start", "")))
    audit.record(session=session, action="seminar.slots", actor=actor, target=seminars.target(s), address=address,
                 now=now, detail={"count": count, "minutes": minutes, "expert": expert})
    return f"相談枠を{count}つ作りました"


def _fee(session: Session, s: Seminar, actor: StaffUser, now: datetime, address: str, form: dict[str, Any]) -> str:
    yen = _number(form.get("yen", ""), "会場使用料", 0, 10_000_000)
    seminars.record_fee(session=session, seminar=s, yen=yen, note=form.get("note", ""), actor=actor, now=now,
                        address=address)
    return f"様式4（立替金）を記録しました：{yen:,}円"


def _report(session: Session, s: Seminar, actor: StaffUser, now: datetime, address: str, form: dict[str, Any]) -> str:
    seminars.record_report(session=session, seminar=s, text=form.get("report", ""), actor=actor, now=now,
                           address=address)
    return "専門家の報告を記録しました（商工会・商工会議所に共有されます）"


def _attendance(session: Session, s: Seminar, actor: StaffUser, now: datetime, address: str,
                form: dict[str, Any]) -> str:
    present = {int(k.removeprefix("came_")) for k in form if k.startswith("came_") and k[5:].isdigit()}
    came, missed = signups.record_attendance(session=session, seminar=s, present=present, actor=actor, now=now,
                                             address=address)
    return f"出欠を記録しました：出席{came}人・欠席{missed}人"


WORK: dict[str, Work] = {"move": _move, "schedule": _schedule, "slots": _slots, "fee": _fee, "report": _report,
                         "attendance": _attendance}


def _route(name: str) -> None:
    work = WORK[name]

    async def action(seminar_id: SeminarId, request: Request, staff: Desk, checked: CsrfDep, services: ServicesDep
                     ) -> RedirectResponse:
        return await _do(request, services, staff, seminar_id, work)

    action.__name__ = f"seminar_{name}"
    router.post(f"/seminars/{{seminar_id}}/{name}", status_code=303, response_class=RedirectResponse)(action)


for _name in WORK:
    _route(_name)

COLUMNS = ("No", "事業所名", "お名前", "事業の形態", "相談時間", "申込日時", "出欠")
ATTENDANCE = {True: "出席", False: "欠席", None: ""}


@router.get("/seminars/{seminar_id}/participants.csv")
async def participants_csv(seminar_id: SeminarId, request: Request, staff: Viewer, services: ServicesDep) -> Response:
    """The participant list (UTF-8 with BOM, for Excel); audited and logged as an access to personal data."""
    def build() -> tuple[str, str]:
        now = utcnow()
        with services.session_factory.begin() as session:
            s = found(session, staff, seminar_id)
            people = signups.participants(session=session, seminar_id=s.id)
            audit.record(session=session, action="seminar.export", actor=user_of(session, staff),
                         target=seminars.target(s), address=address_of(request), now=now,
                         detail={"rows": len(people)})
            access_log.record(session=session, staff_id=staff.user_id, email=staff.email, what="csv",
                              reference=seminars.target(s), now=now)
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            for n, (p, slot_at) in enumerate(people, 1):
                writer.writerow((n, p.business_name, p.name, ORG_TYPES.get(p.org_type, p.org_type),
                                 slot_at.astimezone(JST).strftime("%H:%M") if slot_at else "",
                                 p.created_at.astimezone(JST).strftime("%Y-%m-%d %H:%M"), ATTENDANCE[p.attended]))
            return "\ufeff" + out.getvalue(), f"seminar-{s.id}-participants.csv"

    body, name = await run_in_threadpool(build)
    return Response(body.encode(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})
