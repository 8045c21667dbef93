"""The desk's own tools: canned replies (admins and coordinators add, edit and delete them; audited) and each
coordinator's notification setting (an e-mail when an owner writes on one of their cases)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from bot.services import Services
from bot.staff import audit
from bot.staff.tables import StaffUser
from bot.web.deps import ServicesDep
from bot.web.staff.read import read
from bot.web.staff.render import render
from bot.web.staff.security import CsrfDep, Staff, change, page
from handoff import canned
from handoff.tables import CannedReply

router = APIRouter(tags=["desk"])
Canned = Annotated[Staff, Depends(page("canned"))]
Settings = Annotated[Staff, Depends(page("settings"))]


async def _change(request: Request, services: Services, staff: Staff, back: str,
                  work: Callable[[Session, StaffUser, str], str]) -> RedirectResponse:
    return await change(request, services, staff, back, work, (canned.CannedError,))


def _canned(session: Session, canned_id: int) -> CannedReply:
    row = canned.get(session=session, canned_id=canned_id)
    if row is None:
        raise HTTPException(404, "定型文が見つかりません")
    return row


@router.get("/canned", response_class=HTMLResponse)
async def canned_page(request: Request, staff: Canned, services: ServicesDep) -> HTMLResponse:
    rows = await read(services, lambda session: canned.listing(session=session))
    return render(request, "canned.html", staff, rows=rows, variables=canned.VARIABLES,
                  max_title=canned.MAX_TITLE, max_body=canned.MAX_BODY)


@router.post("/canned", responses={303: {"description": "added or refused"}})
async def canned_add(request: Request, staff: Canned, checked: CsrfDep, services: ServicesDep,
                     title: Annotated[str, Form(max_length=200)] = "",
                     body: Annotated[str, Form(max_length=4000)] = "") -> RedirectResponse:
    def work(session: Session, actor: StaffUser, address: str) -> str:
        row = canned.save(session=session, canned=None, title=title, body=body, actor=actor, now=utcnow(),
                          address=address)
        return f"定型文「{row.title}」を追加しました"

    return await _change(request, services, staff, "/canned", work)


@router.post("/canned/{canned_id}", responses={303: {"description": "saved or refused"}})
async def canned_edit(canned_id: int, request: Request, staff: Canned, checked: CsrfDep, services: ServicesDep,
                      title: Annotated[str, Form(max_length=200)] = "",
                      body: Annotated[str, Form(max_length=4000)] = "") -> RedirectResponse:
    def work(session: Session, actor: StaffUser, address: str) -> str:
        row = canned.save(session=session, canned=_canned(session, canned_id), title=title, body=body, actor=actor,
                          now=utcnow(), address=address)
        return f"定型文「{row.title}」を保存しました"

    return await _change(request, services, staff, "/canned", work)


@router.post("/canned/{canned_id}/delete", responses={303: {"description": "deleted"}})
async def canned_delete(canned_id: int, request: Request, staff: Canned, checked: CsrfDep,
                        services: ServicesDep) -> RedirectResponse:
    def work(session: Session, actor: StaffUser, address: str) -> str:
        row = _canned(session, canned_id)
        canned.delete(session=session, canned=row, actor=actor, now=utcnow(), address=address)
        return f"定型文「{row.title}」を削除しました"

    return await _change(request, services, staff, "/canned", work)


@router.get("/settings", response_class=HTMLResponse)
async def settings_page(request: Request, staff: Settings, services: ServicesDep) -> HTMLResponse:
    def load(session: Session) -> StaffUser:
        user = session.get(StaffUser, staff.user_id)
        assert user is not None
        return user

    user = await read(services, load)
    return render(request, "settings.html", staff, user=user, mail_on=services.settings.smtp_enabled)


@router.post("/settings", responses={303: {"description": "saved"}})
async def settings_save(request: Request, staff: Settings, checked: CsrfDep, services: ServicesDep,
                        mail_unread: Annotated[str, Form(max_length=1)] = "") -> RedirectResponse:
    def work(session: Session, actor: StaffUser, address: str) -> str:
        wanted = mail_unread == "1"
        if actor.mail_unread != wanted:
            actor.mail_unread = wanted
            audit.record(session=session, action="staff.mail_unread", actor=actor, target=actor.email,
                         address=address, now=utcnow(), detail={"to": wanted})
        return ("担当ケースに事業者からメッセージが届いたら、メールでお知らせします" if wanted
                else "未読のメール通知を止めました（一覧の未読バッジは出ます）")

    return await _change(request, services, staff, "/settings", work)
