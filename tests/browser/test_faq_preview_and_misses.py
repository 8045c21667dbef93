"""The FAQ editor in a real browser: an entry is previewed as the owner will see it and then published; a miss
becomes a phrasing of the entry the editor picks, after a confirmation, and the bot answers it at once.
Screenshots at desktop width and at 375 px go to test-artifacts/."""

from __future__ import annotations

from typing import Any

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import utcnow
from knowledge import store
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_faq_editor import ask_bot
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import EMAILS, PASSWORDS, populate
from tests.e2e.test_faq_misses_http import miss

QUESTION = "ペットを連れて相談に行けますか"
ANSWER = "テスト用の回答：ペット同伴についての案内です。"
MISSED = "ペットの犬を連れて行ってもよかですか"  # out of scope (「一緒に行く」 alone reads close to 同行)


def shots(page: Any, name: str) -> None:
    """The page at desktop width and at 375 px (a phone), full length."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path=str(ARTIFACTS / f"{name}-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1, f"{name}: wider than the phone"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_preview_then_publish_and_a_miss_becomes_a_confirmed_phrasing(browser: Any, sqlite_url: str) -> None:
    with LiveBot(make_settings(sqlite_url)) as bot:
        world = populate(bot)
        engine = make_engine(bot.settings)
        with make_session_factory(engine).begin() as session:
            store.seed(session=session, now=utcnow())
        engine.dispose()
        miss(world, MISSED)  # an owner asks something the knowledge base does not cover yet

        editor = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP").new_page()
        editor.goto(world.url + "/login")
        editor.get_by_label("メールアドレス").fill(EMAILS["editor"])
        editor.get_by_label("パスワード").fill(PASSWORDS["editor"])
        editor.keyboard.press("Enter")
        editor.get_by_role("navigation", name="メイン").get_by_role("link", name="FAQ").click()
        editor.get_by_role("link", name="新しい項目を作る").click()
        editor.get_by_label("ID（半角英小文字・数字・ハイフン）").fill("test-pets")
        editor.get_by_label("質問", exact=True).fill(QUESTION)
        editor.get_by_label("回答（400文字まで。何についての回答かを文中で言い直してください）").fill(ANSWER)
        editor.get_by_label("根拠（例：001 4(1)エ）").fill("001 4(1)エ")
        editor.get_by_label("回答のあとの案内").select_option("prescreen")
        editor.get_by_role("button", name="プレビュー").click()

        preview = editor.locator("section.preview")
        preview.get_by_text(ANSWER + "（実施要領 4(1)エ）").wait_for()
        assert preview.get_by_text("解決しましたか？").is_visible()
        assert preview.get_by_role("listitem").all_inner_texts() == ["はい", "いいえ", "相談したい"]
        shots(editor, "faq-preview")
        owner = browser.new_context(viewport={"width": 375, "height": 812}, locale="ja-JP").new_page()
        assert ANSWER not in ask_bot(owner, world.url, QUESTION)  # previewed, not published

        editor.get_by_role("button", name="公開する").click()
        editor.get_by_text("test-pets を公開しました").wait_for()
        owner.context.clear_cookies()
        assert ANSWER in ask_bot(owner, world.url, QUESTION)

        editor.goto(world.url + "/faq/misses")
        row = editor.get_by_role("row").filter(has_text=MISSED)
        assert row.get_by_label("追加先").input_value() == ""  # no entry is chosen for the editor
        row.get_by_label("追加先").select_option("test-pets")
        row.get_by_role("button", name="言い換えに追加…").click()
        editor.get_by_role("heading", name="言い換えの追加を確認").wait_for()
        assert MISSED in editor.locator("section.confirm").inner_text()
        shots(editor, "faq-phrasing-confirm")
        editor.get_by_role("button", name="test-pets に追加する").click()
        editor.get_by_text(f"「{MISSED}」を test-pets の言い換えに追加しました").wait_for()
        assert editor.get_by_role("row").filter(has_text=MISSED).count() == 0  # off the list
        shots(editor, "faq-misses")
        owner.context.clear_cookies()
        assert ANSWER in ask_bot(owner, world.url, MISSED)  # live at once
