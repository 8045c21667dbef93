"""YAML export and import in the FAQ editor, through the same functions as `madoguchi faq export/import`: an
upload is checked whole and summarised (added, changed, retired); nothing is written until the editor confirms."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.db.engine import reader
from bot.db.tables import utcnow
from bot.staff import audit
from bot.web.deps import ServicesDep
from bot.web.staff.faq import Editor, EditorWrite, Text
from bot.web.staff.render import render
from bot.web.staff.security import Staff, flash
from knowledge import transfer
from knowledge.store import FaqError

router = APIRouter(prefix="/faq", tags=["faq"])
MAX_BYTES = 2_000_000
YamlText = Annotated[str, Form(max_length=MAX_BYTES)]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@router.get("/export.yaml", responses={200: {"content": {"application/yaml": {}}}})
async def faq_export(staff: Editor, services: ServicesDep) -> Response:
    def run() -> str:
        with services.session_factory.begin() as session:
            audit.record(session=session, action="export", actor=None, actor_label=staff.email, target="faq.yaml",
                         now=utcnow())
            return transfer.export_text(session=session)

    return Response(await run_in_threadpool(run), media_type="application/yaml; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="faq.yaml"'})


@router.get("/import", response_class=HTMLResponse)
async def faq_import_form(request: Request, staff: Editor) -> HTMLResponse:
    return render(request, "faq_import.html", staff)


def _refused(request: Request, staff: Staff, message: str) -> HTMLResponse:
    return render(request, "faq_import.html", staff, 400, error=message)


@router.post("/import/preview", response_class=HTMLResponse)
async def faq_import_preview(request: Request, staff: EditorWrite, services: ServicesDep,
                             file: UploadFile) -> HTMLResponse:
    """Check the whole file and show what importing it would do; nothing is written."""
    raw = await file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        return _refused(request, staff, "ファイルが大きすぎます（2MBまで）")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _refused(request, staff, "UTF-8 のテキストファイル（YAML）を選んでください")

    def run() -> transfer.Plan:
        rows = transfer.parse(text)
        with Session(reader(services.engine)) as session:
            return transfer.plan(session=session, rows=rows)

    try:
        plan = await run_in_threadpool(run)
    except FaqError as exc:
        return _refused(request, staff, str(exc))
    return render(request, "faq_import.html", staff, plan=plan, text=text, digest=_sha(text),
                  filename=file.filename or "")


@router.post("/import", responses={303: {"description": "imported, or refused with a message"}})
async def faq_import(staff: EditorWrite, services: ServicesDep, text: YamlText, previewed: Text = "") -> Response:
    """Write a previewed file, all of it or nothing (one transaction; the file is checked again first)."""
    def run() -> str:
        if previewed != _sha(text):
            raise FaqError("取り込む前に、取り込まれる内容を確認してください")
        with services.session_factory.begin() as session:
            return transfer.import_text(session=session, text=text, actor=staff.email, now=utcnow()).summary()

    try:
        summary = await run_in_threadpool(run)
    except FaqError as exc:
        await run_in_threadpool(flash, services, staff, f"取り込めませんでした：{exc}")
        return RedirectResponse("/faq/import", status_code=303)
    await run_in_threadpool(services.knowledge.changed)  # built aside from turns, live before the answer
    await run_in_threadpool(flash, services, staff, f"YAMLを取り込みました（{summary}）")
    return RedirectResponse("/faq", status_code=303)
