"""Deciding a draft application: the owner is told on LINE, limits are refused, every decision audited."""

from __future__ import annotations

import html

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
                                      kind="application", outcome="eligible",
                                      fields={"business_name": "菊陽菓子舗", "mode": "online", "expert_name": "山田 太郎"},
                                      decisions=[], flags=[], now=utcnow()).reference
    engine.dispose()
    return reference


def token_of(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def decide(desk: World, reference: str, role: str = "coordinator", **form: object) -> str:
    """Claim (if nobody has), post the decision, confirm the message shown (as it is, or `message`)."""
    client = desk.login(role)
    page = client.get(f"/cases/{reference}").text
    if "このケースを担当する" in page:
        client.post(f"/cases/{reference}/claim", data={"csrf_token": token_of(page)})
    message = form.pop("message", None)
    shown = client.post(f"/cases/{reference}/decide", data={"csrf_token": token_of(page), **form})  # type: ignore[dict-item]
    if "判断の確認" in shown.text:
        draft = html.unescape(shown.text.split('name="message"')[1].split(">", 1)[1].split("</textarea>")[0])
        client.post(f"/cases/{reference}/decide", data={"csrf_token": token_of(page), **form, "confirmed": "1",  # type: ignore[dict-item]
                                                      "message": draft if message is None else message})
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
    assert "予定回数は1〜5回です" in page and status_of(desk, reference) == "claimed"
    page = decide(desk, reference, decision="approve", expert="山田 花子", mode="online", visits="3")
    assert "判断を記録し、事業者に知らせました" in page and status_of(desk, reference) == "approved"
    wait_until(lambda: any("専門家の派遣が決まりました" in t for t in fake_line.texts_to("Udecide")), what="the news")
    told = next(t for t in fake_line.texts_to("Udecide") if "専門家の派遣が決まりました" in t)
    assert "山田 花子" in told and "オンライン" in told and "3回" in told and reference in told
    with desk.bot.engine.connect() as conn:
        rows = conn.execute(text("SELECT detail FROM audit_log WHERE action = 'case.status' AND target = :r"),
                            {"r": reference}).all()
    assert len(rows) == 0  # the decision is its own move: one case.approve row (and one case.claim)
    with desk.bot.engine.connect() as conn:
        actions = conn.execute(text("SELECT action FROM audit_log WHERE target = :r AND action LIKE 'case.%' "
                                    "ORDER BY id"), {"r": reference}).scalars().all()
    assert actions == ["case.claim", "case.approve"]


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


def test_enter_in_the_expert_field_only_shows_the_message_and_a_second_decision_is_refused(
        desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Uenter")
    owner.follow()
    reference = application_for(desk, "line:Uenter")
    client = desk.login("coordinator")
    page = client.get(f"/cases/{reference}").text
    client.post(f"/cases/{reference}/claim", data={"csrf_token": token_of(page)})
    page = client.get(f"/cases/{reference}").text
    assert 'name="expert" value="山田 太郎"' in page and '<option value="online" selected>' in page  # the wishes
    shown = client.post(f"/cases/{reference}/decide", data={"csrf_token": token_of(page), "decision": "approve",
                                                           "expert": "山田 太郎", "mode": "online", "visits": "2"})
    assert shown.status_code == 200 and "判断の確認" in shown.text and "方法：オンライン" in shown.text
    assert status_of(desk, reference) == "claimed"  # Enter in a field never decides
    decide(desk, reference, decision="approve", expert="山田 太郎", mode="online", visits="2",
           message="派遣が決まりました。専門家は山田 太郎さんです（オンライン2回）。")
    page = decide(desk, reference, decision="reject", reasons=["advisory"])
    assert status_of(desk, reference) == "approved"
    wait_until(lambda: "派遣が決まりました。専門家は山田 太郎さんです（オンライン2回）。" in fake_line.texts_to("Uenter"),
               what="the edited message")
    assert not any("できませんでした" in t for t in fake_line.texts_to("Uenter"))
    assert sum("派遣が決まりました" in t for t in fake_line.texts_to("Uenter")) == 1
    admin_page = decide(desk, reference, role="admin", decision="reject", reasons=["advisory"])
    assert "このケースの担当者（coordinator@test.example）だけ" in admin_page or "ことができません" in admin_page
    assert status_of(desk, reference) == "approved"
