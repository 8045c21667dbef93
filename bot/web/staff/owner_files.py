"""Images and files owners sent, on their cases: listed on the case page, an image shown inline, any of them
downloaded (audited). Only staff who may see the case (advisors: their own organisation's) get them."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.tables import OwnerFile, utcnow
from bot.staff import audit
from bot.web.deps import ServicesDep
from bot.web.staff.read import found, scope
from bot.web.staff.security import Staff, address_of, page, user_of
from handoff import cases

router = APIRouter(include_in_schema=False)
Cases = Annotated[Staff, Depends(page("cases"))]
REASONS = {"too_large": "大きすぎる（10MB超）", "wrong_type": "受け付けない種類", "expired": "保存期間切れ"}
_LISTED = (OwnerFile.id, OwnerFile.kind, OwnerFile.file_name, OwnerFile.content_type, OwnerFile.size,
           OwnerFile.status, OwnerFile.reason, OwnerFile.received_at)


def listing(session: Session, conversation_key: str) -> list[dict[str, Any]]:
    """The conversation's images and files, newest first, without their bytes."""
    rows = session.execute(select(*_LISTED).where(OwnerFile.conversation_key == conversation_key)
                           .order_by(OwnerFile.id.desc()).limit(100)).all()
    return [{**row._asdict(), "why": REASONS.get(row.reason, row.reason)} for row in rows]


@router.get("/cases/{reference}/files/{file_id}")
async def case_file(reference: str, file_id: int, request: Request, staff: Cases, services: ServicesDep,
                    download: Annotated[bool, Query()] = False) -> Response:
    """An owner's image or file of this case: an image inline (the case page's thumbnail), anything as a download
    (audited)."""
    def load() -> tuple[bytes, str, str]:
        with services.session_factory.begin() as session:
            case = found(cases.get_for(session=session, reference=reference, organisation_id=scope(staff)))
            row = session.scalar(select(OwnerFile).where(
                OwnerFile.id == file_id, OwnerFile.conversation_key == case.conversation_key,
                OwnerFile.status == "stored"))
            if row is None:
                raise HTTPException(404, "ファイルが見つかりません")
            if download:
                audit.record(session=session, action="case.file_download", actor=user_of(session, staff),
                             target=case.reference, address=address_of(request), now=utcnow(),
                             detail={"file": row.id, "name": row.file_name, "type": row.content_type})
            return bytes(row.data or b""), str(row.content_type), row.file_name or f"{row.kind}-{row.id}"

    data, content_type, name = await run_in_threadpool(load)
    inline = content_type.startswith("image/") and not download
    disposition = "inline" if inline else f"attachment; filename*=UTF-8''{_quoted(name, content_type)}"
    return Response(data, media_type=content_type, headers={
        "content-disposition": disposition, "x-content-type-options": "nosniff",
        "cache-control": "private, no-store", "content-security-policy": "default-src 'none'; sandbox"})


def _quoted(name: str, content_type: str) -> str:
    ext = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(content_type, "")
    name = name if name.lower().endswith(ext) else name + ext
    return quote(name.replace("/", "_").replace("\\", "_"))
