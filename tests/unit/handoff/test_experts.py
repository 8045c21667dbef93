"""The expert registry (search by theme and area, audited edits) and the 4(1)ク② check, on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.db.tables import utcnow
from bot.staff.tables import AuditLog, Organisation
from handoff import conflict, experts
from handoff.tables import ExpertEvaluation, Visit
from tests.unit.handoff.desk import COORDINATORS, desk, new_case


def _form(**over: object) -> experts.ExpertIn:
    values: dict[str, object] = {"name": "山田 太郎", "affiliation": "山田ITコンサルティング", "fields": ["it_tools", "sns"],
                                 "areas": "菊陽町、大津町", "recommended_by": "熊本県商工会連合会"}
    return experts.checked(**(values | over))  # type: ignore[arg-type]


def test_the_form_is_checked() -> None:
    assert _form().areas == ("菊陽町", "大津町") and _form().fields == ("it_tools", "sns")
    assert _form(areas="菊陽町，合志市 県内全域").areas == ("菊陽町", "合志市", "県内全域")
    assert _form(areas="菊陽、きくようまち 熊本市中央区").areas == ("菊陽町", "熊本市")  # as owners and staff type them
    for over, says in (({"name": " "}, "氏名"), ({"recommended_by": ""}, "推薦機関"), ({"fields": []}, "対応分野"),
                       ({"fields": ["nope"]}, "対応分野"), ({"areas": "東京都"}, "不明：東京都"),
                       ({"areas": ""}, "対応地域"), ({"online": False, "onsite": False}, "対応方法")):
        with pytest.raises(experts.ExpertError, match=says):
            _form(**over)


def test_search_by_theme_and_area_and_audited_edits(db_url: str) -> None:
    with desk(db_url) as d, d.factory.begin() as session:
        actor = d.user(session, COORDINATORS[0])
        now = utcnow()
        yamada = experts.create(session=session, data=_form(), actor=actor, now=now)
        everywhere = experts.create(session=session, data=_form(name="佐藤 花子", affiliation="", areas="県内全域",
                                                                fields=["cashless"], online=True, onsite=False),
                                    actor=actor, now=now)
        resting = experts.create(session=session, data=_form(name="休止 一郎", active=False), actor=actor, now=now)
        names = lambda **kw: [e.name for e in experts.search(session=session, **kw)]  # noqa: E731
        assert names(theme="sns", area="菊陽町") == ["山田 太郎"]
        assert names(theme="sns", area="八代市") == []
        assert names(area="八代市") == ["佐藤 花子"]  # 県内全域 covers every area
        assert names(theme="sns", area="菊陽") == ["山田 太郎"]  # the municipality as typed
        assert names(theme="cashless", area="菊陽町") == ["佐藤 花子"]
        assert names(mode="visit", theme="cashless") == []  # 佐藤 works online only
        assert names(text="コンサル") == ["山田 太郎"]
        assert names(text="%") == []  # LIKE wildcards are escaped
        assert "休止 一郎" in names(active_only=False) and "休止 一郎" not in names()
        changed = experts.update(session=session, expert=yamada, data=_form(areas="菊陽町、合志市", qualifications="中小企業診断士"),
                                 actor=actor, now=now + timedelta(minutes=1))
        assert changed == {"qualifications": ["", "中小企業診断士"], "areas": [["菊陽町", "大津町"], ["菊陽町", "合志市"]]}
        assert experts.update(session=session, expert=yamada, data=_form(areas="菊陽町、合志市",
                                                                          qualifications="中小企業診断士"),
                              actor=actor, now=now) == {}  # nothing changed: no audit row
        assert names(area="合志市", theme="it_tools") == ["山田 太郎"] and names(area="大津町", theme="it_tools") == []
        rows = session.scalars(select(AuditLog).where(AuditLog.target.like("expert:%")).order_by(AuditLog.id)).all()
        assert [(r.action, r.target) for r in rows] == [
            ("expert.create", f"expert:{yamada.id}"), ("expert.create", f"expert:{everywhere.id}"),
            ("expert.create", f"expert:{resting.id}"), ("expert.update", f"expert:{yamada.id}")]
        assert rows[-1].detail["qualifications"] == ["", "中小企業診断士"] and rows[-1].actor == COORDINATORS[0]


def test_conflict_grounds_of_4_1_ku_2() -> None:
    case = {"business_name": "株式会社 くまもと菓子舗", "representative": "熊本 花子", "shokokai": "菊陽町商工会"}
    grounds = lambda name, affiliation, **more: [  # noqa: E731
        f.ground for f in conflict.check(expert_name=name, affiliation=affiliation, fields=case | more)]
    assert grounds("山田 太郎", "山田ITコンサルティング") == []
    assert grounds("山田 太郎", "(株)くまもと菓子舗 企画部") == ["expert_employee"]  # works for the business
    assert grounds("熊本花子", "") == ["expert_employee"]  # the representative herself
    assert grounds("山田 太郎", "熊本花子税理士事務所") == ["expert_employee"]  # the representative's own firm
    assert grounds("山田 太郎", "菊陽町商工会") == [""]  # not a ground: a note (謝金対象外, 002)
    said = {"expert_name": "山田太郎", "expert_relation": "advisory", "expert_arranged": True}
    assert grounds("山田 太郎", "山田ITコンサルティング", **said) == ["advisory", "direct_arrangement"]
    assert grounds("佐藤 花子", "", **said) == []  # the owner spoke of another expert
    assert grounds("山田 太郎", "", expert_name="山田 太郎", expert_relation="solicited") == ["solicited"]
    found = conflict.check(expert_name="山田 太郎", affiliation="くまもと菓子舗", fields=case)
    assert found[0].clause == "実施要領 4(1)ク②" and "くまもと菓子舗" in found[0].says


def test_an_experts_cases_visits_and_evaluations_for_the_desk_and_for_an_advisor(db_url: str) -> None:
    with desk(db_url) as d, d.factory.begin() as session:
        actor = d.user(session, COORDINATORS[0])
        expert = experts.create(session=session, data=_form(), actor=actor, now=utcnow())
        orgs = session.scalars(select(Organisation.id).order_by(Organisation.id).limit(2)).all()
        made = []
        for i, org in enumerate(orgs):
            case = new_case(session, f"Ux{i}")
            case.expert_id, case.organisation_id = expert.id, org
            session.flush()
            session.add(Visit(case_id=case.id, visited_on=date(2026, 11, 1 + i), minutes=60, mode="online",
                              expert=expert.name, expert_id=expert.id, report="r", actor="c"))
            session.add(ExpertEvaluation(expert_id=expert.id, case_id=case.id, rater="advisor" if i else "owner",
                                         staff_user_id=actor.id if i else None, communication=5, clarity=5,
                                         expertise=5, analysis=5, execution=5, manners=5, comment=""))
            made.append(case.reference)
        session.flush()
        assert [c.reference for c in experts.cases_of(session=session, expert=expert)] == made[::-1]
        assert [c.reference for c in experts.cases_of(session=session, expert=expert, organisation_id=orgs[0])] == [made[0]]
        assert [ref for _, ref in experts.visits_of(session=session, expert=expert)] == made[::-1]
        assert [ref for _, ref in experts.visits_of(session=session, expert=expert, organisation_id=orgs[1])] == [made[1]]
        assert len(experts.evaluations_of(session=session, expert=expert)) == 2
        assert [ref for _, ref in experts.evaluations_of(session=session, expert=expert, staff_user_id=actor.id)] == [
            made[1]]
