"""Rating the expert, the shell's side, on both databases: asked once when support ends (the last planned visit, or
closing after a visit), reminded once, recorded once; the hold on the next dispatch; the advisor's rating; averages
over the recent window only (002 専門家の評価)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.tables import Conversation, utcnow
from bot.pipeline import effects
from bot.staff.auth import create_user
from bot.staff.tables import Organisation
from handoff import decide, evaluation, experts, person, queue, visits
from handoff.tables import Case, EvaluationRequest, Expert, ExpertEvaluation
from tests.unit.handoff.desk import CHANNELS, COORDINATORS, Desk, desk, new_case, sent_texts

SCORES = {"communication": 5, "clarity": 4, "expertise": 3, "analysis": 4, "execution": 5, "manners": 2}


def registered(session: Session, d: Desk, name: str = "山田 太郎") -> Expert:
    return experts.create(session=session, actor=d.user(session, COORDINATORS[0]), now=utcnow(), data=experts.checked(
        name=name, fields=["sns"], areas="県内全域", recommended_by="熊本県商工会連合会"))


def approved(session: Session, d: Desk, user: str, expert: Expert, planned: int = 2) -> Case:
    case = new_case(session, user, fields={"business_name": f"{user}商店"})
    case.organisation_id = session.scalar(select(Organisation.id).where(Organisation.name == "菊陽町商工会"))
    coordinator = d.user(session, COORDINATORS[0])
    case.status, case.owner_id = "claimed", coordinator.id
    decide.approve(session=session, case=case, actor=coordinator, expert="", mode="online", visits=planned,
                   channels=CHANNELS, now=utcnow(), expert_id=expert.id)
    return case


def visit(session: Session, d: Desk, case: Case, expert: str = "山田 太郎") -> None:
    visits.log(session=session, case=case, actor=d.user(session, COORDINATORS[0]), visited_on=date.today(),
               duration="2", mode="online", expert=expert, report="", now=utcnow(), channels=CHANNELS)


def requests(session: Session) -> list[EvaluationRequest]:
    return list(session.scalars(select(EvaluationRequest)))


def test_the_last_planned_visit_asks_once_and_the_next_dispatch_waits(db_url: str) -> None:
    with desk(db_url) as d, d.factory.begin() as session:
        expert = registered(session, d)
        case = approved(session, d, "U1", expert, planned=2)
        visit(session, d, case)
        assert requests(session) == []
        visit(session, d, case)
        [request] = requests(session)
        assert request.expert_id == expert.id and request.rated_at is None
        asked = [t for t in sent_texts(session, "line:U1") if "6つの項目" in t]
        assert len(asked) == 1 and case.reference in asked[0]
        assert evaluation.pending_for(session=session, conversation_key="line:U1") == evaluation.Pending(
            case.reference, "山田 太郎")
        assert not evaluation.support_ended(session=session, case=case, channels=CHANNELS, now=utcnow())  # once
        again = new_case(session, "U1x", fields={})
        again.conversation_key, again.status, again.owner_id = "line:U1", "claimed", d.ids[COORDINATORS[0]]
        session.flush()
        with pytest.raises(decide.DecisionError, match=f"前回の派遣（{case.reference}）の専門家評価がまだです"):
            decide.approve(session=session, case=again, actor=d.user(session, COORDINATORS[0]), expert="", mode="online",
                           visits=1, channels=CHANNELS, now=utcnow(), expert_id=expert.id)
        assert evaluation.rated(session=session, case=case, scores=SCORES, now=utcnow())
        assert not evaluation.rated(session=session, case=case, scores={k: 1 for k in SCORES}, now=utcnow())
        assert evaluation.pending_for(session=session, conversation_key="line:U1") is None
        evaluation.commented(session=session, case=case, text="丁寧", now=utcnow())
        evaluation.commented(session=session, case=case, text="二度目", now=utcnow())
        [row] = session.scalars(select(ExpertEvaluation)).all()
        assert (row.communication, row.manners, row.comment, row.rater) == (5, 2, "丁寧", "owner")


def test_closing_after_a_visit_asks_and_a_free_text_expert_or_no_visit_does_not(db_url: str) -> None:
    with desk(db_url) as d, d.factory.begin() as session:
        expert = registered(session, d)
        coordinator = d.user(session, COORDINATORS[0])
        closed = approved(session, d, "U2", expert, planned=5)
        visit(session, d, closed)
        unvisited = approved(session, d, "U3", expert, planned=5)
        for case in (closed, unvisited):
            person.close(session=session, case=case, actor=coordinator, channels=CHANNELS, now=utcnow())
        assert [r.case_id for r in requests(session)] == [closed.id]
        with pytest.raises(evaluation.EvaluationError, match="1〜5"):
            evaluation.rated(session=session, case=closed, scores=SCORES | {"manners": 6}, now=utcnow())
        assert requests(session)[0].rated_at is None


def test_one_reminder_only_after_the_delay(db_url: str) -> None:
    with desk(db_url) as d:
        with d.factory.begin() as session:
            case = approved(session, d, "U4", registered(session, d), planned=1)
            visit(session, d, case)
        now = utcnow()
        remind = lambda at: evaluation.remind_one(session_factory=d.factory, channels=CHANNELS,  # noqa: E731
                                                  now=at, after=timedelta(hours=72))
        assert remind(now + timedelta(hours=71)) is None
        assert remind(now + timedelta(hours=73)) == "line:U4"
        assert remind(now + timedelta(hours=200)) is None  # once
        with d.factory() as session:
            texts = sent_texts(session, "line:U4")
            assert len([t for t in texts if "評価がまだのようです" in t]) == 1
            assert sum(t.startswith("（1/6）") for t in texts) == 2  # asked, then reminded


def test_the_advisor_rates_once_with_the_support_organisation_items(db_url: str) -> None:
    with desk(db_url) as d, d.factory.begin() as session:
        now = utcnow()
        create_user(session=session, email="adv@test.example", password="advisor-pw-1", role="advisor",
                    organisation="菊陽町商工会", now=now)
        create_user(session=session, email="far@test.example", password="advisor-pw-2", role="advisor",
                    organisation="八代商工会議所", now=now)
        advisor, elsewhere = d.user(session, "adv@test.example"), d.user(session, "far@test.example")
        case = approved(session, d, "U5", registered(session, d), planned=3)
        values = {**SCORES, "org_issue": 3, "org_strategy": 2, "org_knowledge": 5, "org_execution": 4}
        with pytest.raises(evaluation.EvaluationError, match="支援が記録されたケース"):
            evaluation.advisor_rated(session=session, case=case, actor=advisor, values=values, comment="", now=now)
        visit(session, d, case)
        with pytest.raises(evaluation.EvaluationError, match="経営指導員だけ"):
            evaluation.advisor_rated(session=session, case=case, actor=elsewhere, values=values, comment="", now=now)
        with pytest.raises(evaluation.EvaluationError, match="支援の実行力"):
            evaluation.advisor_rated(session=session, case=case, actor=advisor, values=values | {"org_execution": ""},
                                     comment="", now=now)
        row = evaluation.advisor_rated(session=session, case=case, actor=advisor, values=values, comment="良い",
                                       now=now)
        assert (row.org_issue, row.org_execution, row.staff_user_id) == (3, 4, advisor.id)
        with pytest.raises(evaluation.EvaluationError, match="すでに評価"):
            evaluation.advisor_rated(session=session, case=case, actor=advisor, values=values, comment="", now=now)


def test_averages_count_the_recent_window_only(db_url: str) -> None:
    with desk(db_url) as d, d.factory.begin() as session:
        expert = registered(session, d)
        now = utcnow()
        for user, days_ago, score in (("U6", 10, 5), ("U7", 30, 3), ("U8", 200, 1)):
            case = approved(session, d, user, expert, planned=1)
            visit(session, d, case)
            evaluation.rated(session=session, case=case, scores={k: score for k in SCORES},
                             now=now - timedelta(days=days_ago))
            session.execute(ExpertEvaluation.__table__.update().where(ExpertEvaluation.case_id == case.id)
                            .values(created_at=now - timedelta(days=days_ago)))
        recent = evaluation.averages(session=session, expert_id=expert.id, since=now - timedelta(days=120))
        assert recent["all"]["count"] == 2 and recent["all"]["communication"] == 4.0  # the 1 of 200 days ago is out
        assert recent["owner"]["manners"] == 4.0 and "advisor" not in recent
        every = evaluation.averages(session=session, expert_id=expert.id, since=now - timedelta(days=365))
        assert every["all"]["count"] == 3 and every["all"]["clarity"] == 3.0


def test_a_pre_screening_finished_while_unrated_reaches_the_desk_flagged(db_url: str) -> None:
    """Begun before the support ended, so not held at its start: the case carries 前回の専門家評価待ち."""
    with desk(db_url) as d, d.factory.begin() as session:
        case = approved(session, d, "U9", registered(session, d), planned=1)
        visit(session, d, case)
        conversation = session.get(Conversation, "line:U9")
        assert conversation is not None
        made = effects.case_submitted(session=session, conversation=conversation, now=utcnow(), reply_days=3,
                                      payload={"outcome": "eligible", "decisions": [], "flags": ["conflict"],
                                               "business_name": "U9商店"})
        new = session.scalars(select(Case).where(Case.reference == made["reference"])).one()
        assert new.flags == ["conflict", "evaluation_pending"] and queue.FLAGS["evaluation_pending"]
        evaluation.rated(session=session, case=case, scores=SCORES, now=utcnow())
        later = effects.case_submitted(session=session, conversation=conversation, now=utcnow(), reply_days=3,
                                       payload={"outcome": "eligible", "decisions": [], "flags": []})
        assert session.scalars(select(Case).where(Case.reference == later["reference"])).one().flags == []
