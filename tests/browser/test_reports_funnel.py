"""The reports page's question-by-question funnel and its 講習会・個別相談会 section, in a real browser: owners talk to
the bot on LINE (real line-bot-sdk, fake LINE server) and stop at different questions; every figure shown, overall
and filtered by area, equals a SQL count done here, and the CSV carries the same; the sign-ups of the events in the
range equal their SQL count. Screenshots at desktop width and at 375 px."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from bot.staff.tables import Organisation
from dialogs.hours import JST
from dialogs.prescreen.flow import STEPS
from handoff.prescreen_funnel import LABELS
from handoff.seminar_tables import Seminar, SeminarSignup
from handoff.tables import Case, Visit
from tests.browser.conftest import ARTIFACTS
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import EMAILS, PASSWORDS, populate
from tests.fakes.line_server import FakeLine

OPENING = "菊陽町で和菓子屋をしています。従業員は5人で、ネット販売を始めたいとです"
LATEST = ("(SELECT conversation_key, max(CAST(json_extract(payload, '$.index') AS INTEGER)) AS reach, max(id) AS last "
          "FROM dialog_effect WHERE kind = 'prescreen_asked' AND created_at >= :lo AND created_at < :hi "
          "GROUP BY conversation_key)")


def owners(bot: LiveBot, fake: FakeLine) -> None:
    """Five owners: stopped at the first question, at 事業の形態 (熊本市), at consent (declined: nothing kept of the
    business), at 商工会 (菊陽町, after consenting), and one who sent the application."""
    first = Owner(bot, fake, "Ufirst")
    first.follow()
    first.tap("相談したい")  # asked for consent first; never answers

    city = Owner(bot, fake, "Ucity")
    city.follow()
    city.tap("相談したい")
    city.say("同意します")
    city.say("熊本市です")  # then stops at 事業の形態

    declined = Owner(bot, fake, "Udeclined")
    declined.follow()
    declined.say("八代市で食堂をやっています。従業員は3人で、キャッシュレス決済を入れたいです")
    declined.tap("同意しない")

    member = Owner(bot, fake, "Umember")
    member.follow()
    member.say(OPENING)
    member.say("同意します")
    member.say("個人でやっとります")  # then stops at 商工会

    sent = Owner(bot, fake, "Usent")
    sent.follow()
    sent.say(OPENING)
    for answer in ("同意します", "個人でやっとります", "商工会には入っとらんです", "特に決まっとらん", "いっぺんも使ったことはなか",
                   "横ばいかな", "くまもと菓子舗", "熊本 花子", "０９６－２３２－１２３４"):
        sent.say(answer)
    assert "送信" in sent.last, sent.last  # the card
    sent.tap("送信する")
    assert "受付番号" in sent.last


def seminars(bot: LiveBot, day: datetime) -> None:
    with Session(bot.engine) as session, session.begin():
        org = session.scalar(select(Organisation.id).where(Organisation.name == "菊陽町商工会"))
        for kind, status, seats, cancelled in (("lecture", "published", 3, 1), ("consultation", "held", 2, 0),
                                               ("lecture", "declined", 4, 0)):  # a declined event is not counted
            event = Seminar(kind=kind, status=status, organisation_id=org, theme="sns", title="SNS講習会",
                            starts_at=day, ends_at=day + timedelta(hours=2), venue="菊陽町商工会館", capacity=10)
            session.add(event)
            session.flush()
            for n in range(seats + cancelled):
                session.add(SeminarSignup(seminar_id=event.id, conversation_key=f"line:Useminar{event.id}-{n}",
                                          status="cancelled" if n >= seats else "active",
                                          attended=True if status == "held" and n == 0 else None))


def test_question_funnel_and_seminar_sign_ups(browser: Any, sqlite_url: str, fake_line: FakeLine) -> None:
    with LiveBot(make_settings(sqlite_url, fake_line.url)) as bot:  # type: ignore[attr-defined]
        world = populate(bot)
        owners(bot, fake_line)
        today = utcnow().astimezone(JST).date()
        first, last = today - timedelta(days=1), today + timedelta(days=1)
        seminars(bot, datetime.combine(today, time(14), JST))
        with Session(bot.engine) as session, session.begin():  # the application was approved and visited
            case = session.scalars(select(Case).where(Case.conversation_key == "line:Usent")).one()
            case.fields = {**case.fields, "decision": {"result": "approved", "reasons": []}}
            session.add(Visit(case_id=case.id, visited_on=today, minutes=120, mode="visit", expert="専門家",
                              report="", actor="c@x"))
        bounds = {"lo": _utc(datetime.combine(first, time(), JST)), "hi": _utc(datetime.combine(last, time(), JST)
                                                                             + timedelta(days=1))}

        def sql(query: str, **params: object) -> int:
            with bot.engine.connect() as conn:
                return int(conn.execute(text(query), bounds | params).scalar() or 0)

        reached = {step: sql(f"SELECT count(*) FROM {LATEST} WHERE reach >= :i", i=i) for i, step in enumerate(STEPS)}
        stopped = {step: sql(f"SELECT count(*) FROM {LATEST} o WHERE reach = :i AND NOT EXISTS (SELECT 1 FROM "
                             "handoff_case c WHERE c.conversation_key = o.conversation_key)", i=i)
                   for i, step in enumerate(STEPS)}
        asked = {step: sql("SELECT count(DISTINCT conversation_key) FROM dialog_effect WHERE kind = 'prescreen_asked' "
                           "AND json_extract(payload, '$.step') = :step AND created_at >= :lo AND created_at < :hi",
                           step=step) for step in STEPS}
        kikuyo = {step: sql(f"SELECT count(*) FROM {LATEST} o JOIN dialog_effect e ON e.id = o.last WHERE reach >= :i "
                            "AND json_extract(e.payload, '$.municipality') = '菊陽町'", i=i)
                  for i, step in enumerate(STEPS)}
        # what the SQL says, in words: five owners were asked for consent first; two stopped there (one never
        # answered, one declined), one at 事業の形態, one at 商工会; one reached the card and sent it
        assert reached["consent"] == 5 and reached["location"] == 3 and reached["shokokai"] == 2
        assert reached["confirm"] == 1 and stopped["consent"] == 2 and stopped["location"] == 0
        assert stopped["org_type"] == 1 and stopped["shokokai"] == 1 and stopped["confirm"] == 0
        assert asked["consent"] == 5 and asked["location"] == 1 and asked["industry"] == 0  # the openings told them
        assert kikuyo["consent"] == 2 and kikuyo["location"] == 2 and kikuyo["confirm"] == 1
        assert sql("SELECT count(*) FROM dialog_effect WHERE kind = 'prescreen_asked' AND conversation_key = "
                   "'line:Udeclined' AND json_extract(payload, '$.municipality') IS NOT NULL") == 0  # no consent

        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP", accept_downloads=True)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(world.url + "/login")
        page.get_by_label("メールアドレス").fill(EMAILS["coordinator"])
        page.get_by_label("パスワード").fill(PASSWORDS["coordinator"])
        page.keyboard.press("Enter")
        page.get_by_text(f"ようこそ、{EMAILS['coordinator']} さん").wait_for()
        page.goto(f"{world.url}/reports?from={first}&to={last}")
        section = page.locator("#questions")
        section.get_by_role("heading", name="事前確認の質問ごとの到達").wait_for()
        chart = section.locator("svg.chart")
        assert chart.is_visible() and chart.bounding_box()["height"] > 100  # type: ignore[index]

        def shown(step: str, column: str) -> int:
            return int(section.locator(f'[data-question="{step}:{column}"]').inner_text())

        assert int(section.locator('[data-question="started"]').inner_text()) == 5
        followed = sql("SELECT count(*) FROM conversation WHERE channel NOT IN ('web', 'terminal') "
                       "AND created_at >= :lo AND created_at < :hi")
        began = sql("SELECT count(DISTINCT conversation_key) FROM dialog_effect WHERE kind = 'prescreen_started' "
                    "AND created_at >= :lo AND created_at < :hi")
        assert (followed, began) == (7, 5)  # the five owners and the two of the staff fixtures (no pre-screening)
        assert shown("followed", "reached") == followed and shown("began", "reached") == began
        assert float(page.locator('[data-figure="事前確認の流れ:友だち追加"]').inner_text()) == followed
        assert {s: shown(s, "reached") for s in STEPS} == reached
        assert {s: shown(s, "stopped") for s in STEPS} == stopped
        assert {s: shown(s, "asked") for s in STEPS} == asked
        cases = (f"SELECT count(DISTINCT c.conversation_key) FROM handoff_case c JOIN {LATEST} o ON o.conversation_key = "
                 "c.conversation_key WHERE c.created_at >= :lo AND c.created_at < :hi")
        assert shown("submitted", "reached") == sql(cases) == 1
        assert shown("approved", "reached") == sql(cases + " AND json_extract(c.fields, '$.decision.result') = "
                                                           "'approved'") == 1
        assert shown("visited", "reached") == sql(cases + " AND EXISTS (SELECT 1 FROM case_visit v "
                                                          "WHERE v.case_id = c.id)") == 1
        page.screenshot(path=str(_artifact("reports-funnel-desktop.png")), full_page=True)
        section.screenshot(path=str(_artifact("reports-funnel-section.png")))

        page.locator("#funnel-filter").select_option(label="地域：菊陽町")
        page.get_by_role("button", name="絞り込む").click()
        page.locator("#questions-shown").get_by_text("地域：菊陽町").wait_for()
        section = page.locator("#questions")
        assert section.locator('[data-question="followed:reached"]').count() == 0  # no breakdown before a question
        assert {s: shown(s, "reached") for s in STEPS} == kikuyo
        assert shown("submitted", "reached") == 1
        section.screenshot(path=str(_artifact("reports-funnel-kikuyo.png")))

        seminar = {"講習会の申込者": sql("SELECT count(*) FROM seminar_signup s JOIN seminar e ON e.id = s.seminar_id "
                                   "WHERE e.kind = 'lecture' AND e.status IN ('published', 'held') AND s.status = 'active' "
                                   "AND e.starts_at >= :lo AND e.starts_at < :hi"),
                   "個別相談会の予約": sql("SELECT count(*) FROM seminar_signup s JOIN seminar e ON e.id = s.seminar_id "
                                   "WHERE e.kind = 'consultation' AND e.status IN ('published', 'held') "
                                   "AND s.status = 'active' AND e.starts_at >= :lo AND e.starts_at < :hi"),
                   "申込の取消": sql("SELECT count(*) FROM seminar_signup s JOIN seminar e ON e.id = s.seminar_id "
                                "WHERE e.status IN ('published', 'held') AND s.status = 'cancelled' "
                                "AND e.starts_at >= :lo AND e.starts_at < :hi"),
                   "出席（出欠を記録した催し）": sql(
                       "SELECT count(*) FROM seminar_signup s JOIN seminar e ON e.id = s.seminar_id WHERE "
                       "e.status IN ('published', 'held') AND s.status = 'active' AND s.attended "
                       "AND e.starts_at >= :lo AND e.starts_at < :hi")}
        assert seminar == {"講習会の申込者": 3, "個別相談会の予約": 2, "申込の取消": 1, "出席（出欠を記録した催し）": 1}
        for label, count in seminar.items():
            assert float(page.locator(f'[data-figure="講習会・個別相談会:{label}"]').inner_text()) == count
        assert page.get_by_role("img", name="講習会・個別相談会の申込").is_visible()
        replies = sql("SELECT count(*) FROM outbox_message WHERE channel = 'line' AND via = 'reply' "
                      "AND sent_at >= :lo AND sent_at < :hi")
        pushes = sql("SELECT count(*) FROM outbox_message WHERE channel = 'line' AND via = 'push' "
                     "AND sent_at >= :lo AND sent_at < :hi")
        assert replies >= 20 and pushes == 0  # every answer went out on its fresh reply token: free
        assert float(page.locator('[data-figure="LINEの送信（返信とプッシュ）:返信（無料）"]').inner_text()) == replies
        assert float(page.locator('[data-figure="LINEの送信（返信とプッシュ）:返信の割合（%）"]').inner_text()) == 100

        page.set_viewport_size({"width": 375, "height": 800})
        page.locator("#questions").scroll_into_view_if_needed()
        page.screenshot(path=str(_artifact("reports-funnel-375.png")))
        assert page.evaluate("document.documentElement.scrollWidth") <= 375

        with page.expect_download() as download:
            page.get_by_role("link", name="CSVで出力").click()
        rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
        in_csv = {f"{r[1]}:{r[2]}": float(r[3]) for r in rows[1:]}
        for step in STEPS:
            assert in_csv[f"事前確認の質問ごと:{LABELS[step]}：到達"] == reached[step]
            assert in_csv[f"事前確認の質問ごと:{LABELS[step]}：ここで終了"] == stopped[step]
            assert in_csv[f"事前確認の質問ごと（地域別）:菊陽町：{LABELS[step]}：到達"] == kikuyo[step]
        assert in_csv["事前確認の質問ごと:初回訪問：到達"] == 1
        assert in_csv["事前確認の質問ごと:友だち追加"] == followed and in_csv["事前確認の質問ごと:事前確認を開始"] == began
        for label, count in seminar.items():
            assert in_csv[f"講習会・個別相談会:{label}"] == count
        assert all(u.startswith(world.url) for u in requests), "no external requests"
        context.close()


def _utc(at: datetime) -> str:
    """How SQLite holds the times (UTC, naive) for the SQL here."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
