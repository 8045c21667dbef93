"""Images and files from owners: judged when they arrive (size, type by name), recorded in the turn that reads them,
fetched by the worker right after the answer (the platform keeps them only for a while), checked again by their
bytes, and kept with the conversation for the desk (handoff shows them on its cases)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import Attachment
from bot.db.tables import Conversation, OwnerFile, utcnow

MAX_BYTES = 10 * 1024 * 1024
# What the desk accepts: the first bytes of the content → its type. (A 決算書 as PDF, a photo or a screenshot.)
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
NAMED = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
KEPT, TOO_LARGE, WRONG_TYPE = "kept", "too_large", "wrong_type"


def verdict(attachment: Attachment) -> str:
    """What can be said when it arrives: kept, too large, or of a type the desk does not take (by its name)."""
    if attachment.size is not None and attachment.size > MAX_BYTES:
        return TOO_LARGE
    if attachment.kind == "file":
        name = attachment.file_name.lower()
        if not any(name.endswith(ext) for ext in NAMED):
            return WRONG_TYPE
    return KEPT


def content_type(data: bytes) -> str | None:
    return next((kind for magic, kind in MAGIC if data.startswith(magic)), None)


def record(session: Session, *, conversation: Conversation, attachment: Attachment, judged: str,
           now: datetime) -> int | None:
    """Inside the turn's transaction: the file's row (pending when it is to be fetched); its id to fetch, else None.
    A redelivered event does not add a second row."""
    known = session.scalar(select(OwnerFile.id).where(OwnerFile.channel == conversation.channel,
                                                      OwnerFile.message_id == attachment.message_id))
    if known is not None:
        return None
    row = OwnerFile(conversation_key=conversation.key, channel=conversation.channel,
                    message_id=attachment.message_id, kind=attachment.kind, file_name=attachment.file_name[:255],
                    size=attachment.size, status="pending" if judged == KEPT else "refused",
                    reason="" if judged == KEPT else judged, received_at=now)
    session.add(row)
    session.flush()
    return row.id if judged == KEPT else None


def store(*, session_factory: sessionmaker[Session], file_id: int, data: bytes | None, reason: str = "") -> str:
    """The fetched bytes, checked (size, type by content); or why there are none. Returns the new status."""
    values: dict[str, object] = {"fetched_at": utcnow()}
    kind = content_type(data) if data is not None else None
    if data is None:
        values |= {"status": "failed", "reason": reason[:200] or "fetch failed"}
    elif len(data) > MAX_BYTES:
        values |= {"status": "refused", "reason": TOO_LARGE, "size": len(data)}
    elif kind is None:
        values |= {"status": "refused", "reason": WRONG_TYPE, "size": len(data)}
    else:
        values |= {"status": "stored", "data": data, "content_type": kind, "size": len(data)}
    with session_factory.begin() as session:
        session.execute(update(OwnerFile).where(OwnerFile.id == file_id).values(**values))
    return str(values["status"])


def message_id_of(*, session_factory: sessionmaker[Session], file_id: int) -> tuple[str, str] | None:
    with session_factory() as session:
        row = session.execute(select(OwnerFile.channel, OwnerFile.message_id).where(OwnerFile.id == file_id)).first()
    return (row.channel, row.message_id) if row else None


PREVIEW_SIZE = (240, 240)  # LINE's preview image: JPEG or PNG, ≤ 1 MB (a 240 px JPEG is a few KB)


def preview_jpeg(data: bytes) -> bytes:
    """A small JPEG of an image (LINE shows it in the chat until the owner opens the picture); ValueError when the
    bytes are not an image Pillow can read."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image.thumbnail(PREVIEW_SIZE)
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValueError("unreadable image") from exc
    return out.getvalue()
