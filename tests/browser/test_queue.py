"""The reworked queue in chromium at desktop width and on a 375 px phone: new cases and owner messages appear
without a reload (unread marker and badge), the 5-second refresh keeps keyboard focus and scroll position, and
nothing scrolls sideways. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import Conversation, utcnow
from handoff import cases, relay
from tests.browser.conftest import ARTIFACTS
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import EMAILS, PASSWORDS, World, populate

WIDTHS = {"desktop": (1280, 900), "phone": (375, 740)}


@pytest.fixture
def desk(sqlite_url: str) -> Iterator[World]:
    with LiveBot(make_settings(sqlite_url)) as bot:
        world = populate(bot)
        with make_session_factory(bot.engine).begin() as session:  # enough rows to scroll on a phone
            for i in range(12):
                session.add(Conversation(key=f"line:Uq{i}", channel="line", user_id=f"Uq{i}", state={}, turn_count=0))
                session.flush()
                cases.create_case(session=session, conversation_key=f"line:Uq{i}", channel="line", kind="application",
                                  outcome="eligible", fields={"business_name": f"株式会社テスト{i}", "theme": "sns"},
                                  decisions=[], flags=["conflict"], now=utcnow())
        yield world


def login(page: Any, world: World, role: str = "coordinator") -> None:
    page.goto(world.url + "/login")
    page.get_by_label("メールアドレス").fill(EMAILS[role])
    page.get_by_label("パスワード").fill(PASSWORDS[role])
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(world.url + "/")


def write(world: World, work: Any) -> str:
    engine = make_engine(world.bot.settings)
    with make_session_factory(engine).begin() as session:
        result = work(session)
    engine.dispose()
    return str(result)


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")


@pytest.mark.parametrize("size", list(WIDTHS))
def test_queue_live_unread_focus_and_width(browser: Any, desk: World, size: str) -> None:
    width, height = WIDTHS[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP")
    page = context.new_page()
    login(page, desk)
    reference = desk.case_in_org
    page.goto(f"{desk.url}/cases/{reference}")
    page.get_by_role("button", name="このケースを担当する").click()
    page.get_by_text("このケースの担当になりました").wait_for()
    page.goto(desk.url + "/cases")
    no_sideways_scroll(page)

    def newcomer(session: Any) -> str:
        session.add(Conversation(key="line:Unew", channel="line", user_id="Unew", state={}, turn_count=0))
        session.flush()
        return cases.create_case(session=session, conversation_key="line:Unew", channel="line", kind="callback",
                                 outcome="needs_review", fields={"business_name": "新着の事業者"}, decisions=[],
                                 flags=[], now=utcnow()).reference

    fresh = write(desk, newcomer)
    page.locator(f"#row-{fresh}").wait_for(timeout=15_000)  # appears without a reload

    def owner_writes(session: Any) -> None:
        case = cases.by_reference(session=session, reference=reference)
        assert case is not None
        relay.note(session=session, case=case, direction="in", text="来週の火曜の午後なら大丈夫です", now=utcnow())

    write(desk, owner_writes)
    page.locator(f"#row-{reference}.unread").wait_for(timeout=15_000)
    page.locator("#badge").get_by_text("未読 1").wait_for(timeout=15_000)
    assert "来週の火曜の午後なら大丈夫です" in page.locator(f"#row-{reference}").inner_text()

    page.mouse.wheel(0, 400)
    link = page.locator(f"#open-{reference}")
    link.focus()
    # wheel and focus scroll asynchronously: read the position once it has settled
    page.wait_for_function("() => new Promise(done => { const y = scrollY; setTimeout(() => done(scrollY === y), 300); })")
    scrolled = page.evaluate("window.scrollY")
    with page.expect_response(lambda r: "/cases/rows" in r.url, timeout=15_000):
        pass  # one refresh of the rows
    page.wait_for_timeout(300)
    assert page.evaluate("document.activeElement.id") == f"open-{reference}"  # focus kept
    assert abs(page.evaluate("window.scrollY") - scrolled) < 2  # scroll kept
    no_sideways_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"queue-{size}.png"), full_page=True)

    page.goto(f"{desk.url}/cases/{reference}")
    no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / f"case-{size}.png"), full_page=True)
    page.goto(desk.url + "/cases")
    assert page.locator(f"#row-{reference}.unread").count() == 0  # read once opened
    context.close()
