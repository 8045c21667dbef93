"""Administration (admins only): staff accounts, roles, organisations and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.engine import reader
from bot.db.tables import utcnow
from bot.services import Services
from bot.staff import access_log, audit, auth, organisations, service
from bot.staff.tables import AuditLog, Organisation, StaffUser
from bot.web.deps import ServicesDep
from bot.web.staff.render import render
from bot.web.staff.security import Staff, change, csrf, page
from dialogs.hours import JST

router = APIRouter(prefix="/admin", tags=["admin"])
Admin = Annotated[Staff, Depends(page("admin"))]


async def admin_csrf(staff: Admin, checked: Annotated[Staff, Depends(csrf)]) -> Staff:
    return checked


AdminWrite = Annotated[Staff, Depends(admin_csrf)]


@router.get("", response_class=HTMLResponse)
async def admin_page(request: Request, staff: Admin, services: ServicesDep) -> HTMLResponse:
    def load() -> tuple[list[StaffUser], list[Organisation]]:
        with Session(reader(services.engine)) as session:
            return list(session.scalars(select(StaffUser).order_by(StaffUser.email))), service.organisations(
                session=session)

    users, orgs = await run_in_threadpool(load)
    return render(request, "admin.html", staff, users=users, organisations=orgs, roles=auth.ROLES,
                  kinds=organisations.KINDS)


def audit_filters(action: Annotated[str, Query(max_length=50)] = "", actor: Annotated[str, Query(max_length=254)] = "",
                  q: Annotated[str, Query(max_length=200)] = "", since: Annotated[str, Query(max_length=10)] = "",
                  until: Annotated[str, Query(max_length=10)] = "", quiet: Annotated[str, Query(max_length=1)] = "",
                  page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> audit.Filters:
    """The audit page's filters from the query string (the form and the pager's links send the same); an empty or
    unreadable date is no limit."""
    return audit.Filters(action=action, actor=actor, q=q, since=_day(since), until=_day(until), quiet=quiet == "1",
                         page=page)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/audit", response_class=HTMLResponse)
async def audit_page(request: Request, staff: Admin, services: ServicesDep,
                     filters: Annotated[audit.Filters, Depends(audit_filters)]) -> HTMLResponse:
    """The audit log, newest first, filtered by action, who, target and JST days; 100 rows a page."""
    def load() -> tuple[list[AuditLog], int, int, list[str]]:
        with Session(reader(services.engine)) as session:
            return (*audit.search(session=session, filters=filters), audit.actions(session=session))

    rows, total, pages, actions = await run_in_threadpool(load)
    return render(request, "audit.html", staff, rows=rows, total=total, pages=pages, actions=actions,
                  filters=filters, page=min(filters.page, pages))


@router.get("/access", response_class=HTMLResponse)
async def access_page(request: Request, staff: Admin, services: ServicesDep,
                      email: Annotated[str, Query(max_length=254)] = "",
                      since: Annotated[str, Query(max_length=10)] = "",
                      until: Annotated[str, Query(max_length=10)] = "") -> HTMLResponse:
    """The breach report of one account: the businesses whose data it viewed in a period (JST days), and the cases its
    role could have opened (the same as `madoguchi audit access`)."""
    today = utcnow().astimezone(JST).date()
    first, last = _day(since) or today - timedelta(days=30), _day(until) or today

    def load() -> tuple[list[str], access_log.Exposure | None]:
        with Session(reader(services.engine)) as session:
            emails = list(session.scalars(select(StaffUser.email).order_by(StaffUser.email)))
            if email not in emails:
                return emails, None
            return emails, access_log.report(session=session, email=email, since=datetime.combine(first, time(), JST),
                                             until=datetime.combine(last + timedelta(days=1), time(), JST))

    emails, found = await run_in_threadpool(load)
    return render(request, "access.html", staff, emails=emails, email=email, since=first, until=last, found=found)


async def _change(request: Request, services: Services, staff: Staff, work: Callable[[Session, StaffUser, str], str]
                  ) -> RedirectResponse:
    """Run one admin change in a transaction; its message (or the refusal) is flashed."""
    return await change(request, services, staff, "/admin", work, (auth.StaffError,))


def _target(session: Session, user_id: int) -> StaffUser:
    user = session.get(StaffUser, user_id)
    if user is None:
        raise HTTPException(404, "職員が見つかりません")
    return user


@router.post("/staff", responses={303: {"description": "done"}})
async def add_staff(request: Request, staff: AdminWrite, services: ServicesDep,
                    email: Annotated[str, Form(max_length=254)], password: Annotated[str, Form(max_length=200)],
                    role: Annotated[str, Form(max_length=20)],
                    organisation: Annotated[str, Form(max_length=100)] = "") -> RedirectResponse:
    def work(session: Session, actor: StaffUser, address: str) -> str:
        auth.create_user(session=session, email=email, password=password, role=role,
                         organisation=organisation or None, now=utcnow(), actor=actor)
        return f"{email} を登録しました"

    return await _change(request, services, staff, work)


@router.post("/staff/{user_id}/role", responses={303: {"description": "done"}})
async def change_role(user_id: int, request: Request, staff: AdminWrite, services: ServicesDep,
                      role: Annotated[str, Form(max_length=20)]) -> RedirectResponse:
    def work(session: Session, actor: StaffUser, address: str) -> str:
        target = _target(session, user_id)
        service.set_role(session=session, user=target, role=role, actor=actor, now=utcnow(), address=address)
        return f"{target.email} の役割を変更しました"

    return await _change(request, services, staff, work)


@router.post("/staff/{user_id}/disable", responses={303: {"description": "done"}})
async def disable_staff(user_id: int, request: Request, staff: AdminWrite, services: ServicesDep) -> RedirectResponse:
    def work(session: Session, actor: StaffUser, address: str) -> str:
        target = _target(session, user_id)
        if target.id == actor.id:
            raise auth.StaffError("自分自身は無効にできません")
        service.disable(session=session, user=target, actor=actor, now=utcnow(), address=address)
        return f"{target.email} を無効にしました"

    return await _change(request, services, staff, work)


@router.post("/staff/{user_id}/enable", responses={303: {"description": "done"}})
async def enable_staff(user_id: int, request: Request, staff: AdminWrite, services: ServicesDep) -> RedirectResponse:
    def work(session: Session, actor: StaffUser, address: str) -> str:
        target = _target(session, user_id)
        service.enable(session=session, user=target, actor=actor, now=utcnow(), address=address)
        return f"{target.email} を有効にしました"

    return await _change(request, services, staff, work)


@router.post("/organisations", responses={303: {"description": "done"}})
async def add_organisation(request: Request, staff: AdminWrite, services: ServicesDep,
                           name: Annotated[str, Form(max_length=200)] = "",
                           kind: Annotated[str, Form(max_length=20)] = "",
                           area: Annotated[str, Form(max_length=200)] = "",
                           aliases: Annotated[str, Form(max_length=3000)] = "") -> RedirectResponse:
    """Add a 商工会/商工会議所 with the other names owners use for it (routing matches them)."""
    def work(session: Session, actor: StaffUser, address: str) -> str:
        org = organisations.save(session=session, organisation=None, name=name, kind=kind, area=area,
                                 aliases=aliases, actor=actor, now=utcnow(), address=address)
        return f"{org.name} を追加しました"

    return await _change(request, services, staff, work)


@router.post("/organisations/{organisation_id}", responses={303: {"description": "done"}})
async def edit_organisation(organisation_id: int, request: Request, staff: AdminWrite, services: ServicesDep,
                            name: Annotated[str, Form(max_length=200)] = "",
                            kind: Annotated[str, Form(max_length=20)] = "",
                            area: Annotated[str, Form(max_length=200)] = "",
                            aliases: Annotated[str, Form(max_length=3000)] = "") -> RedirectResponse:
    """Rename an organisation, change its kind or area, or its aliases (audited with each change)."""
    def work(session: Session, actor: StaffUser, address: str) -> str:
        org = session.get(Organisation, organisation_id)
        if org is None:
            raise HTTPException(404, "組織が見つかりません")
        organisations.save(session=session, organisation=org, name=name, kind=kind, area=area, aliases=aliases,
                           actor=actor, now=utcnow(), address=address)
        return f"{org.name} を保存しました"

    return await _change(request, services, staff, work)


@router.post("/organisations/{organisation_id}/delete", responses={303: {"description": "done"}})
async def delete_organisation(organisation_id: int, request: Request, staff: AdminWrite,
                              services: ServicesDep) -> RedirectResponse:
    def work(session: Session, actor: StaffUser, address: str) -> str:
        org = session.get(Organisation, organisation_id)
        if org is None:
            raise HTTPException(404, "組織が見つかりません")
        service.delete_organisation(session=session, organisation=org, actor=actor, now=utcnow(), address=address)
        return f"{org.name} を削除しました"

    return await _change(request, services, staff, work)
