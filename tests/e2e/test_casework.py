"""Casework over real HTTP with the owner on LINE: ask a missing item, canned replies, internal notes, the queue's
filters and badge, the visit ledger, admin release/reassign, and the 様式1 export."""

from __future__ import annotations

import io
import re
from datetime import datetime

import httpx
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.orm import Session

from dialogs import texts as bot_texts
from dialogs.hours import JST
from dialogs.prescreen import texts
from handoff import canned, cases
from tests.e2e.conftest import case_for
from tests.e2e.harness import wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import EMAILS, World
from tests.e2e.test_decide import application_for, decide
from tests.e2e.test_prescreen_conversations import AFTER, answer, contact, to_problem
from tests.fakes.line_server import FakeLine


def token(client: httpx.Client, reference: str) -> str:
    return client.get(f"/cases/{reference}").text.split('name="csrf_token" value="')[1].split('"')[0]


TODAY = datetime.now(JST).date().isoformat()  # visits happen between the application and today


def post(client: httpx.Client, reference: str, action: str, **form: object) -> str:
    """Post a case action as the page's form would; returns the case page shown after it."""
    response = client.post(f"/cases/{reference}/{action}", data={"csrf_token": token(client, reference), **form})
    assert response.status_code == 303, response.text[:300]
    return client.get(f"/cases/{reference}").text


def fields_of(desk: World, reference: str) -> tuple[dict, list[str]]:
    with Session(desk.bot.engine) as session:
        case = cases.by_reference(session=session, reference=reference)
        assert case is not None
        return dict(case.fields), list(case.flags)


def owner_with_a_gap(desk: World, fake_line: FakeLine, user: str) -> tuple[Owner, str]:
    """An owner who pre-screens but leaves the business description to the coordinator."""
    owner = Owner(desk.bot, fake_line, user)
    owner.follow()
    to_problem(owner)
    owner.say("受注をクラウドで管理したい")
    answer(owner, AFTER | {"business": "後で担当者に伝える"}, until="business_name", typing=False)  # taps what is offered
    contact(owner)
    owner.tap("送信する")
    found = re.search(r"KD-\d{4}-\d{4}", owner.last)
    assert found, owner.last
    return owner, found.group()


def test_asking_a_missing_item_fills_the_draft(desk: World, fake_line: FakeLine) -> None:
    owner, reference = owner_with_a_gap(desk, fake_line, "Uask")
    fields, flags = fields_of(desk, reference)
    assert fields["missing"] == ["business"] and "missing_fields" in flags
    coordinator = desk.login("coordinator")
    assert "事業の内容（未記入）" in post(coordinator, reference, "claim")
    page = post(coordinator, reference, "ask", item="business")
    assert "「事業の内容」を事業者に質問しました" in page
    asked = [bot_texts.ASK_ITEM_INTRO, texts.ASK_BUSINESS]  # ASK_BUSINESS alone was heard during pre-screening
    wait_until(lambda: fake_line.texts_to("Uask")[-2:] == asked, what="the question on LINE")
    assert owner.say("和菓子の製造と店頭販売です") == [bot_texts.ASK_ITEM_THANKS]
    fields, flags = fields_of(desk, reference)
    assert fields["business"] == "和菓子の製造と店頭販売です" and fields["missing"] == [] and "missing_fields" not in flags
    assert "【事業の内容】和菓子の製造と店頭販売です" in coordinator.get(f"/cases/{reference}/thread").text
    page = coordinator.get(f"/cases/{reference}").text
    assert "和菓子の製造と店頭販売です" in page  # in the 様式1 layout
    transcript = page.split("ボットとの会話の記録")[1]
    assert "受注をクラウドで管理したい" in transcript and "［後で担当者に伝える］" in transcript  # typed; tapped
    assert texts.ASK_PROBLEM in transcript and "［ps:" not in transcript  # the bot's side; no raw postback data
    assert owner.say("よくある質問")  # and the bot is itself again


def test_unknown_items_are_refused(desk: World, fake_line: FakeLine) -> None:
    Owner(desk.bot, fake_line, "Uitem").follow()
    reference = application_for(desk, "line:Uitem")
    before = len(fake_line.texts_to("Uitem"))
    assert "確認する項目を選んでください" in post(desk.login("coordinator"), reference, "ask", item="consent")
    assert len(fake_line.texts_to("Uitem")) == before


def test_canned_reply_goes_out_and_an_internal_note_does_not(desk: World, fake_line: FakeLine) -> None:
    Owner(desk.bot, fake_line, "Ucanned").follow()
    reference = case_for(desk, "line:Ucanned")
    coordinator = desk.login("coordinator")
    post(coordinator, reference, "claim")
    post(coordinator, reference, "note", text="電話で確認済み。来週訪問の予定")
    with Session(desk.bot.engine) as session:
        schedule = next(c for c in canned.listing(session=session) if c.title == "日程の相談")
    post(coordinator, reference, "reply", canned=str(schedule.id), text="")
    wait_until(lambda: schedule.body in fake_line.texts_to("Ucanned"), what="the canned reply")
    assert not any("電話で確認済み" in t for t in fake_line.texts_to("Ucanned"))
    thread = coordinator.get(f"/cases/{reference}/thread").text
    assert 'class="note"' in thread and "電話で確認済み" in thread


def test_queue_filters_search_badge_and_waiting_time(desk: World, fake_line: FakeLine) -> None:
    _, reference = owner_with_a_gap(desk, fake_line, "Uqueue")
    coordinator = desk.login("coordinator")
    assert reference in coordinator.get("/cases").text
    only_missing = coordinator.get("/cases/rows", params={"flag": "missing_fields"}).text
    assert reference in only_missing and desk.case_in_org not in only_missing and "未記入あり" in only_missing
    assert reference in coordinator.get("/cases/rows", params={"q": "菊陽菓子舗"}).text
    assert reference not in coordinator.get("/cases/rows", params={"q": "存在しない屋号"}).text
    assert "分</td>" in coordinator.get("/cases/rows").text  # waiting time
    assert 'aria-label="新規 3件"' in coordinator.get("/cases/badge").text
    post(coordinator, reference, "claim")
    assert 'aria-label="新規 2件"' in coordinator.get("/cases/badge").text
    mine = coordinator.get("/cases/rows", params={"mine": "1"}).text
    assert reference in mine and desk.case_in_org not in mine
    assert desk.case_elsewhere not in desk.login("advisor").get("/cases/rows", params={"status": "all"}).text


def test_visit_ledger_refuses_a_sixth_visit_and_shares_reports(desk: World, fake_line: FakeLine) -> None:
    reference = desk.case_in_org  # the advisor's organisation
    coordinator = desk.login("coordinator")
    assert "承認された申請にだけ" in post(coordinator, reference, "visits", visited_on="2026-11-01", duration="2",
                                        mode="visit", expert="山田 花子")
    Owner(desk.bot, fake_line, "Ua").follow()
    decide(desk, reference, decision="approve", expert="山田 花子", mode="visit", visits="5")
    page = post(coordinator, reference, "visits", visited_on=TODAY, duration="３時間", mode="visit",
                expert="山田 花子", report="ECサイトの構成を提案しました")
    assert "1回目の支援を記録しました（3時間、合計3時間）" in page
    assert "商工会と共有" in page and "（未共有）" in desk.login("advisor").get(f"/cases/{reference}").text
    visit_id = page.split(f"/cases/{reference}/visits/")[1].split("/share")[0]
    post(coordinator, reference, f"visits/{visit_id}/share")
    assert "ECサイトの構成を提案しました" in desk.login("advisor").get(f"/cases/{reference}").text
    for day in (TODAY, TODAY, TODAY):
        post(coordinator, reference, "visits", visited_on=day, duration="3", mode="online", expert="山田 花子")
    assert "合計が15時間を超えます（実施要領 4(1)ク①）。記録済み12時間、残り3時間です" in post(
        coordinator, reference, "visits", visited_on=TODAY, duration="4", mode="visit", expert="山田 花子")
    post(coordinator, reference, "visits", visited_on=TODAY, duration="3", mode="visit", expert="山田 花子")
    page = post(coordinator, reference, "visits", visited_on=TODAY, duration="1", mode="visit", expert="山田 花子")
    assert "支援は1申請につき5回までです（実施要領 4(1)ク①）。6回目は記録できません" in page
    assert "支援の記録（5回・15時間／上限 5回・15時間）" in page
    assert "case.report_shared" in page  # the audit trail on the case page


def test_release_and_reassign_are_for_admins_and_audited(desk: World) -> None:
    reference = desk.case_elsewhere
    coordinator = desk.login("coordinator")
    post(coordinator, reference, "claim")
    assert coordinator.post(f"/cases/{reference}/release",
                            data={"csrf_token": token(coordinator, reference)}).status_code == 403
    admin = desk.login("admin")
    assert "担当を外し、一覧に戻しました" in post(admin, reference, "release")
    assert "このケースを担当する" in admin.get(f"/cases/{reference}").text
    with Session(desk.bot.engine) as session:
        coordinator_id = session.execute(text("SELECT id FROM staff_user WHERE email = :e"),
                                         {"e": EMAILS["coordinator"]}).scalar_one()
        editor_id = session.execute(text("SELECT id FROM staff_user WHERE email = :e"),
                                    {"e": EMAILS["editor"]}).scalar_one()
    assert "担当にできるのは有効なコーディネーターか管理者です" in post(admin, reference, "reassign", to=editor_id)
    assert f"担当を {EMAILS['coordinator']} さんに変更しました" in post(admin, reference, "reassign", to=coordinator_id)
    assert "担当：あなた" in coordinator.get(f"/cases/{reference}").text
    with desk.bot.engine.connect() as conn:
        actions = conn.execute(text("SELECT action FROM audit_log WHERE target = :r ORDER BY id"),
                               {"r": reference}).scalars().all()
    assert actions == ["case.claim", "case.release", "case.reassign"]


def test_form_1_xlsx_export_reads_back_and_is_scoped(desk: World) -> None:
    response = desk.login("coordinator").get(f"/cases/{desk.case_in_org}/form1.xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    pairs = {r[0]: r[1] for r in load_workbook(io.BytesIO(response.content))["様式1"].iter_rows(values_only=True)
             if r[0]}
    assert pairs["受付番号"] == desk.case_in_org and pairs["事業所名"] == "菊陽町商工会の会員"
    advisor = desk.login("advisor")
    assert advisor.get(f"/cases/{desk.case_in_org}/form1.xlsx").status_code == 200
    assert advisor.get(f"/cases/{desk.case_elsewhere}/form1.xlsx").status_code == 404
    assert desk.login("editor").get(f"/cases/{desk.case_in_org}/form1.xlsx").status_code == 403


def test_a_known_business_gets_its_usage_from_the_ledger_not_a_question(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Uknown")
    owner.follow()
    earlier = application_for(desk, "line:Uknown")
    decide(desk, earlier, decision="approve", expert="山田 花子", mode="visit", visits="3")
    coordinator = desk.login("coordinator")
    for day in (TODAY, TODAY):
        post(coordinator, earlier, "visits", visited_on=day, duration="3", mode="visit", expert="山田 花子")
    to_problem(owner)
    owner.say("SNSで新商品を発信したい")
    asked = owner.say("特に決まっていません")
    assert texts.ASK_USAGE not in "\n".join(asked) and texts.ASK_BUSINESS in asked[-1]
    owner.say("和菓子の製造")
    owner.say("横ばいです")
    owner.say("同意します")
    contact(owner)
    assert "2回 6時間（窓口の記録）" in "\n".join(owner.heard[-1])  # on the confirmation card
    owner.tap("送信する")
    newest = max(owner.cases(), key=lambda c: c["created_at"])
    assert (newest["past_visits"], newest["past_hours"]) == (2, 6.0) and newest["reference"] != earlier
    assert "2回・6時間（窓口の記録）" in coordinator.get(f"/cases/{newest['reference']}").text
