"""/try in a real browser: tap, type, and get the answers a LINE user gets."""

from __future__ import annotations

from typing import Any

from dialogs import texts
from tests.browser.conftest import ARTIFACTS
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot


def test_try_page_by_tapping_and_typing(page: Any, sqlite_url: str) -> None:
    with LiveBot(make_settings(sqlite_url)) as bot:
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(bot.server.url + "/try")
        page.get_by_text("友だち追加ありがとうございます").wait_for()
        page.get_by_role("button", name=texts.LABEL_FAQ).click()
        page.get_by_role("button", name="派遣の回数・時間").click()
        page.get_by_text("合計15時間が上限です").wait_for()
        page.get_by_label("メッセージ").fill("最初から")
        page.keyboard.press("Enter")
        page.get_by_text(texts.RESTARTED).wait_for()
        assert page.get_by_role("button", name=texts.LABEL_CONSULT).is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "try-page.png"), full_page=True)
        assert all(url.startswith(bot.server.url) for url in requests), "the page asked for something external"
