"""Sessions, roles and CSRF as FastAPI dependencies: every staff route declares what it needs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from bot.services import Services
from bot.staff import access, auth
from bot.staff.tables import StaffSession, StaffUser
from bot.web.deps import ServicesDep

COOKIE = "madoguchi_staff"


class LoginRequired(Exception):
    """No live session: answered 401 with the login form."""


@dataclass(frozen=True)
class Staff:
    user_id: int
    email: str
    role: str
    organisation_id: int | None
    csrf_token: str
    flash: list[str]
    session_key: str  # the stored hash of the cookie's token


def address_of(request: Request) -> str:
    return request.client.host if request.client else ""


def _load(services: Services, token: str | None) -> Staff | None:
    with services.session_factory.begin() as session:
        found = auth.current(session=session, token=token, now=utcnow())
        if found is None:
            return None
        record, user = found
        flash, record.flash = list(record.flash or []), []
        return Staff(user.id, user.email, user.role, user.organisation_id, record.csrf_token, flash, record.token_hash)


async def current_staff(request: Request, services: ServicesDep) -> Staff:
    staff = await run_in_threadpool(_load, services, request.cookies.get(COOKIE))
    if staff is None:
        raise LoginRequired
    return staff


StaffDep = Annotated[Staff, Depends(current_staff)]


def page(key: str) -> Callable[[Staff], Awaitable[Staff]]:
    """A dependency: a logged-in member of one of the page's roles (403 otherwise)."""

    async def check(staff: StaffDep) -> Staff:
        if not access.allowed(staff.role, key):
            raise HTTPException(403, "この画面を見る権限がありません")
        return staff

    return check


def same_origin(request: Request) -> None:
    """Strict Origin (or Referer) check for every state-changing request."""
    expected = f"{request.url.scheme}://{request.headers.get('host', '')}"
    origin = request.headers.get("origin")
    if origin is None:
        referer = request.headers.get("referer", "")
        origin = "/".join(referer.split("/")[:3]) if referer else None
    if origin != expected:
        raise HTTPException(403, "不正なリクエストです（送信元が確認できません）")


async def csrf(request: Request, staff: StaffDep) -> Staff:
    """Same origin and the session's CSRF token (form field or X-CSRF-Token header)."""
    same_origin(request)
    token = request.headers.get("x-csrf-token")
    if token is None:
        form = await request.form()
        value = form.get("csrf_token")
        token = value if isinstance(value, str) else None
    if token != staff.csrf_token:
        raise HTTPException(403, "不正なリクエストです（CSRFトークンが一致しません）")
    return staff


CsrfDep = Annotated[Staff, Depends(csrf)]


def flash(services: Services, staff: Staff, message: str) -> None:
    """A message shown once on the next page."""
    with services.session_factory.begin() as session:
        record = session.get(StaffSession, staff.session_key)
        if record is not None:
            record.flash = [*record.flash, message]


def user_of(session: Session, staff: Staff) -> StaffUser:
    user = session.get(StaffUser, staff.user_id)
    assert user is not None
    return user


async def change(request: Request, services: Services, staff: Staff, back: str,
                 work: Callable[[Session, StaffUser, str], str], refusals: tuple[type[Exception], ...]
                 ) -> RedirectResponse:
    """Run one staff change in a transaction (work gets the session, the acting user and their address); its message,
    or a refusal of one of `refusals`, is flashed on the page it redirects back to."""
    def run() -> str:
        with services.session_factory.begin() as session:
            return work(session, user_of(session, staff), address_of(request))

    try:
        message = await run_in_threadpool(run)
    except refusals as exc:
        message = f"できませんでした：{exc}"
    await run_in_threadpool(flash, services, staff, message)
    return RedirectResponse(back, status_code=303)
