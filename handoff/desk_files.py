"""Coordinator → owner: an image or a PDF (a guide, a filled-in form) sent back on the owner's channel, "where the
channel allows" (issue 18, item 3). The file is checked like an owner's (≤ 10 MB; JPEG, PNG or PDF by its first
bytes), kept with the case (`desk_file`, under the retention rules) and queued in the one outbox like every other
message; the owner's channel builds the message (LINE: an image message whose picture LINE fetches from a signed,
expiring public link, or a text with the link for a PDF — LINE has no file message for bots; Telegram: the file
itself). Audited, and shown in the case thread."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.channels.base import Channel, FileSender, SentFile
from bot.pipeline import files, outbox
from bot.pipeline.file_links import Links, Mode
from bot.staff import audit
from bot.staff.tables import StaffUser
from handoff import lifecycle, person, relay
from handoff.tables import Case, DeskFile, DeskFileAccess
from handoff.visits import JST

MAX_CAPTION = 500
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
UNAVAILABLE_ON_LINE = ("LINEでは画像・PDFを送れません：LINEは公開されたHTTPSのURLから画像を取りに来るため、"
                       "窓口の公開URL（MADOGUCHI_FILE_LINK_BASE_URL と MADOGUCHI_FILE_LINK_SECRET）の設定が必要です。"
                       "代わりにメッセージで内容をお伝えください。")


def availability(channel: str, links: Links | None) -> tuple[bool, str]:
    """Can the desk send files to an owner on this channel, and what the case page says about it."""
    if channel == "telegram":
        return True, "画像は写真として、PDFはファイルとして Telegram で届きます。"
    if channel == "line":
        if links is None:
            return False, UNAVAILABLE_ON_LINE
        until = f"リンクは{links.days}日間有効です。"
        if links.mode is Mode.IMAGE:
            return True, f"画像はLINEの画像メッセージで、PDFはダウンロード用のリンク（テキスト）で届きます。{until}"
        return True, ("公開URLがHTTPSではないため、LINEの画像メッセージは使えません。画像もPDFもダウンロード用の"
                      f"リンク（テキスト）で届きます。{until}")
    return False, "このチャネルには画像・ファイルを送れません。"


def clean_name(name: str, content_type: str) -> str:
    """The file's own name without any folder, ≤ 100 characters, with the extension its bytes call for."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name.strip().replace("\x00", "")
    ext = EXTENSIONS[content_type]
    stem = base[: -len(base.rsplit(".", 1)[-1]) - 1] if "." in base else base
    return (stem.strip()[:100] or ("画像" if content_type.startswith("image/") else "資料")) + ext


def send(*, session: Session, case: Case, data: bytes, file_name: str, caption: str, actor: StaffUser,
         channels: Mapping[str, Channel], links: Links | None, now: datetime, address: str = "") -> DeskFile:
    """Check, keep and queue one file for the case's owner (person mode first, as for a typed reply)."""
    caption = caption.strip()
    if len(caption) > MAX_CAPTION:
        raise relay.RelayError(f"添えるメッセージは{MAX_CAPTION}文字までにしてください")
    if not data:
        raise relay.RelayError("送る画像かPDFを選んでください")
    if len(data) > files.MAX_BYTES:
        raise relay.RelayError("ファイルが大きすぎます（10MBまで）")
    content_type = files.content_type(data)
    if content_type is None:
        raise relay.RelayError("送れるのは JPEG・PNG の画像と PDF だけです")
    kind = "image" if content_type.startswith("image/") else "file"
    preview = None
    if kind == "image":
        try:
            preview = files.preview_jpeg(data)
        except ValueError:
            raise relay.RelayError("画像を読み込めませんでした（壊れていないか確かめてください）") from None
    conversation = relay.locked_conversation(session, case)
    allowed, why = availability(conversation.channel, links)
    channel = channels.get(conversation.channel)
    if not allowed or not isinstance(channel, FileSender):
        raise relay.RelayError(why)
    lifecycle.require_owner(session=session, case=case, actor=actor, what="事業者にファイルを送る")
    person.ensure(session=session, case=case, actor=actor, channels=channels, now=now, address=address)
    on_line = conversation.channel == "line" and links is not None
    row = DeskFile(case_id=case.id, conversation_key=conversation.key, kind=kind,
                   file_name=clean_name(file_name, content_type), content_type=content_type, size=len(data),
                   data=data, preview=preview, caption=caption, sent_by=actor.email, sent_at=now,
                   link_expires_at=links.expiry(now) if on_line and links else None)
    session.add(row)
    session.flush()
    sent = SentFile(id=row.id, kind=kind, file_name=row.file_name, caption=caption)
    if on_line and links and row.link_expires_at:
        until = row.link_expires_at.astimezone(JST)
        sent = SentFile(id=row.id, kind=kind, file_name=row.file_name, caption=caption,
                        url=links.url(row.id, "original", row.link_expires_at),
                        preview_url=links.url(row.id, "preview", row.link_expires_at) if kind == "image" else None,
                        until=f"{until.month}月{until.day}日")
    queued = outbox.enqueue_file(session=session, conversation=conversation, channel=channel, sent=sent, now=now)
    what = "画像" if kind == "image" else "PDF"
    relay.note(session=session, case=case, direction="out", kind="file", now=now, actor=actor.email, sent=queued,
               text=f"（{what}を送信：{row.file_name}）" + (f"\n{caption}" if caption else ""))
    audit.record(session=session, action="case.file_send", actor=actor, target=case.reference, address=address,
                 now=now, detail={"file": row.id, "type": content_type, "size": len(data),
                                  "channel": conversation.channel,
                                  "link_until": row.link_expires_at.isoformat() if row.link_expires_at else None})
    return row


_LISTED = (DeskFile.id, DeskFile.kind, DeskFile.file_name, DeskFile.content_type, DeskFile.size, DeskFile.caption,
           DeskFile.sent_by, DeskFile.sent_at, DeskFile.link_expires_at)


def listing(session: Session, case_id: int) -> list[dict[str, Any]]:
    """What the desk sent on this case, newest first, with how often its public link was fetched."""
    fetched: dict[int, int] = {int(file_id): int(count) for file_id, count in session.execute(
        select(DeskFileAccess.file_id, func.count()).where(DeskFileAccess.outcome == "served",
                                                           DeskFileAccess.file_id.in_(
                                                               select(DeskFile.id).where(DeskFile.case_id == case_id)))
        .group_by(DeskFileAccess.file_id)).all()}
    rows = session.execute(select(*_LISTED).where(DeskFile.case_id == case_id).order_by(DeskFile.id.desc())
                           .limit(100)).all()
    return [{**row._asdict(), "fetched": int(fetched.get(row.id, 0))} for row in rows]
