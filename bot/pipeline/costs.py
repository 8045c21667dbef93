"""LINE message costs: pushes count against the plan's monthly quota (replies are free). Every delivered push is
counted by what asked for it; a bot answer that had to be pushed (its reply token stale or refused) is a fallback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.tables import OutboxMessage
from dialogs.hours import JST

KINDS = {"coordinator_reply": "担当者の返信", "coordinator_file": "担当者が送った画像・資料",
         "decision": "審査結果の連絡", "reminder": "リマインド",
         "bot_fallback": "ボットの応答（返信期限切れ）", "survey": "満足度の質問",
         "notice": "担当者対応の開始・終了のお知らせ", "evaluation": "専門家の評価依頼"}
MONTHLY_LIMIT = "monthly limit"  # in LINE's 429 body: "You have reached your monthly limit."
WARN_RATIO = 0.8


def month_of(now: datetime) -> tuple[datetime, datetime]:
    """The calendar month (JST, as LINE counts it) holding `now`, as UTC instants [start, end)."""
    local = now.astimezone(JST)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start.astimezone(UTC), end.astimezone(UTC)


def kind_of(purpose: str) -> str:
    return "bot_fallback" if purpose == "bot" else purpose


def pushes_by_kind(*, session: Session, month: tuple[datetime, datetime]) -> dict[str, int]:
    """Delivered LINE pushes of the month, by kind (one SQL aggregate)."""
    rows = session.execute(
        select(OutboxMessage.purpose, func.count())
        .where(OutboxMessage.channel == "line", OutboxMessage.via == "push",
               OutboxMessage.sent_at >= month[0], OutboxMessage.sent_at < month[1])
        .group_by(OutboxMessage.purpose)).all()
    out: dict[str, int] = {}
    for purpose, count in rows:
        out[kind_of(purpose)] = out.get(kind_of(purpose), 0) + int(count)
    return out


def limit_failures(*, session: Session, month: tuple[datetime, datetime]) -> int:
    """LINE sends of the month refused because the plan's monthly limit was reached."""
    return int(session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.channel == "line", OutboxMessage.status == "failed",
               OutboxMessage.created_at >= month[0], OutboxMessage.created_at < month[1],
               OutboxMessage.last_error.like(f"%{MONTHLY_LIMIT}%"))) or 0)


@dataclass(frozen=True)
class Quota:
    """The plan's monthly quota as the Messaging API reports it (limit None: no limit)."""

    limit: int | None
    used: int

    @property
    def ratio(self) -> float:
        return self.used / self.limit if self.limit else 0.0

    @property
    def near_limit(self) -> bool:
        return self.limit is not None and self.ratio >= WARN_RATIO

    @property
    def reached(self) -> bool:
        return self.limit is not None and self.used >= self.limit
