"""Starting and ending person mode for a case's conversation (under the conversation's row lock, so a turn of the
worker and the coordinator's switch never interleave)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from bot.channels.base import Channel
from bot.staff.tables import StaffUser
from dialogs import person, texts
from dialogs.hours import DEFAULT, BusinessHours
from dialogs.model import State
from handoff import cases, relay, satisfaction
from handoff.tables import Case


def start(*, session: Session, case: Case, actor: StaffUser, channels: Mapping[str, Channel], now: datetime,
          address: str = "", hours: BusinessHours = DEFAULT) -> None:
    """The coordinator takes over: the bot falls silent for this owner, who is told a person will reply."""
    conversation = relay.locked_conversation(session, case)
    current = State.from_dict(conversation.state)
    if current.node != person.NODE:
        conversation.state = person.start(current, case.reference, hours,
                                          survey=not satisfaction.asked(case)).to_dict()
    sent = relay.queue_text(session=session, case=case, text=texts.PERSON_STARTED, channels=channels, now=now)
    relay.note(session=session, case=case, direction="system", text="担当者対応を開始", now=now, actor=actor.email,
               sent=sent)
    cases.set_status(session=session, case=case, status="person", actor=actor, now=now, address=address)


def end(*, session: Session, case: Case, actor: StaffUser | None, channels: Mapping[str, Channel], now: datetime,
        address: str = "", tell_owner: bool = True) -> None:
    """Back to the bot (from the coordinator's side; the owner's 「ボットに戻る」 goes through the dialog)."""
    conversation = relay.locked_conversation(session, case)
    state = State.from_dict(conversation.state)
    if state.node == person.NODE:
        conversation.state = person.end(state).to_dict()
    sent = relay.queue_text(session=session, case=case, text=texts.PERSON_ENDED, channels=channels,
                            now=now) if tell_owner else []
    relay.note(session=session, case=case, direction="system", text="ボットに戻る", now=now,
               actor=actor.email if actor else "事業者", sent=sent)
    if tell_owner:
        satisfaction.ask(session=session, case=case, channels=channels, now=now)
    if case.status == "person":
        cases.set_status(session=session, case=case, status="claimed", actor=actor, now=now, address=address)
