"""The カルテ pages (issue 15, item 4; seed 003): the list and search of businesses with the follow-ups that are due
and the merges proposed, and one page per business — its channels (display names marked unverified), cases and
decisions, visits and reports, evaluations, follow-up notes and one timeline. Advisors see their organisation's
businesses only (another's is a 404, as for cases) and no case threads; notes and merges are the desk's."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.tables import OwnerProfile, utcnow
from bot.staff import audit
from bot.web.deps import ServicesDep
from bot.web.hygiene import clean_line
from bot.web.staff.casework import PROFILE_LABELS
from bot.web.staff.read import read, scope, viewed
from bot.web.staff.render import render
from bot.web.staff.security import CsrfDep, Staff, address_of, flash, page, user_of
from handoff import business, karte, visits
from handoff.business_tables import BusinessMerge
from handoff.decide import MODES

router = APIRouter(tags=["businesses"])
Viewer = Annotated[Staff, Depends(page("businesses"))]
Desk = Annotated[Staff, Depends(page("businesses_edit"))]
BusinessId = Annotated[int, Path(ge=1, le=2**53)]
KINDS = {"case": "受付", "decision": "決定", "message": "やりとり", "visit": "支援", "evaluation": "評価",
         "seminar": "講習会等", "note": "メモ"}


def _today() -> date:
    return utcnow().astimezone(visits.JST).date()


@router.get("/businesses", response_class=HTMLResponse)
async def business_list(request: Request, staff: Viewer, services: ServicesDep,
                        q: Annotated[str, Query(max_length=100)] = "") -> HTMLResponse:
    """Businesses by name, representative, phone or case number; the due follow-ups; the merges proposed."""
    words, desk = clean_line(q), staff.role != "advisor"

    def load(session: Session) -> dict[str, Any]:
        proposed = business.proposals(session=session) if desk else []
        return {"rows": karte.search(session=session, text=words, organisation_id=scope(staff)),
                "due": karte.due(session=session, today=_today(), organisation_id=scope(staff)),
                "proposed": [(m, karte.title(session=session, business_id=m.business_id),
                              karte.title(session=session, business_id=m.other_id)) for m in proposed]}

    return render(request, "businesses.html", staff, **await read(services, load), q=words, desk=desk,
                  reasons=business.REASONS)


@router.get("/businesses/{business_id}", response_class=HTMLResponse)
async def business_page(business_id: BusinessId, request: Request, staff: Viewer, services: ServicesDep
                        ) -> HTMLResponse:
    advisor = staff.role == "advisor"

    def load(session: Session) -> dict[str, Any]:
        found = karte.visible(session=session, business_id=business_id, organisation_id=scope(staff))
        if found is None:
            raise HTTPException(404, "事業者が見つかりません")
        links = business.links(session=session, business_id=found.id)
        profiles = {p.conversation_key: p for p in session.scalars(select(OwnerProfile).where(
            OwnerProfile.conversation_key.in_([link.conversation_key for link in links])))}
        cases = business.cases_of(session=session, business_id=found.id)
        ledgers = {c.reference: visits.ledger(session=session, case=c, shared_only=advisor) for c in cases}
        merges = [] if advisor else [(m, karte.title(session=session, business_id=m.business_id),
                                      karte.title(session=session, business_id=m.other_id))
                                     for m in business.proposals(session=session, business_id=found.id)
                                     + business.history(session=session, business_id=found.id)]
        return {"business": found, "title": karte.title(session=session, business_id=found.id), "links": links,
                "profiles": profiles, "cases": cases, "ledgers": ledgers, "merges": merges,
                "timeline": karte.timeline(session=session, business_id=found.id, advisor=advisor),
                "notes": karte.notes(session=session, business_id=found.id),
                "trail": [] if advisor else audit.for_target(session=session, target=business.target(found.id))}

    context = await read(services, load)
    if context["business"].id != business_id:  # merged into another: its カルテ is that one
        return RedirectResponse(f"/businesses/{context['business'].id}", status_code=303)  # type: ignore[return-value]
    # A カルテ shows every case of the business (names, contact, timeline): a view of each (the breach report)
    await viewed(services, staff, [c.reference for c in context["cases"]], "karte")
    return render(request, "business.html", staff, **context, desk=not advisor, kinds=KINDS, modes=MODES,
                  reasons=business.REASONS, profile_labels=PROFILE_LABELS, today=_today())


@router.post("/businesses/{business_id}/notes", responses={303: {"description": "noted or refused"}})
async def business_note(business_id: BusinessId, request: Request, staff: Desk, checked: CsrfDep,
                        services: ServicesDep, text: Annotated[str, Form(max_length=2000)] = "",
                        next_action: Annotated[str, Form(max_length=500)] = "",
                        due_on: Annotated[str, Form(max_length=10)] = "") -> RedirectResponse:
    """A follow-up note (伴走支援): what happened, and the next action with its date."""
    def run() -> str:
        with services.session_factory.begin() as session:
            if karte.visible(session=session, business_id=business_id, organisation_id=None) is None:
                raise HTTPException(404, "事業者が見つかりません")
            try:
                day = date.fromisoformat(due_on) if due_on else None
            except ValueError as exc:
                raise karte.NoteError("期日は 2026-12-15 のように入力してください") from exc
            karte.add_note(session=session, business_id=business_id, text=text, next_action=next_action, due_on=day,
                           actor=user_of(session, staff), now=utcnow())
            return f"メモを記録しました（次の対応の期日 {day:%Y-%m-%d}）" if day else "メモを記録しました"

    try:
        message = await run_in_threadpool(run)
    except karte.NoteError as exc:
        message = f"記録できませんでした：{exc}"
    await run_in_threadpool(flash, services, staff, message)
    return RedirectResponse(f"/businesses/{business_id}", status_code=303)


@router.post("/businesses/{business_id}/notes/{note_id}/done", responses={303: {"description": "done"}})
async def business_note_done(business_id: BusinessId, note_id: BusinessId, request: Request, staff: Desk,
                             checked: CsrfDep, services: ServicesDep) -> RedirectResponse:
    def run() -> str:
        with services.session_factory.begin() as session:
            karte.done(session=session, business_id=business_id, note_id=note_id, now=utcnow())
            return "フォローアップを完了にしました"

    try:
        message = await run_in_threadpool(run)
    except karte.NoteError as exc:
        message = str(exc)
    await run_in_threadpool(flash, services, staff, message)
    return RedirectResponse(f"/businesses/{business_id}", status_code=303)


@router.post("/businesses/merges/{merge_id}/{action}", responses={303: {"description": "decided or refused"}})
async def business_merge(merge_id: BusinessId, action: Annotated[str, Path(pattern="^(confirm|dismiss|undo)$")],
                         request: Request, staff: Desk, checked: CsrfDep, services: ServicesDep) -> RedirectResponse:
    """A coordinator confirms or dismisses a proposed merge, or undoes a merge (each audited)."""
    def run() -> tuple[str, int]:
        with services.session_factory.begin() as session:
            merge = business.decide(session=session, merge_id=merge_id, action=action,
                                    actor=user_of(session, staff), now=utcnow(), address=address_of(request))
            said = {"confirm": "統合しました", "dismiss": "統合しないことにしました", "undo": "統合を取り消しました"}
            return said[action], merge.business_id

    try:
        message, kept = await run_in_threadpool(run)
    except business.MergeError as exc:
        message, kept = f"できませんでした：{exc}", await read(services, lambda s: _kept_of(s, merge_id))
    await run_in_threadpool(flash, services, staff, message)
    return RedirectResponse(f"/businesses/{kept}" if kept else "/businesses", status_code=303)


def _kept_of(session: Session, merge_id: int) -> int:
    merge = session.get(BusinessMerge, merge_id)
    return merge.business_id if merge else 0
