"""Telegram end to end: the real python-telegram-bot client against a fake Bot API, the same dialog as LINE."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.db.tables import InboxEvent
from dialogs import texts
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.processes import REPO, env_for
from tests.e2e.telegram_owner import TelegramOwner
from tests.e2e.test_prescreen_conversations import after_problem, submit, to_problem
from tests.fakes.telegram_server import FakeTelegram
from tests.kb import ANSWERS as KB


@pytest.fixture
def bot(db_url: str, fake_telegram: FakeTelegram):
    with LiveBot(make_settings(db_url, telegram_url=fake_telegram.url)) as live:
        yield live


@pytest.fixture
def owner(bot: LiveBot, fake_telegram: FakeTelegram) -> TelegramOwner:
    o = TelegramOwner(bot, fake_telegram, 4242)
    assert o.start()[0] == texts.GREETING
    return o


@pytest.mark.parametrize("secret", [None, "wrong-secret", ""])
def test_a_wrong_or_missing_secret_is_refused_and_nothing_stored(bot: LiveBot, fake_telegram: FakeTelegram,
                                                                secret: str | None) -> None:
    o = TelegramOwner(bot, fake_telegram, 77)
    assert o.post(o.message("こんにちは"), secret=secret) == 403
    assert bot.count(InboxEvent) == 0 and fake_telegram.sent == []


def test_a_duplicate_update_id_is_one_turn(bot: LiveBot, fake_telegram: FakeTelegram) -> None:
    o = TelegramOwner(bot, fake_telegram, 78)
    update = o.message("よくある質問", update_id=555)
    assert [o.post(update) for _ in range(10)] == [200] * 10
    wait_until(lambda: bot.settled() and len(fake_telegram.to(78)) == 1, what="one answer")
    assert bot.count(InboxEvent) == 1 and fake_telegram.to(78)[0].text == texts.FAQ_PROMPT


def test_the_whole_pre_screening_by_typing(owner: TelegramOwner) -> None:
    to_problem(owner)
    owner.say("受発注をFAXからシステムに切り替えたい")
    after_problem(owner)
    case = submit(owner)
    assert (case["channel"], case["outcome"], case["size_class"]) == ("telegram", "eligible", "medium")


def test_the_whole_pre_screening_by_tapping_with_every_callback_answered(owner: TelegramOwner) -> None:
    to_problem(owner, typing=False, industry="小売業", heads="3人")
    owner.say("ネットショップを始めたい")
    after_problem(owner, typing=False)
    case = submit(owner)
    assert (case["channel"], case["size_class"], case["industry"]) == ("telegram", "small", "retail")
    wait_until(lambda: set(owner.queries) <= set(owner.fake.answered), what="every callback query answered")


def test_an_faq_answer_with_was_it_solved(owner: TelegramOwner) -> None:
    said = owner.say("オンラインでも相談できますか")
    assert said == [KB["online"], texts.FAQ_SOLVED]
    assert {"はい", "いいえ"} <= set(owner.offered)
    owner.tap("いいえ")
    assert texts.FAQ_SORRY in owner.last and texts.LABEL_HUMAN in owner.offered


def test_set_webhook_command(sqlite_url: str, fake_telegram: FakeTelegram) -> None:
    settings = make_settings(sqlite_url, telegram_url=fake_telegram.url)
    run = subprocess.run([sys.executable, "-m", "bot", "telegram", "set-webhook", "https://bot.example/webhooks/telegram"],
                         capture_output=True, text=True, env=env_for(settings), cwd=REPO, timeout=60)
    assert run.returncode == 0, run.stderr
    [hook] = fake_telegram.webhooks
    assert hook["url"] == "https://bot.example/webhooks/telegram" and hook["secret_token"] == settings.telegram_secret_token
