"""The Content-Security-Policy in chromium: /try, the queue (HTMX polling and the badge), a case and its print view
work with no inline script, and the browser reports no violation."""

from __future__ import annotations

from typing import Any

from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import EMAILS, PASSWORDS, populate


def test_no_page_breaks_the_content_security_policy(page: Any, sqlite_url: str) -> None:
    with LiveBot(make_settings(sqlite_url)) as bot:
        world = populate(bot)
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(world.url + "/try")
        page.get_by_text("友だち追加ありがとうございます").wait_for()  # try.js ran and /try/say answered
        page.goto(world.url + "/login")
        page.get_by_label("メールアドレス").fill(EMAILS["coordinator"])
        page.get_by_label("パスワード").fill(PASSWORDS["coordinator"])
        page.get_by_role("button", name="ログイン").click()
        page.goto(world.url + "/cases")
        page.locator("#badge .badge").wait_for()  # HTMX loaded the badge
        page.wait_for_function("() => window.htmx !== undefined")
        page.goto(world.url + f"/cases/{world.case_in_org}")
        page.goto(world.url + f"/cases/{world.case_in_org}/form1")
        assert page.evaluate("() => document.querySelector('[data-print]') !== null")
        page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
        page.locator("[data-print]").click()
        assert page.evaluate("() => window.printed") == 1  # print.js wired the button (no inline onclick)
        assert any(url.endswith("/cases/badge") for url in requests)
        assert violations == []
