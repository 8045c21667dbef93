"""講習会 in a real browser: a 商工会's advisor fills 様式2, the desk accepts, schedules (an expert from the registry)
and publishes; an owner signs up over the real LINE path; the desk sees them and downloads the CSV; a 個別相談会's
slots page; another organisation's advisor gets 404. Screenshots at desktop width and at 375 px."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bot.db.tables import utcnow
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_experts import login
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.owner import Owner
from tests.e2e.seminar_steps import (
    OTHER_EMAIL,
    OTHER_PASSWORD,
    open_events,
    other_advisor,
    request_form,
    schedule_and_publish,
    tomorrow_at,
)
from tests.e2e.staff_fixtures import World, populate
from tests.e2e.test_experts import add_expert
from tests.fakes.line_server import FakeLine


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_request_schedule_publish_sign_up_and_export(browser: Any, sqlite_url: str, fake_line: FakeLine) -> None:
    with LiveBot(make_settings(sqlite_url, fake_line.url)) as bot:
        world: World = populate(bot)
        other_advisor(world)
        add_expert(world, fields=["sns"])
        requests: list[str] = []

        advisor_context = browser.new_context(viewport={"width": 375, "height": 800}, locale="ja-JP")
        advisor = advisor_context.new_page()
        advisor.on("request", lambda r: requests.append(r.url))
        login(advisor, world.url, "advisor")
        advisor.get_by_role("navigation", name="メイン").get_by_role("link", name="講習会・相談会").click()
        advisor.get_by_role("link", name="講習会を申し込む（様式2）").click()
        advisor.get_by_role("button", name="申込票を送る").click()  # empty: the browser asks for the theme first
        assert advisor.url.endswith("/seminars/new?kind=lecture")
        advisor.get_by_label("テーマ").select_option("sns")
        advisor.get_by_label("題名").fill("はじめてのSNS集客")
        advisor.get_by_label("希望する開催日").fill("12月の平日午後")
        advisor.get_by_label("会場（予定）").fill("菊陽町商工会 会議室")
        advisor.get_by_label("開催地の市町村").select_option("菊陽町")
        advisor.get_by_label("参加予定人数").fill("二十")
        shot(advisor, "seminar-request-375")
        advisor.get_by_role("button", name="申込票を送る").click()
        advisor.get_by_text("参加予定人数は1〜1000の数字で入力してください").wait_for()  # kept what was typed
        assert advisor.get_by_label("題名").input_value() == "はじめてのSNS集客"
        advisor.get_by_label("参加予定人数").fill("20")
        advisor.get_by_role("button", name="申込票を送る").click()
        advisor.get_by_text("様式2 団体等講習会申込票を送りました").wait_for()
        seminar_url = advisor.url
        assert advisor.locator("#status").inner_text() == "申込受付"
        shot(advisor, "seminar-requested-375")

        desk_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        desk = desk_context.new_page()
        desk.on("request", lambda r: requests.append(r.url))
        login(desk, world.url, "coordinator")
        desk.get_by_role("navigation", name="メイン").get_by_role("link", name="講習会・相談会").click()
        assert "菊陽町商工会" in desk.locator("#seminars").inner_text()
        shot(desk, "seminar-list-desk")
        desk.get_by_role("link", name="はじめてのSNS集客").click()
        desk.get_by_role("button", name="受理する").click()
        desk.get_by_text("「受理（日程調整中）」にしました").wait_for()
        starts = tomorrow_at(14)
        desk.get_by_label("開催日").fill(starts.date().isoformat())
        desk.get_by_label("開始").fill("14:00")
        desk.get_by_label("終了").fill("16:00")
        desk.locator("#schedule").get_by_label("会場").fill("菊陽町商工会 2階会議室")
        desk.get_by_label("講師（専門家の登録から）").select_option(label="山田 太郎（山田ECラボ）")
        desk.get_by_label("定員").fill("20")
        desk.get_by_role("button", name="日程を保存する").click()
        desk.get_by_text("日程を保存しました").wait_for()
        desk.get_by_role("button", name="公開する").click()
        desk.get_by_text("「公開中」にしました").wait_for()

        owner = Owner(bot, fake_line, "Ubrowser")
        owner.follow()
        open_events(owner)
        owner.tap(next(k for k in owner.offered if "SNS集客" in k))
        owner.tap("申し込む")
        owner.tap("個人事業主")
        owner.tap("同意する")
        owner.say("菊陽菓子舗")
        owner.say("熊本 花子")
        assert any("受け付けました" in t for t in owner.tap("同意して申し込む"))

        desk.reload()
        assert "菊陽菓子舗" in desk.locator("#participants").inner_text()
        shot(desk, "seminar-desk")
        with desk.expect_download() as download:
            desk.get_by_role("link", name="申込者一覧をCSVで出力").click()
        rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
        assert rows[1][1:4] == ["菊陽菓子舗", "熊本 花子", "個人事業主"]
        desk.locator("#fee").get_by_label("金額（円）").fill("3300")
        desk.get_by_role("button", name="様式4を記録する").click()
        desk.get_by_text("様式4（立替金）を記録しました：3,300円").wait_for()
        assert "出欠は開催の当日（開始後）から記録できます" in desk.locator("#participants").inner_text()
        with bot.engine.begin() as conn:  # the day has come: the desk ticks who came
            conn.execute(text("UPDATE seminar SET starts_at = :at"),
                         {"at": (utcnow() - timedelta(hours=1)).replace(tzinfo=None)})
        desk.reload()
        desk.locator("#attendance").get_by_label("出席").check()
        desk.get_by_role("button", name="出欠を保存する").click()
        desk.get_by_text("出欠を記録しました：出席1人・欠席0人").wait_for()
        assert desk.locator("#attendance").get_by_label("出席").is_checked()
        shot(desk, "seminar-attendance")
        desk.set_viewport_size({"width": 375, "height": 800})
        shot(desk, "seminar-desk-375")

        advisor.goto(seminar_url)
        assert advisor.locator("#status").inner_text() == "公開中"
        assert "菊陽菓子舗" in advisor.locator("#participants").inner_text()  # their 商工会 runs the day
        assert advisor.get_by_role("button", name="公開する").count() == 0
        shot(advisor, "seminar-advisor-375")

        other_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        other = other_context.new_page()
        other.goto(world.url + "/login")
        other.get_by_label("メールアドレス").fill(OTHER_EMAIL)
        other.get_by_label("パスワード").fill(OTHER_PASSWORD)
        other.keyboard.press("Enter")
        other.get_by_text(f"ようこそ、{OTHER_EMAIL} さん").wait_for()
        assert other.goto(seminar_url).status == 404  # type: ignore[union-attr]
        other.goto(world.url + "/seminars")
        assert "はじめてのSNS集客" not in other.locator("main").inner_text()
        for context in (advisor_context, desk_context, other_context):
            context.close()
        assert all(u.startswith(world.url) for u in requests), "no external requests"


def test_a_consultation_page_with_its_slots(browser: Any, sqlite_url: str, fake_line: FakeLine) -> None:
    with LiveBot(make_settings(sqlite_url, fake_line.url)) as bot:
        world: World = populate(bot)
        expert_id = add_expert(world, fields=["sns"])
        seminar_id = request_form(world, kind="consultation", title="SNS個別相談会")
        schedule_and_publish(world, seminar_id, expert_id, tomorrow_at(13), slots=3)
        owner = Owner(bot, fake_line, "Uslot")
        owner.follow()
        open_events(owner)
        owner.tap(next(k for k in owner.offered if "SNS個別相談会" in k))
        owner.tap("14:00 山田 太郎")
        owner.tap("会社")
        owner.tap("同意する")
        owner.say("菊陽菓子舗")
        owner.say("熊本 花子")
        owner.tap("同意して申し込む")

        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        page = context.new_page()
        login(page, world.url, "coordinator")
        page.goto(f"{world.url}/seminars/{seminar_id}")
        slots = page.locator("#slots tbody").inner_text()
        assert slots.count("空き") == 2 and slots.count("予約済み") == 1
        assert page.get_by_role("button", name="開催済みにする").count() == 0  # not before the day
        assert "14:00" in page.locator("#participants").inner_text()
        shot(page, "seminar-consultation-desk")
        page.set_viewport_size({"width": 375, "height": 800})
        shot(page, "seminar-consultation-desk-375")
        context.close()
