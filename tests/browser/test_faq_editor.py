"""The FAQ editor in a real browser: create an entry, the bot answers with it at once; retire it, the bot stops."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import ARTIFACTS
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import EMAILS, PASSWORDS, populate

QUESTION = "テスト用の質問：駐車場はありますか"
ANSWER = "テスト用の回答：駐車場についての案内です。"


def ask_bot(page: Any, url: str, question: str) -> str:
    page.goto(url + "/try")
    page.get_by_text("友だち追加ありがとうございます").wait_for()
    page.get_by_label("メッセージ").fill(question)
    page.keyboard.press("Enter")
    page.locator(".msg.bot").nth(3).wait_for()  # greeting, menu, then the answer (or the decline)
    return " ".join(page.locator(".msg.bot").all_inner_texts())


def test_create_answer_retire_stop(browser: Any, sqlite_url: str) -> None:
    with LiveBot(make_settings(sqlite_url)) as bot:
        world = populate(bot)
        editor = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP").new_page()
        editor.goto(world.url + "/login")
        editor.get_by_label("メールアドレス").fill(EMAILS["editor"])
        editor.get_by_label("パスワード").fill(PASSWORDS["editor"])
        editor.keyboard.press("Enter")
        editor.get_by_role("navigation", name="メイン").get_by_role("link", name="FAQ").click()
        editor.get_by_role("link", name="新しい項目を作る").click()
        editor.get_by_label("ID（半角英小文字・数字・ハイフン）").fill("test-parking")
        editor.get_by_label("質問", exact=True).fill(QUESTION)
        editor.get_by_label("言い換え（1行に1つ：丁寧・くだけた・ひらがな・方言など）").fill("車を停める場所はありますか")
        editor.get_by_label("回答（400文字まで。何についての回答かを文中で言い直してください）").fill(ANSWER)
        editor.get_by_role("button", name="プレビュー").click()
        editor.get_by_role("button", name="公開する").click()
        editor.get_by_text("test-parking を公開しました").wait_for()
        owner = browser.new_context(viewport={"width": 420, "height": 860}, locale="ja-JP").new_page()
        assert ANSWER in ask_bot(owner, world.url, QUESTION)  # live at once, no restart
        editor.goto(world.url + "/faq/test?q=" + QUESTION)
        editor.get_by_text("回答する項目：").wait_for()
        editor.goto(world.url + "/faq/test-parking")
        editor.get_by_role("button", name="取り下げる").click()
        editor.get_by_text("test-parking を取り下げました").wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        editor.screenshot(path=str(ARTIFACTS / "faq-editor.png"), full_page=True)
        owner.context.clear_cookies()
        answered = ask_bot(owner, world.url, QUESTION)
        assert ANSWER not in answered and "お答えできません" in answered
