"""The expert side of a case: the registry picker of the approval form (search by theme and area, with what
実施要領 4(1)ク② names for each candidate), the case's evaluation status, and the advisor's evaluation form
(002 専門家の評価: the six axes and the 支援機関 items)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from bot.web.deps import ServicesDep
from bot.web.staff.read import found, read, scope
from bot.web.staff.render import render
from bot.web.staff.security import CsrfDep, Staff, address_of, flash, page, user_of
from handoff import cases, conflict, evaluation, experts
from handoff import decide as decisions
from handoff.tables import Case, EvaluationRequest, Expert, ExpertEvaluation

router = APIRouter(tags=["cases"])
Desk = Annotated[Staff, Depends(page("cases_reply"))]
Advisor = Annotated[Staff, Depends(page("cases_evaluate"))]
Short = Annotated[str, Query(max_length=40)]


def candidates(*, session: Session, case: Case, theme: str, area: str, text: str = "", mode: str = ""
               ) -> list[tuple[Expert, list[conflict.Finding]]]:
    """Active experts for the theme and area, each with the findings of 4(1)ク② on this case."""
    rows = experts.search(session=session, theme=theme if theme in experts.THEMES else "", area=area, text=text,
                          mode=mode, limit=50)
    return [(e, decisions.findings(case=case, expert=e)) for e in rows]


def picker_defaults(case: Case) -> dict[str, str]:
    """The search the approval form starts with: the case's theme, the business's municipality, the wished mode."""
    mode = str(case.fields.get("mode") or "")
    return {"theme": case.theme or "", "area": str(case.fields.get("municipality") or ""),
            "mode": mode if mode in decisions.MODES else ""}


@router.get("/cases/{reference}/experts", response_class=HTMLResponse)
async def case_expert_picker(reference: str, request: Request, staff: Desk, services: ServicesDep,
                             theme: Short = "", area: Short = "", q: Annotated[str, Query(max_length=100)] = "",
                             mode: Short = "") -> HTMLResponse:
    """The picker's results (the approval form fetches them as the search changes)."""
    def load(session: Session) -> list[tuple[Expert, list[conflict.Finding]]]:
        case = found(cases.get_for(session=session, reference=reference))
        return candidates(session=session, case=case, theme=theme, area=area, text=q, mode=mode)

    return render(request, "expert_picker.html", staff, candidates=await read(services, load), themes=experts.THEMES)


def evaluation_status(*, session: Session, case: Case, staff: Staff) -> dict[str, Any]:
    """For the case page: the registry expert, the owner's request and rating, the advisor's rating (desk: all;
    an advisor: whether their organisation has rated, and the form)."""
    if case.expert_id is None:
        return {}
    request = session.scalar(select(EvaluationRequest).where(EvaluationRequest.case_id == case.id))
    rows = {e.rater: e for e in session.scalars(select(ExpertEvaluation).where(ExpertEvaluation.case_id == case.id))}
    return {"expert": session.get(Expert, case.expert_id), "request": request,
            "owner_rating": rows.get("owner") if staff.role != "advisor" else None,
            "advisor_rating": rows.get("advisor"), "desk": staff.role != "advisor"}


@router.post("/cases/{reference}/evaluate", responses={303: {"description": "rated or refused"}})
async def case_evaluate(reference: str, request: Request, staff: Advisor, checked: CsrfDep,
                        services: ServicesDep) -> RedirectResponse:
    """The 商工会's advisor rates the expert: the six axes and 002's 支援機関 items (1–5 each), and a comment."""
    form = await request.form()
    values = {k: str(form.get(k, ""))[:2] for k in (*evaluation.AXES, *evaluation.ORG_ITEMS)}
    comment = str(form.get("comment", ""))[:500]

    def run() -> str:
        with services.session_factory.begin() as session:
            case = found(cases.get_for(session=session, reference=reference, organisation_id=scope(staff)))
            evaluation.advisor_rated(session=session, case=case, actor=user_of(session, staff), values=values,
                                     comment=comment, now=utcnow(), address=address_of(request))
            return "専門家の評価を記録しました"

    try:
        message = await run_in_threadpool(run)
    except evaluation.EvaluationError as exc:
        message = f"できませんでした：{exc}"
    await run_in_threadpool(flash, services, staff, message)
    return RedirectResponse(f"/cases/{reference}#evaluation", status_code=303)
