"""Each role logs in through a real browser and sees only its navigation."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import ARTIFACTS
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import EMAILS, PASSWORDS, populate

NAV = {"admin": ["ケース一覧", "事業者カルテ", "専門家", "講習会・相談会", "定型文", "FAQ", "統計", "レポート", "管理"],
       "coordinator": ["ケース一覧", "事業者カルテ", "専門家", "講習会・相談会", "定型文", "統計", "レポート"],
       "editor": ["FAQ"],
       "advisor": ["ケース一覧", "事業者カルテ", "専門家", "講習会・相談会", "レポート"]}


def test_each_role_logs_in_and_sees_its_navigation(browser: Any, sqlite_url: str) -> None:
    with LiveBot(make_settings(sqlite_url)) as bot:
        world = populate(bot)
        for role, expected in NAV.items():
            context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP")
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda r, seen=requests: seen.append(r.url))
            page.goto(world.url + "/cases")
            page.get_by_text("ログインしてください").wait_for()
            page.get_by_label("メールアドレス").fill(EMAILS[role])
            page.get_by_label("パスワード").fill(PASSWORDS[role])
            page.keyboard.press("Enter")
            page.get_by_text(f"ようこそ、{EMAILS[role]} さん").wait_for()
            links = page.get_by_role("navigation", name="メイン").get_by_role("link").all_inner_texts()
            assert links == expected, role
            if role == "admin":
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "staff-dashboard-admin.png"), full_page=True)
                page.get_by_role("navigation", name="メイン").get_by_role("link", name="ケース一覧").click()
                page.get_by_role("link", name=world.case_elsewhere).wait_for()
            page.get_by_role("button", name="ログアウト").click()
            page.get_by_role("heading", name="職員ログイン").wait_for()
            assert all(u.startswith(world.url) for u in requests), "no external requests"
            context.close()
