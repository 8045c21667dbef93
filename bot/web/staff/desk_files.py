"""Files the desk sends back to an owner (issue 18, item 3): the upload on the case page, the desk's own view of
what was sent, and the one public route — a signed, expiring link to exactly one file, for LINE's servers and the
owner's phone (no login; every fetch logged)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from bot.pipeline import file_links, files
from bot.staff.tables import StaffUser
from bot.web.deps import ServicesDep
from bot.web.limits import TokenBuckets, client_key
from bot.web.staff.casework import Desk, _act
from bot.web.staff.read import found, scope
from bot.web.staff.security import CsrfDep, Staff, address_of, page
from handoff import cases, desk_files
from handoff.tables import Case, DeskFile, DeskFileAccess

router = APIRouter(include_in_schema=False)
Cases = Annotated[Staff, Depends(page("cases"))]
# The body limit of the upload: well above the 10 MB a file may have, so a file a little too large gets the page's
# clear refusal (「ファイルが大きすぎます（10MBまで）」); only beyond this does the server answer a bare 413.
MAX_UPLOAD = 25 * 1024 * 1024
# Refused fetches (a wrong signature) are logged up to this many per client address; beyond, answered unlogged, so a
# prober cannot fill the log or load the database. Valid links are never limited (LINE fetches from few addresses).
_REFUSED = TokenBuckets(per_minute=30, burst=30)
GONE = "このリンクは使えません（有効期限が切れたか、窓口が削除しました）。お手数ですが、窓口にお問い合わせください。"
@router.post("/cases/{reference}/files/send", responses={303: {"description": "queued or refused"}},
             max_body_size=MAX_UPLOAD)
async def case_file_send(reference: str, request: Request, staff: Desk, checked: CsrfDep, services: ServicesDep,
                         file: UploadFile, caption: Annotated[str, Form(max_length=2000)] = "") -> RedirectResponse:
    """The coordinator's image or PDF to the owner, on their channel (checked, kept with the case, queued)."""
    data = await file.read(files.MAX_BYTES + 1)
    name = file.filename or ""
    links = file_links.links(services.settings)

    def work(session: Session, case: Case, actor: StaffUser, c: dict[str, Any]) -> str:
        sent = desk_files.send(session=session, case=case, data=data, file_name=name, caption=caption, actor=actor,
                               links=links, **c)
        return f"「{sent.file_name}」を事業者に送信しました（担当者対応中：ボットは応答しません）"

    return await _act(request, services, staff, reference, work, refused="送信できませんでした")


@router.get("/cases/{reference}/sent/{file_id}")
async def case_sent_file(reference: str, file_id: int, staff: Cases, services: ServicesDep) -> Response:
    """A file the desk sent on this case, for the desk (the same scope as the case page)."""
    def load() -> tuple[bytes, str, str]:
        with services.session_factory() as session:
            case = found(cases.get_for(session=session, reference=reference, organisation_id=scope(staff)))
            row = session.scalar(select(DeskFile).where(DeskFile.id == file_id, DeskFile.case_id == case.id))
            if row is None:
                raise HTTPException(404, "ファイルが見つかりません")
            return bytes(row.data), row.content_type, row.file_name

    data, content_type, name = await run_in_threadpool(load)
    return _file(data, content_type, name, inline=content_type.startswith("image/"))


@router.get(file_links.PREFIX + "/{file_id}/{variant}/{expires}/{signature}")
async def public_file(file_id: int, variant: str, expires: int, signature: str, request: Request,
                      services: ServicesDep) -> Response:
    """The only route without a login: one desk file while its signed link is valid; every fetch is logged."""
    if not 0 <= expires < int(datetime(9999, 1, 1, tzinfo=UTC).timestamp()) or not 0 < file_id < 2**62:
        raise HTTPException(404, "見つかりません")  # no link of ours looks like this (and the log's columns hold it)
    links = file_links.links(services.settings)
    address = address_of(request)

    now = utcnow()
    checked = links.check(file_id, variant, expires, signature, now) if links else "bad_sig"
    if checked == "bad_sig" and not _REFUSED.take(client_key(address)):
        raise HTTPException(404, "見つかりません")  # a prober past its allowance: answered, no longer logged

    def load() -> tuple[str, bytes, str, str]:
        verdict = checked
        data, content_type, name = b"", "", ""
        with services.session_factory.begin() as session:
            if verdict == "ok":
                row = session.scalar(select(DeskFile).where(DeskFile.id == file_id))
                stored = row and (row.preview if variant == "preview" else row.data)
                if row is None or not stored or (row.link_expires_at and row.link_expires_at < now):
                    verdict = "gone"
                else:
                    verdict, data, name = "served", bytes(stored), row.file_name
                    content_type = "image/jpeg" if variant == "preview" else row.content_type
            session.add(DeskFileAccess(file_id=file_id, at=now, variant=variant[:10], outcome=verdict,
                                       address=address[:64]))
        return verdict, data, content_type, name

    verdict, data, content_type, name = await run_in_threadpool(load)
    if verdict == "bad_sig":
        raise HTTPException(404, "見つかりません")
    if verdict != "served":
        return Response(GONE, status_code=410, media_type="text/plain; charset=utf-8")
    return _file(data, content_type, name, inline=content_type.startswith("image/"), public=True)


def _file(data: bytes, content_type: str, name: str, *, inline: bool, public: bool = False) -> Response:
    disposition = "inline" if inline else f"attachment; filename*=UTF-8''{quote(name.replace('/', '_'))}"
    headers = {"content-disposition": disposition, "x-content-type-options": "nosniff",
               "cache-control": "private, no-store", "content-security-policy": "default-src 'none'; sandbox"}
    if public:
        headers |= {"referrer-policy": "no-referrer", "x-robots-tag": "noindex, nofollow"}
    return Response(data, media_type=content_type, headers=headers)


