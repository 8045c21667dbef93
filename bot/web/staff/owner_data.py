"""An owner's personal data from the admin UI (APPI Arts. 33, 35): find the owner by a case reference, read what is
held (a page that prints as PDF), download it as JSON, or erase it. Every export and erasure is audited."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from bot.services import Services
from bot.staff import access_log, audit
from bot.web.deps import ServicesDep
from bot.web.staff.render import render
from bot.web.staff.security import Staff, address_of, csrf, flash, page, user_of
from handoff import disclosure
from handoff.tables import Case

router = APIRouter(prefix="/admin/owner", tags=["admin"])
Admin = Annotated[Staff, Depends(page("admin"))]


async def _admin_csrf(staff: Admin, checked: Annotated[Staff, Depends(csrf)]) -> Staff:
    return checked


def _owner(session: Session, reference: str) -> str:
    key = session.scalar(select(Case.conversation_key).where(Case.reference == reference.strip()))
    if key is None:
        raise HTTPException(404, "ケースが見つかりません")
    return key


def _held(services: Services, reference: str, staff: Staff, request: Request, *, audited: bool) -> dict[str, Any]:
    with services.session_factory.begin() as session:
        key = _owner(session, reference)
        held = disclosure.export(session=session, conversation_key=key)
        if audited:
            audit.record(session=session, action="data.export", actor=user_of(session, staff),
                         target=disclosure.owner_label(key), address=address_of(request), now=utcnow(),
                         detail={"cases": held["cases"]})
            for case_reference in held["cases"]:  # and a view of each of the owner's cases (the breach report)
                access_log.record(session=session, staff_id=staff.user_id, email=staff.email, what="disclosure",
                                  reference=str(case_reference), now=utcnow())
        return held


@router.get("", response_class=HTMLResponse)
async def owner_page(request: Request, staff: Admin, services: ServicesDep,
                     reference: Annotated[str, Query(max_length=20)] = "") -> HTMLResponse:
    """Everything held about the owner of a case, readable (the browser prints it as PDF); viewing it is audited."""
    held = await run_in_threadpool(_held, services, reference, staff, request, audited=True) if reference else None
    return render(request, "owner_data.html", staff, reference=reference, held=held,
                  kept=disclosure.KEPT_STATUSES)


@router.get("/export.json")
async def owner_json(request: Request, staff: Admin, services: ServicesDep,
                     reference: Annotated[str, Query(max_length=20)]) -> Response:
    held = await run_in_threadpool(_held, services, reference, staff, request, audited=True)
    return Response(json.dumps(held, ensure_ascii=False, indent=1, default=str), media_type="application/json",
                    headers={"content-disposition": f'attachment; filename="{reference}-disclosure.json"'})


@router.post("/erase", responses={303: {"description": "done"}})
async def owner_erase(request: Request, staff: Annotated[Staff, Depends(_admin_csrf)], services: ServicesDep,
                      reference: Annotated[str, Form(max_length=20)],
                      confirmed: Annotated[str, Form(max_length=3)] = "") -> RedirectResponse:
    """削除・利用停止: everything about the owner goes but approved applications and their visit records."""
    if confirmed != "yes":
        raise HTTPException(400, "確認のチェックがありません")

    def erase() -> dict[str, Any]:
        with services.session_factory.begin() as session:
            key = _owner(session, reference)
            done = disclosure.erase(session=session, conversation_key=key)
            audit.record(session=session, action="data.erase", actor=user_of(session, staff),
                         target=disclosure.owner_label(key), address=address_of(request), now=utcnow(), detail=done)
            return done

    done = await run_in_threadpool(erase)
    kept = "、".join(done["kept_cases"])
    message = "削除しました" + (f"（制度上保存が必要なため残したケース：{kept}）" if kept else "")
    await run_in_threadpool(flash, services, staff, message)
    return RedirectResponse("/admin", status_code=303)
