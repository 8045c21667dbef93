"""Delivery status in the case thread: each line to the owner shows whether its send went out, is being retried
or failed, and the queue flags cases with a failed send. One join / one aggregate, never a loop of queries."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.db.tables import OutboxMessage
from handoff.tables import Case, CaseMessage

FLAG = "delivery_failed"
LABELS = {"sent": "送信済み", "waiting": "送信待ち", "retrying": "再送中", "failed": "送信失敗",
          "unconfirmed": "送信未確認"}
NEEDS_LOOK = ("failed", "unconfirmed")  # flagged in the queue: the owner may not have this line


@dataclass(frozen=True)
class Line:
    message: CaseMessage
    outbox_id: int | None = None
    status: str = ""  # sent | waiting | retrying | failed | unconfirmed ("" when nothing was sent)
    error: str = ""

    @property
    def label(self) -> str:
        return LABELS.get(self.status, "")


def status_of(row: OutboxMessage) -> str:
    if row.status == "pending":
        return "retrying" if (row.attempts or 0) > 0 and row.last_error else "waiting"
    return row.status if row.status in ("sent", "unconfirmed") else "failed"


def thread(*, session: Session, case: Case) -> list[Line]:
    """The case thread, each line with the status of the send that carries it."""
    rows = session.execute(
        select(CaseMessage, OutboxMessage).outerjoin(OutboxMessage, OutboxMessage.id == CaseMessage.outbox_message_id)
        .where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)).all()
    return [Line(m) if o is None else Line(m, o.id, status_of(o), _short(o.last_error)) for m, o in rows]


def _short(error: str | None) -> str:
    if not error:
        return ""
    return "今月の送信上限に達しています" if "monthly limit" in error else error[:120]


def failed_case_ids() -> Select[tuple[int]]:
    """The cases with a line whose send failed, as a subquery (the queue's 送信失敗 filter, in SQL)."""
    return (select(CaseMessage.case_id).join(OutboxMessage, OutboxMessage.id == CaseMessage.outbox_message_id)
            .where(OutboxMessage.status.in_(NEEDS_LOOK)))


def failed_cases(*, session: Session, case_ids: Collection[int]) -> set[int]:
    """Which of these cases have a line whose send failed."""
    if not case_ids:
        return set()
    return set(session.scalars(
        select(CaseMessage.case_id).join(OutboxMessage, OutboxMessage.id == CaseMessage.outbox_message_id)
        .where(OutboxMessage.status.in_(NEEDS_LOOK), CaseMessage.case_id.in_(list(case_ids))).distinct()))


def outbox_row(*, session: Session, case: Case, outbox_id: int) -> OutboxMessage | None:
    """One send of this case (None when it carries no line of this case's thread)."""
    linked = session.scalar(select(CaseMessage.id).where(CaseMessage.case_id == case.id,
                                                         CaseMessage.outbox_message_id == outbox_id).limit(1))
    return session.get(OutboxMessage, outbox_id) if linked else None
