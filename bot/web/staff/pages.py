"""Login, logout and the pages every role starts from. Routes stay thin: the work is in bot.staff and handoff."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.channels.line import LineChannel
from bot.db.engine import reader
from bot.db.tables import utcnow
from bot.pipeline import costs
from bot.services import Services
from bot.staff import audit, auth
from bot.web.deps import ServicesDep
from bot.web.staff.read import read
from bot.web.staff.render import render
from bot.web.staff.security import COOKIE, CsrfDep, Staff, address_of, page, same_origin
from dialogs.hours import JST
from handoff import cases

log = logging.getLogger(__name__)
router = APIRouter(tags=["staff"])


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html", None)


@router.post("/login", response_class=HTMLResponse, responses={303: {"description": "logged in"}})
async def login(request: Request, services: ServicesDep, email: Annotated[str, Form(max_length=254)] = "",
                password: Annotated[str, Form(max_length=200)] = "") -> Response:
    same_origin(request)
    address = address_of(request)

    def attempt() -> tuple[str | None, str]:
        now = utcnow()
        with services.session_factory.begin() as session:  # committed at once: the counters are not held locked
            if not auth.reserve(session=session, email=email, address=address, now=now):
                return None, "throttled"
        with Session(reader(services.session_factory.kw["bind"])) as session:  # the hash holds no write lock
            matched = auth.password_matches(session=session, email=email, password=password)
        with services.session_factory.begin() as session:
            user = auth.authenticate(session=session, email=email, matched=matched, address=address, now=now)
            if user is None:
                return None, "failed"
            auth.release(session=session, email=email, address=address)
            return auth.start_session(session=session, user=user, now=now,
                                      replacing=request.cookies.get(COOKIE)).token, "ok"

    token, result = await run_in_threadpool(attempt)
    if token is None:
        message = ("ログインの失敗が続いたため、しばらく（15分）ログインできません。" if result == "throttled"
                   else "メールアドレスまたはパスワードが違います。")
        return render(request, "login.html", None, status_code=429 if result == "throttled" else 401, error=message)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https",
                        max_age=int(auth.ABSOLUTE.total_seconds()), path="/")
    return response


@router.post("/logout", responses={303: {"description": "logged out"}})
async def logout(request: Request, staff: CsrfDep, services: ServicesDep) -> RedirectResponse:
    def end() -> None:
        now = utcnow()
        with services.session_factory.begin() as session:
            auth.end_session(session=session, token=request.cookies.get(COOKIE, ""), now=now)
            audit.record(session=session, action="logout", actor=None, actor_label=staff.email, target=staff.email,
                         address=address_of(request), now=now)

    await run_in_threadpool(end)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
async def dashboard(request: Request, staff: Annotated[Staff, Depends(page("dashboard"))],
                    services: ServicesDep) -> HTMLResponse:
    counts = await read(services, lambda session: cases.counts(session=session))
    return render(request, "dashboard.html", staff, counts=counts)


@router.get("/stats", response_class=HTMLResponse)
async def stats(request: Request, staff: Annotated[Staff, Depends(page("stats"))],
                services: ServicesDep) -> HTMLResponse:
    counts = await read(services, lambda session: cases.counts(session=session))
    return render(request, "stats.html", staff, counts=counts, line=await line_costs(services))


async def line_costs(services: Services) -> dict[str, Any] | None:
    """This month's LINE pushes by kind, refusals at the monthly limit, and the plan's quota read from LINE."""
    channel = services.channels.get("line")
    if not isinstance(channel, LineChannel):
        return None
    month = costs.month_of(utcnow())
    counted = await read(services, lambda session: {
        "pushes": costs.pushes_by_kind(session=session, month=month),
        "limit_failures": costs.limit_failures(session=session, month=month)})
    try:
        quota: costs.Quota | None = await channel.quota()
    except Exception:  # noqa: BLE001 - LINE unreachable: the page still shows our own counts
        log.warning("LINE quota could not be read", exc_info=True)
        quota = None
    return {**counted, "quota": quota, "kinds": costs.KINDS, "month": month[0].astimezone(JST),
            "warn_percent": int(costs.WARN_RATIO * 100)}
