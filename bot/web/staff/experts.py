"""The expert registry pages: list and search (by theme and area), add, edit (audited), and each expert's page with
their cases, visits, reports and evaluations, and the six-axis averages as a radar chart (002 専門家の評価).
Advisors see the registry and the averages, their organisation's cases and reports, and the evaluations they gave;
the 支援機関 items of 002 only the desk sees."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from bot.services import Services
from bot.staff import audit
from bot.web.deps import ServicesDep
from bot.web.staff.charts import radar
from bot.web.staff.read import read, scope
from bot.web.staff.render import render
from bot.web.staff.security import CsrfDep, Staff, address_of, flash, page, user_of
from handoff import evaluation, experts
from handoff.decide import MODES
from handoff.tables import Expert

router = APIRouter(tags=["experts"])
Viewer = Annotated[Staff, Depends(page("experts"))]
Editor = Annotated[Staff, Depends(page("experts_edit"))]
Short = Annotated[str, Query(max_length=40)]
ExpertId = Annotated[int, Path(ge=1, le=2**53)]
RADAR_LABELS = {"communication": "コミュニケーション力", "clarity": "丁寧さ・わかりやすさ", "expertise": "専門性",
                "analysis": "分析力", "execution": "実現力", "manners": "社会的マナー"}


def _expert(session: Session, expert_id: int) -> Expert:
    expert = experts.get(session=session, expert_id=expert_id)
    if expert is None:
        raise HTTPException(404, "専門家が見つかりません")
    return expert


@router.get("/experts", response_class=HTMLResponse)
async def expert_list(request: Request, staff: Viewer, services: ServicesDep, theme: Short = "", area: Short = "",
                      q: Annotated[str, Query(max_length=100)] = "", inactive: Short = "") -> HTMLResponse:
    """The registry, searched by theme, area and words (name, affiliation, qualification, 推薦機関)."""
    rows = await read(services, lambda session: experts.search(
        session=session, theme=theme if theme in experts.THEMES else "", area=area, text=q,
        active_only=not inactive))
    return render(request, "experts.html", staff, experts=rows, themes=experts.THEMES, areas=experts.AREAS,
                  theme=theme, area=area, q=q, inactive=bool(inactive))


@router.get("/experts/new", response_class=HTMLResponse)
async def expert_new(request: Request, staff: Editor) -> HTMLResponse:
    return render(request, "expert_edit.html", staff, expert=None, form={}, themes=experts.THEMES,
                  areas=experts.AREAS)


def _form(form: Any) -> dict[str, Any]:
    text = {k: str(form.get(k, ""))[:1000] for k in ("name", "affiliation", "qualifications", "areas",
                                                    "availability", "recommended_by")}
    return {**text, "fields": [str(f) for f in form.getlist("fields")][:20], "online": form.get("online") == "1",
            "onsite": form.get("onsite") == "1", "active": form.get("active", "1") == "1"}


async def _save(request: Request, services: Services, staff: Staff,
                expert_id: int | None) -> HTMLResponse | RedirectResponse:
    values = _form(await request.form())

    def run() -> tuple[int, str]:
        with services.session_factory.begin() as session:
            data = experts.checked(**values)
            actor, now, address = user_of(session, staff), utcnow(), address_of(request)
            if expert_id is None:
                return experts.create(session=session, data=data, actor=actor, now=now, address=address).id, \
                    f"専門家「{data.name}」を登録しました"
            changed = experts.update(session=session, expert=_expert(session, expert_id), data=data, actor=actor,
                                     now=now, address=address)
            return expert_id, ("変更を保存しました（" + "、".join(changed) + "）") if changed else "変更はありません"

    try:
        saved, message = await run_in_threadpool(run)
    except experts.ExpertError as exc:
        return render(request, "expert_edit.html", staff, status_code=422, expert=expert_id, form=values,
                      themes=experts.THEMES, areas=experts.AREAS, error=str(exc))
    await run_in_threadpool(flash, services, staff, message)
    return RedirectResponse(f"/experts/{saved}", status_code=303)


@router.post("/experts", response_model=None,
             responses={303: {"description": "added"}, 422: {"description": "refused"}})
async def expert_add(request: Request, staff: Editor, checked: CsrfDep, services: ServicesDep
                     ) -> HTMLResponse | RedirectResponse:
    return await _save(request, services, staff, None)


@router.get("/experts/{expert_id}/edit", response_class=HTMLResponse)
async def expert_edit(expert_id: ExpertId, request: Request, staff: Editor, services: ServicesDep) -> HTMLResponse:
    def load(session: Session) -> dict[str, Any]:
        e = _expert(session, expert_id)
        return {"name": e.name, "affiliation": e.affiliation, "qualifications": e.qualifications,
                "fields": list(e.fields), "areas": "、".join(e.areas), "online": e.online, "onsite": e.onsite,
                "availability": e.availability, "recommended_by": e.recommended_by, "active": e.active}

    return render(request, "expert_edit.html", staff, expert=expert_id, form=await read(services, load),
                  themes=experts.THEMES, areas=experts.AREAS)


@router.post("/experts/{expert_id}", response_model=None,
             responses={303: {"description": "saved"}, 422: {"description": "refused"}})
async def expert_update(expert_id: ExpertId, request: Request, staff: Editor, checked: CsrfDep, services: ServicesDep
                        ) -> HTMLResponse | RedirectResponse:
    return await _save(request, services, staff, expert_id)


@router.get("/experts/{expert_id}", response_class=HTMLResponse)
async def expert_page(expert_id: ExpertId, request: Request, staff: Viewer, services: ServicesDep) -> HTMLResponse:
    """The profile, the radar chart of the recent window, and the expert's cases, visits, reports, evaluations."""
    desk = staff.role in ("admin", "coordinator")
    window = services.settings.evaluation_window_days
    since = utcnow() - timedelta(days=window)

    def load(session: Session) -> dict[str, Any]:
        e = _expert(session, expert_id)
        return {"expert": e, "cases": experts.cases_of(session=session, expert=e, organisation_id=scope(staff)),
                "visits": experts.visits_of(session=session, expert=e, organisation_id=scope(staff)),
                "evaluations": experts.evaluations_of(session=session, expert=e,
                                                      staff_user_id=None if desk else staff.user_id),
                "averages": evaluation.averages(session=session, expert_id=e.id, since=since, org_items=desk),
                "trail": audit.for_target(session=session, target=experts.target(e)) if desk else []}

    context = await read(services, load)
    overall = context["averages"].get("all", {})
    chart = radar(f"直近{window}日の評価の平均（5段階）",
                  [(RADAR_LABELS[k], overall.get(k)) for k in evaluation.AXES]) if overall else None
    return render(request, "expert.html", staff, **context, chart=chart, window=window, desk=desk,
                  themes=experts.THEMES, axes=evaluation.AXES, org_items=evaluation.ORG_ITEMS if desk else {},
                  modes=MODES, describe=experts.describe)
