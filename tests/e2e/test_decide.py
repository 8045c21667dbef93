"""Deciding a draft application: the owner is told on LINE, limits are refused, every decision audited."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import utcnow
from handoff import cases
from handoff.decide import REJECT_REASONS
from tests.e2e.harness import wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import World
from tests.fakes.line_server import FakeLine


def application_for(desk: World, conversation_key: str) -> str:
    engine = make_engine(desk.bot.settings)
    with make_session_factory(engine).begin() as session:
        reference = cases.create_case(session=session, conversation_key=conversation_key, channel="line",
                                      kind="application", outcome="eligible", fields={"business_name": "菊陽菓子舗"},
                                      decisions=[], flags=[], now=utcnow()).reference
    engine.dispose()
    return reference


def decide(desk: World, reference: str, **form: object) -> str:
    client = desk.login("coordinator")
    page = client.get(f"/cases/{reference}").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(f"/cases/{reference}/decide", data={"csrf_token": token, **form})  # type: ignore[dict-item]
    return client.get(f"/cases/{reference}").text


def status_of(desk: World, reference: str) -> str:
    with Session(desk.bot.engine) as session:
        case = cases.by_reference(session=session, reference=reference)
        assert case is not None
        return case.status


def test_approve_tells_the_owner_and_a_sixth_visit_is_refused(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Udecide")
    owner.follow()
    reference = application_for(desk, "line:Udecide")
    page = decide(desk, reference, decision="approve", expert="山田 花子", mode="online", visits="6")
    assert "予定回数は1〜5回です" in page and status_of(desk, reference) == "new"
    page = decide(desk, reference, decision="approve", expert="山田 花子", mode="online", visits="3")
    assert "判断を記録し、事業者に知らせました" in page and status_of(desk, reference) == "approved"
    wait_until(lambda: any("専門家の派遣が決まりました" in t for t in fake_line.texts_to("Udecide")), what="the news")
    told = next(t for t in fake_line.texts_to("Udecide") if "専門家の派遣が決まりました" in t)
    assert "山田 花子" in told and "オンライン" in told and "3回" in told and reference in told
    with desk.bot.engine.connect() as conn:
        rows = conn.execute(text("SELECT detail FROM audit_log WHERE action = 'case.status' AND target = :r"),
                            {"r": reference}).all()
    assert len(rows) == 1


def test_reject_with_reasons_sends_the_drafted_message(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Ureject")
    owner.follow()
    reference = application_for(desk, "line:Ureject")
    assert "否決の理由を選んでください" in decide(desk, reference, decision="reject")
    decide(desk, reference, decision="reject", reasons=["advisory", "production"])
    assert status_of(desk, reference) == "rejected"
    wait_until(lambda: any("対象とすることができませんでした" in t for t in fake_line.texts_to("Ureject")),
               what="the refusal")
    told = next(t for t in fake_line.texts_to("Ureject") if "対象とすることができませんでした" in t)
    assert REJECT_REASONS["advisory"] in told and REJECT_REASONS["production"] in told and "4(1)ク②" in told


def test_route_to_the_desk(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Uroute")
    owner.follow()
    reference = application_for(desk, "line:Uroute")
    decide(desk, reference, decision="route", message="窓口で一度お話を伺います。")
    assert status_of(desk, reference) == "routed"
    wait_until(lambda: "窓口で一度お話を伺います。" in fake_line.texts_to("Uroute"), what="the message")
