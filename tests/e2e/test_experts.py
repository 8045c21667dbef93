"""Experts end to end over the real LINE path: the desk registers an expert (audited), approves a case with them
after seeing what 4(1)ク② names, logs the planned visits; the owner is asked to rate the expert on six axes, a new
request before rating is held with a plain message, the rating lands on the expert's page (averages, radar chart);
the advisor rates with the 支援機関 items, which advisors never see again."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import utcnow
from dialogs import evaluation
from dialogs.hours import JST
from handoff import cases
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import World, populate
from tests.e2e.telegram_owner import TelegramOwner
from tests.e2e.test_decide import token_of
from tests.fakes.line_server import FakeLine
from tests.fakes.telegram_server import FakeTelegram

FIELDS = {"business_name": "菊陽菓子舗", "representative": "熊本 花子", "shokokai": "菊陽町商工会",
          "municipality": "菊陽町", "theme": "d2c_ec", "mode": "online"}


def add_expert(desk: World, **over: str) -> int:
    client = desk.login("coordinator")
    page = client.get("/experts/new").text
    form = {"csrf_token": token_of(page), "name": "山田 太郎", "affiliation": "山田ECラボ", "fields": ["d2c_ec", "sns"],
            "areas": "菊陽町、大津町", "onsite": "1", "online": "1", "recommended_by": "熊本県商工会連合会",
            "qualifications": "中小企業診断士", "availability": "平日午後"} | over
    response = client.post("/experts", data=form)
    assert response.status_code == 303, response.text[:500]
    return int(response.headers["location"].rsplit("/", 1)[1])


def application(desk: World, user: str, channel: str = "line") -> str:
    """An application in the advisor's organisation (菊陽町商工会) from this user (LINE unless said)."""
    engine = make_engine(desk.bot.settings)
    with make_session_factory(engine).begin() as session:
        org = session.execute(text("SELECT id FROM organisation WHERE name = '菊陽町商工会'")).scalar()
        reference = cases.create_case(session=session, conversation_key=f"{channel}:{user}",
                                      channel=channel, kind="application", outcome="eligible", fields=dict(FIELDS), decisions=[],
                                      flags=[], now=utcnow(), organisation_id=org).reference
    engine.dispose()
    return reference


def approve(desk: World, reference: str, expert_id: int, visits: int, acknowledged: bool = True) -> str:
    client = desk.login("coordinator")
    page = client.get(f"/cases/{reference}").text
    if "このケースを担当する" in page:
        client.post(f"/cases/{reference}/claim", data={"csrf_token": token_of(page)})
        page = client.get(f"/cases/{reference}").text
    form = {"csrf_token": token_of(page), "decision": "approve", "expert_id": str(expert_id), "expert": "",
            "mode": "online", "visits": str(visits)}
    shown = client.post(f"/cases/{reference}/decide", data=form).text
    client.post(f"/cases/{reference}/decide", data=form | {"confirmed": "1", "message": "",
                                                          **({"acknowledged": "1"} if acknowledged else {})})
    return shown


def log_visit(desk: World, reference: str, expert: str = "山田 太郎") -> str:
    client = desk.login("coordinator")
    page = client.get(f"/cases/{reference}").text
    client.post(f"/cases/{reference}/visits", data={
        "csrf_token": token_of(page), "visited_on": utcnow().astimezone(JST).date().isoformat(), "duration": "2",
        "mode": "online", "expert": expert, "report": "EC サイトの構成を一緒に検討"})
    return client.get(f"/cases/{reference}").text


def take_offer(owner: Owner, fake: FakeLine) -> None:
    """The owner looks at the pushed question's buttons."""
    owner.offered = {i["action"]["label"]: i["action"]["data"]
                     for i in fake.delivered(owner.user)[-1].messages[-1]["quickReply"]["items"]}


def sql(desk: World, query: str, **params: object) -> list[tuple[object, ...]]:
    with desk.bot.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(query), params)]


def test_registry_pages_search_and_audited_edit(desk: World) -> None:
    expert_id = add_expert(desk)
    add_expert(desk, name="佐藤 花子", fields=["cashless"], areas="県内全域", affiliation="")
    client = desk.login("coordinator")
    listed = client.get("/experts", params={"theme": "d2c_ec", "area": "菊陽町"}).text
    assert "山田 太郎" in listed and "佐藤 花子" not in listed and "熊本県商工会連合会" in listed
    assert "佐藤 花子" in client.get("/experts", params={"area": "八代市"}).text  # 県内全域
    refused = client.post("/experts", data={"csrf_token": token_of(listed), "name": "名無し", "fields": ["sns"],
                                            "areas": "菊陽町", "onsite": "1", "recommended_by": ""})
    assert refused.status_code == 422 and "推薦機関を入力してください" in refused.text
    edit = client.get(f"/experts/{expert_id}/edit").text
    assert 'value="菊陽町、大津町"' in edit
    client.post(f"/experts/{expert_id}", data={"csrf_token": token_of(edit), "name": "山田 太郎",
                                               "affiliation": "山田ECラボ", "fields": ["d2c_ec"], "areas": "菊陽町",
                                               "onsite": "1", "online": "1", "recommended_by": "熊本県商工会連合会",
                                               "qualifications": "中小企業診断士", "availability": "平日午後",
                                               "active": "1"})
    profile = client.get(f"/experts/{expert_id}").text
    assert "推薦機関" in profile and "<td>変更</td>" in profile
    assert "対応地域：菊陽町、大津町 → 菊陽町" in profile  # the trail reads as the desk typed it, not as stored JSON
    [(detail,)] = sql(desk, "SELECT detail FROM audit_log WHERE action = 'expert.update'")
    changed = json.loads(detail) if isinstance(detail, str) else detail
    assert changed == {"fields": [["d2c_ec", "sns"], ["d2c_ec"]], "areas": [["菊陽町", "大津町"], ["菊陽町"]]}
    assert desk.login("advisor").post("/experts", data={"csrf_token": token_of(profile)}).status_code == 403
    assert desk.login("editor").get("/experts").status_code == 403


def test_a_conflict_is_shown_and_must_be_acknowledged(desk: World, fake_line: FakeLine) -> None:
    Owner(desk.bot, fake_line, "Uconf").follow()
    insider = add_expert(desk, name="内田 一郎", affiliation="株式会社菊陽菓子舗")
    reference = application(desk, "Uconf")
    picker = desk.login("coordinator").get(f"/cases/{reference}/experts",
                                           params={"theme": "d2c_ec", "area": "菊陽町"}).text
    assert "内田 一郎" in picker and "要確認（実施要領 4(1)ク②）" in picker
    shown = approve(desk, reference, insider, visits=2, acknowledged=False)
    assert "確認してください（実施要領 4(1)ク②）" in shown and "菊陽菓子舗" in shown and 'name="acknowledged"' in shown
    assert sql(desk, "SELECT status, expert_id FROM handoff_case WHERE reference = :r", r=reference) == [
        ("claimed", None)]  # not acknowledged: refused
    approve(desk, reference, insider, visits=2)
    assert sql(desk, "SELECT status, expert_id FROM handoff_case WHERE reference = :r", r=reference) == [
        ("approved", insider)]
    wait_until(lambda: any("内田 一郎" in t for t in fake_line.texts_to("Uconf")), what="the news")


@pytest.fixture
def pg_desk(postgres_url: str, fake_line: FakeLine) -> Iterator[World]:
    with LiveBot(make_settings(postgres_url, fake_line.url)) as bot:
        yield populate(bot)


def test_a_dispatch_ends_the_owner_rates_and_the_expert_page_shows_it(desk: World, fake_line: FakeLine) -> None:
    dispatch_rated_and_shown(desk, fake_line)


@pytest.mark.postgres
def test_the_same_on_postgresql(pg_desk: World, fake_line: FakeLine) -> None:
    dispatch_rated_and_shown(pg_desk, fake_line)


def dispatch_rated_and_shown(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Urate")
    owner.follow()
    expert_id = add_expert(desk)
    reference = application(desk, "Urate")
    approve(desk, reference, expert_id, visits=2)
    wait_until(lambda: any("山田 太郎" in t and "派遣が決まりました" in t for t in fake_line.texts_to("Urate")),
               what="the approval")
    assert "1回目の支援を記録しました" in log_visit(desk, reference)
    assert not sql(desk, "SELECT id FROM evaluation_request")  # one of two planned visits: not yet
    log_visit(desk, reference)
    wait_until(lambda: any(t.startswith("（1/6）") for t in fake_line.texts_to("Urate")), what="the first axis")
    intro = next(t for t in fake_line.texts_to("Urate") if "6つの項目" in t)
    assert reference in intro and "山田 太郎さん" in intro

    held = owner.say("相談したい")  # a new request before rating: held, said plainly
    assert any("評価をいただくまで、新しい専門家派遣のお申し込みはお受けできません" in t for t in held)
    assert list(owner.offered) == ["評価する", "担当者と話したい"]
    thread = desk.login("coordinator").get(f"/cases/{reference}/thread").text
    assert "新しい専門家派遣を申し込もうとしました" in thread
    owner.tap("評価する")
    for score in ("5 とても良い", "4 良い", "5 とても良い", "3 ふつう", "4 良い"):
        owner.tap(score)
    assert owner.tap("5 とても良い") == [evaluation.COMMENT]
    assert owner.say("とても親身でした") == [evaluation.THANKS_HELD]
    wait_until(lambda: sql(desk, "SELECT comment FROM expert_evaluation") == [("とても親身でした",)], what="stored")
    assert sql(desk, "SELECT rater, communication, clarity, expertise, analysis, execution, manners "
                     "FROM expert_evaluation") == [("owner", 5, 4, 5, 3, 4, 5)]
    assert sql(desk, "SELECT count(*) FROM evaluation_request WHERE rated_at IS NOT NULL") == [(1,)]
    again = owner.say("相談したい")
    assert not any("評価をいただくまで" in t for t in again)  # rated: the pre-screening starts
    assert "事業の形態" in owner.last or "同意" in owner.last or "専門家派遣のご相談" in owner.last

    page = desk.login("coordinator").get(f"/experts/{expert_id}").text
    assert '<svg class="chart radar"' in page and "直近120日の評価の平均" in page
    averages = page.split('id="averages"')[1].split("</table>")[0]
    assert re.search(r"コミュニケーション力</th><td>5\.0</td><td>5\.0</td><td>—</td>", averages)
    assert re.search(r"分析力</th><td>3\.0</td>", averages) and "とても親身でした" in page
    assert reference in page.split('id="cases"')[1] and "EC サイトの構成" in page

    advisor = desk.login("advisor")
    case_page = advisor.get(f"/cases/{reference}").text
    assert 'id="advisor-evaluation"' in case_page and "支援の実行力" in case_page
    form = {"csrf_token": token_of(case_page), "communication": "4", "clarity": "4", "expertise": "4",
            "analysis": "4", "execution": "4", "manners": "4", "org_issue": "2", "org_strategy": "3",
            "org_knowledge": "5", "org_execution": "1", "comment": "同行して確認"}
    advisor.post(f"/cases/{reference}/evaluate", data=form)
    assert "すでに評価していただきました" in advisor.get(f"/cases/{reference}").text
    desk_view = desk.login("coordinator").get(f"/experts/{expert_id}").text
    assert 'id="org-averages"' in desk_view and "支援の実行力" in desk_view
    assert re.search(r"支援の実行力</th><td>1\.0</td>", desk_view)
    assert re.search(r"コミュニケーション力</th><td>4\.5</td><td>5\.0</td><td>4\.0</td>", desk_view)
    advisor_view = advisor.get(f"/experts/{expert_id}").text
    assert '<svg class="chart radar"' in advisor_view and "同行して確認" in advisor_view
    assert "支援の実行力" not in advisor_view and "経営課題への対応" not in advisor_view  # desk only
    assert "とても親身でした" not in advisor_view  # only the evaluations they gave
    assert sql(desk, "SELECT action FROM audit_log WHERE action = 'expert.evaluated'") == [("expert.evaluated",)]


@pytest.fixture
def quick_reminders(sqlite_url: str, fake_line: FakeLine) -> Iterator[World]:
    """The desk with the reminder due a second after asking, checked every 0.2 s by the embedded worker."""
    settings = make_settings(sqlite_url, fake_line.url, evaluation_reminder_after_hours=1 / 3600,
                             evaluation_reminder_poll_seconds=0.2)
    with LiveBot(settings) as bot:
        yield populate(bot)


def test_the_worker_reminds_an_owner_who_has_not_rated_once(quick_reminders: World, fake_line: FakeLine) -> None:
    desk = quick_reminders
    Owner(desk.bot, fake_line, "Uremind").follow()
    expert_id = add_expert(desk)
    reference = application(desk, "Uremind")
    approve(desk, reference, expert_id, visits=1)
    log_visit(desk, reference)
    reminded = lambda: [t for t in fake_line.texts_to("Uremind") if "評価がまだのようです" in t]  # noqa: E731
    wait_until(lambda: len(reminded()) == 1, what="the reminder")
    time.sleep(1.0)  # five more polls: still one
    assert len(reminded()) == 1 and reference in reminded()[0]
    assert sql(desk, "SELECT count(*) FROM evaluation_request WHERE reminded_at IS NOT NULL") == [(1,)]
    thread = desk.login("coordinator").get(f"/cases/{reference}/thread").text
    assert "専門家の評価のリマインドを送りました（1回のみ）" in thread


def test_the_rating_on_telegram_is_tapped_on_inline_buttons(desk: World, fake_telegram: FakeTelegram) -> None:
    owner = TelegramOwner(desk.bot, fake_telegram, 4242)
    owner.start()
    expert_id = add_expert(desk)
    reference = application(desk, "4242", channel="telegram")
    approve(desk, reference, expert_id, visits=1)
    log_visit(desk, reference)
    wait_until(lambda: any(s.text.startswith("（1/6）") for s in fake_telegram.to(4242)), what="the first axis")
    owner.offered = {b["text"]: b["callback_data"] for b in fake_telegram.to(4242)[-1].buttons}
    for _ in range(6):
        owner.tap("4 良い")
    assert owner.tap("なし") == [evaluation.THANKS]
    assert sql(desk, "SELECT rater, communication, manners FROM expert_evaluation") == [("owner", 4, 4)]
