"""The expert pages in a real browser: the registry searched by theme and area, an expert added through the form,
the expert's page with the radar chart of the recent window (an old rating left out), the 支援機関 items for the
desk only, and the approval form's picker refreshed by HTMX with what 4(1)ク② names; screenshots at desktop width
and at 375 px."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.tables import Conversation, utcnow
from bot.staff.tables import Organisation, StaffUser
from handoff import experts
from handoff.tables import Case, ExpertEvaluation, Visit
from tests.browser.conftest import ARTIFACTS
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import EMAILS, PASSWORDS, World, populate

AXES = ("communication", "clarity", "expertise", "analysis", "execution", "manners")
RATINGS = [  # (days ago, rater, six scores, 支援機関 items)
    (5, "owner", (5, 4, 5, 3, 4, 5), None),
    (40, "owner", (3, 4, 5, 3, 2, 5), None),
    (60, "advisor", (4, 4, 5, 3, 3, 5), (2, 3, 5, 1)),
    (200, "owner", (1, 1, 1, 1, 1, 1), None),  # outside the 120-day window
]


def seed(bot: LiveBot) -> int:
    with Session(bot.engine) as session, session.begin():
        coordinator = session.scalars(select(StaffUser).where(StaffUser.email == EMAILS["coordinator"])).one()
        advisor = session.scalars(select(StaffUser).where(StaffUser.email == EMAILS["advisor"])).one()
        org = session.scalar(select(Organisation.id).where(Organisation.name == "菊陽町商工会"))
        expert = experts.create(session=session, actor=coordinator, now=utcnow(), data=experts.checked(
            name="山田 太郎", affiliation="山田ECラボ", qualifications="中小企業診断士", fields=["d2c_ec", "sns"],
            areas="菊陽町、大津町", recommended_by="熊本県商工会連合会", availability="平日午後"))
        for i, (days, rater, scores, org_items) in enumerate(RATINGS):
            key = f"line:Ubrowse{i}"
            at = utcnow() - timedelta(days=days)
            session.add(Conversation(key=key, channel="line", user_id=f"Ubrowse{i}", state={}, turn_count=1))
            case = Case(reference=f"KD-2026-09{i:02d}", kind="application", status="closed", outcome="eligible",
                        conversation_key=key, channel="line", organisation_id=org, expert_id=expert.id,
                        fields={"business_name": f"菊陽の店{i}", "theme": "d2c_ec"}, decisions=[], flags=[],
                        created_at=at - timedelta(days=30), updated_at=at)
            session.add(case)
            session.flush()
            session.add(Visit(case_id=case.id, visited_on=(at - timedelta(days=1)).date(), minutes=120, mode="online",
                              expert="山田 太郎", expert_id=expert.id, report=f"第{i + 1}回：ECサイトの改善", actor="c"))
            session.add(ExpertEvaluation(expert_id=expert.id, case_id=case.id, rater=rater, created_at=at,
                                         staff_user_id=advisor.id if rater == "advisor" else None,
                                         comment=f"コメント{i}", **dict(zip(AXES, scores, strict=True)),
                                         **(dict(zip(("org_issue", "org_strategy", "org_knowledge", "org_execution"),
                                                     org_items, strict=True)) if org_items else {})))
        session.add(Conversation(key="line:Unew", channel="line", user_id="Unew", state={}, turn_count=1))
        session.add(Case(reference="KD-2026-0990", kind="application", status="claimed", outcome="eligible",
                         conversation_key="line:Unew", channel="line", owner_id=coordinator.id, organisation_id=org,
                         fields={"business_name": "山田ECラボ", "theme": "d2c_ec", "municipality": "菊陽町",
                                 "mode": "online"}, decisions=[], flags=[], created_at=utcnow(), updated_at=utcnow()))
        return expert.id


def login(page: Any, url: str, role: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("メールアドレス").fill(EMAILS[role])
    page.get_by_label("パスワード").fill(PASSWORDS[role])
    page.keyboard.press("Enter")
    page.get_by_text(f"ようこそ、{EMAILS[role]} さん").wait_for()


def test_expert_registry_and_page_with_the_radar_chart(browser: Any, sqlite_url: str) -> None:
    with LiveBot(make_settings(sqlite_url)) as bot:
        world: World = populate(bot)
        expert_id = seed(bot)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        login(page, world.url, "coordinator")

        page.get_by_role("navigation", name="メイン").get_by_role("link", name="専門家").click()
        page.get_by_label("テーマ").select_option("sns")
        page.get_by_label("地域").select_option("八代市")
        page.get_by_role("button", name="検索").click()
        assert page.locator("#experts tbody").inner_text().strip() == "該当する専門家はいません"
        page.get_by_label("地域").select_option("菊陽町")
        page.get_by_role("button", name="検索").click()
        page.get_by_role("link", name="山田 太郎").click()

        page.get_by_role("heading", name="山田 太郎").wait_for()
        radar = page.locator("svg.radar")
        assert radar.is_visible() and radar.bounding_box()["height"] > 200  # type: ignore[index]
        values = [float(v) for v in radar.locator("text.value").all_text_contents()]
        recent = [r for r in RATINGS if r[0] <= 120]
        expected = [round(sum(r[2][i] for r in recent) / len(recent), 1) for i in range(6)]
        assert values == expected  # the 1s of 200 days ago are not counted
        assert page.locator("#averages").get_by_text("件数").locator("..").inner_text().split() == ["件数", "3", "2", "1"]
        assert page.locator("#org-averages").inner_text().count("\n") >= 3  # the desk sees the 支援機関 items
        assert "熊本県商工会連合会" in page.locator("#profile").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "expert-desktop.png"), full_page=True)
        page.set_viewport_size({"width": 375, "height": 800})
        page.screenshot(path=str(ARTIFACTS / "expert-375.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

        page.goto(world.url + "/experts/new")
        page.get_by_label("氏名").fill("佐藤 花子")
        page.get_by_label("⑤ その他デジタル化・DX").check()
        page.get_by_label("対応地域", exact=False).fill("県内全域")
        page.get_by_label("推薦機関", exact=False).fill("肥後銀行")
        page.get_by_role("button", name="保存する").click()
        page.get_by_text("専門家「佐藤 花子」を登録しました").wait_for()
        assert page.locator("#no-ratings").is_visible()

        page.goto(world.url + "/cases/KD-2026-0990")
        picker = page.locator("#expert-candidates")
        assert "山田 太郎" in picker.inner_text() and "要確認（実施要領 4(1)ク②）" in picker.inner_text()  # 山田ECラボ
        assert "佐藤 花子" not in picker.inner_text()  # d2c_ec is not her theme
        page.locator("#expert-picker").get_by_label("テーマ").select_option("dx_other")
        page.wait_for_function("document.querySelector('#expert-candidates').innerText.includes('佐藤 花子')")
        assert "山田 太郎" not in page.locator("#expert-candidates").inner_text()
        context.close()

        advisor_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        advisor = advisor_context.new_page()
        login(advisor, world.url, "advisor")
        advisor.goto(f"{world.url}/experts/{expert_id}")
        assert advisor.locator("svg.radar").is_visible()
        body = advisor.locator("main").inner_text()
        assert "支援の実行力" not in body and "経営課題への対応" not in body  # the desk's only
        assert "コメント2" in body and "コメント0" not in body  # only the evaluation this advisor gave
        advisor.screenshot(path=str(ARTIFACTS / "expert-advisor.png"), full_page=True)
        advisor_context.close()
        assert all(u.startswith(world.url) for u in requests), "no external requests"
