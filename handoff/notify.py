"""New-case notifications by e-mail: queued in the turn's transaction, claimed by the worker with a lease (the
row's next attempt moves past the lease), settled after the SMTP call. The mail names the case, never the owner:
personal data stays in the desk's database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.staff.tables import StaffUser
from handoff import cases
from handoff.tables import Case, CaseNotification

MAX_ATTEMPTS = 8
KIND_LABELS = {"application": "専門家派遣の申請（下書き）", "callback": "担当者と話したい", "question": "質問"}
OUTCOME_LABELS = {"eligible": "対象", "needs_review": "要確認", "not_eligible": "対象外"}


@dataclass(frozen=True)
class Mail:
    id: int
    subject: str
    body: str
    attempts: int
    to: tuple[str, ...] | None = None  # one coordinator (unread); None: the desk's recipients (a new case)


def queue(*, session: Session, case: Case, now: datetime) -> None:
    """Mail the coordinators about a new case; never about a trial's (anyone can open one from /try)."""
    if case.trial:
        return
    session.add(CaseNotification(case_id=case.id, status="pending", attempts=0, next_attempt_at=now, created_at=now))


def unread(*, session: Session, case: Case, now: datetime) -> None:
    """Mail the case's coordinator that the owner wrote, when they asked for it (設定 → 通知の設定); one mail per
    time the case becomes unread."""
    owner = session.get(StaffUser, case.owner_id) if case.owner_id else None
    if owner is None or not owner.active or not owner.mail_unread or case.trial:
        return
    session.add(CaseNotification(case_id=case.id, kind="unread", staff_user_id=owner.id, status="pending",
                                 attempts=0, next_attempt_at=now, created_at=now))


def recipients(*, session: Session, configured: str) -> list[str]:
    """The configured addresses, else every active coordinator and admin."""
    listed = [a.strip() for a in configured.split(",") if a.strip()]
    if listed:
        return listed
    return [user.email for user in cases.assignable(session=session)]


def compose_unread(case: Case, base_url: str) -> tuple[str, str]:
    subject = f"[madoguchi] 事業者からメッセージが届きました {case.reference}"
    link = f"{base_url.rstrip('/')}/cases/{case.reference}"
    body = (f"担当しているケース {case.reference} に、事業者から新しいメッセージが届きました。\n\n{link}\n\n"
            "（このメールにメッセージの本文や事業者の情報は含めていません。上のページで確認してください。"
            "ケースを開くまで、次のメールは送りません。通知は「通知の設定」で止められます。）\n")
    return subject, body


def compose(case: Case, base_url: str) -> tuple[str, str]:
    subject = f"[madoguchi] 新しいケース {case.reference}（{KIND_LABELS.get(case.kind, case.kind)}）"
    link = f"{base_url.rstrip('/')}/cases/{case.reference}"
    body = (f"新しいケースが届きました。\n\n受付番号：{case.reference}\n種類：{KIND_LABELS.get(case.kind, case.kind)}\n"
            f"判定：{OUTCOME_LABELS.get(case.outcome, case.outcome)}\n\n{link}\n\n"
            "（このメールに事業者の情報は含めていません。内容は上のページで確認してください。）\n")
    return subject, body


def claim_next(*, session_factory: sessionmaker[Session], now: datetime, lease: timedelta,
               base_url: str) -> Mail | None:
    with session_factory.begin() as session:
        row = session.scalars(
            select(CaseNotification).where(CaseNotification.status == "pending",
                                           CaseNotification.next_attempt_at <= now)
            .order_by(CaseNotification.id).limit(1).with_for_update(skip_locked=True)
        ).first()
        if row is None:
            return None
        row.attempts += 1
        row.next_attempt_at = now + lease  # another worker may take it only after the lease
        case = session.get(Case, row.case_id)
        assert case is not None
        if row.kind == "unread":
            owner = session.get(StaffUser, row.staff_user_id) if row.staff_user_id else None
            if (owner is None or not owner.active or not owner.mail_unread or case.owner_id != owner.id
                    or not case.unread):  # read meanwhile, handed on, or the setting turned off: nothing to say
                row.status, row.last_error = "skipped", None
                return Mail(row.id, "", "", row.attempts, ())
            subject, body = compose_unread(case, base_url)
            return Mail(row.id, subject, body, row.attempts, (owner.email,))
        subject, body = compose(case, base_url)
        return Mail(row.id, subject, body, row.attempts)


def settle(*, session_factory: sessionmaker[Session], mail: Mail, error: str | None, now: datetime) -> str:
    with session_factory.begin() as session:
        row = session.get(CaseNotification, mail.id)
        assert row is not None
        if error is None:
            row.status, row.sent_at, row.last_error = "sent", now, None
        else:
            row.last_error = error[:500]
            if mail.attempts >= MAX_ATTEMPTS:
                row.status = "failed"
            else:
                row.next_attempt_at = now + timedelta(seconds=min(600, 5 * 2 ** mail.attempts))
        return row.status
