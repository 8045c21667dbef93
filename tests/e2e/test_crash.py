"""Nothing is lost and nothing is sent twice when a process is SIGKILLed at the bad moments."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from bot.settings import Settings
from tests.conftest import make_settings
from tests.e2e.harness import wait_until
from tests.e2e.processes import BotProcess
from tests.fakes import line_events
from tests.fakes.line_server import CHANNEL_SECRET, FakeLine

pytestmark = pytest.mark.slow


def post(url: str, *events: dict) -> int:
    raw = line_events.body(*events)
    return httpx.post(url + "/webhooks/line", content=raw, headers=line_events.headers(CHANNEL_SECRET, raw)).status_code


def rows(db_url: str, sql: str) -> list[tuple]:
    engine = create_engine(Settings(_env_file=None, database_url=db_url).sqlalchemy_url())  # type: ignore[call-arg]
    with engine.connect() as conn:
        result = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return result


def test_worker_killed_mid_turn_after_the_inbox_commit_answers_once_after_restart(
    db_url: str, fake_line: FakeLine, tmp_path: Path
) -> None:
    settings = make_settings(db_url, fake_line.url, dialog="tests.fakes.dialogs:slow_step")  # type: ignore[attr-defined]
    web = BotProcess(settings.model_copy(update={"embedded_worker": False}), "serve", tmp_path).start()
    try:
        user = "Ukilled"
        assert post(web.url, line_events.event("postback", user, token=fake_line.issue_token(user),
                                               postback__data="faq:show:limits")) == 200
        assert rows(db_url, "SELECT status FROM inbox_event") == [("pending",)]  # committed before the 200
        marker = tmp_path / "turns"
        worker = BotProcess(settings, "worker", tmp_path, MADOGUCHI_TEST_TURN_SECONDS="5",
                            MADOGUCHI_TEST_TURN_MARKER=str(marker)).start()
        wait_until(marker.exists, what="the turn to start")
        worker.kill()  # in the middle of the 5-second turn: its transaction dies with it
        assert rows(db_url, "SELECT status, attempts FROM inbox_event") == [("pending", 0)]  # rolled back
        assert fake_line.delivered(user) == []
        restarted = BotProcess(settings, "worker", tmp_path, MADOGUCHI_TEST_TURN_SECONDS="0").start()
        try:
            wait_until(lambda: len(fake_line.delivered(user)) == 1, what="the answer after restart")
            time.sleep(0.5)
            assert len(fake_line.delivered(user)) == 1
            assert rows(db_url, "SELECT status, turn_no FROM inbox_event") == [("done", 1)]
        finally:
            restarted.stop()
    finally:
        web.stop()


def test_killed_while_the_reply_is_in_flight_the_reply_is_sent_once_after_restart(
    db_url: str, fake_line: FakeLine, tmp_path: Path
) -> None:
    settings = make_settings(db_url, fake_line.url)  # type: ignore[attr-defined]
    fake_line.hold_before_accept.add("reply")  # the reply request reaches LINE, LINE never answers
    bot = BotProcess(settings, "serve", tmp_path).start()
    user = "Uinflight"
    assert post(bot.url, line_events.event("postback", user, token=fake_line.issue_token(user),
                                           postback__data="faq:show:apply-how")) == 200
    wait_until(lambda: fake_line.arrived["reply"] == 1, what="the reply call")
    bot.kill()
    fake_line.hold_before_accept.clear()
    restarted = BotProcess(settings, "serve", tmp_path).start()
    try:
        wait_until(lambda: len(fake_line.delivered(user)) == 1, timeout=20, what="the reply after restart")
        time.sleep(0.5)
        assert len(fake_line.delivered(user)) == 1
        assert fake_line.delivered(user)[0].kind == "reply"  # the token was still fresh and unused
    finally:
        restarted.stop()


def test_crash_after_line_accepted_a_push_sends_no_duplicate(
    db_url: str, fake_line: FakeLine, tmp_path: Path
) -> None:
    settings = make_settings(db_url, fake_line.url)  # type: ignore[attr-defined]
    fake_line.hold_after_accept.add("push")  # LINE accepts the push, then the bot dies before hearing back
    bot = BotProcess(settings, "serve", tmp_path).start()
    user = "Upushed"
    assert post(bot.url, line_events.event("postback", user, token=fake_line.issue_token(user, age=120),
                                           postback__data="faq:show:eligible-who")) == 200
    wait_until(lambda: len(fake_line.delivered(user)) == 1, what="the accepted push")
    bot.kill()
    assert rows(db_url, "SELECT status FROM outbox_message") == [("pending",)]  # the bot never recorded it
    fake_line.hold_after_accept.clear()
    restarted = BotProcess(settings, "serve", tmp_path).start()
    try:
        wait_until(lambda: rows(db_url, "SELECT status FROM outbox_message") == [("sent",)], timeout=20,
                   what="the retry to settle")
        assert len(fake_line.delivered(user)) == 1  # the retry key made LINE answer 409, not send again
        assert rows(db_url, "SELECT via, last_error FROM outbox_message") == [("push", "accepted earlier (409)")]
    finally:
        restarted.stop()
