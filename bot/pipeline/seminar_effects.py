"""The shell's side of the 講習会・個別相談会 dialog (dialogs/seminars.py): what it is told at turn time (the upcoming
events, the owner's sign-ups, what an earlier pre-screening already knows) and what its effects do (book, cancel).
The booking's outcome is said in the dialog's words (dialogs/seminar_texts.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.tables import Conversation
from dialogs import seminars as dialog
from dialogs.seminar_texts import CANCEL_DONE, CANCEL_NOTHING
from handoff import business
from handoff import seminar_signups as signups
from handoff.tables import Case

KNOWN = {"business_name": "business_name", "representative": "name", "org_type": "org_type"}


def known(session: Session, conversation_key: str) -> dict[str, str]:
    """Name, business and form from the owner's latest pre-screening (shown back to them for consent, never used
    silently)."""
    fields = session.scalar(select(Case.fields).where(Case.conversation_key == conversation_key,
                                                      Case.kind == "application")
                            .order_by(Case.id.desc()).limit(1)) or {}
    return {ours: str(fields[theirs]) for theirs, ours in KNOWN.items() if fields.get(theirs)}


def facts(*, session: Session, conversation: Conversation, inbound: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The events facts, only for turns that need them (dialogs.seminars.wanted)."""
    if not dialog.wanted(str((conversation.state or {}).get("node", "")), inbound):
        return {}
    return {"seminars": signups.upcoming(session=session, now=now),
            "my_seminars": signups.mine(session=session, conversation_key=conversation.key, now=now),
            "known": known(session, conversation.key)}


def _int(value: Any) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def seminar_signup(*, session: Session, conversation: Conversation, payload: dict[str, Any], now: datetime,
                   **_: Any) -> dict[str, str]:
    """Book the seat or slot the owner agreed to; the reply says what happened."""
    seminar_id = _int(payload.get("event"))
    booked = signups.sign_up(
        session=session, conversation_key=conversation.key, seminar_id=seminar_id or 0,
        slot_id=_int(payload.get("slot")), business_name=str(payload.get("business_name") or ""),
        name=str(payload.get("name") or ""), org_type=str(payload.get("org_type") or ""), now=now,
    ) if seminar_id else signups.Booked("closed")
    if booked.outcome == "signed_up" and not conversation.trial:  # the カルテ: a participant is a business too
        business.record(session=session, conversation_key=conversation.key, organisation_id=None, now=now,
                        fields={"business_name": str(payload.get("business_name") or ""),
                                "representative": str(payload.get("name") or "")})
    s = booked.seminar
    values = {"title": s.title, "venue": s.venue,
              "when": signups.when(booked.slot_at or s.starts_at, None if booked.slot_at else s.ends_at)
              } if s is not None and s.starts_at is not None else {"title": "", "venue": "", "when": ""}
    return {"seminar_signup": dialog.outcome_text(booked.outcome, **values), "outcome": booked.outcome,
            "seminar": str(seminar_id or "")}


def seminar_cancel(*, session: Session, conversation: Conversation, payload: dict[str, Any], now: datetime,
                   **_: Any) -> dict[str, str]:
    """Cancel the owner's own sign-up (a slot is freed)."""
    signup = _int(payload.get("signup"))
    seminar = signups.cancel(session=session, conversation_key=conversation.key, signup_id=signup,
                             now=now) if signup else None
    said = CANCEL_DONE.format(title=seminar.title) if seminar else CANCEL_NOTHING
    return {"seminar_cancel": said, "seminar": str(seminar.id if seminar else "")}
