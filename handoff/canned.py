"""Canned replies: kept in the database and managed in the web UI by admins and coordinators (added, edited and
deleted, each audited). A coordinator puts one into the reply box, with {事業所名}, {受付番号} and {担当者名} filled in
for the case at hand, and the program year's figures ({上限回数}, {1回の上限時間}, {上限時間}, {実施期間}, {年度}:
dialogs/program.py) of the day the case came in, edits it and sends it. The first texts (migration 2100, the same as
DEFAULTS) follow seed 001."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.staff import audit
from bot.staff.tables import StaffUser
from dialogs.program import PLACEHOLDERS, Program
from dialogs.program import fill as year_fill
from handoff.tables import CannedReply, Case

VARIABLES = ("事業所名", "受付番号", "担当者名", *PLACEHOLDERS)
MAX_TITLE, MAX_BODY = 60, 2000
DEFAULTS: tuple[tuple[str, str], ...] = (
    ("受付のお礼", "{事業所名} 様　お問い合わせありがとうございます。担当の{担当者名}です。"
     "受付番号 {受付番号} の内容を確認しています。このトークでご連絡しますので、少々お待ちください。"),
    ("日程の相談", "専門家の訪問日程を調整しています。ご都合のよい日時（平日）をいくつか教えてください。"),
    ("商工会の同行", "専門家の支援には、原則として所属の商工会・商工会議所の経営指導員が同行します"
     "（実施要領 4(1)キ）。あわせて日程を調整します。"),
    ("支援の回数", "専門家の支援は、1申請につき{上限回数}回まで（1回{1回の上限時間}時間以内）、"
     "合計{上限時間}時間までです（実施要領 4(1)ク①）。"),
    ("支援後のご報告", "ご支援おつかれさまでした。専門家からの報告書を受け取り、所属の商工会・商工会議所と共有します"
     "（実施要領 3(2)イ）。"),
    ("お礼", "ご連絡ありがとうございました。ほかにもご不明な点があれば、このトークでお気軽にお尋ねください。"),
)
_NAMED = re.compile(r"[{｛]([^{}｛｝]*)[}｝]")


class CannedError(ValueError):
    """A canned reply that cannot be saved, with a message for the coordinator."""


def listing(*, session: Session) -> list[CannedReply]:
    return list(session.scalars(select(CannedReply).order_by(CannedReply.title)))


def get(*, session: Session, canned_id: int) -> CannedReply | None:
    return session.get(CannedReply, canned_id)


def _checked(title: str, body: str) -> tuple[str, str]:
    title, body = " ".join(title.split()), body.strip().replace("\r\n", "\n")
    if not title or len(title) > MAX_TITLE:
        raise CannedError(f"題名は1〜{MAX_TITLE}文字にしてください")
    if not body or len(body) > MAX_BODY:
        raise CannedError(f"本文は1〜{MAX_BODY}文字にしてください")
    unknown = [name for name in _NAMED.findall(body) if name not in VARIABLES]
    if unknown:
        raise CannedError(f"{{{unknown[0]}}} は使えません。使える差し込みは "
                          + "・".join("{" + v + "}" for v in VARIABLES) + " です")
    return title, body.replace("｛", "{").replace("｝", "}")


def save(*, session: Session, canned: CannedReply | None, title: str, body: str, actor: StaffUser, now: datetime,
         address: str = "") -> CannedReply:
    """Add (canned None) or change a canned reply; titles are unique."""
    title, body = _checked(title, body)
    same = session.scalar(select(CannedReply).where(CannedReply.title == title))
    if same is not None and (canned is None or same.id != canned.id):
        raise CannedError(f"「{title}」という定型文はすでにあります")
    if canned is None:
        canned = CannedReply(title=title, body=body, updated_by=actor.email, created_at=now, updated_at=now)
        session.add(canned)
        session.flush()
        action = "canned.add"
    else:
        if (canned.title, canned.body) == (title, body):
            raise CannedError("変更がありません")
        canned.title, canned.body, canned.updated_by, canned.updated_at = title, body, actor.email, now
        action = "canned.edit"
    audit.record(session=session, action=action, actor=actor, target=title, address=address, now=now,
                 detail={"id": canned.id, "characters": len(body)})
    return canned


def delete(*, session: Session, canned: CannedReply, actor: StaffUser, now: datetime, address: str = "") -> None:
    session.delete(canned)
    audit.record(session=session, action="canned.delete", actor=actor, target=canned.title, address=address,
                 now=now, detail={"id": canned.id})


def fill(body: str, *, case: Case, coordinator: str, program: Program | None = None) -> str:
    """The canned text for this case: 事業所名 (or a neutral address), 受付番号, 担当者名, the year's figures."""
    values = {"事業所名": str(case.fields.get("business_name") or "ご担当者"), "受付番号": case.reference,
              "担当者名": coordinator}
    for name, value in values.items():
        body = body.replace("{" + name + "}", value)
    return year_fill(body, program)


def name_of(email: str) -> str:
    """How a coordinator is named to owners (accounts have no display name yet: the e-mail's local part)."""
    return email.split("@")[0]
