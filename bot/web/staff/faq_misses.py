"""The questions the bot could not answer: turned into a phrasing of an entry the editor chooses and confirms, or
dismissed; either is stored and audited and takes the group off the list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.db.engine import reader
from bot.db.tables import utcnow
from bot.web.deps import ServicesDep
from bot.web.staff.faq import Editor, EditorWrite, Text, guarded
from bot.web.staff.render import render
from bot.web.staff.security import flash
from knowledge import misses, store

router = APIRouter(prefix="/faq/misses", tags=["faq"])
Ids = Annotated[str, Form(max_length=20_000)]


@router.get("", response_class=HTMLResponse)
async def faq_misses(request: Request, staff: Editor, services: ServicesDep) -> HTMLResponse:
    def load() -> tuple[list[misses.Group], list[Any]]:
        with Session(reader(services.engine)) as session:
            return misses.grouped(session=session), store.entries(session=session)

    groups, entries = await run_in_threadpool(load)
    return render(request, "faq_misses.html", staff, groups=groups, entries=entries)


@router.get("/phrasing", response_class=HTMLResponse)
async def confirm_phrasing(request: Request, staff: Editor, services: ServicesDep, question: str = "",
                           entry_id: str = "", ids: str = "") -> Response:
    """The confirmation step: the chosen entry, its answer, and what the bot answers to the question today."""
    def load() -> dict[str, Any] | None:
        with Session(reader(services.engine)) as session:
            row = session.get(store.FaqEntry, entry_id) if entry_id else None
            return store.snapshot(row) if row is not None and not row.retired else None

    entry = await run_in_threadpool(load)
    if entry is None or not question.strip():
        await run_in_threadpool(flash, services, staff, "言い換えを追加する項目を選んでください")
        return RedirectResponse("/faq/misses", status_code=303)
    result = await run_in_threadpool(services.knowledge.current().search, question)
    today = result.best.entry.id if result.matched and result.best else None
    return render(request, "faq_phrasing.html", staff, question=question, entry=entry, ids=ids, today=today)


@router.post("/phrasing", responses={303: {"description": "added, or refused without a confirmation"}})
async def add_phrasing(staff: EditorWrite, services: ServicesDep, question: Text, entry_id: Text = "",
                       ids: Ids = "", confirmed: Text = "") -> RedirectResponse:
    def run() -> None:
        if not entry_id:
            raise store.FaqError("言い換えを追加する項目を選んでください")
        if confirmed != "yes":
            raise store.FaqError("追加先を確認してから追加してください")
        with services.session_factory.begin() as session:
            now = utcnow()
            store.add_phrasing(session=session, entry_id=entry_id, phrasing=question, actor=staff.email, now=now)
            misses.dismiss(session=session, ids=misses.parse_ids(ids), actor=staff.email, question=question,
                           reason=f"phrasing:{entry_id}", now=now)

    await guarded(services, staff, run, f"「{question}」を {entry_id} の言い換えに追加しました")
    return RedirectResponse("/faq/misses", status_code=303)


@router.post("/dismiss", responses={303: {"description": "dismissed"}})
async def dismiss(staff: EditorWrite, services: ServicesDep, question: Text, ids: Ids) -> RedirectResponse:
    def run() -> None:
        with services.session_factory.begin() as session:
            if not misses.dismiss(session=session, ids=misses.parse_ids(ids), actor=staff.email, question=question,
                                  reason="dismissed", now=utcnow()):
                raise store.FaqError("その質問はもう一覧にありません")

    await guarded(services, staff, run, f"「{question}」を一覧から外しました（監査ログに記録しました）")
    return RedirectResponse("/faq/misses", status_code=303)
