"""講習会・個別相談会 pages: the list (advisors: their organisation's only), the request form 様式2/様式3 an advisor
sends for their organisation, and one event's page (request, schedule, slots, participants, 様式4, report). What the
desk does on it is in seminar_desk.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from bot.staff import access_log, audit
from bot.staff.tables import Organisation
from bot.web.deps import ServicesDep
from bot.web.staff.read import read, scope
from bot.web.staff.render import render
from bot.web.staff.security import CsrfDep, Staff, address_of, flash, page, user_of
from handoff import experts, seminars
from handoff import seminar_signups as signups
from handoff.seminar_tables import Seminar
from handoff.tables import Expert

router = APIRouter(tags=["seminars"])
Viewer = Annotated[Staff, Depends(page("seminars"))]
Requester = Annotated[Staff, Depends(page("seminars_request"))]
SeminarId = Annotated[int, Path(ge=1, le=2**53)]
FORM_KEYS = ("kind", "theme", "title", "proposed_dates", "venue_request", "expected", "area", "note")


def found(session: Session, staff: Staff, seminar_id: int) -> Seminar:
    """The event, or 404 (missing or another organisation's: the same answer, so nothing leaks)."""
    row = seminars.visible(session=session, seminar_id=seminar_id, organisation_id=scope(staff))
    if row is None:
        raise HTTPException(404, "催しが見つかりません")
    return row


@router.get("/seminars", response_class=HTMLResponse)
async def seminar_list(request: Request, staff: Viewer, services: ServicesDep) -> HTMLResponse:
    def load(session: Session) -> dict[str, Any]:
        rows = seminars.listing(session=session, organisation_id=scope(staff))
        names = dict(session.execute(select(Organisation.id, Organisation.name)).tuples().all())
        counts = signups.counts(session=session, seminar_ids=[r.id for r in rows])
        return {"rows": rows, "orgs": names, "counts": counts}

    return render(request, "seminars.html", staff, **await read(services, load), kinds=seminars.KINDS,
                  themes=experts.THEMES, labels=seminars.STATUS_LABELS, when=signups.when)


@router.get("/seminars/new", response_class=HTMLResponse)
async def seminar_new(request: Request, staff: Requester, kind: Annotated[str, Query(max_length=20)] = "lecture"
                      ) -> HTMLResponse:
    return render(request, "seminar_new.html", staff, form={"kind": kind if kind in seminars.KINDS else "lecture"},
                  kinds=seminars.KINDS, forms=seminars.FORMS, themes=experts.THEMES, areas=experts.AREAS[1:])


@router.post("/seminars", response_model=None,
             responses={303: {"description": "sent"}, 422: {"description": "refused"}})
async def seminar_submit(request: Request, staff: Requester, checked: CsrfDep, services: ServicesDep
                         ) -> HTMLResponse | RedirectResponse:
    form = await request.form()
    values = {k: str(form.get(k, ""))[:1000] for k in FORM_KEYS}

    def run() -> int:
        with services.session_factory.begin() as session:
            data = seminars.checked_request(**values)
            return seminars.submit(session=session, data=data, actor=user_of(session, staff), now=utcnow(),
                                   address=address_of(request)).id

    try:
        seminar_id = await run_in_threadpool(run)
    except seminars.SeminarError as exc:
        return render(request, "seminar_new.html", staff, status_code=422, form=values, error=str(exc),
                      kinds=seminars.KINDS, forms=seminars.FORMS, themes=experts.THEMES, areas=experts.AREAS[1:])
    kind = seminars.FORMS[values["kind"]]
    await run_in_threadpool(flash, services, staff, f"{kind}を送りました。窓口からの連絡をお待ちください")
    return RedirectResponse(f"/seminars/{seminar_id}", status_code=303)


@router.get("/seminars/{seminar_id}", response_class=HTMLResponse)
async def seminar_page(seminar_id: SeminarId, request: Request, staff: Viewer, services: ServicesDep
                       ) -> HTMLResponse:
    """One event: the request as sent, the schedule, the slots, who signed up (the desk and the organisation only:
    the page is scoped), 様式4 and the expert's report; the desk's forms and the audit trail for the desk."""
    desk = staff.role in seminars.DESK

    def load(session: Session) -> dict[str, Any]:
        s = found(session, staff, seminar_id)
        org = session.get(Organisation, s.organisation_id)
        expert = session.get(Expert, s.expert_id) if s.expert_id else None
        slots = signups.slots_of(session=session, seminar_id=s.id)
        return {"s": s, "org": org.name if org else "", "expert": expert, "slots": slots,
                "people": signups.participants(session=session, seminar_id=s.id),
                "experts": experts.search(session=session, theme=s.theme) or experts.search(session=session)
                if desk else [],
                "missing": seminars.ready(session, s) if desk else None,
                "trail": audit.for_target(session=session, target=seminars.target(s)) if desk else []}

    context = await read(services, load)

    def viewed() -> None:
        with services.session_factory.begin() as session:
            access_log.record(session=session, staff_id=staff.user_id, email=staff.email, what="participants",
                              reference=seminars.target(context["s"]), now=utcnow())

    if context["people"]:
        await run_in_threadpool(viewed)
    status = seminars.Status(context["s"].status)
    moves = [m for (m, before) in seminars.MOVES if before is status]
    return render(request, "seminar.html", staff, **context, desk=desk, moves=moves, kinds=seminars.KINDS,
                  forms=seminars.FORMS, themes=experts.THEMES, labels=seminars.STATUS_LABELS,
                  move_labels=seminars.MOVE_LABELS, needs_reason=seminars.NEEDS_REASON, when=signups.when,
                  areas=experts.AREAS[1:], schedulable=status in seminars.SCHEDULABLE, org_types=ORG_TYPES,
                  actions=ACTIONS, started=bool(context["s"].starts_at and context["s"].starts_at <= utcnow()))


ACTIONS = {"seminar.request": "申込票の受付", "seminar.accept": "受理", "seminar.decline": "お断り",
           "seminar.publish": "公開", "seminar.hold": "開催済み", "seminar.cancel": "中止", "seminar.schedule": "日程",
           "seminar.slots": "相談枠", "seminar.fee": "様式4", "seminar.report": "専門家の報告",
           "seminar.export": "CSV出力", "seminar.attendance": "出欠"}
ORG_TYPES = {"company": "会社", "sole_proprietor": "個人事業主", "cooperative": "組合", "other": "NPO・その他"}
