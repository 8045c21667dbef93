"""The FAQ editor (editors and admins): entries, revisions and a question tester. An edit is previewed as the owner
will see it, then published in a separate step; it is live for the bot within a second (knowledge.live)."""

from __future__ import annotations

import difflib
import hashlib
import json
from typing import Annotated, Any
from urllib.parse import urlencode

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
from dialogs import faq as faq_dialog
from dialogs.model import reply_to_dict
from dialogs.ports import Found
from dialogs.program import fill
from knowledge import store
from knowledge.answers import cited
from knowledge.index import LEXICAL_THRESHOLD

FAQ_PER_PAGE = 100
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
                   retired: bool = False, page: int = 1) -> HTMLResponse:
    def load() -> list[Any]:
        with Session(reader(services.engine)) as session:
            rows = store.entries(session=session, include_retired=retired)
        needle = q.strip()
        return [r for r in rows if not needle or needle in r.question + r.answer + "".join(r.phrasings) + r.id]

    found = await run_in_threadpool(load)
    pages = max(1, -(-len(found) // FAQ_PER_PAGE))  # 10,000 entries are 100 pages, not one 10,000-row table
    shown = min(max(1, page), pages)
    def link(to: int) -> str:
        return "/faq?" + urlencode({"q": q, **({"retired": "true"} if retired else {}), "page": to})

    return render(request, "faq.html", staff, entries=found[(shown - 1) * FAQ_PER_PAGE:shown * FAQ_PER_PAGE], q=q,
                  retired=retired, page=shown, pages=pages, total=len(found), link=link)


@router.get("/test", response_class=HTMLResponse)
async def faq_test(request: Request, staff: Editor, services: ServicesDep, q: str = "") -> HTMLResponse:
    result = await run_in_threadpool(services.knowledge.current().search, q) if q.strip() else None
    threshold = result.threshold if result else LEXICAL_THRESHOLD
    # the answer as owners read it today: the year's figures filled in
    said = fill(result.best.entry.answer, services.pipeline.programs.at(utcnow())) if result and result.best else ""
    return render(request, "faq_test.html", staff, q=q, result=result, threshold=threshold, said=said)


def _blank(question: str = "") -> dict[str, Any]:
    return {"id": "", "question": question, "phrasings": [], "answer": "", "source": "", "tags": [], "next": None}


@router.get("/new", response_class=HTMLResponse)
async def faq_new(request: Request, staff: Editor, question: str = "") -> HTMLResponse:
    return render(request, "faq_edit.html", staff, entry=_blank(question), new=True, revisions=[])


async def guarded(services: Any, staff: Staff, work: Any, done: str) -> bool:
    try:
        await run_in_threadpool(work)
    except store.FaqError as exc:
        await run_in_threadpool(flash, services, staff, f"保存できませんでした：{exc}")
        return False
    await run_in_threadpool(services.knowledge.changed)  # built aside from turns, live before the answer
    await run_in_threadpool(flash, services, staff, done)
    return True


def entry_form(question: Text, answer: Text, phrasings: Text = "", source: Text = "", tags: Text = "",
               next_action: Text = "") -> dict[str, Any]:
    """An entry as the editor's form sends it (one dependency for previewing, creating and saving)."""
    return {"question": question.strip(), "answer": answer.replace("\r\n", "\n").strip(),
            "phrasings": [p.strip() for p in phrasings.splitlines() if p.strip()], "source": source.strip(),
            "tags": [t.strip() for t in tags.replace("、", ",").split(",") if t.strip()], "next": next_action or None}


EntryForm = Annotated[dict[str, Any], Depends(entry_form)]


def digest(entry_id: str, data: dict[str, Any]) -> str:
    """What the preview page hands to "公開する": publishing checks it, so only previewed content goes live."""
    return hashlib.sha256(json.dumps([entry_id, data], ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def owner_view(entry_id: str, data: dict[str, Any], facts: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The bot's replies to an owner for this entry, from the dialog itself: the cited answer (with the program
    year's figures of `facts`), 「解決しましたか？」 and the next-step button."""
    entry = store.draft(entry_id=entry_id or "new-entry", data=data)
    found = Found(entry.id, entry.question, cited(entry), entry.next)
    return [reply_to_dict(r) for r in faq_dialog.show(found, entry.question, facts).replies]


def _preview(services: Services, entry_id: str, data: dict[str, Any], *, new: bool) -> dict[str, Any]:
    """The preview page's context; FaqError when the entry could not be published as it stands."""
    if new and not store.ID.match(entry_id):
        raise store.FaqError("IDは半角英小文字・数字・ハイフンで2〜59文字にしてください")
    with Session(reader(services.engine)) as session:
        row = session.get(store.FaqEntry, entry_id)
        before = store.snapshot(row) if row else None
    if new and row is not None:
        raise store.FaqError("そのIDはすでに使われています")
    if not new and row is None:
        raise store.FaqError("その項目はありません")
    replies = owner_view(entry_id, data, {"program": services.pipeline.programs.facts(utcnow())})  # as a turn has it
    after = (before or {"id": entry_id}) | data
    return {"preview": replies, "changes": _diff(before, after), "digest": digest(entry_id, data)}


@router.post("/new/preview", response_class=HTMLResponse)
async def faq_new_preview(request: Request, staff: EditorWrite, services: ServicesDep, entry_id: Text,
                          data: EntryForm) -> HTMLResponse:
    return await _show_preview(request, staff, services, entry_id, data, new=True)


@router.post("/{entry_id}/preview", response_class=HTMLResponse)
async def faq_edit_preview(entry_id: str, request: Request, staff: EditorWrite, services: ServicesDep,
                           data: EntryForm) -> HTMLResponse:
    return await _show_preview(request, staff, services, entry_id, data, new=False)


async def _show_preview(request: Request, staff: Staff, services: Services, entry_id: str, data: dict[str, Any],
                        *, new: bool) -> HTMLResponse:
    entry = {"id": entry_id, "retired": False, **data}
    try:
        context = await run_in_threadpool(_preview, services, entry_id, data, new=new)
    except store.FaqError as exc:
        return render(request, "faq_edit.html", staff, 400, entry=entry, new=new, revisions=[], error=str(exc))
    return render(request, "faq_edit.html", staff, entry=entry, new=new, revisions=[], **context)


def _write(services: Services, entry_id: str, data: dict[str, Any], actor: str, previewed: str, *,
           new: bool) -> None:
    """Publish a previewed entry: create (the id must be free) or save (the entry must exist)."""
    if previewed != digest(entry_id, data):
        raise store.FaqError("公開する前に「プレビュー」で事業者への表示を確認してください")
    with services.session_factory.begin() as session:
        exists = session.get(store.FaqEntry, entry_id) is not None
        if exists and new:
            raise store.FaqError("そのIDはすでに使われています")
        if not exists and not new:
            raise store.FaqError("その項目はありません")
        store.save(session=session, entry_id=entry_id, data=data, actor=actor, now=utcnow())


@router.post("/new", responses={303: {"description": "created"}})
async def faq_create(request: Request, staff: EditorWrite, services: ServicesDep, entry_id: Text,
                     data: EntryForm, previewed: Text = "") -> Response:
    ok = await guarded(services, staff, lambda: _write(services, entry_id, data, staff.email, previewed, new=True),
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
                   data: EntryForm, previewed: Text = "") -> RedirectResponse:
    await guarded(services, staff, lambda: _write(services, entry_id, data, staff.email, previewed, new=False),
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

    await guarded(services, staff, run, f"{entry_id} を{'取り下げ' if retired else '再公開し'}ました")
    return RedirectResponse(f"/faq/{entry_id}", status_code=303)
