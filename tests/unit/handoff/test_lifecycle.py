"""The case lifecycle on both databases: one table of moves, ownership checked, one audit row per move with the
true from/to, decisions final until an admin reopens them, the owner told exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from dialogs import satisfaction
from handoff import cases, lifecycle, person, visits
from handoff import decide as decisions
from handoff.lifecycle import MOVES, Status
from handoff.tables import Case
from tests.unit.handoff.desk import ADMIN, CHANNELS, Desk, desk, new_case, sent_texts, trail

C1, C2 = "c1@test.example", "c2@test.example"


@pytest.fixture
def d(db_url: str) -> Iterator[Desk]:
    with desk(db_url) as made:
        yield made


def claimed(session: Session, d: Desk, user: str = "U1", kind: str = "application", by: str = C1) -> Case:
    case = new_case(session, user, kind=kind)
    cases.claim(session=session, reference=case.reference, coordinator=d.user(session, by), now=utcnow())
    return case


def approve(session: Session, d: Desk, case: Case, by: str = C1) -> None:
    decisions.approve(session=session, case=case, actor=d.user(session, by), expert="山田 花子", mode="online",
                      visits=3, channels=CHANNELS, now=utcnow())


def test_the_table_only_leads_to_known_statuses_and_every_status_can_be_left_or_is_final() -> None:
    assert {to for to in MOVES.values()} <= set(Status)
    leaving = {status for (_move, status) in MOVES}
    assert set(Status) - leaving == set()  # even closed/resolved can be reopened (by an admin)


def test_approving_twice_or_rejecting_an_approved_case_is_refused_and_the_owner_is_told_once(d: Desk) -> None:
    with d.factory.begin() as session:
        case = claimed(session, d)
        approve(session, d, case)
    with d.factory.begin() as session, pytest.raises(lifecycle.Refused, match="「承認」のケースは承認する.*再開"):
        approve(session, d, session.get(Case, case.id) or case)
    with d.factory.begin() as session, pytest.raises(lifecycle.Refused, match="否決する"):
        decisions.reject(session=session, case=session.get(Case, case.id) or case, actor=d.user(session, C1),
                         reasons=["advisory"], message="", channels=CHANNELS, now=utcnow())
    with d.factory() as session:
        told = [t for t in sent_texts(session, case.conversation_key) if "決まりました" in t or "できませんでした" in t]
        assert len(told) == 1 and "専門家の派遣が決まりました" in told[0]
        assert [(r.action, r.detail["from"], r.detail["to"]) for r in trail(session, case.reference)] == [
            ("case.claim", "new", "claimed"), ("case.approve", "claimed", "approved")]


def test_only_the_owner_decides_replies_asks_or_starts_person_mode(d: Desk) -> None:
    with d.factory.begin() as session:
        case = claimed(session, d)
    for act in (lambda s, c, u: approve(s, d, c, by=u),
                lambda s, c, u: person.say(session=s, case=c, text="こんにちは", actor=d.user(s, u), channels=CHANNELS,
                                           now=utcnow()),
                lambda s, c, u: person.start(session=s, case=c, actor=d.user(s, u), channels=CHANNELS, now=utcnow())):
        with d.factory.begin() as session, pytest.raises(lifecycle.Refused, match=f"担当者（{C1}）だけ"):
            act(session, session.get(Case, case.id), C2)
    with d.factory.begin() as session, pytest.raises(lifecycle.Refused, match="先にこのケースの担当"):
        approve(session, d, new_case(session, "U2"), by=C2)


def test_person_mode_never_moves_a_decided_case_back_and_visits_can_still_be_logged(d: Desk) -> None:
    with d.factory.begin() as session:
        case = claimed(session, d)
        approve(session, d, case)
        person.start(session=session, case=case, actor=d.user(session, C1), channels=CHANNELS, now=utcnow())
        person.end(session=session, case=case, actor=d.user(session, C1), channels=CHANNELS, now=utcnow())
        assert case.status == "approved" and not case.in_person
        visits.log(session=session, case=case, actor=d.user(session, C1), visited_on=date.today(), duration="2",
                   mode="visit", expert="山田 花子", report="", now=utcnow())
        assert case.status == "in_support"
        rows = trail(session, case.reference)
        assert [(r.action, r.detail["from"], r.detail["to"]) for r in rows][-3:] == [
            ("case.person_start", "approved", "approved"), ("case.person_end", "approved", "approved"),
            ("case.visit", "approved", "in_support")]


def test_reassign_and_release_record_the_true_owners(d: Desk) -> None:
    with d.factory.begin() as session:
        case = claimed(session, d)
        admin = d.user(session, ADMIN)
        cases.reassign(session=session, case=case, to=d.user(session, C2), actor=admin, now=utcnow())
        with pytest.raises(lifecycle.Refused, match="担当者（c2@test.example）だけ"):
            cases.release(session=session, case=case, actor=d.user(session, C1), now=utcnow())
        cases.release(session=session, case=case, actor=d.user(session, C2), now=utcnow())
        assert case.status == "new" and case.owner_id is None
        rows = trail(session, case.reference)
        assert [(r.action, r.detail["from"], r.detail["to"], r.detail["from_owner"], r.detail["to_owner"])
                for r in rows] == [
            ("case.claim", "new", "claimed", None, d.ids[C1]),
            ("case.reassign", "claimed", "claimed", d.ids[C1], d.ids[C2]),
            ("case.release", "claimed", "new", d.ids[C2], None)]


def test_a_coordinator_cannot_reassign_or_reopen(d: Desk) -> None:
    with d.factory.begin() as session:
        case = claimed(session, d)
        with pytest.raises(lifecycle.Refused, match="管理者だけ"):
            cases.reassign(session=session, case=case, to=d.user(session, C2), actor=d.user(session, C1), now=utcnow())
        approve(session, d, case)
        with pytest.raises(lifecycle.Refused, match="管理者だけ"):
            cases.reopen(session=session, case=case, actor=d.user(session, C1), reason="誤り", now=utcnow())


def test_an_admin_reopens_a_decision_with_a_reason_and_the_next_decision_is_told_once(d: Desk) -> None:
    with d.factory.begin() as session:
        case = claimed(session, d)
        approve(session, d, case)
        admin = d.user(session, ADMIN)
        with pytest.raises(lifecycle.Refused, match="理由を入力"):
            cases.reopen(session=session, case=case, actor=admin, reason=" ", now=utcnow())
        cases.reopen(session=session, case=case, actor=admin, reason="専門家の都合がつかないため", now=utcnow())
        assert case.status == "claimed" and case.owner_id == d.ids[C1]
        decisions.route(session=session, case=case, actor=d.user(session, C1), message="", channels=CHANNELS,
                        now=utcnow())
        rows = trail(session, case.reference)
        assert rows[-2].action == "case.reopen" and rows[-2].detail["reason"] == "専門家の都合がつかないため"
        texts = sent_texts(session, case.conversation_key)
        assert sum("決まりました" in t for t in texts) == 1 and sum("3(2)ア" in t for t in texts) == 1


def test_callbacks_are_resolved_and_applications_closed_with_person_mode_handed_back(d: Desk) -> None:
    with d.factory.begin() as session:
        callback = claimed(session, d, "U5", kind="callback")
        with pytest.raises(lifecycle.Refused, match="この種類のケースは承認する"):
            approve(session, d, callback)
        person.say(session=session, case=callback, text="お電話します", actor=d.user(session, C1), channels=CHANNELS,
                   now=utcnow())
        assert callback.in_person
        assert person.close(session=session, case=callback, actor=d.user(session, C1), channels=CHANNELS,
                            now=utcnow()) is Status.RESOLVED
        assert not callback.in_person
        # handed back to the bot, then the one satisfaction question of the case
        assert sent_texts(session, callback.conversation_key)[-2:] == ["ボットの自動応答に戻りました。", satisfaction.QUESTION]
        application = claimed(session, d, "U6")
        assert person.close(session=session, case=application, actor=d.user(session, C1), channels=CHANNELS,
                            now=utcnow(), note="取り下げ") is Status.CLOSED
        with pytest.raises(lifecycle.Refused, match="「完了」のケースは完了にする"):
            person.close(session=session, case=application, actor=d.user(session, C1), channels=CHANNELS, now=utcnow())


def test_a_reply_puts_the_conversation_in_person_mode_once(d: Desk) -> None:
    with d.factory.begin() as session:
        case = claimed(session, d)
        for text in ("日程を相談させてください", "火曜はいかがですか"):
            person.say(session=session, case=case, text=text, actor=d.user(session, C1), channels=CHANNELS,
                       now=utcnow())
        assert case.in_person
        assert [r.action for r in trail(session, case.reference)].count("case.person_start") == 1
        assert sent_texts(session, case.conversation_key) == [
            "担当者が対応します。このトークでお返事しますので、しばらくお待ちください。", "日程を相談させてください",
            "火曜はいかがですか"]


def test_visit_dates_must_lie_between_the_application_and_today(d: Desk) -> None:
    with d.factory.begin() as session:
        case = claimed(session, d)
        approve(session, d, case)
        for day, message in ((date(2019, 4, 1), "受付日.*以降"), (date.today() + timedelta(days=2), "今日までの日付")):
            with pytest.raises(visits.VisitError, match=message):
                visits.log(session=session, case=case, actor=d.user(session, C1), visited_on=day, duration="2",
                           mode="visit", expert="山田 花子", report="", now=utcnow())
