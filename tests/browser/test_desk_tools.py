"""The desk's tools in chromium at desktop width and on a 375 px phone: canned replies managed on /canned and put
into the reply box filled in for the case (edited before sending), a draft field corrected on the case page with
the owner's value shown, a case re-routed, organisations added with aliases, and the unread e-mail setting.
Nothing scrolls sideways; screenshots are kept in test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from handoff import cases
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_queue import WIDTHS, login, no_sideways_scroll
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import World, populate
from tests.fakes.line_server import FakeLine


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


@pytest.mark.parametrize("size", list(WIDTHS))
def test_canned_replies_corrections_and_re_routing_in_the_browser(browser: Any, sqlite_url: str,
                                                                 fake_line: FakeLine, size: str) -> None:
    width, height = WIDTHS[size]
    with LiveBot(make_settings(sqlite_url, fake_line.url)) as bot:  # type: ignore[attr-defined]
        desk: World = populate(bot)
        owner = Owner(bot, fake_line, "Ua")  # the owner of the case in 菊陽町商工会
        owner.follow()
        context = browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP")
        page = context.new_page()
        login(page, desk)
        # a canned reply with the three variables, managed in the web UI
        page.goto(desk.url + "/canned")
        page.get_by_role("link", name="定型文").first.wait_for()
        new = page.locator("#canned-new")
        new.get_by_label("題名").fill("書類のお願い")
        new.get_by_label("本文").fill("{事業所名} 様　受付番号 {受付番号} について、決算書の写しをお送りください。担当：{担当者名}")
        new.get_by_role("button", name="追加").click()
        page.get_by_text("定型文「書類のお願い」を追加しました").wait_for()
        no_sideways_scroll(page)
        shot(page, f"canned-{size}.png")

        reference = desk.case_in_org
        page.goto(f"{desk.url}/cases/{reference}")
        page.get_by_role("button", name="このケースを担当する").click()
        page.get_by_text("このケースの担当になりました").wait_for()
        page.get_by_label("定型文を本文に入れる").select_option(label="書類のお願い")
        page.get_by_role("button", name="本文に挿入").click()
        box = page.locator("#reply-text")
        expected = f"菊陽町商工会の会員 様　受付番号 {reference} について、決算書の写しをお送りください。担当：coordinator"
        page.wait_for_function("t => document.querySelector('#reply-text').value === t", arg=expected)
        box.fill(expected + "（PDFでも結構です）")  # edited before sending
        page.get_by_role("button", name="送信", exact=True).click()
        page.get_by_text("事業者に送信しました").wait_for()
        wait_until(lambda: expected + "（PDFでも結構です）" in fake_line.texts_to("Ua"), what="the edited canned reply")

        # a draft field corrected: the owner's own value stays beside it
        page.locator("#correct summary").click()
        page.locator("#correct").get_by_label("項目").select_option(label="事業所名")
        page.locator("#correct").get_by_label("正しい内容（空欄で消します）").fill("株式会社きくよう菓子")
        page.get_by_role("button", name="修正する").click()
        page.get_by_text("「事業所名」を修正しました").first.wait_for()
        assert page.get_by_text("窓口が修正（事業者の入力：菊陽町商工会の会員）").count() == 1
        assert "株式会社きくよう菓子" in page.locator("#corrections").inner_text()
        # re-routed to another organisation
        page.locator("#correct summary").click()
        page.get_by_label("回付先（その組織の経営指導員がこのケースを見られるようになります）").select_option(label="大津町商工会")
        page.get_by_role("button", name="回付先を変える").click()
        page.get_by_text("回付先を 大津町商工会 にしました").wait_for()
        assert "大津町商工会" in page.locator("#routed-to").inner_text()
        no_sideways_scroll(page)
        shot(page, f"case-corrected-{size}.png")
        with Session(bot.engine) as session:
            case = cases.by_reference(session=session, reference=reference)
            assert case is not None and case.fields["business_name"] == "株式会社きくよう菓子"
            assert case.owner_fields == {"business_name": "菊陽町商工会の会員"}

        # the unread e-mail setting
        page.get_by_role("link", name="通知の設定").click()
        page.get_by_label("メールで知らせる", exact=False).check()
        page.get_by_role("button", name="保存").click()
        page.get_by_text("メールでお知らせします").wait_for()
        assert page.get_by_label("メールで知らせる", exact=False).is_checked()
        no_sideways_scroll(page)
        shot(page, f"settings-{size}.png")
        context.close()


@pytest.mark.parametrize("size", list(WIDTHS))
def test_admin_adds_an_organisation_with_aliases(browser: Any, sqlite_url: str, size: str) -> None:
    width, height = WIDTHS[size]
    with LiveBot(make_settings(sqlite_url)) as bot:
        desk = populate(bot)
        context = browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP")
        page = context.new_page()
        login(page, desk, "admin")
        page.goto(desk.url + "/admin#organisations")
        form = page.locator("#org-new")
        form.get_by_label("名前").fill("南阿蘇村商工会")
        form.get_by_label("種別").select_option("商工会")
        form.get_by_label("地域").fill("阿蘇郡南阿蘇村")
        form.get_by_label("別名（1行に1つ）").fill("南阿蘇商工会\nみなみあそ商工会")
        form.get_by_role("button", name="組織を追加").click()
        page.get_by_text("南阿蘇村商工会 を追加しました").wait_for()
        row = page.locator("tr", has_text="阿蘇郡南阿蘇村")
        shown = row.inner_text().replace("南阿蘇村商工会", "")
        assert "みなみあそ商工会" in shown and "南阿蘇商工会" not in shown  # the name itself (町村 aside): not kept
        row.get_by_text("編集").click()
        row.get_by_label("別名（1行に1つ）").fill("白水商工会\n久木野商工会")  # the villages merged in 2005
        row.get_by_role("button", name="保存").click()
        page.get_by_text("南阿蘇村商工会 を保存しました").wait_for()
        edited = page.locator("tr", has_text="阿蘇郡南阿蘇村").inner_text()
        assert "みなみあそ" not in edited and "白水商工会、久木野商工会" in edited
        with Session(bot.engine) as session:
            ids = {cases.organisation_named(session=session, name=n) for n in ("南阿蘇 商工会", "白水商工会", "南阿蘇村商工会")}
            assert len(ids) == 1 and None not in ids
        no_sideways_scroll(page)
        shot(page, f"admin-organisations-{size}.png")
        context.close()
