"""The loading animation where it helps: started before a turn known to be slow (a knowledge search) runs — not
after a fixed second — and never for a fast turn (a tap, a menu word), over the real SDKs against the fakes."""

from __future__ import annotations

import pytest

from dialogs import texts
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.e2e.telegram_owner import TelegramOwner
from tests.fakes.line_server import FakeLine
from tests.fakes.telegram_server import FakeTelegram


@pytest.fixture
def bot(sqlite_url: str, fake_line: FakeLine, fake_telegram: FakeTelegram):
    # The fixed-delay fallback is pushed far out: whatever animation shows here was started by the slow-turn rule.
    settings = make_settings(sqlite_url, fake_line.url, telegram_url=fake_telegram.url,  # type: ignore[attr-defined]
                             loading_after_seconds=60)
    with LiveBot(settings) as live:
        yield live


def test_a_search_shows_the_animation_before_the_answer(bot: LiveBot, fake_line: FakeLine) -> None:
    owner = Owner(bot, fake_line, "Uslowturn")
    owner.follow()
    owner.tap(texts.LABEL_FAQ)
    owner.say("よくある質問")
    wait_until(bot.settled, what="settled")
    assert fake_line.loading("Uslowturn") == []  # follow, a tap and a menu word: fast, no animation
    owner.say("オンラインでも相談できますか")
    [loading] = fake_line.loading("Uslowturn")
    answer = fake_line.delivered("Uslowturn")[-1]
    assert loading.at <= answer.at and loading.to == "Uslowturn"


def test_telegram_types_while_searching(bot: LiveBot, fake_telegram: FakeTelegram) -> None:
    owner = TelegramOwner(bot, fake_telegram, 5150)
    owner.start()
    owner.say("メニュー")
    assert fake_telegram.actions == []
    owner.say("費用はかかりますか")
    wait_until(lambda: fake_telegram.actions == [5150], what="the typing action")
