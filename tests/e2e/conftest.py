"""Fixtures shared by the handoff tests: a live app on LINE and Telegram with staff, organisations and cases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import utcnow
from handoff import cases
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import World, populate
from tests.fakes.line_server import FakeLine
from tests.fakes.telegram_server import FakeTelegram


@pytest.fixture
def desk(sqlite_url: str, fake_line: FakeLine, fake_telegram: FakeTelegram) -> Iterator[World]:
    settings = make_settings(sqlite_url, fake_line.url, telegram_url=fake_telegram.url)  # type: ignore[attr-defined]
    with LiveBot(settings) as bot:
        yield populate(bot)


def case_for(world: World, conversation_key: str) -> str:
    """A request for a person, for an owner who already talked to the bot."""
    engine = make_engine(world.bot.settings)
    with make_session_factory(engine).begin() as session:
        reference = cases.create_case(session=session, conversation_key=conversation_key, channel="x",
                                      kind="callback", outcome="needs_review", fields={}, decisions=[], flags=[],
                                      now=utcnow()).reference
    engine.dispose()
    return reference
