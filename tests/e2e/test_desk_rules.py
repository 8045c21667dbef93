"""The desk's rules over real HTTP with the real app and LINE's SDK against the fake LINE server: the bot and the
coordinator never talk over each other, only a case's coordinator acts on it, owner messages raise an unread marker,
callbacks can be resolved, exports never carry live formulas, and control characters never break anything."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.orm import Session

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import utcnow
from dialogs import texts
from handoff import canned, cases
from tests.conftest import make_settings
from tests.e2e.conftest import case_for
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import World, populate
from tests.fakes.line_server import FakeLine


def is_ack(text: str) -> bool:
    """Person mode's one acknowledgement, inside business hours or outside them (then it says when)."""
    closed = texts.PERSON_ACK_CLOSED.split("{when}")[0]
    return text == texts.PERSON_ACK or (text.startswith(closed) and text.endswith("）"))


def post(client: httpx.Client, reference: str, path: str, **data: object) -> httpx.Response:
    page = client.get(f"/cases/{reference}").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post(f"/cases/{reference}/{path}", data={"csrf_token": token, **data})  # type: ignore[arg-type]


def case_of(world: World, reference: str) -> cases.Case:
    with Session(world.bot.engine) as session:
        case = cases.by_reference(session=session, reference=reference)
        assert case is not None
        session.expunge(case)
        return case


def canned_id(world: World, title: str) -> str:
    with Session(world.bot.engine) as session:
        return str(next(c.id for c in canned.listing(session=session) if c.title == title))


def thread(world: World, reference: str) -> list[tuple[str, str]]:
    with Session(world.bot.engine) as session:
        case = cases.by_reference(session=session, reference=reference)
        assert case is not None
        return [(m.direction, m.text) for m in cases.thread(session=session, case=case)]


@pytest.fixture
def pg_desk(postgres_url: str, fake_line: FakeLine) -> Iterator[World]:
    with LiveBot(make_settings(postgres_url, fake_line.url)) as bot:  # type: ignore[attr-defined]
        yield populate(bot)


def test_a_reply_silences_the_bot_and_the_answer_reaches_the_thread_marked_unread(desk: World,
                                                                                  fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Uhush")
    owner.follow()
    reference = case_for(desk, "line:Uhush")
    coordinator = desk.login("coordinator")
    post(coordinator, reference, "claim")
    assert post(coordinator, reference, "reply", text="ご都合のよい日時を教えてください。").status_code == 303
    wait_until(lambda: "ご都合のよい日時を教えてください。" in fake_line.texts_to("Uhush"), what="the reply")
    heard = owner.say("来週の火曜の午後なら大丈夫です")
    assert is_ack(heard[0]) and not any("お答えできません" in t for t in heard)
    wait_until(lambda: ("in", "来週の火曜の午後なら大丈夫です") in thread(desk, reference), what="the thread")
    assert case_of(desk, reference).unread
    rows = coordinator.get("/cases/rows").text
    assert f'id="row-{reference}" class="unread"' in rows and "来週の火曜の午後なら大丈夫です" in rows
    assert "未読 1" in coordinator.get("/cases/badge").text
    assert "未読" not in desk.login("admin").get("/cases/badge").text  # unread is for the case's coordinator
    coordinator.get(f"/cases/{reference}")  # reading the case clears it
    assert not case_of(desk, reference).unread and "未読" not in coordinator.get("/cases/badge").text
    assert post(coordinator, reference, "close").status_code == 303
    assert case_of(desk, reference).status == "resolved"
    wait_until(lambda: texts.PERSON_ENDED in fake_line.texts_to("Uhush"), what="handed back to the bot")


def test_only_the_cases_coordinator_replies_or_starts_person_mode(desk: World, fake_line: FakeLine) -> None:
    reference = desk.case_in_org
    admin, coordinator = desk.login("admin"), desk.login("coordinator")
    post(coordinator, reference, "claim")
    page = post(admin, reference, "reply", text="管理者です").text
    refused = admin.get(f"/cases/{reference}").text
    assert "できませんでした：このケースの担当者（coordinator@test.example）だけが事業者に送信する" in refused, page[:200]
    assert "管理者です" not in str(thread(desk, reference))
    post(admin, reference, "person/start")
    assert not case_of(desk, reference).in_person


def test_the_csv_follows_the_filters_with_labels_jst_and_no_formulas(desk: World) -> None:
    engine = make_engine(desk.bot.settings)
    with make_session_factory(engine).begin() as session:
        case = cases.by_reference(session=session, reference=desk.case_in_org)
        assert case is not None
        case.fields = {**case.fields, "business_name": '=HYPERLINK("http://evil.example","開く")',
                       "representative": "+81 熊本", "industry": "manufacturing", "theme": "sns"}
        case.created_at = utcnow().replace(hour=20, minute=30)  # 05:30 the next day in Japan
    engine.dispose()
    client = desk.login("coordinator")
    body = client.get("/cases.csv", params={"theme": "sns"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["受付番号", "種類", "状態", "判定"] and "受付日時（日本時間）" in rows[0]
    assert len(rows) == 2 and rows[1][0] == desk.case_in_org  # the other case has no theme: filtered out
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["事業所名"] == '\'=HYPERLINK("http://evil.example","開く")' and record["代表者"] == "'+81 熊本"
    assert record["状態"] == "新規" and record["業種"] == "製造業" and record["テーマ"] != "sns"
    assert record["受付日時（日本時間）"].endswith("05:30")
    assert len(list(csv.reader(io.StringIO(client.get("/cases.csv").content.decode("utf-8-sig"))))) == 3


def test_nul_in_forms_is_refused_clearly_on_postgresql(pg_desk: World) -> None:
    client = pg_desk.login("coordinator")
    refused = post(client, pg_desk.case_in_org, "note", text="メモ\x00です")
    assert refused.status_code == 400 and "制御文字" in refused.text
    assert client.get("/cases", params={"q": "会員\x00"}).status_code == 400
    assert post(client, pg_desk.case_in_org, "note", text="改行は\r\n大丈夫です").status_code == 303


def test_a_nul_in_an_owners_line_text_never_stops_the_conversation_on_postgresql(pg_desk: World,
                                                                                  fake_line: FakeLine) -> None:
    owner = Owner(pg_desk.bot, fake_line, "Unul")
    owner.follow()
    reference = case_for(pg_desk, "line:Unul")
    coordinator = pg_desk.login("coordinator")
    post(coordinator, reference, "claim")
    post(coordinator, reference, "person/start")
    wait_until(lambda: texts.PERSON_STARTED in fake_line.texts_to("Unul"), what="the owner is told")
    assert is_ack(owner.say("請求書\x00の件です\x07")[0])
    wait_until(lambda: ("in", "請求書の件です") in thread(pg_desk, reference), what="the cleaned message")
    post(coordinator, reference, "person/end")
    assert owner.say("オンラインでも相談できますか")  # the next message is answered
    with pg_desk.bot.engine.connect() as conn:
        events = conn.exec_driver_sql("SELECT status, attempts, last_error FROM inbox_event").all()
    assert all(e.status in ("done", "pending") and e.attempts <= 1 and not e.last_error for e in events), events


def test_a_canned_reply_is_filled_in_for_the_case_and_put_in_the_reply_box(desk: World) -> None:
    coordinator = desk.login("coordinator")
    box = coordinator.get(f"/cases/{desk.case_in_org}/canned", params={"key": canned_id(desk, "受付のお礼")}).text
    assert box.startswith('<textarea name="text" id="reply-text"')
    assert "菊陽町商工会の会員 様" in box and f"受付番号 {desk.case_in_org}" in box and "担当のcoordinatorです" in box
    assert "{" not in box
    post(coordinator, desk.case_in_org, "claim")  # the reply box is the case's coordinator's
    page = coordinator.get(f"/cases/{desk.case_in_org}").text
    assert 'hx-get="/cases/' + desk.case_in_org + '/canned"' in page and 'id="reply-text"' in page
