"""The visit ledger enforces 001 4(1)ク① (5 visits, ≤3 h each, 15 h per application) on both databases."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import Conversation, utcnow
from bot.staff.auth import create_user
from bot.staff.service import bootstrap
from bot.staff.tables import AuditLog, Organisation, StaffUser
from handoff import cases, visits
from handoff.tables import Case
from tests.conftest import make_settings

TODAY = date(2026, 11, 20)


@contextmanager
def desk(db_url: str) -> Iterator[sessionmaker[Session]]:
    """A database with the demo organisations and one coordinator."""
    engine = make_engine(make_settings(db_url))
    made = make_session_factory(engine)
    now = utcnow()
    with made.begin() as session:
        bootstrap(session=session, now=now)
        create_user(session=session, email="c@test.example", password="coordinator-pw", role="coordinator",
                    organisation=None, now=now)
    yield made
    engine.dispose()


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    with desk(db_url) as made:
        yield made


def approved_case(session: Session, user: str = "U1", status: str = "approved", org: bool = True) -> Case:
    session.add(Conversation(key=f"line:{user}", channel="line", user_id=user, state={}, turn_count=0))
    session.flush()
    org_id = session.scalar(select(Organisation.id).limit(1)) if org else None
    case = cases.create_case(session=session, conversation_key=f"line:{user}", channel="line", kind="application",
                             outcome="eligible", fields={}, decisions=[], flags=[], now=utcnow() - timedelta(days=400),
                             organisation_id=org_id)
    case.status, case.owner_id = status, coordinator(session).id
    return case


def coordinator(session: Session) -> StaffUser:
    return session.scalars(select(StaffUser).where(StaffUser.email == "c@test.example")).one()


def log(session: Session, case: Case, duration: str, day: date | None = TODAY, mode: str = "visit",
        report: str = "") -> visits.Visit:
    return visits.log(session=session, case=case, actor=coordinator(session), visited_on=day, duration=duration,
                      mode=mode, expert="山田 花子", report=report, now=utcnow())


def test_five_visits_of_three_hours_then_the_sixth_is_refused(factory) -> None:
    with factory.begin() as session:
        case = approved_case(session)
        for _ in range(5):
            log(session, case, "３時間")
        assert visits.totals(session=session, case=case) == (5, 15 * 60)
        with pytest.raises(visits.VisitError, match="5回までです.*6回目は記録できません"):
            log(session, case, "1")
        rows = session.scalars(select(AuditLog).where(AuditLog.action == "case.visit")).all()
        assert [r.detail["number"] for r in rows] == [1, 2, 3, 4, 5]


def test_a_visit_over_three_hours_is_refused_and_durations_are_read_in_japanese(factory) -> None:
    with factory.begin() as session:
        case = approved_case(session)
        with pytest.raises(visits.VisitError, match="1回の支援は3時間以内です.*3.5時間は記録できません"):
            log(session, case, "3時間30分")
        for duration in ("3", "三時間", "1時間30分", "１．５"):
            log(session, case, duration)
        assert visits.totals(session=session, case=case) == (4, 9 * 60)


def test_total_cap_names_what_is_left(factory) -> None:
    with factory.begin() as session:
        case = approved_case(session)
        for _ in range(4):
            log(session, case, "3")
        with pytest.raises(visits.VisitError, match="合計が15時間を超えます.*記録済み12時間、残り3時間"):
            log(session, case, "4")  # the 16th hour
        log(session, case, "2時間半")
        assert visits.totals(session=session, case=case) == (5, 14 * 60 + 30)


@pytest.mark.parametrize(("status", "day", "duration", "message"), [
    ("claimed", TODAY, "2", "承認された申請にだけ"),
    ("approved", None, "2", "日付"),
    ("approved", date.today() + timedelta(days=2), "2", "今日までの日付"),
    ("approved", TODAY, "たくさん", "時間を入力してください"),
    ("approved", TODAY, "0", "時間を入力してください"),
])
def test_bad_visits_are_refused_clearly(factory, status: str, day: date | None, duration: str, message: str) -> None:
    with factory.begin() as session:
        case = approved_case(session, status=status)
        with pytest.raises(visits.VisitError, match=message):
            log(session, case, duration, day=day)
        assert visits.totals(session=session, case=case) == (0, 0)


def test_reports_are_shared_with_the_owners_organisation_only_when_asked(factory) -> None:
    with factory.begin() as session:
        case = approved_case(session)
        visit = log(session, case, "2", report="ECサイトの商品ページを改善。次回は決済設定。")
        silent = log(session, case, "1")
        assert visits.ledger(session=session, case=case, shared_only=True) == []
        with pytest.raises(visits.VisitError, match="共有する報告書がありません"):
            visits.share(session=session, case=case, visit_id=silent.id, actor=coordinator(session), now=utcnow())
        visits.share(session=session, case=case, visit_id=visit.id, actor=coordinator(session), now=utcnow())
        assert [v.id for v in visits.ledger(session=session, case=case, shared_only=True)] == [visit.id]
        lone = approved_case(session, "U2", org=False)
        report = log(session, lone, "1", report="報告")
        with pytest.raises(visits.VisitError, match="商工会・商工会議所が登録されていない"):
            visits.share(session=session, case=lone, visit_id=report.id, actor=coordinator(session), now=utcnow())


def test_usage_this_fiscal_year_comes_from_the_ledger(factory) -> None:
    with factory.begin() as session:
        case = approved_case(session)
        log(session, case, "3", day=date(2026, 3, 31))  # last fiscal year
        log(session, case, "2", day=date(2026, 4, 1))
        log(session, case, "1.5", day=TODAY)
        assert visits.usage_this_year(session=session, conversation_key="line:U1", today=TODAY) == (2, 210)
        assert visits.usage_this_year(session=session, conversation_key="line:U9", today=TODAY) == (0, 0)
    assert visits.fiscal_year_start(date(2027, 2, 1)) == date(2026, 4, 1)


@pytest.mark.postgres
def test_two_coordinators_logging_the_fifth_visit_at_once_cannot_both_pass(postgres_url: str) -> None:
    """The caps hold under concurrency: the case row is locked before counting (separate connections)."""
    with desk(postgres_url) as factory:
        run_concurrently(factory)


def run_concurrently(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        case_id = approved_case(session).id
        for _ in range(4):
            log(session, session.get(Case, case_id), "3")  # type: ignore[arg-type]
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            with factory.begin() as session:
                case = session.get(Case, case_id)
                barrier.wait()  # all six have read the case; now all log at once
                log(session, case, "3")  # type: ignore[arg-type]
            outcomes.append("logged")
        except visits.VisitError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("logged") == 1 and len(outcomes) == 6
    assert all("5回まで" in o or "15時間" in o for o in outcomes if o != "logged")
    with factory() as session:
        assert visits.totals(session=session, case=session.get(Case, case_id)) == (5, 15 * 60)  # type: ignore[arg-type]
