"""A coordinator's reply reaches the owner on their own channel: LINE (push with a retry key) or Telegram."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import utcnow
from handoff import cases
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import World, populate
from tests.e2e.telegram_owner import TelegramOwner
from tests.fakes.line_server import FakeLine
from tests.fakes.telegram_server import FakeTelegram

REPLY = "コーディネーターの田中です。来週の火曜日にお電話してもよろしいですか？"


@pytest.fixture
def world(sqlite_url: str, fake_line: FakeLine, fake_telegram: FakeTelegram):
    settings = make_settings(sqlite_url, fake_line.url, telegram_url=fake_telegram.url)  # type: ignore[attr-defined]
    with LiveBot(settings) as bot:
        yield populate(bot)


def case_for(world: World, conversation_key: str) -> str:
    engine = make_engine(world.bot.settings)
    with make_session_factory(engine).begin() as session:
        reference = cases.create_case(session=session, conversation_key=conversation_key, channel="x",
                                      kind="callback", outcome="needs_review", fields={}, decisions=[], flags=[],
                                      now=utcnow()).reference
    engine.dispose()
    return reference


def send(world: World, role: str, reference: str, body: str = REPLY, with_token: bool = True) -> int:
    client = world.login(role)
    page = client.get(f"/cases/{reference}").text
    data = {"text": body}
    if with_token and 'name="csrf_token" value="' in page:
        data["csrf_token"] = page.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post(f"/cases/{reference}/reply", data=data).status_code


def test_reply_is_relayed_to_telegram(world: World, fake_telegram: FakeTelegram) -> None:
    owner = TelegramOwner(world.bot, fake_telegram, 9090)
    owner.start()
    reference = case_for(world, "telegram:9090")
    assert send(world, "coordinator", reference) == 303
    wait_until(lambda: fake_telegram.to(9090)[-1].text == REPLY, what="the reply on Telegram")
    assert sum(1 for s in fake_telegram.to(9090) if s.text == REPLY) == 1


def test_reply_is_relayed_to_line_by_push_with_a_retry_key(world: World, fake_line: FakeLine) -> None:
    owner = Owner(world.bot, fake_line, "Urelay")
    owner.follow()
    reference = case_for(world, "line:Urelay")
    assert send(world, "admin", reference) == 303
    wait_until(lambda: REPLY in fake_line.texts_to("Urelay"), what="the reply on LINE")
    call = fake_line.delivered("Urelay")[-1]
    assert call.kind == "push" and call.retry_key
    with world.bot.engine.connect() as conn:
        row = conn.execute(text("SELECT detail FROM audit_log WHERE action = 'case.reply'")).scalar_one()
    assert REPLY not in str(row)  # the audit row says that a reply went out, not what it said


def test_only_coordinators_and_admins_reply_and_only_with_the_csrf_token(world: World, fake_line: FakeLine) -> None:
    owner = Owner(world.bot, fake_line, "Unoreply")
    owner.follow()
    reference = case_for(world, "line:Unoreply")
    assert send(world, "editor", reference) == 403
    assert send(world, "advisor", reference) in (403, 404)
    assert send(world, "coordinator", reference, with_token=False) == 403
    assert send(world, "coordinator", reference, body="") in (303, 422)
    assert REPLY not in fake_line.texts_to("Unoreply")
