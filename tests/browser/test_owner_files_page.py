"""In a real browser: a photo an owner sent on LINE (fetched by the real SDK from the fake content API) is visible on
the case page — the image has loaded and has its real size — next to the owner's LINE display name; the page makes
no request outside the app."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from tests.browser.conftest import ARTIFACTS
from tests.conftest import make_settings
from tests.e2e.conftest import case_for
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import EMAILS, PASSWORDS, World, populate
from tests.e2e.test_owner_files import files
from tests.fakes.line_server import FakeLine


@pytest.fixture
def desk(sqlite_url: str, fake_line: FakeLine) -> Iterator[World]:
    with LiveBot(make_settings(sqlite_url, fake_line.url)) as bot:  # type: ignore[attr-defined]
        yield populate(bot)


def test_the_owners_photo_and_name_show_on_the_case(desk: World, fake_line: FakeLine, page: Any) -> None:
    photo = io.BytesIO()
    Image.new("RGB", (320, 200), "#2a7").save(photo, "JPEG")
    fake_line.contents["910001"] = (photo.getvalue(), "image/jpeg")
    fake_line.add_friend("Ubrowser", "菓子舗のはなこ")
    owner = Owner(desk.bot, fake_line, "Ubrowser")
    owner.follow()
    owner._send("image", message__id="910001")
    wait_until(lambda: [f.status for f in files(desk.bot, "line:Ubrowser")] == ["stored"], what="the photo stored")
    reference = case_for(desk, "line:Ubrowser")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{desk.url}/cases/{reference}")
    page.get_by_label("メールアドレス").fill(EMAILS["coordinator"])
    page.get_by_label("パスワード").fill(PASSWORDS["coordinator"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(f"{desk.url}/cases/{reference}")
    image = page.get_by_role("img", name="事業者から届いた画像")
    image.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [320, 200]
    assert "LINEの表示名：菓子舗のはなこ" in page.locator("#display-name").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "case-owner-photo.png"), full_page=True)
    assert all(u.startswith(desk.url) for u in requests), "no external requests"
