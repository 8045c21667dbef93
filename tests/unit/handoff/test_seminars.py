"""講習会・個別相談会 in the database: the table of moves (refusals, one audit row per move with the true from/to), the
reminder's day, and booking under concurrency with real connections — a slot goes to exactly one owner and a
lecture never takes more than its capacity (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from bot.staff.auth import create_user
from bot.staff.tables import AuditLog, Organisation, StaffUser
from dialogs.hours import DEFAULT, JST
from handoff import reports, seminars
from handoff import seminar_signups as signups
from handoff.experts import ExpertIn, create
from handoff.seminar_tables import Seminar, SeminarSignup, SeminarSlot
from tests.unit.handoff.desk import COORDINATORS, Desk, desk

ADVISOR = "adv@test.example"


def _published(d: Desk, kind: str, capacity: int | None = None, slots: int = 0) -> int:
    with d.factory.begin() as session:
        create_user(session=session, email=ADVISOR, password="advisor-password", role="advisor",
                    organisation="菊陽町商工会", now=utcnow())
        advisor = d.user(session, ADVISOR)
        coordinator = d.user(session, COORDINATORS[0])
        data = seminars.checked_request(kind=kind, theme="sns", title="SNS", proposed_dates="12月", venue_request="",
                                        expected="", area="菊陽町")
        row = seminars.submit(session=session, data=data, actor=advisor, now=utcnow())
        now = utcnow()
        seminars.move(session=session, seminar=row, move=seminars.Move.ACCEPT, actor=coordinator, now=now)
        row.starts_at, row.ends_at, row.venue, row.capacity = now + timedelta(days=3), now + timedelta(days=3, hours=2), \
            "会議室", capacity
        row.expert_id = create(session=session, data=ExpertIn(name="山田", fields=("sns",), areas=("菊陽町",),
                                                              recommended_by="連合会"), actor=coordinator, now=now).id
        if slots:
            signups.add_slots(session=session, seminar=row, expert_id=row.expert_id, first=row.starts_at,
                              count=slots, minutes=60)
        session.flush()
        seminars.move(session=session, seminar=row, move=seminars.Move.PUBLISH, actor=coordinator, now=now)
        return row.id


def _race(d: Desk, n: int, book: Callable[[Session, str], signups.Booked]) -> list[str]:
    barrier = threading.Barrier(n)
    results = [""] * n

    def run(i: int) -> None:
        with d.factory.begin() as session:
            barrier.wait(10)  # every owner taps at once, each on their own connection
            results[i] = book(session, f"line:U{i}").outcome

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results





def test_one_slot_goes_to_exactly_one_of_eight_owners_tapping_at_once(db_url: str) -> None:
    with desk(db_url) as d:
        seminar_id = _published(d, "consultation", slots=2)
        with d.factory() as session:
            slot_id = session.scalars(select(SeminarSlot.id).order_by(SeminarSlot.starts_at)).first()
        results = _race(d, 8, lambda s, key: signups.sign_up(
            session=s, conversation_key=key, seminar_id=seminar_id, slot_id=slot_id, business_name="店", name="名",
            org_type="company", now=utcnow()))
        assert sorted(results) == ["signed_up"] + ["taken"] * 7
        with d.factory() as session:
            taken = session.scalars(select(SeminarSlot.taken_by).where(SeminarSlot.id == slot_id)).one()
            assert taken == f"line:U{results.index('signed_up')}"
            free = signups.upcoming(session=session, now=utcnow())[0]["slots"]
            assert [s["id"] for s in free] != [slot_id] and len(free) == 1  # the taken slot is not offered


def test_a_lecture_never_takes_more_than_its_capacity(db_url: str) -> None:
    with desk(db_url) as d:
        seminar_id = _published(d, "lecture", capacity=3)
        results = _race(d, 8, lambda s, key: signups.sign_up(
            session=s, conversation_key=key, seminar_id=seminar_id, slot_id=None, business_name="店", name="名",
            org_type="company", now=utcnow()))
        assert sorted(results) == ["full"] * 5 + ["signed_up"] * 3
        with d.factory() as session:
            assert signups.upcoming(session=session, now=utcnow())[0]["seats"] == 0


def test_a_cancelled_slot_is_offered_again_and_the_same_owner_cannot_book_twice(sqlite_url: str) -> None:
    with desk(sqlite_url) as d:
        seminar_id = _published(d, "consultation", slots=1)
        with d.factory.begin() as session:
            slot_id = session.scalars(select(SeminarSlot.id)).one()
            book = lambda key: signups.sign_up(session=session, conversation_key=key, seminar_id=seminar_id,  # noqa: E731
                                               slot_id=slot_id, business_name="", name="", org_type="", now=utcnow())
            assert book("line:A").outcome == "signed_up"
            assert book("line:A").outcome == "already"
            assert book("line:B").outcome == "taken"
            [mine] = signups.mine(session=session, conversation_key="line:A", now=utcnow())
            assert signups.cancel(session=session, conversation_key="line:B", signup_id=mine["signup"],
                                  now=utcnow()) is None  # not theirs
            assert signups.cancel(session=session, conversation_key="line:A", signup_id=mine["signup"],
                                  now=utcnow()) is not None
            assert book("line:B").outcome == "signed_up"


def test_the_table_refuses_and_every_move_is_audited_with_its_true_from_and_to(sqlite_url: str) -> None:
    with desk(sqlite_url) as d:
        seminar_id = _published(d, "lecture", capacity=10)
        with d.factory.begin() as session:
            row = session.get(Seminar, seminar_id)
            coordinator = d.user(session, COORDINATORS[0])
            advisor = d.user(session, ADVISOR)
            assert row is not None
            with pytest.raises(seminars.SeminarError, match="公開中"):
                seminars.move(session=session, seminar=row, move=seminars.Move.ACCEPT, actor=coordinator,
                              now=utcnow())
            with pytest.raises(seminars.SeminarError, match="理由"):
                seminars.move(session=session, seminar=row, move=seminars.Move.CANCEL, actor=coordinator,
                              now=utcnow())
            with pytest.raises(seminars.SeminarError, match="コーディネーター"):
                seminars.move(session=session, seminar=row, move=seminars.Move.HOLD, actor=advisor, now=utcnow())
            seminars.move(session=session, seminar=row, move=seminars.Move.CANCEL, actor=coordinator, now=utcnow(),
                          reason="講師の急病")
            trail = [(a.action, a.detail.get("from"), a.detail.get("to")) for a in session.scalars(
                select(AuditLog).where(AuditLog.target == f"seminar:{seminar_id}").order_by(AuditLog.id))]
            assert trail == [("seminar.request", None, "requested"), ("seminar.accept", "requested", "accepted"),
                             ("seminar.publish", "accepted", "published"),
                             ("seminar.cancel", "published", "cancelled")]
            named = {s for (_, before), after in seminars.MOVES.items() for s in (before, after)}
            assert named == set(seminars.Status)  # no status the table forgets


def test_publishing_needs_a_schedule_and_an_advisor_without_an_organisation_cannot_request(sqlite_url: str) -> None:
    with desk(sqlite_url) as d, d.factory.begin() as session:
        coordinator = d.user(session, COORDINATORS[0])
        data = seminars.checked_request(kind="lecture", theme="sns", title="t", proposed_dates="d", venue_request="",
                                        expected="２０", area="")
        assert data.expected == 20  # 全角 digits read
        with pytest.raises(seminars.SeminarError, match="経営指導員"):
            seminars.submit(session=session, data=data, actor=coordinator, now=utcnow())
        org = session.scalars(select(Organisation)).first()
        assert org is not None
        row = Seminar(kind="lecture", status="accepted", organisation_id=org.id, theme="sns", title="t")
        session.add(row)
        session.flush()
        with pytest.raises(seminars.SeminarError, match="日時・会場・講師"):
            seminars.move(session=session, seminar=row, move=seminars.Move.PUBLISH, actor=coordinator, now=utcnow())
        with pytest.raises(seminars.SeminarError, match="テーマ"):
            seminars.checked_request(kind="lecture", theme="x", title="t", proposed_dates="d", venue_request="",
                                     expected="", area="")
        assert session.scalars(select(StaffUser)).first() is not None


@pytest.mark.parametrize(("now", "created", "expected"), [
    ("2026-12-09 09:59", "2026-12-01 10:00", False),  # the day before, before the hour
    ("2026-12-09 10:00", "2026-12-01 10:00", True),  # the day before, from the hour
    ("2026-12-10 13:59", "2026-12-01 10:00", True),  # the worker was down: still before the start
    ("2026-12-10 14:00", "2026-12-01 10:00", False),  # started
    ("2026-12-10 09:00", "2026-12-10 08:00", False),  # signed up on the day: no reminder
])
def test_the_reminder_is_due_from_the_hour_on_the_day_before(now: str, created: str, expected: bool) -> None:
    at = lambda s: datetime.fromisoformat(s).replace(tzinfo=JST)  # noqa: E731
    assert signups.due(at("2026-12-10 14:00"), at(created), at(now), hour=10) is expected


def test_when_reads_in_japanese_time() -> None:
    starts = datetime(2026, 12, 3, 5, 0, tzinfo=JST).astimezone(JST) + timedelta(hours=9)
    assert signups.when(starts, starts + timedelta(hours=2)) == "12月3日（木）14:00〜16:00"


def test_the_reports_page_counts_sign_ups_of_the_events_in_its_range(sqlite_url: str) -> None:
    with desk(sqlite_url) as d:
        seminar_id = _published(d, "lecture", capacity=5)
        with d.factory.begin() as session:
            for key in ("line:A", "line:B", "line:C"):
                signups.sign_up(session=session, conversation_key=key, seminar_id=seminar_id, slot_id=None,
                                business_name="", name="", org_type="", now=utcnow())
            [mine] = signups.mine(session=session, conversation_key="line:C", now=utcnow())
            signups.cancel(session=session, conversation_key="line:C", signup_id=mine["signup"], now=utcnow())
            [first] = session.scalars(select(SeminarSignup).where(SeminarSignup.conversation_key == "line:A"))
            first.attended = True  # as the desk's attendance form records it (tests/e2e/test_seminars.py)
            row = session.get(Seminar, seminar_id)
            assert row is not None and row.starts_at is not None
            day = row.starts_at.astimezone(JST).date()
            org = row.organisation_id
        with d.factory() as session:
            report = reports.build(session=session, start=day, end=day, hours=DEFAULT)
            assert report.value("講習会・個別相談会", "講習会の申込者") == 2
            assert report.value("講習会・個別相談会", "申込の取消") == 1
            assert report.value("講習会・個別相談会", "出席（出欠を記録した催し）") == 1
            other = reports.build(session=session, start=day, end=day, hours=DEFAULT, organisation_id=org + 1000,
                                  desk_wide=False)
            assert other.value("講習会・個別相談会", "講習会（公開・開催）") == 0
            earlier = reports.build(session=session, start=day - timedelta(days=30), end=day - timedelta(days=1),
                                    hours=DEFAULT)
            assert earlier.value("講習会・個別相談会", "講習会の申込者") == 0
