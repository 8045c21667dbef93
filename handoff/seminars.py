"""講習会 (001 4(2)) and 個別相談会 (001 4(3)): an organisation's request (様式2/様式3, one form per event: ※6/※9), the
desk's decision, schedule and publication, and what follows (様式4 立替金, the expert's report fed back, 3(2)エ).
Statuses are an enum with one table of moves (seminars.mmd beside this module); every move writes one audit row with
the true from/to. Advisors act for their own organisation only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.staff import audit
from bot.staff.tables import StaffUser
from handoff.experts import THEMES
from handoff.seminar_tables import Seminar, SeminarSlot

KINDS = {"lecture": "講習会", "consultation": "個別相談会"}
FORMS = {"lecture": "様式2 団体等講習会申込票", "consultation": "様式3 団体等個別相談会申込票"}
DESK = ("admin", "coordinator")


class Status(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    PUBLISHED = "published"
    HELD = "held"
    CANCELLED = "cancelled"


class Move(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    PUBLISH = "publish"
    HOLD = "hold"
    CANCEL = "cancel"


S = Status
MOVES: dict[tuple[Move, Status], Status] = {  # (move, from) -> to; anything else is refused
    (Move.ACCEPT, S.REQUESTED): S.ACCEPTED,
    (Move.DECLINE, S.REQUESTED): S.DECLINED,
    (Move.PUBLISH, S.ACCEPTED): S.PUBLISHED,
    (Move.HOLD, S.PUBLISHED): S.HELD,
    (Move.CANCEL, S.ACCEPTED): S.CANCELLED,
    (Move.CANCEL, S.PUBLISHED): S.CANCELLED,
}
STATUS_LABELS = {S.REQUESTED: "申込受付", S.ACCEPTED: "受理（日程調整中）", S.DECLINED: "お断り", S.PUBLISHED: "公開中",
                 S.HELD: "開催済み", S.CANCELLED: "中止"}
MOVE_LABELS = {Move.ACCEPT: "受理する", Move.DECLINE: "お断りする", Move.PUBLISH: "公開する",
               Move.HOLD: "開催済みにする", Move.CANCEL: "中止する"}
NEEDS_REASON = (Move.DECLINE, Move.CANCEL)
SCHEDULABLE = (S.ACCEPTED, S.PUBLISHED)


class SeminarError(ValueError):
    """A request or a move refused, with a message for the person who made it."""


@dataclass(frozen=True)
class RequestIn:
    """What 様式2/様式3 carries, checked."""

    kind: str
    theme: str
    title: str
    proposed_dates: str
    venue_request: str
    expected: int | None
    area: str
    note: str = ""


def checked_request(*, kind: str, theme: str, title: str, proposed_dates: str, venue_request: str, expected: str,
                    area: str, note: str = "") -> RequestIn:
    """The form's values, or SeminarError naming the first thing to fix."""
    if kind not in KINDS:
        raise SeminarError("講習会か個別相談会かを選んでください")
    if theme not in THEMES:
        raise SeminarError("テーマを①〜⑧から選んでください（実施要領 4(2)オ）")
    if not title.strip():
        raise SeminarError("題名を入力してください")
    if not proposed_dates.strip():
        raise SeminarError("希望する開催日を入力してください")
    count = expected.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if count and (not count.isdigit() or not 1 <= int(count) <= 1000):
        raise SeminarError("参加予定人数は1〜1000の数字で入力してください")
    return RequestIn(kind, theme, title.strip()[:100], proposed_dates.strip()[:300], venue_request.strip()[:200],
                     int(count) if count else None, area.strip()[:30], note.strip()[:1000])


def target(seminar: Seminar) -> str:
    return f"seminar:{seminar.id}"


def submit(*, session: Session, data: RequestIn, actor: StaffUser, now: datetime, address: str = "") -> Seminar:
    """An advisor sends their organisation's 様式2/様式3 (one form per event)."""
    if actor.role != "advisor" or actor.organisation_id is None:
        raise SeminarError("申込票は商工会・商工会議所の経営指導員が送ります")
    row = Seminar(kind=data.kind, status=S.REQUESTED.value, organisation_id=actor.organisation_id,
                  requested_by_id=actor.id, theme=data.theme, title=data.title, proposed_dates=data.proposed_dates,
                  venue_request=data.venue_request, expected=data.expected, area=data.area, note=data.note,
                  venue=data.venue_request, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    audit.record(session=session, action="seminar.request", actor=actor, target=target(row), address=address,
                 now=now, detail={"kind": data.kind, "theme": data.theme, "to": S.REQUESTED.value})
    return row


def locked(*, session: Session, seminar_id: int) -> Seminar | None:
    return session.scalars(select(Seminar).where(Seminar.id == seminar_id).with_for_update()
                           .execution_options(populate_existing=True)).one_or_none()


def _desk(actor: StaffUser) -> None:
    if not actor.active or actor.role not in DESK:
        raise SeminarError("コーディネーターか管理者だけが操作できます")


def ready(session: Session, seminar: Seminar) -> str | None:
    """What is still missing before the event can be published (None: nothing)."""
    if seminar.starts_at is None or not seminar.venue or seminar.expert_id is None:
        return "日時・会場・講師（専門家）を決めてから公開してください"
    if seminar.kind == "lecture" and not seminar.capacity:
        return "定員を決めてから公開してください"
    if seminar.kind == "consultation" and session.scalar(
            select(SeminarSlot.id).where(SeminarSlot.seminar_id == seminar.id).limit(1)) is None:
        return "相談枠を作ってから公開してください"
    return None


def move(*, session: Session, seminar: Seminar, move: Move, actor: StaffUser, now: datetime, reason: str = "",
         address: str = "") -> Status:
    """One move of the table: lock, check, change, one audit row with the true from/to."""
    _desk(actor)
    row = locked(session=session, seminar_id=seminar.id)
    assert row is not None
    before = Status(row.status)
    after = MOVES.get((move, before))
    if after is None:
        raise SeminarError(f"「{STATUS_LABELS[before]}」の催しは{MOVE_LABELS[move]}ことができません")
    if move in NEEDS_REASON and not reason.strip():
        raise SeminarError("理由を入力してください")
    if move is Move.PUBLISH and (missing := ready(session, row)):
        raise SeminarError(missing)
    if move is Move.HOLD and (row.starts_at is None or row.starts_at > now):
        raise SeminarError("開催日時が過ぎてから開催済みにしてください")
    row.status, row.updated_at = after.value, now
    if reason.strip():
        row.reason = reason.strip()[:500]
    audit.record(session=session, action=f"seminar.{move.value}", actor=actor, target=target(row), address=address,
                 now=now, detail={"from": before.value, "to": after.value,
                                  **({"reason": reason.strip()} if reason.strip() else {})})
    return after


@dataclass(frozen=True)
class ScheduleIn:
    starts_at: datetime
    ends_at: datetime
    venue: str
    expert_id: int
    capacity: int | None
    area: str


def schedule(*, session: Session, seminar: Seminar, data: ScheduleIn, actor: StaffUser, now: datetime,
             address: str = "") -> list[str]:
    """The desk sets date/time, venue, lecturer and capacity (accepted or published events); returns what changed."""
    _desk(actor)
    row = locked(session=session, seminar_id=seminar.id)
    assert row is not None
    if Status(row.status) not in SCHEDULABLE:
        raise SeminarError("受理した催しだけ日程を決められます")
    if data.ends_at <= data.starts_at:
        raise SeminarError("終了は開始より後にしてください")
    values = {"starts_at": data.starts_at, "ends_at": data.ends_at, "venue": data.venue, "expert_id": data.expert_id,
              "capacity": data.capacity, "area": data.area}
    changed = {k: [str(getattr(row, k)), str(v)] for k, v in values.items() if getattr(row, k) != v}
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = now
    if changed:
        audit.record(session=session, action="seminar.schedule", actor=actor, target=target(row), address=address,
                     now=now, detail=changed)
    return list(changed)


def record_fee(*, session: Session, seminar: Seminar, yen: int, note: str, actor: StaffUser, now: datetime,
               address: str = "") -> None:
    """様式4 (立替金精算書): the venue fee the organisation paid in advance (※7/※10)."""
    _desk(actor)
    if not 0 <= yen <= 10_000_000:
        raise SeminarError("会場使用料は0〜10,000,000円で入力してください")
    before = seminar.venue_fee_yen
    seminar.venue_fee_yen, seminar.venue_fee_note, seminar.updated_at = yen, note.strip()[:300], now
    audit.record(session=session, action="seminar.fee", actor=actor, target=target(seminar), address=address,
                 now=now, detail={"from": before, "to": yen})


def record_report(*, session: Session, seminar: Seminar, text: str, actor: StaffUser, now: datetime,
                  address: str = "") -> None:
    """The expert's report after a held 個別相談会, shared with the organisation (001 3(2)エ)."""
    _desk(actor)
    if seminar.kind != "consultation" or seminar.status != S.HELD:
        raise SeminarError("報告書は開催済みの個別相談会に記録します")
    if not text.strip():
        raise SeminarError("報告の内容を入力してください")
    seminar.report, seminar.report_at, seminar.updated_at = text.strip()[:8000], now, now
    audit.record(session=session, action="seminar.report", actor=actor, target=target(seminar), address=address,
                 now=now, detail={"characters": len(text.strip())})


def visible(*, session: Session, seminar_id: int, organisation_id: int | None) -> Seminar | None:
    """The event, or None when missing or another organisation's (an advisor's scope; None = the desk)."""
    row = session.get(Seminar, seminar_id)
    if row is None or (organisation_id is not None and row.organisation_id != organisation_id):
        return None
    return row


def listing(*, session: Session, organisation_id: int | None) -> list[Seminar]:
    """Every event the viewer may see, newest first (advisors: their organisation's only)."""
    query = select(Seminar).order_by(Seminar.id.desc()).limit(500)
    if organisation_id is not None:
        query = query.where(Seminar.organisation_id == organisation_id)
    return list(session.scalars(query))
