"""In a real browser: the coordinator picks an image on the case page and sends it to a LINE owner; the page says
how it will arrive, the thread and the list of sent files show it (the thumbnail loads), and the real line-bot-sdk
pushed an image message whose pictures are signed HTTPS links. Without a public base URL the page says plainly that
LINE send-back is unavailable and offers no upload."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from handoff.desk_files import UNAVAILABLE_ON_LINE
from tests.browser.conftest import ARTIFACTS
from tests.conftest import make_settings
from tests.e2e.conftest import case_for
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import EMAILS, PASSWORDS, World, populate
from tests.fakes.line_server import FakeLine

PUBLIC = "https://madoguchi.example.jp"


def world(sqlite_url: str, fake_line: FakeLine, **extra: Any) -> LiveBot:
    return LiveBot(make_settings(sqlite_url, fake_line.url, **extra))  # type: ignore[attr-defined]


@pytest.fixture
def linked(sqlite_url: str, fake_line: FakeLine) -> Iterator[World]:
    with world(sqlite_url, fake_line, file_link_base_url=PUBLIC,
               file_link_secret="a-browser-test-key-long-enough-0123456789") as bot:
        yield populate(bot)


@pytest.fixture
def unlinked(sqlite_url: str, fake_line: FakeLine) -> Iterator[World]:
    with world(sqlite_url, fake_line) as bot:
        yield populate(bot)


def open_case(page: Any, desk: World, reference: str) -> None:
    page.goto(f"{desk.url}/cases/{reference}")
    page.get_by_label("メールアドレス").fill(EMAILS["coordinator"])
    page.get_by_label("パスワード").fill(PASSWORDS["coordinator"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(f"{desk.url}/cases/{reference}")
    with page.expect_navigation():
        page.get_by_role("button", name="このケースを担当する").click()


def test_the_coordinator_sends_a_picture_to_a_line_owner(linked: World, fake_line: FakeLine, page: Any,
                                                         tmp_path: Any) -> None:
    owner = Owner(linked.bot, fake_line, "Ubrowsersend")
    owner.follow()
    reference = case_for(linked, "line:Ubrowsersend")
    picture = tmp_path / "入力画面の見本.png"
    Image.new("RGB", (640, 400), "#c60").save(picture, "PNG")
    open_case(page, linked, reference)
    assert "画像はLINEの画像メッセージで" in page.locator("#file-send-how").inner_text()
    page.get_by_label("ファイル（JPEG・PNG・PDF、10MBまで）").set_input_files(str(picture))
    page.get_by_label("添えるメッセージ（任意・500文字まで）").fill("入力画面の見本です。赤枠のところをご覧ください。")
    with page.expect_navigation():
        page.get_by_role("button", name="画像・PDFを送信").click()
    assert "「入力画面の見本.png」を事業者に送信しました" in page.locator(".flash").inner_text()
    thumbnail = page.get_by_role("img", name="窓口から送った画像")
    thumbnail.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    assert thumbnail.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [640, 400]
    page.locator("#thread").get_by_text("（画像を送信：入力画面の見本.png）").wait_for()
    wait_until(lambda: any(m.get("type") == "image" for c in fake_line.delivered("Ubrowsersend")
                           for m in c.messages), what="the image message on LINE")
    image = next(m for c in fake_line.delivered("Ubrowsersend") for m in c.messages if m.get("type") == "image")
    assert image["originalContentUrl"].startswith(PUBLIC + "/f/")
    page.locator("#desk-files").get_by_text("取得 0 回").wait_for()  # nobody fetched the link in this test
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#desk-files").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "case-desk-file-sent.png"), full_page=True)


def test_without_a_public_url_the_page_says_line_cannot_take_files(unlinked: World, fake_line: FakeLine,
                                                                   page: Any) -> None:
    owner = Owner(unlinked.bot, fake_line, "Ubrowsernolink")
    owner.follow()
    reference = case_for(unlinked, "line:Ubrowsernolink")
    open_case(page, unlinked, reference)
    notice = page.locator("#file-send-how")
    assert notice.inner_text() == UNAVAILABLE_ON_LINE and notice.get_attribute("role") == "status"
    assert page.get_by_role("button", name="画像・PDFを送信").count() == 0
    assert page.get_by_role("button", name="送信", exact=True).count() == 1  # the message form is the way instead
    ARTIFACTS.mkdir(exist_ok=True)
    notice.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "case-desk-file-unavailable.png"))
