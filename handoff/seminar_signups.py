"""Owners and the published events: what the bot shows (upcoming, with seats and free slots), signing up (a 講習会 seat
under the event's row lock; a 個別相談会 slot by one conditional UPDATE, so a slot taken by one owner is never
given to another), cancelling, the participant list, and the one reminder the day before."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import Channel
from bot.db.tables import Conversation
from bot.pipeline import outbox
from bot.staff import audit
from bot.staff.tables import StaffUser
from dialogs import seminars as dialog
from dialogs.hours import JST
from handoff.experts import THEMES
from handoff.seminar_tables import Seminar, SeminarSignup, SeminarSlot
from handoff.seminars import SeminarError, Status, target
from handoff.tables import Expert

SHOWN = 10  # events offered at once (LINE: 13 quick replies at most)
WEEKDAYS = "月火水木金土日"


def when(starts: datetime, ends: datetime | None = None) -> str:
    """「12月3日（水）14:00〜16:00」 in JST."""
    s = starts.astimezone(JST)
    out = f"{s.month}月{s.day}日（{WEEKDAYS[s.weekday()]}）{s:%H:%M}"
    return out + (f"〜{ends.astimezone(JST):%H:%M}" if ends else "")


def _active(seminar_id: int) -> Any:
    return select(func.count(SeminarSignup.id)).where(SeminarSignup.seminar_id == seminar_id,
                                                       SeminarSignup.status == "active")


def upcoming(*, session: Session, now: datetime) -> list[dict[str, Any]]:
    """Published events still to come, soonest first, as the dialog reads them (Inbound.facts["seminars"])."""
    rows = session.execute(select(Seminar, Expert.name).outerjoin(Expert, Expert.id == Seminar.expert_id)
                           .where(Seminar.status == Status.PUBLISHED.value, Seminar.starts_at > now)
                           .order_by(Seminar.starts_at, Seminar.id).limit(SHOWN)).all()
    out = []
    for seminar, expert in rows:
        assert seminar.starts_at is not None
        item: dict[str, Any] = {
            "id": seminar.id, "kind": seminar.kind, "title": seminar.title, "theme": seminar.theme,
            "theme_label": THEMES.get(seminar.theme, ""), "area": seminar.area, "venue": seminar.venue,
            "expert": expert or "", "when": when(seminar.starts_at, seminar.ends_at),
            "day": f"{seminar.starts_at.astimezone(JST):%-m/%-d}"}
        if seminar.kind == "lecture":
            item["seats"] = max(0, (seminar.capacity or 0) - int(session.scalar(_active(seminar.id)) or 0))
        else:
            slots = session.execute(select(SeminarSlot.id, SeminarSlot.starts_at, Expert.name)
                                    .outerjoin(Expert, Expert.id == SeminarSlot.expert_id)
                                    .where(SeminarSlot.seminar_id == seminar.id, SeminarSlot.taken_by.is_(None))
                                    .order_by(SeminarSlot.starts_at, SeminarSlot.id).limit(10)).all()
            item["slots"] = [{"id": i, "label": f"{at.astimezone(JST):%H:%M} {name or ''}".strip()[:20]}
                             for i, at, name in slots]
        out.append(item)
    return out


def mine(*, session: Session, conversation_key: str, now: datetime) -> list[dict[str, Any]]:
    """The owner's active sign-ups for events still to come."""
    rows = session.execute(select(SeminarSignup.id, Seminar, SeminarSlot.starts_at)
                           .join(Seminar, Seminar.id == SeminarSignup.seminar_id)
                           .outerjoin(SeminarSlot, SeminarSlot.id == SeminarSignup.slot_id)
                           .where(SeminarSignup.conversation_key == conversation_key,
                                  SeminarSignup.status == "active", Seminar.starts_at > now)
                           .order_by(Seminar.starts_at)).all()
    return [{"signup": sid, "id": s.id, "title": s.title, "day": f"{s.starts_at.astimezone(JST):%-m/%-d}",
             "when": when(slot_at or s.starts_at)} for sid, s, slot_at in rows]


@dataclass(frozen=True)
class Booked:
    outcome: str  # signed_up | already | full | taken | closed
    seminar: Seminar | None = None
    slot_at: datetime | None = None


def sign_up(*, session: Session, conversation_key: str, seminar_id: int, slot_id: int | None, business_name: str,
            name: str, org_type: str, now: datetime) -> Booked:
    """Sign the owner up: the event's row is locked (seats counted under it); a slot is taken by one conditional
    UPDATE that only one transaction can win."""
    seminar = session.scalars(select(Seminar).where(Seminar.id == seminar_id).with_for_update()).one_or_none()
    if seminar is None or seminar.status != Status.PUBLISHED or seminar.starts_at is None or seminar.starts_at <= now:
        return Booked("closed")
    row = session.scalars(select(SeminarSignup).where(SeminarSignup.seminar_id == seminar_id,
                                                      SeminarSignup.conversation_key == conversation_key)
                          .with_for_update()).one_or_none()
    if row is not None and row.status == "active":
        return Booked("already", seminar)
    slot_at = None
    if seminar.kind == "lecture":
        if int(session.scalar(_active(seminar.id)) or 0) >= (seminar.capacity or 0):
            return Booked("full", seminar)
    else:
        slot = session.get(SeminarSlot, slot_id) if slot_id else None
        if slot is None or slot.seminar_id != seminar.id:
            return Booked("taken", seminar)
        won = session.execute(update(SeminarSlot).where(SeminarSlot.id == slot.id, SeminarSlot.taken_by.is_(None))
                              .values(taken_by=conversation_key).execution_options(synchronize_session=False))
        if won.rowcount != 1:  # type: ignore[attr-defined]
            return Booked("taken", seminar)
        slot_at = slot.starts_at
    if row is None:
        row = SeminarSignup(seminar_id=seminar.id, conversation_key=conversation_key)
        session.add(row)
    row.slot_id, row.status, row.created_at, row.cancelled_at, row.reminded_at = slot_id, "active", now, None, None
    row.business_name, row.name, row.org_type = business_name[:100], name[:60], org_type[:30]
    return Booked("signed_up", seminar, slot_at)


def cancel(*, session: Session, conversation_key: str, signup_id: int, now: datetime) -> Seminar | None:
    """The owner cancels their own sign-up (a slot is freed for others); None when there is nothing to cancel."""
    row = session.scalars(select(SeminarSignup).where(SeminarSignup.id == signup_id).with_for_update()).one_or_none()
    if row is None or row.conversation_key != conversation_key or row.status != "active":
        return None
    row.status, row.cancelled_at = "cancelled", now
    if row.slot_id is not None:
        session.execute(update(SeminarSlot).where(SeminarSlot.id == row.slot_id,
                                                  SeminarSlot.taken_by == conversation_key).values(taken_by=None))
        row.slot_id = None
    return session.get(Seminar, row.seminar_id)


def tell_cancelled(*, session: Session, seminar: Seminar, channels: Mapping[str, Channel], now: datetime
                   ) -> list[str]:
    """The event was cancelled: everyone signed up is told (one push each); returns their conversations."""
    told = []
    for signup in session.scalars(select(SeminarSignup).where(SeminarSignup.seminar_id == seminar.id,
                                                              SeminarSignup.status == "active")):
        conversation = session.get(Conversation, signup.conversation_key)
        if conversation is None or conversation.channel not in channels or seminar.starts_at is None:
            continue
        outbox.enqueue(session=session, conversation=conversation, channel=channels[conversation.channel],
                       replies=dialog.cancelled(seminar.title, when(seminar.starts_at)), now=now, purpose="decision")
        told.append(conversation.key)
    return told


def add_slots(*, session: Session, seminar: Seminar, expert_id: int | None, first: datetime, count: int,
              minutes: int) -> int:
    """`count` back-to-back slots of `minutes` from `first` (a 個別相談会's timetable for one expert)."""
    for i in range(count):
        session.add(SeminarSlot(seminar_id=seminar.id, expert_id=expert_id, minutes=minutes,
                                starts_at=first + timedelta(minutes=minutes * i)))
    return count


def counts(*, session: Session, seminar_ids: list[int]) -> dict[int, int]:
    """Active sign-ups per event (the desk's list)."""
    if not seminar_ids:
        return {}
    rows = session.execute(select(SeminarSignup.seminar_id, func.count(SeminarSignup.id))
                           .where(SeminarSignup.seminar_id.in_(seminar_ids), SeminarSignup.status == "active")
                           .group_by(SeminarSignup.seminar_id)).tuples()
    return {i: int(n) for i, n in rows}


def slots_of(*, session: Session, seminar_id: int) -> list[Any]:
    """An event's 個別相談会 slots in time order, each with its expert's name."""
    return list(session.execute(select(SeminarSlot, Expert.name)
                                .outerjoin(Expert, Expert.id == SeminarSlot.expert_id)
                                .where(SeminarSlot.seminar_id == seminar_id).order_by(SeminarSlot.starts_at)).all())


def participants(*, session: Session, seminar_id: int) -> list[tuple[SeminarSignup, datetime | None]]:
    """Active sign-ups (with their slot's time), in the order they came."""
    return [(s, at) for s, at in session.execute(
        select(SeminarSignup, SeminarSlot.starts_at).outerjoin(SeminarSlot, SeminarSlot.id == SeminarSignup.slot_id)
        .where(SeminarSignup.seminar_id == seminar_id, SeminarSignup.status == "active")
        .order_by(SeminarSlot.starts_at, SeminarSignup.id)).all()]


def record_attendance(*, session: Session, seminar: Seminar, present: set[int], actor: StaffUser, now: datetime,
                      address: str) -> tuple[int, int]:
    """Who came: every active sign-up is marked attended (its id in `present`) or absent, once the event has started
    (a cancelled event has no attendance). One audit row with what changed. Returns (attended, absent)."""
    if seminar.starts_at is None or seminar.starts_at > now or seminar.status not in (Status.PUBLISHED, Status.HELD):
        raise SeminarError("出欠は、開催の当日（開始後）から記録できます")
    changed: dict[str, list[int]] = {"attended": [], "absent": []}
    came = missed = 0
    for row in session.scalars(select(SeminarSignup).where(SeminarSignup.seminar_id == seminar.id,
                                                           SeminarSignup.status == "active")
                               .order_by(SeminarSignup.id).with_for_update()):
        now_there = row.id in present
        came, missed = came + now_there, missed + (not now_there)
        if row.attended is not now_there:
            changed["attended" if now_there else "absent"].append(row.id)
            row.attended, row.attendance_at = now_there, now
    if changed["attended"] or changed["absent"]:
        audit.record(session=session, action="seminar.attendance", actor=actor, target=target(seminar),
                     address=address, now=now, detail={**changed, "came": came, "missed": missed})
    return came, missed


def of_business(*, session: Session, conversation_keys: list[str]) -> list[tuple[SeminarSignup, Seminar]]:
    """The sign-ups of a business's conversations (its カルテ), with their events."""
    if not conversation_keys:
        return []
    return [(s, e) for s, e in session.execute(
        select(SeminarSignup, Seminar).join(Seminar, Seminar.id == SeminarSignup.seminar_id)
        .where(SeminarSignup.conversation_key.in_(conversation_keys)).order_by(SeminarSignup.id)).all()]


def due(starts_at: datetime, created_at: datetime, now: datetime, hour: int) -> bool:
    """The reminder goes out from `hour` (JST) on the day before until the start, to a sign-up made before that day."""
    day = starts_at.astimezone(JST).date()
    opens = datetime.combine(day - timedelta(days=1), time(hour), tzinfo=JST)
    return opens <= now < starts_at and created_at.astimezone(JST).date() < day


def remind_one(*, session_factory: sessionmaker[Session], channels: Mapping[str, Channel], now: datetime,
               hour: int) -> str | None:
    """Remind one owner whose event is tomorrow (once: reminded_at is set). Returns the conversation to deliver to."""
    with session_factory.begin() as session:
        rows = session.execute(
            select(SeminarSignup, Seminar).join(Seminar, Seminar.id == SeminarSignup.seminar_id)
            .where(SeminarSignup.status == "active", SeminarSignup.reminded_at.is_(None),
                   Seminar.status == Status.PUBLISHED.value, Seminar.starts_at > now,
                   Seminar.starts_at <= now + timedelta(days=2))
            .order_by(Seminar.starts_at, SeminarSignup.id).limit(20)
            .with_for_update(skip_locked=True, of=SeminarSignup)).all()
        for signup, seminar in rows:
            assert seminar.starts_at is not None
            if not due(seminar.starts_at, signup.created_at, now, hour):
                continue
            signup.reminded_at = now
            conversation = session.get(Conversation, signup.conversation_key)
            if conversation is None or conversation.channel not in channels:
                continue
            slot = session.get(SeminarSlot, signup.slot_id) if signup.slot_id else None
            replies = dialog.reminder(seminar.title, when(slot.starts_at if slot else seminar.starts_at,
                                                          None if slot else seminar.ends_at), seminar.venue)
            outbox.enqueue(session=session, conversation=conversation, channel=channels[conversation.channel],
                           replies=replies, now=now, purpose="reminder")
            return conversation.key
        return None
