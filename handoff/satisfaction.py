"""Owner satisfaction, the shell's side: ask once per case (after a hand-back or a decision), record the rating
once and its comment, and record the answers to 「解決しましたか」."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.base import Channel
from dialogs import satisfaction
from handoff import relay
from handoff.tables import Case, Feedback

ASKED = "satisfaction_asked"


def asked(case: Case) -> bool:
    return ASKED in case.fields


def mark_asked(*, case: Case, now: datetime) -> None:
    case.fields = {**case.fields, ASKED: now.isoformat()}


def ask(*, session: Session, case: Case, channels: Mapping[str, Channel], now: datetime) -> None:
    """Send the tap question once per case (a later hand-back or decision does not ask again)."""
    if asked(case):
        return
    sent = relay.queue(session=session, case=case, replies=satisfaction.question(case.reference), channels=channels,
                       now=now, purpose="survey")
    relay.note(session=session, case=case, direction="system", text="満足度の質問を送りました", now=now, sent=sent)
    mark_asked(case=case, now=now)


def _rating(session: Session, case: Case) -> Feedback | None:
    return session.scalar(select(Feedback).where(Feedback.kind == "satisfaction", Feedback.case_id == case.id))


def rated(*, session: Session, case: Case, conversation_key: str, score: int, now: datetime) -> bool:
    """Record the rating; False when the case was rated before (the first answer stands)."""
    if _rating(session, case) is not None:
        return False
    session.add(Feedback(kind="satisfaction", conversation_key=conversation_key, case_id=case.id, score=score,
                         comment="", created_at=now))
    relay.note(session=session, case=case, direction="system", text=f"満足度：{score}（5段階）", now=now)
    return True


def commented(*, session: Session, case: Case, text: str, now: datetime) -> None:
    """The optional comment after the rating (kept once)."""
    row = _rating(session, case)
    if row is not None and not row.comment and text.strip():
        row.comment = text.strip()[:500]
        relay.note(session=session, case=case, direction="system", text=f"満足度へのコメント：{row.comment}", now=now)


def faq_answered(*, session: Session, conversation_key: str, faq_id: str | None, answer: str, how: str,
                 now: datetime) -> None:
    """はい / いいえ to 「解決しましたか」, tapped or typed."""
    session.add(Feedback(kind="faq", conversation_key=conversation_key, faq_id=faq_id, answer=answer, how=how,
                         comment="", created_at=now))
