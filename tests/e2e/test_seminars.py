"""講習会 and 個別相談会 end to end over the real LINE path: a 商工会's advisor sends 様式2, the desk accepts, schedules
(an expert from the registry) and publishes; an owner finds it from the rich menu and by asking, signs up in a few
taps (※3 checked), is reminded once the day before, can cancel; the desk exports the participants; a 個別相談会 slot
booked by one owner is not offered to, and cannot be taken by, another; another organisation's advisor sees none of
it; the expert's report after a 個別相談会 reaches the organisation."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import utcnow
from dialogs import seminar_texts
from handoff import cases
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.e2e.seminar_steps import (
    desk_post,
    login_other,
    open_events,
    other_advisor,
    request_form,
    schedule_and_publish,
    tomorrow_at,
)
from tests.e2e.staff_fixtures import World, populate
from tests.e2e.test_experts import add_expert, sql
from tests.e2e.test_karte import business_of, first_application
from tests.fakes.line_server import FakeLine

REMINDER_HEAD = "【お申し込みの催しのお知らせ】"


@pytest.fixture
def seminar_desk(sqlite_url: str, fake_line: FakeLine) -> Iterator[World]:
    """The desk with the day-before reminder open from midnight (so an event tomorrow is due now), checked every
    0.2 s by the embedded worker."""
    settings = make_settings(sqlite_url, fake_line.url, seminar_reminder_hour=0, seminar_reminder_poll_seconds=0.2)
    with LiveBot(settings) as bot:
        yield populate(bot)


def earlier_application(desk: World, user: str, **fields: str) -> None:
    """What an earlier pre-screening left: the business, the representative, the form."""
    engine = make_engine(desk.bot.settings)
    with make_session_factory(engine).begin() as session:
        cases.create_case(session=session, conversation_key=f"line:{user}", channel="line", kind="application",
                          outcome="eligible", fields=fields, decisions=[], flags=[], now=utcnow())
    engine.dispose()


def test_a_lecture_from_request_to_reminder_and_cancel(seminar_desk: World, fake_line: FakeLine) -> None:
    desk = seminar_desk
    other_advisor(desk)
    expert_id = add_expert(desk, fields=["sns"])
    seminar_id = request_form(desk)
    assert sql(desk, "SELECT kind, status, theme, expected FROM seminar") == [("lecture", "requested", "sns", 20)]
    assert "公開中" not in desk.login("advisor").get("/seminars").text

    early = Owner(desk.bot, fake_line, "Uearly")
    early.follow()
    assert any("いま申し込める講習会・個別相談会はありません" in t for t in open_events(early))

    refused = desk_post(desk, seminar_id, "move", move="publish")  # not accepted yet: the table refuses
    assert "保存できませんでした" in refused and "申込受付" in refused
    page = schedule_and_publish(desk, seminar_id, expert_id, tomorrow_at(14))
    assert 'id="status">公開中' in page
    trail = sql(desk, "SELECT action, detail FROM audit_log WHERE target = :t ORDER BY id", t=f"seminar:{seminar_id}")
    moves = [(a, d if isinstance(d, dict) else __import__("json").loads(d)) for a, d in trail]
    assert [(a, d.get("from"), d.get("to")) for a, d in moves if a in ("seminar.accept", "seminar.publish")] == [
        ("seminar.accept", "requested", "accepted"), ("seminar.publish", "accepted", "published")]

    owner = Owner(desk.bot, fake_line, "Ujoin")
    owner.follow()
    listed = owner.say("講習会はいつありますか")
    assert any("はじめてのSNS集客" in t and "（菊陽町）" in t for t in listed)
    [label] = [k for k in owner.offered if "はじめてのSNS集客" in k]
    card = owner.tap(label)
    assert any("菊陽町商工会 2階会議室" in t and "残りの席：2席" in t and "参加費：無料" in t for t in card)
    assert owner.tap("申し込む") == [seminar_texts.ASK_ORG]
    assert owner.tap("会社") == [seminar_texts.ASK_AGREE_FIRST]  # consent before the names (issue 17)
    assert owner.tap(seminar_texts.AGREE_FIRST) == [seminar_texts.ASK_BUSINESS]
    assert owner.say("菊陽菓子舗") == [seminar_texts.ASK_NAME]
    confirm = owner.say("熊本 花子")
    assert any("事業所名：菊陽菓子舗" in t for t in confirm) and seminar_texts.AGREE in owner.offered
    done = owner.tap(seminar_texts.AGREE)
    assert any("お申し込みを受け付けました" in t and "はじめてのSNS集客" in t for t in done)
    assert sql(desk, "SELECT business_name, name, org_type, status FROM seminar_signup") == [
        ("菊陽菓子舗", "熊本 花子", "company", "active")]

    reminded = lambda: [t for t in fake_line.texts_to("Ujoin") if t.startswith(REMINDER_HEAD)]  # noqa: E731
    wait_until(lambda: len(reminded()) == 1, what="the reminder the day before")
    time.sleep(1.0)  # five more polls: still one
    assert len(reminded()) == 1 and "14:00" in reminded()[0] and "菊陽町商工会 2階会議室" in reminded()[0]

    coordinator = desk.login("coordinator")
    exported = coordinator.get(f"/seminars/{seminar_id}/participants.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["No", "事業所名", "お名前", "事業の形態"] and rows[1][1:4] == ["菊陽菓子舗", "熊本 花子", "会社"]
    assert desk.login("advisor").get(f"/seminars/{seminar_id}/participants.csv").status_code == 200  # its 商工会
    other = login_other(desk)
    assert other.get(f"/seminars/{seminar_id}").status_code == 404  # type: ignore[attr-defined]
    assert other.get(f"/seminars/{seminar_id}/participants.csv").status_code == 404  # type: ignore[attr-defined]
    assert "はじめてのSNS集客" not in other.get("/seminars").text  # type: ignore[attr-defined]
    assert sql(desk, "SELECT count(*) FROM audit_log WHERE action = 'seminar.export'") == [(2,)]

    owner.say("セミナーある？")
    assert "申込の確認・取消" in owner.offered
    owner.tap("申込の確認・取消")
    [cancel] = [k for k in owner.offered if k.startswith("取消")]
    owner.tap(cancel)
    assert any("取り消しました" in t for t in owner.tap("取り消す"))
    assert sql(desk, "SELECT status FROM seminar_signup") == [("cancelled",)]
    assert "まだいません" in coordinator.get(f"/seminars/{seminar_id}").text


def test_an_excluded_corporation_is_told_why(seminar_desk: World, fake_line: FakeLine) -> None:
    desk = seminar_desk
    seminar_id = request_form(desk)
    schedule_and_publish(desk, seminar_id, add_expert(desk), tomorrow_at(10))
    owner = Owner(desk.bot, fake_line, "Uclinic")
    owner.follow()
    earlier_application(desk, "Uclinic", business_name="くまもと医院", representative="医療 太郎",
                        org_type="excluded_corporation")
    open_events(owner)
    owner.tap(next(k for k in owner.offered if "SNS集客" in k))
    said = owner.tap("申し込む")
    assert seminar_texts.EXCLUDED["lecture"] in said and "※3" in seminar_texts.EXCLUDED["lecture"]
    assert not sql(desk, "SELECT id FROM seminar_signup")

    company = Owner(desk.bot, fake_line, "Ucompany")  # known from an earlier pre-screening: two taps
    company.follow()
    earlier_application(desk, "Ucompany", business_name="菊陽菓子舗", representative="熊本 花子", org_type="company")
    open_events(company)
    company.tap(next(k for k in company.offered if "SNS集客" in k))
    company.tap("申し込む")
    assert any("受け付けました" in t for t in company.tap(seminar_texts.AGREE))
    page = desk_post(desk, seminar_id, "move", move="cancel", reason="講師の急病のため")
    assert "申込者1人にお知らせしました" in page and "講師の急病のため" in page
    wait_until(lambda: any("中止になりました" in t for t in fake_line.texts_to("Ucompany")), what="the news")


def test_a_consultation_slot_is_booked_once_and_the_report_is_shared(seminar_desk: World, fake_line: FakeLine
                                                                     ) -> None:
    desk = seminar_desk
    other_advisor(desk)
    expert_id = add_expert(desk, fields=["sns"])
    seminar_id = request_form(desk, kind="consultation", title="SNS個別相談会")
    page = schedule_and_publish(desk, seminar_id, expert_id, tomorrow_at(13), slots=2)
    assert 'id="status">公開中' in page and page.count("空き") == 2

    first = Owner(desk.bot, fake_line, "Ufirst")
    first.follow()
    earlier_application(desk, "Ufirst", business_name="菊陽菓子舗", representative="熊本 花子", org_type="company")
    open_events(first)
    first.tap(next(k for k in first.offered if "SNS個別相談会" in k))
    assert list(first.offered)[:2] == ["13:00 山田 太郎", "14:00 山田 太郎"]
    confirm = first.tap("13:00 山田 太郎")  # known from the earlier pre-screening: shown back, asked for consent
    assert any("事業所名：菊陽菓子舗" in t and "お名前：熊本 花子" in t for t in confirm)
    assert any("お申し込みを受け付けました" in t and "13:00" in t for t in first.tap(seminar_texts.AGREE))

    second = Owner(desk.bot, fake_line, "Usecond")
    second.follow()
    open_events(second)
    second.tap(next(k for k in second.offered if "SNS個別相談会" in k))
    assert "13:00 山田 太郎" not in second.offered and "14:00 山田 太郎" in second.offered
    [(slot_id,)] = sql(desk, "SELECT id FROM seminar_slot WHERE taken_by IS NOT NULL")
    second._send("postback", postback__data=f"sem:slot:{seminar_id}:{slot_id}")  # an old button for the taken slot
    second.tap("会社")
    second.tap(seminar_texts.AGREE_FIRST)  # consent before the names (issue 17)
    second.say("八代食堂")
    second.say("八代 一郎")
    said = second.tap(seminar_texts.AGREE)
    assert any("ほかの方が先に予約されました" in t for t in said), said
    assert sql(desk, "SELECT conversation_key FROM seminar_signup WHERE status = 'active'") == [("line:Ufirst",)]

    assert "開催日時が過ぎてから" in desk_post(desk, seminar_id, "move", move="hold")  # not before the day
    with desk.bot.engine.begin() as conn:  # the day has come and gone
        conn.execute(text("UPDATE seminar SET starts_at = :at"), {"at": (utcnow() - timedelta(hours=3)).replace(
            tzinfo=None)})
    assert "開催済み" in desk_post(desk, seminar_id, "move", move="hold")
    page = desk_post(desk, seminar_id, "report", report="SNS運用の相談3件。投稿計画の作り方を助言。")
    assert "投稿計画の作り方を助言" in page
    page = desk_post(desk, seminar_id, "fee", yen="3,300", note="町民センター会議室")
    assert "3,300円" in page
    advisor_page = desk.login("advisor").get(f"/seminars/{seminar_id}").text
    assert "投稿計画の作り方を助言" in advisor_page and "菊陽菓子舗" in advisor_page
    assert f'action="/seminars/{seminar_id}/move"' not in advisor_page  # the desk's forms are not shown
    forbidden = desk.login("advisor").post(f"/seminars/{seminar_id}/move", data={"move": "cancel"})
    assert forbidden.status_code == 403
    assert login_other(desk).get(f"/seminars/{seminar_id}").status_code == 404  # type: ignore[attr-defined]


def test_who_came_is_recorded_and_on_each_businesss_karte(seminar_desk: World, fake_line: FakeLine) -> None:
    """After the day, the desk ticks who came (one audit row; not before the start); the CSV and each business's
    カルテ say 出席 or 欠席 — for an owner who applied before and for one who only signed up."""
    desk = seminar_desk
    seminar_id = request_form(desk)
    schedule_and_publish(desk, seminar_id, add_expert(desk, fields=["sns"]), tomorrow_at(14), capacity="5")

    applied = Owner(desk.bot, fake_line, "Uapplied")
    applied.follow()
    reference = first_application(applied, name="出席の店")
    open_events(applied)
    applied.tap(next(k for k in applied.offered if "SNS集客" in k))
    applied.tap("申し込む")  # known from the application: shown back, asked for consent
    assert any("受け付けました" in t for t in applied.tap(seminar_texts.AGREE))

    newcomer = Owner(desk.bot, fake_line, "Unew")
    newcomer.follow()
    open_events(newcomer)
    newcomer.tap(next(k for k in newcomer.offered if "SNS集客" in k))
    newcomer.tap("申し込む")
    newcomer.tap("個人事業主")
    newcomer.tap(seminar_texts.AGREE_FIRST)  # consent before the names (issue 17)
    newcomer.say("はじめて食堂")
    newcomer.say("山鹿 次郎")
    assert any("受け付けました" in t for t in newcomer.tap(seminar_texts.AGREE))
    ids = dict(sql(desk, "SELECT conversation_key, id FROM seminar_signup"))

    early = desk_post(desk, seminar_id, "attendance", **{f"came_{ids['line:Uapplied']}": "1"})
    assert "出欠は、開催の当日（開始後）から記録できます" in early and 'id="attendance"' not in early
    with desk.bot.engine.begin() as conn:  # the day has come
        conn.execute(text("UPDATE seminar SET starts_at = :at"), {"at": (utcnow() - timedelta(hours=1)).replace(
            tzinfo=None)})
    page = desk_post(desk, seminar_id, "attendance", **{f"came_{ids['line:Uapplied']}": "1"})
    assert "出欠を記録しました：出席1人・欠席1人" in page and 'id="attendance"' in page
    assert sorted(sql(desk, "SELECT conversation_key, attended FROM seminar_signup")) == [
        ("line:Uapplied", True), ("line:Unew", False)]
    desk_post(desk, seminar_id, "attendance", **{f"came_{ids['line:Uapplied']}": "1"})  # saved again: no change
    trail = sql(desk, "SELECT detail FROM audit_log WHERE action = 'seminar.attendance'")
    assert len(trail) == 1
    rows = list(csv.reader(io.StringIO(desk.login("coordinator").get(
        f"/seminars/{seminar_id}/participants.csv").content.decode("utf-8-sig"))))
    assert rows[0][-1] == "出欠" and {r[-1] for r in rows[1:]} == {"欠席", "出席"}

    coordinator = desk.login("coordinator")
    karte = coordinator.get(f"/businesses/{business_of(desk, reference)}").text
    assert "講習会「はじめてのSNS集客」" in karte and "に出席" in karte and reference in karte
    [(newcomer_business,)] = sql(desk, "SELECT business_id FROM business_link WHERE conversation_key = 'line:Unew'")
    other = coordinator.get(f"/businesses/{newcomer_business}").text
    assert "はじめて食堂" in other and "を欠席" in other
