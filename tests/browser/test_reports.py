"""The reports page in a real browser, on seeded data: charts drawn (inline SVG, no external request), every shown
figure equal to a SQL count done here, waiting times in business hours across a weekend and a holiday, the CSV
equal to the page; screenshots at desktop width and at 375 px."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.db.tables import Conversation, DialogEffect
from bot.staff.tables import AuditLog
from dialogs.hours import JST
from handoff.tables import Case, CaseMessage, Feedback, Visit
from tests.browser.conftest import ARTIFACTS
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import EMAILS, PASSWORDS, World, populate

FRIDAY_4PM = datetime(2026, 11, 20, 16, tzinfo=JST)  # then the weekend and 勤労感謝の日 (Monday 23 Nov)
RANGE = {"from": "2026-11-01", "to": "2026-11-30"}
CASES = [  # (reference, decision, size, theme, municipality, 商工会, rejection reasons, visits)
    ("KD-2026-0101", "approved", "small", "it_tools", "菊陽町", "菊陽町商工会", [], [180, 120]),  # now 支援中
    ("KD-2026-0102", "approved", "medium", "sns", "八代市", "八代商工会議所", [], [180] * 5),  # now 終了
    ("KD-2026-0103", "rejected", "small", "sns", "菊陽町", "菊陽町商工会", ["advisory", "production"], []),
    ("KD-2026-0104", "rejected", "small", "d2c_ec", "熊本市", "", ["advisory"], []),
    ("KD-2026-0105", "routed", "medium", "it_tools", "八代市", "八代商工会議所", [], []),
    ("KD-2026-0106", "new", "small", "cashless", "菊陽町", "菊陽町商工会", [], []),
]


def seed(bot: LiveBot) -> None:
    with Session(bot.engine) as session, session.begin():
        for i, (ref, result, size, theme, place, org, reasons, visits) in enumerate(CASES):
            # the lifecycle moves an approved case on: 支援中 after the first visit, 終了 when closed
            status = {"KD-2026-0101": "in_support", "KD-2026-0102": "closed"}.get(ref, result)
            key = f"line:Ureport{i}"
            created = FRIDAY_4PM + timedelta(minutes=i)
            session.add(Conversation(key=key, channel="line", user_id=f"Ureport{i}", state={}, turn_count=1,
                                     created_at=created - timedelta(hours=1)))
            session.add(DialogEffect(conversation_key=key, kind="prescreen_started", payload={},
                                     created_at=created - timedelta(minutes=30)))
            decision = {"result": result, "reasons": reasons} if result in ("approved", "rejected", "routed") else None
            case = Case(reference=ref, kind="application", status=status, outcome="eligible", conversation_key=key,
                        channel="line", fields={"size_class": size, "theme": theme, "municipality": place,
                                                "shokokai": org or None, **({"decision": decision} if decision else {})},
                        decisions=[], flags=[], created_at=created, updated_at=created)
            session.add(case)
            session.flush()
            reply_at = created + timedelta(days=4, hours=-6)  # Tuesday 10:00: 1 h on Friday + 1 h on Tuesday
            session.add(CaseMessage(case_id=case.id, at=reply_at, direction="out", text="ご連絡します", actor="c@x"))
            if decision:
                move = {"approved": "approve", "rejected": "reject", "routed": "route"}[result]
                session.add(AuditLog(at=reply_at + timedelta(days=1), actor="c@x", action=f"case.{move}", target=ref,
                                     detail={"from": "claimed", "to": result}))  # Wednesday 10:00: 10 business hours
            for n, minutes in enumerate(visits):
                session.add(Visit(case_id=case.id, visited_on=created.date() + timedelta(days=7 + n), minutes=minutes,
                                  mode="visit", expert="専門家", report="", actor="c@x"))
            if result in ("approved", "routed"):
                session.add(Feedback(kind="satisfaction", conversation_key=key, case_id=case.id, score=5 - i % 2,
                                     comment="", created_at=reply_at + timedelta(days=2)))
        for i in range(7):  # FAQ answers: three はい, two いいえ, two left unanswered; one question declined
            key = f"line:Ufaq{i}"
            at = FRIDAY_4PM + timedelta(days=1, minutes=i)
            session.add(Conversation(key=key, channel="line", user_id=f"Ufaq{i}", state={}, turn_count=1, created_at=at))
            session.add(DialogEffect(conversation_key=key, kind="faq_answered", payload={"faq_id": "online"},
                                     created_at=at))
            if i < 5:
                session.add(Feedback(kind="faq", conversation_key=key, faq_id="online", answer="yes" if i < 3 else "no",
                                     how="tap", comment="", created_at=at))
        session.add(DialogEffect(conversation_key="line:Ufaq0", kind="faq_missed", payload={}, created_at=FRIDAY_4PM))


def sql(bot: LiveBot, query: str) -> int:
    with bot.engine.connect() as conn:
        return int(conn.execute(text(query), {"lo": "2026-10-31 15:00:00", "hi": "2026-11-30 15:00:00"}).scalar() or 0)


def figure(page: Any, name: str) -> float:
    return float(page.locator(f'[data-figure="{name}"]').inner_text())


def test_reports_page_charts_figures_and_csv(browser: Any, sqlite_url: str) -> None:
    with LiveBot(make_settings(sqlite_url)) as bot:
        world: World = populate(bot)  # two more cases, created today: outside the range
        seed(bot)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP", accept_downloads=True)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(world.url + "/login")
        page.get_by_label("メールアドレス").fill(EMAILS["coordinator"])
        page.get_by_label("パスワード").fill(PASSWORDS["coordinator"])
        page.keyboard.press("Enter")
        page.get_by_text(f"ようこそ、{EMAILS['coordinator']} さん").wait_for()
        page.goto(world.url + "/reports?from=2026-11-01&to=2026-11-30")
        page.get_by_role("heading", name="レポート", exact=True).wait_for()

        charts = page.locator("svg.chart")
        assert charts.count() >= 10
        for i in range(charts.count()):
            assert charts.nth(i).is_visible() and charts.nth(i).bounding_box()["height"] > 20  # type: ignore[index]
        in_range = "created_at >= :lo AND created_at < :hi"
        expected = {
            "FAQ:ボットが答えた質問": sql(bot, f"SELECT count(*) FROM dialog_effect WHERE kind = 'faq_answered' AND {in_range}"),
            "FAQ:解決した（はい）": sql(bot, f"SELECT count(*) FROM feedback WHERE kind = 'faq' AND answer = 'yes' AND {in_range}"),
            "FAQ:答えられなかった質問": sql(bot, f"SELECT count(*) FROM dialog_effect WHERE kind = 'faq_missed' AND {in_range}"),
            "事前確認の流れ:事前確認を開始": sql(bot, "SELECT count(DISTINCT conversation_key) FROM dialog_effect "
                                              f"WHERE kind = 'prescreen_started' AND {in_range}"),
            "事前確認の流れ:送信（申請）": sql(bot, f"SELECT count(*) FROM handoff_case WHERE kind = 'application' AND {in_range}"),
            "事前確認の流れ:承認": sql(bot, "SELECT count(*) FROM handoff_case WHERE "
                                        f"json_extract(fields, '$.decision.result') = 'approved' AND {in_range}"),
            "事前確認の流れ:初回訪問": sql(bot, "SELECT count(DISTINCT v.case_id) FROM case_visit v JOIN handoff_case c "
                                          f"ON c.id = v.case_id WHERE c.{in_range.replace('AND ', 'AND c.')}"),
            "判断:否決": sql(bot, "SELECT count(*) FROM handoff_case WHERE "
                                f"json_extract(fields, '$.decision.result') = 'rejected' AND {in_range}"),
            "訪問と上限:訪問回数": sql(bot, "SELECT count(*) FROM case_visit"),
        }
        shown = {name: figure(page, name) for name in expected}
        assert shown == {k: float(v) for k, v in expected.items()}
        assert expected["事前確認の流れ:送信（申請）"] == 6 and expected["訪問と上限:訪問回数"] == 7
        assert expected["事前確認の流れ:承認"] == 2 and expected["判断:否決"] == 2  # whatever their status is now
        assert figure(page, "FAQ:回答なし") == 2 and figure(page, "FAQ:解決率（%）") == round(100 * 3 / 7, 1)
        assert figure(page, "否決の理由（4(1)ク②）:御社と専門家が顧問契約、またはそれと同等の関係にある") == 2
        assert figure(page, "訪問と上限:上限に達した申請") == 1  # five visits of three hours
        # Friday 16:00 → Tuesday 10:00 across the weekend and 勤労感謝の日: 2 business hours; decided Wednesday 10:00: 10
        assert figure(page, "待ち時間（営業時間）:最初の返信まで：中央値（時間）") == 2.0
        assert figure(page, "待ち時間（営業時間）:判断まで：中央値（時間）") == 10.0
        assert figure(page, "満足度:平均") == round((5 + 4 + 5) / 3, 2)

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "reports-desktop.png"), full_page=True)
        page.set_viewport_size({"width": 375, "height": 800})
        page.screenshot(path=str(ARTIFACTS / "reports-375.png"), full_page=True)
        page.screenshot(path=str(ARTIFACTS / "reports-375-top.png"))  # what a phone shows first, at full size
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the page scrolls sideways at 375 px ({width})"

        with page.expect_download() as download:
            page.get_by_role("link", name="CSVで出力").click()
        body = Path(download.value.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(body)))
        assert rows[0] == ["期間", "区分", "項目", "値"] and all(r[0] == "2026-11-01〜2026-11-30" for r in rows[1:])
        in_csv = {f"{r[1]}:{r[2]}": float(r[3]) for r in rows[1:]}
        for name, value in shown.items():
            assert in_csv[name] == value, name
        assert in_csv["事前確認の流れ（テーマ別）:sns：submitted"] == 2
        assert all(u.startswith(world.url) for u in requests), "no external requests"
        context.close()
