"""Starting and ending person mode for a case's conversation (under the conversation's row lock, then the case's,
so a turn of the worker and the coordinator's switch never interleave). Person mode is a flag on the case, not a
status: it never moves a decided case back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from bot.channels.base import Channel
from bot.staff.tables import StaffUser
from dialogs import person, texts, wording
from dialogs.hours import DEFAULT, BusinessHours
from dialogs.main import menu_of
from dialogs.model import State
from handoff import evaluation, lifecycle, relay, satisfaction
from handoff.lifecycle import Move
from handoff.tables import Case


def start(*, session: Session, case: Case, actor: StaffUser, channels: Mapping[str, Channel], now: datetime,
          address: str = "", hours: BusinessHours = DEFAULT) -> None:
    """The coordinator takes over: the bot falls silent for this owner, who is told a person will reply."""
    conversation = relay.locked_conversation(session, case)
    if lifecycle.locked(session=session, case=case).in_person:
        raise lifecycle.Refused("すでに担当者対応中です")
    lifecycle.transition(session=session, case=case, move=Move.PERSON_START, actor=actor, now=now, address=address)
    current = State.from_dict(conversation.state)
    if current.node != person.NODE:
        conversation.state = person.start(current, case.reference, hours,
                                          survey=not satisfaction.asked(case)).to_dict()
    conversation.menu_wanted = menu_of(State.from_dict(conversation.state))  # linked by the pipeline afterwards
    sent = relay.queue_text(session=session, case=case, text=wording.say(texts.PERSON_STARTED, conversation.channel),
                            channels=channels, now=now, purpose="notice")
    relay.note(session=session, case=case, direction="system", text="担当者対応を開始", now=now, actor=actor.email,
               sent=sent)


def ensure(*, session: Session, case: Case, actor: StaffUser, channels: Mapping[str, Channel], now: datetime,
           address: str = "") -> bool:
    """Person mode before a coordinator's message goes out (so the bot never answers over them); True if started."""
    relay.locked_conversation(session, case)
    if lifecycle.locked(session=session, case=case).in_person:
        return False
    start(session=session, case=case, actor=actor, channels=channels, now=now, address=address)
    return True


def end(*, session: Session, case: Case, actor: StaffUser | None, channels: Mapping[str, Channel], now: datetime,
        address: str = "", tell_owner: bool = True) -> None:
    """Back to the bot: from the coordinator's side, or (actor None) after the owner's 「ボットに戻る」, which the
    dialog has already switched."""
    conversation = relay.locked_conversation(session, case)
    if not lifecycle.locked(session=session, case=case).in_person:
        if actor is None:
            return
        raise lifecycle.Refused("担当者対応中ではありません")
    lifecycle.transition(session=session, case=case, move=Move.PERSON_END, actor=actor, now=now, address=address)
    state = State.from_dict(conversation.state)
    if state.node == person.NODE:
        conversation.state = person.end(state).to_dict()
    conversation.menu_wanted = menu_of(State.from_dict(conversation.state))
    sent = relay.queue_text(session=session, case=case, text=texts.PERSON_ENDED, channels=channels,
                            now=now, purpose="notice") if tell_owner else []
    relay.note(session=session, case=case, direction="system", now=now, sent=sent,
               text="ボットに戻る" if actor else "ボットに戻る（事業者から）", actor=actor.email if actor else "")
    if tell_owner:
        satisfaction.ask(session=session, case=case, channels=channels, now=now)


def close(*, session: Session, case: Case, actor: StaffUser, channels: Mapping[str, Channel], now: datetime,
          address: str = "", note: str = "") -> lifecycle.Status:
    """Close an application or resolve a callback (its owner or an admin); a conversation still in person mode is
    handed back to the bot first, with the owner told."""
    conversation = relay.locked_conversation(session, case)
    row = lifecycle.locked(session=session, case=case)
    move = Move.RESOLVE if row.kind in lifecycle.KINDS[Move.RESOLVE] else Move.CLOSE
    lifecycle.check(session=session, case=row, move=move, actor=actor)
    if row.in_person:
        row.in_person = False
        state = State.from_dict(conversation.state)
        if state.node == person.NODE:
            conversation.state = person.end(state).to_dict()
        relay.queue_text(session=session, case=case, text=texts.PERSON_ENDED, channels=channels, now=now,
                        purpose="notice")
        satisfaction.ask(session=session, case=case, channels=channels, now=now)
    done = lifecycle.transition(session=session, case=case, move=move, actor=actor, now=now, address=address,
                                reason=note)
    relay.note(session=session, case=case, direction="system", now=now, actor=actor.email,
               text=f"{lifecycle.STATUS_LABELS[done.after]}にしました" + (f"：{note.strip()}" if note.strip() else ""))
    if move is Move.CLOSE:  # support ended: the owner rates the expert (002 専門家の評価)
        evaluation.support_ended(session=session, case=row, channels=channels, now=now)
    return done.after


def say(*, session: Session, case: Case, text: str, actor: StaffUser, channels: Mapping[str, Channel],
        now: datetime, address: str = "") -> list[int]:
    """A coordinator's message to the owner (typed or canned): only the case's owner sends it, and the conversation
    goes into person mode first, so the bot never answers over the coordinator."""
    text = relay.check_reply(text)
    relay.locked_conversation(session, case)
    lifecycle.require_owner(session=session, case=case, actor=actor, what="事業者に送信する")
    ensure(session=session, case=case, actor=actor, channels=channels, now=now, address=address)
    return relay.reply_to_owner(session=session, case=case, text=text, actor=actor, channels=channels, now=now,
                                address=address)
