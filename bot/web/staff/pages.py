"""Login, logout and the pages every role starts from. Routes stay thin: the work is in bot.staff and handoff."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.db.engine import reader
from bot.db.tables import utcnow
from bot.services import Services
from bot.staff import audit, auth
from bot.web.deps import ServicesDep
from bot.web.staff.render import render
from bot.web.staff.security import COOKIE, CsrfDep, Staff, address_of, flash, page, same_origin, user_of
from handoff import cases, person, relay
from handoff import decide as decisions

router = APIRouter(tags=["staff"])
T = TypeVar("T")
Cases = Annotated[Staff, Depends(page("cases"))]


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
        with services.session_factory.begin() as session:
            if auth.throttled(session=session, email=email.strip().lower(), address=address, now=now):
                return None, "throttled"
            user = auth.authenticate(session=session, email=email, password=password, address=address, now=now)
            if user is None:
                return None, "failed"
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


async def read(services: Services, query: Callable[[Session], T]) -> T:
    """Run a read-only query in a worker thread (it never waits for the pipeline's writers)."""
    def run() -> T:
        with Session(reader(services.engine)) as session:
            return query(session)

    return await run_in_threadpool(run)


@router.get("/", response_class=HTMLResponse)
async def dashboard(request: Request, staff: Annotated[Staff, Depends(page("dashboard"))],
                    services: ServicesDep) -> HTMLResponse:
    counts = await read(services, lambda session: cases.counts(session=session))
    return render(request, "dashboard.html", staff, counts=counts)


def _scope(staff: Staff) -> int | None:
    """Advisors see their organisation's cases only (-1: an advisor without one sees none)."""
    return (staff.organisation_id or -1) if staff.role == "advisor" else None


@router.get("/cases", response_class=HTMLResponse)
async def case_list(request: Request, staff: Cases, services: ServicesDep) -> HTMLResponse:
    queue = await read(services, lambda session: cases.queue(session=session, organisation_id=_scope(staff)))
    return render(request, "cases.html", staff, cases=queue)


@router.get("/cases/{reference}", response_class=HTMLResponse)
async def case_page(reference: str, request: Request, staff: Cases, services: ServicesDep) -> HTMLResponse:
    case = await read(services, lambda session: cases.get_for(session=session, reference=reference,
                                                              organisation_id=_scope(staff)))
    if case is None:
        raise HTTPException(404, "ケースが見つかりません")
    return render(request, "case.html", staff, case=case)


@router.post("/cases/{reference}/claim", responses={303: {"description": "claimed or refused"}})
async def case_claim(reference: str, request: Request, staff: Annotated[Staff, Depends(page("cases_reply"))],
                     checked: CsrfDep, services: ServicesDep) -> RedirectResponse:
    def take() -> str:
        try:
            with services.session_factory.begin() as session:
                cases.claim(session=session, reference=reference, coordinator=user_of(session, staff), now=utcnow(),
                            address=address_of(request))
            return "このケースの担当になりました"
        except cases.Claimed as exc:
            return f"担当になれませんでした：{exc}"
        except LookupError:
            raise HTTPException(404, "ケースが見つかりません") from None

    await run_in_threadpool(flash, services, staff, await run_in_threadpool(take))
    return RedirectResponse(f"/cases/{reference}", status_code=303)


@router.post("/cases/{reference}/person/{action}", responses={303: {"description": "switched"}})
async def case_person(reference: str, action: str, request: Request,
                      staff: Annotated[Staff, Depends(page("cases_reply"))], checked: CsrfDep,
                      services: ServicesDep) -> RedirectResponse:
    """Start talking to the owner in person (the bot falls silent), or hand the conversation back to the bot."""
    if action not in ("start", "end"):
        raise HTTPException(404, "ありません")

    def switch() -> str:
        with services.session_factory.begin() as session:
            case = cases.get_for(session=session, reference=reference)
            if case is None:
                raise HTTPException(404, "ケースが見つかりません")
            switcher = person.start if action == "start" else person.end
            switcher(session=session, case=case, actor=user_of(session, staff), channels=services.channels,
                     now=utcnow(), address=address_of(request))
            return case.conversation_key

    try:
        services.pipeline.deliver_soon(await run_in_threadpool(switch))
        message = "担当者対応を始めました（ボットは応答しません）" if action == "start" else "ボットに戻しました"
    except relay.RelayError as exc:
        message = f"できませんでした：{exc}"
    await run_in_threadpool(flash, services, staff, message)
    return RedirectResponse(f"/cases/{reference}", status_code=303)


@router.get("/cases/{reference}/thread", response_class=HTMLResponse)
async def case_thread(reference: str, request: Request, staff: Cases, services: ServicesDep) -> HTMLResponse:
    """The case thread alone (the case page polls it)."""
    def load(session: Session) -> list[object] | None:
        case = cases.get_for(session=session, reference=reference, organisation_id=_scope(staff))
        return None if case is None else list(cases.thread(session=session, case=case))

    messages = await read(services, load)
    if messages is None:
        raise HTTPException(404, "ケースが見つかりません")
    return render(request, "thread.html", staff, messages=messages)


@router.post("/cases/{reference}/decide", responses={303: {"description": "decided or refused"}})
async def case_decide(reference: str, request: Request, staff: Annotated[Staff, Depends(page("cases_reply"))],
                      checked: CsrfDep, services: ServicesDep) -> RedirectResponse:
    """Approve, reject (reasons of 4(1)ク②) or route to 窓口相談; the owner is told on their channel."""
    form = await request.form()
    decision, message = str(form.get("decision", "")), str(form.get("message", ""))[: relay.MAX_REPLY]

    def decide() -> str:
        with services.session_factory.begin() as session:
            case = cases.get_for(session=session, reference=reference)
            if case is None:
                raise HTTPException(404, "ケースが見つかりません")
            common = {"session": session, "case": case, "actor": user_of(session, staff), "now": utcnow(),
                      "channels": services.channels, "address": address_of(request)}
            if decision == "approve":
                visits = str(form.get("visits", "0"))
                decisions.approve(expert=str(form.get("expert", "")), mode=str(form.get("mode", "")),
                                  visits=int(visits) if visits.isdigit() else 0, **common)  # type: ignore[arg-type]
            elif decision == "reject":
                reasons = [str(r) for r in form.getlist("reasons")]
                decisions.reject(reasons=reasons, message=message, **common)  # type: ignore[arg-type]
            elif decision == "route":
                decisions.route(message=message, **common)  # type: ignore[arg-type]
            else:
                raise decisions.DecisionError("判断を選んでください")
            return case.conversation_key

    try:
        services.pipeline.deliver_soon(await run_in_threadpool(decide))
        text = "判断を記録し、事業者に知らせました"
    except (decisions.DecisionError, relay.RelayError) as exc:
        text = f"記録できませんでした：{exc}"
    await run_in_threadpool(flash, services, staff, text)
    return RedirectResponse(f"/cases/{reference}", status_code=303)


@router.post("/cases/{reference}/reply", responses={303: {"description": "queued"}})
async def case_reply(reference: str, request: Request, staff: Annotated[Staff, Depends(page("cases_reply"))],
                     checked: CsrfDep, services: ServicesDep,
                     text: Annotated[str, Form(max_length=relay.MAX_REPLY)]) -> RedirectResponse:
    def send() -> str:
        with services.session_factory.begin() as session:
            case = cases.get_for(session=session, reference=reference)
            if case is None:
                raise HTTPException(404, "ケースが見つかりません")
            relay.reply_to_owner(session=session, case=case, text=text, actor=user_of(session, staff),
                                 channels=services.channels, now=utcnow(), address=address_of(request))
            return case.conversation_key

    try:
        conversation_key = await run_in_threadpool(send)
        services.pipeline.deliver_soon(conversation_key)
        message = "事業者に送信しました"
    except relay.RelayError as exc:
        message = f"送れませんでした：{exc}"
    await run_in_threadpool(flash, services, staff, message)
    return RedirectResponse(f"/cases/{reference}", status_code=303)


@router.get("/cases.csv")
async def cases_csv(request: Request, staff: Annotated[Staff, Depends(page("cases_export"))],
                    services: ServicesDep) -> Response:
    def export() -> str:
        now = utcnow()
        with services.session_factory.begin() as session:
            rows = cases.list_cases(session=session)
            audit.record(session=session, action="export", actor=None, actor_label=staff.email, target="cases.csv",
                         address=address_of(request), now=now, detail={"rows": len(rows)})
        out = io.StringIO()
        columns = ["reference", "status", "kind", "outcome", "size_class", "industry", "theme", "employees",
                   "municipality", "shokokai", "business_name", "created_at", "flags"]
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([[",".join(r[c]) if c == "flags" else r[c] for c in columns] for r in rows])
        return out.getvalue()

    body = await run_in_threadpool(export)
    return Response("\ufeff" + body, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="cases.csv"'})


@router.get("/stats", response_class=HTMLResponse)
async def stats(request: Request, staff: Annotated[Staff, Depends(page("stats"))],
                services: ServicesDep) -> HTMLResponse:
    counts = await read(services, lambda session: cases.counts(session=session))
    return render(request, "stats.html", staff, counts=counts)
