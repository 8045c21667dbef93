"""The FAQ editor (editors and admins): entries, revisions, a question tester and the misses. Changes are live
for the bot within a second (knowledge.live), without a restart."""

from __future__ import annotations

import difflib
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.db.engine import reader
from bot.db.tables import utcnow
from bot.services import Services
from bot.web.deps import ServicesDep
from bot.web.staff.render import render
from bot.web.staff.security import Staff, csrf, flash, page
from knowledge import misses, store
from knowledge.index import THRESHOLD

router = APIRouter(prefix="/faq", tags=["faq"])
Editor = Annotated[Staff, Depends(page("faq"))]


async def editor_csrf(staff: Editor, checked: Annotated[Staff, Depends(csrf)]) -> Staff:
    return checked


EditorWrite = Annotated[Staff, Depends(editor_csrf)]
Text = Annotated[str, Form(max_length=4000)]


def _diff(before: dict[str, Any] | None, after: dict[str, Any]) -> str:
    dump = lambda d: yaml.safe_dump(d, allow_unicode=True, sort_keys=False, width=1000).splitlines()  # noqa: E731
    return "\n".join(difflib.unified_diff(dump(before) if before else [], dump(after), "変更前", "変更後", lineterm=""))


@router.get("", response_class=HTMLResponse)
async def faq_list(request: Request, staff: Editor, services: ServicesDep, q: str = "",
                   retired: bool = False) -> HTMLResponse:
    def load() -> list[Any]:
        with Session(reader(services.engine)) as session:
            rows = store.entries(session=session, include_retired=retired)
        needle = q.strip()
        return [r for r in rows if not needle or needle in r.question + r.answer + "".join(r.phrasings) + r.id]

    return render(request, "faq.html", staff, entries=await run_in_threadpool(load), q=q, retired=retired)


@router.get("/test", response_class=HTMLResponse)
async def faq_test(request: Request, staff: Editor, services: ServicesDep, q: str = "") -> HTMLResponse:
    result = await run_in_threadpool(services.knowledge.current().search, q) if q.strip() else None
    return render(request, "faq_test.html", staff, q=q, result=result, threshold=THRESHOLD)


@router.get("/misses", response_class=HTMLResponse)
async def faq_misses(request: Request, staff: Editor, services: ServicesDep) -> HTMLResponse:
    def load() -> tuple[list[misses.Group], list[Any]]:
        with Session(reader(services.engine)) as session:
            return misses.grouped(session=session), store.entries(session=session)

    groups, entries = await run_in_threadpool(load)
    return render(request, "faq_misses.html", staff, groups=groups, entries=entries)


@router.post("/misses/phrasing", responses={303: {"description": "added"}})
async def add_phrasing(request: Request, staff: EditorWrite, services: ServicesDep, entry_id: Text,
                       question: Text) -> RedirectResponse:
    def run() -> None:
        with services.session_factory.begin() as session:
            store.add_phrasing(session=session, entry_id=entry_id, phrasing=question, actor=staff.email, now=utcnow())

    await _guarded(services, staff, run, f"「{question}」を {entry_id} の言い換えに追加しました")
    return RedirectResponse("/faq/misses", status_code=303)


@router.get("/new", response_class=HTMLResponse)
async def faq_new(request: Request, staff: Editor, question: str = "") -> HTMLResponse:
    entry: dict[str, Any] = {"id": "", "question": question, "phrasings": [], "answer": "", "source": "", "tags": [],
                             "next": None}
    return render(request, "faq_edit.html", staff, entry=entry, new=True, revisions=[])


async def _guarded(services: Any, staff: Staff, work: Any, done: str) -> bool:
    try:
        await run_in_threadpool(work)
    except store.FaqError as exc:
        await run_in_threadpool(flash, services, staff, f"保存できませんでした：{exc}")
        return False
    await run_in_threadpool(flash, services, staff, done)
    return True


def entry_form(question: Text, answer: Text, phrasings: Text = "", source: Text = "", tags: Text = "",
               next_action: Text = "") -> dict[str, Any]:
    """An entry as the editor's form sends it (one dependency for creating and saving)."""
    return {"question": question, "answer": answer, "phrasings": phrasings.splitlines(), "source": source,
            "tags": [t.strip() for t in tags.replace("、", ",").split(",")], "next": next_action or None}


EntryForm = Annotated[dict[str, Any], Depends(entry_form)]


def _write(services: Services, entry_id: str, data: dict[str, Any], actor: str, *, new: bool) -> None:
    """Create (the id must be free) or save (the entry must exist) one entry."""
    with services.session_factory.begin() as session:
        exists = session.get(store.FaqEntry, entry_id) is not None
        if exists and new:
            raise store.FaqError("そのIDはすでに使われています")
        if not exists and not new:
            raise store.FaqError("その項目はありません")
        store.save(session=session, entry_id=entry_id, data=data, actor=actor, now=utcnow())


@router.post("/new", responses={303: {"description": "created"}})
async def faq_create(request: Request, staff: EditorWrite, services: ServicesDep, entry_id: Text,
                     data: EntryForm) -> Response:
    ok = await _guarded(services, staff, lambda: _write(services, entry_id, data, staff.email, new=True),
                        f"{entry_id} を公開しました")
    return RedirectResponse(f"/faq/{entry_id}" if ok else "/faq/new", status_code=303)


@router.get("/{entry_id}", response_class=HTMLResponse)
async def faq_edit(entry_id: str, request: Request, staff: Editor, services: ServicesDep) -> HTMLResponse:
    def load() -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        with Session(reader(services.engine)) as session:
            row = session.get(store.FaqEntry, entry_id)
            if row is None:
                return None
            revs = [{"at": r.at, "actor": r.actor, "action": r.action, "diff": _diff(r.before, r.after)}
                    for r in store.revisions(session=session, entry_id=entry_id)]
            return store.snapshot(row), revs

    found = await run_in_threadpool(load)
    if found is None:
        raise HTTPException(404, "その項目はありません")
    return render(request, "faq_edit.html", staff, entry=found[0], new=False, revisions=found[1])


@router.post("/{entry_id}", responses={303: {"description": "saved"}})
async def faq_save(entry_id: str, request: Request, staff: EditorWrite, services: ServicesDep,
                   data: EntryForm) -> RedirectResponse:
    await _guarded(services, staff, lambda: _write(services, entry_id, data, staff.email, new=False),
                   f"{entry_id} を保存しました（すぐにボットの回答に反映されます）")
    return RedirectResponse(f"/faq/{entry_id}", status_code=303)


@router.post("/{entry_id}/retire", responses={303: {"description": "retired"}})
async def faq_retire(entry_id: str, staff: EditorWrite, services: ServicesDep) -> RedirectResponse:
    return await _set_retired(entry_id, staff, services, True)


@router.post("/{entry_id}/restore", responses={303: {"description": "restored"}})
async def faq_restore(entry_id: str, staff: EditorWrite, services: ServicesDep) -> RedirectResponse:
    return await _set_retired(entry_id, staff, services, False)


async def _set_retired(entry_id: str, staff: Staff, services: Any, retired: bool) -> RedirectResponse:
    def run() -> None:
        with services.session_factory.begin() as session:
            store.set_retired(session=session, entry_id=entry_id, retired=retired, actor=staff.email, now=utcnow())

    await _guarded(services, staff, run, f"{entry_id} を{'取り下げ' if retired else '再公開し'}ました")
    return RedirectResponse(f"/faq/{entry_id}", status_code=303)
