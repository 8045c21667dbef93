"""Nothing is lost and nothing is sent twice when a process is SIGKILLed at the bad moments of the send path:
mid-turn, before LINE accepted the call, after it accepted, before the outcome is recorded, and during a long LINE
outage past the reply token's window. Leases run 30 s here, as in production: a dead worker's send is taken over
through its stale heartbeat within seconds of a restart, not when the lease runs out."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from bot.pipeline import outbox
from bot.settings import Settings
from tests.conftest import make_settings
from tests.e2e.harness import wait_until
from tests.e2e.processes import BotProcess
from tests.fakes import line_events
from tests.fakes.line_server import CHANNEL_SECRET, FakeLine

pytestmark = pytest.mark.slow
WINDOW = 60.0  # the bot's reply-token window in the "past the window" tests (a loaded machine took over 20 s to reply)


def post(url: str, *events: dict) -> int:
    raw = line_events.body(*events)
    return httpx.post(url + "/webhooks/line", content=raw, headers=line_events.headers(CHANNEL_SECRET, raw)).status_code


def rows(db_url: str, sql: str) -> list[tuple]:
    engine = create_engine(Settings(_env_file=None, database_url=db_url).sqlalchemy_url())  # type: ignore[call-arg]
    with engine.connect() as conn:
        result = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return result


def crash_settings(db_url: str, fake_line: FakeLine, **overrides: object) -> Settings:
    """Production's 30 s lease; a quick heartbeat, so a dead worker is known for dead within ~3 s. The reply
    token's window is stretched (LINE 180 s, the bot 170 s instead of 60 and 50): on a loaded 2-core machine a
    restart alone can take most of a minute, and these tests mean "restarted within the window"."""
    fake_line.token_lifetime = 180.0
    values: dict[str, object] = {"reply_token_max_age_seconds": 170.0} | overrides
    return make_settings(db_url, fake_line.url, send_lease_seconds=30.0,  # type: ignore[attr-defined]
                         heartbeat_interval_seconds=0.3, lease_takeover_seconds=3.0, **values)


def answered_promptly(check: object, started: float, what: str) -> None:
    wait_until(check, timeout=60, what=what)  # type: ignore[arg-type]
    assert time.monotonic() - started < 20, "the dead worker's lease was not taken over promptly (30 s lease)"


@contextmanager
def outbox_locked(db_url: str) -> Iterator[None]:
    """Another client holds the outbox (SQLite: the write lock; PostgreSQL: the rows), so a settle waits."""
    if db_url.startswith("sqlite"):
        conn = sqlite3.connect(db_url.split("///", 1)[1], isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = create_engine(Settings(_env_file=None, database_url=db_url).sqlalchemy_url())  # type: ignore[call-arg]
    with engine.connect() as conn:
        conn.execute(text("SELECT id FROM outbox_message FOR UPDATE"))
        try:
            yield
        finally:
            conn.rollback()
    engine.dispose()


def settle_waiting(db_url: str) -> bool:
    if db_url.startswith("sqlite"):
        time.sleep(1.0)  # nothing to ask SQLite: give the settle time to meet the lock
        return True
    return bool(rows(db_url, "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                             "AND query LIKE 'UPDATE outbox_message%'"))


def test_worker_killed_mid_turn_after_the_inbox_commit_answers_once_after_restart(
    db_url: str, fake_line: FakeLine, tmp_path: Path
) -> None:
    """PostgreSQL: a web process and a worker process (the Procfile); SQLite: `serve` alone, its worker built in
    (a second process refuses SQLite: test_sqlite_layout.py)."""
    settings = make_settings(db_url, fake_line.url, dialog="tests.fakes.dialogs:slow_step")  # type: ignore[attr-defined]
    separate = not settings.is_sqlite
    marker = tmp_path / "turns"
    slow = {"MADOGUCHI_TEST_TURN_SECONDS": "5", "MADOGUCHI_TEST_TURN_MARKER": str(marker)}
    web = BotProcess(settings.model_copy(update={"embedded_worker": not separate}), "serve", tmp_path,
                     **({} if separate else slow)).start()
    try:
        user = "Ukilled"
        assert post(web.url, line_events.event("postback", user, token=fake_line.issue_token(user),
                                               postback__data="faq:show:limits")) == 200
        if separate:
            assert rows(db_url, "SELECT status FROM inbox_event") == [("pending",)]  # committed before the 200
            dying = BotProcess(settings, "worker", tmp_path, **slow).start()
        else:
            dying = web
        wait_until(marker.exists, timeout=60, what="the turn to start")
        dying.kill()  # in the middle of the 5-second turn: its transaction dies with it
        assert rows(db_url, "SELECT status, attempts FROM inbox_event") == [("pending", 0)]  # rolled back
        assert fake_line.delivered(user) == []
        restarted = BotProcess(settings, "worker" if separate else "serve", tmp_path,
                               MADOGUCHI_TEST_TURN_SECONDS="0").start()
        try:
            wait_until(lambda: len(fake_line.delivered(user)) == 1, timeout=60, what="the answer after restart")
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
    settings = crash_settings(db_url, fake_line)
    fake_line.hold_before_accept.add("reply")  # the reply request reaches LINE, LINE never answers
    bot = BotProcess(settings, "serve", tmp_path).start()
    user = "Uinflight"
    assert post(bot.url, line_events.event("postback", user, token=fake_line.issue_token(user),
                                           postback__data="faq:show:apply-how")) == 200
    wait_until(lambda: fake_line.arrived["reply"] == 1, timeout=60, what="the reply call")
    bot.kill()
    fake_line.hold_before_accept.clear()
    restarted = BotProcess(settings, "serve", tmp_path).start()
    try:
        answered_promptly(lambda: len(fake_line.delivered(user)) == 1, time.monotonic(), "the reply after restart")
        time.sleep(0.5)
        assert len(fake_line.delivered(user)) == 1
        assert fake_line.delivered(user)[0].kind == "reply"  # the token was still fresh and unused
    finally:
        restarted.stop()


def test_crash_after_line_accepted_a_push_sends_no_duplicate(
    db_url: str, fake_line: FakeLine, tmp_path: Path
) -> None:
    settings = crash_settings(db_url, fake_line)
    fake_line.hold_after_accept.add("push")  # LINE accepts the push, then the bot dies before hearing back
    bot = BotProcess(settings, "serve", tmp_path).start()
    user = "Upushed"
    assert post(bot.url, line_events.event("postback", user, token=fake_line.issue_token(user, age=200),
                                           postback__data="faq:show:eligible-who")) == 200
    wait_until(lambda: len(fake_line.delivered(user)) == 1, timeout=60, what="the accepted push")
    bot.kill()
    assert rows(db_url, "SELECT status FROM outbox_message") == [("pending",)]  # the bot never recorded it
    fake_line.hold_after_accept.clear()
    restarted = BotProcess(settings, "serve", tmp_path).start()
    try:
        answered_promptly(lambda: rows(db_url, "SELECT status FROM outbox_message") == [("sent",)], time.monotonic(),
                          "the retry to settle")
        assert len(fake_line.delivered(user)) == 1  # the retry key made LINE answer 409, not send again
        assert rows(db_url, "SELECT via, last_error FROM outbox_message") == [("push", "accepted earlier (409)")]
    finally:
        restarted.stop()


def test_crash_after_line_accepted_a_reply_within_the_tokens_window_is_not_sent_again(
    db_url: str, fake_line: FakeLine, tmp_path: Path
) -> None:
    settings = crash_settings(db_url, fake_line)
    fake_line.hold_after_accept.add("reply")  # LINE accepts the reply; the bot dies before hearing back
    bot = BotProcess(settings, "serve", tmp_path).start()
    user = "Ureplied"
    assert post(bot.url, line_events.event("postback", user, token=fake_line.issue_token(user),
                                           postback__data="faq:show:eligible-who")) == 200
    wait_until(lambda: len(fake_line.delivered(user)) == 1, timeout=60, what="the accepted reply")
    bot.kill()
    fake_line.hold_after_accept.clear()
    restarted = BotProcess(settings, "serve", tmp_path).start()
    try:
        answered_promptly(lambda: rows(db_url, "SELECT status FROM outbox_message") == [("sent",)], time.monotonic(),
                          "the retried reply to settle")
        # The token, tried again while fresh, is refused as used: that is the proof LINE has the first reply.
        assert rows(db_url, "SELECT via, last_error FROM outbox_message") == [
            ("reply", "reply token used by the earlier attempt")]
        time.sleep(0.5)
        assert len(fake_line.delivered(user)) == 1 and fake_line.refused["reply:400"] == 1
    finally:
        restarted.stop()


def test_crash_after_line_accepted_a_reply_past_the_tokens_window_is_marked_not_pushed(
    db_url: str, fake_line: FakeLine, tmp_path: Path
) -> None:
    settings = crash_settings(db_url, fake_line, reply_token_max_age_seconds=WINDOW)
    fake_line.hold_after_accept.add("reply")
    bot = BotProcess(settings, "serve", tmp_path).start()
    user = "Ulate"
    started = time.monotonic()
    assert post(bot.url, line_events.event("postback", user, token=fake_line.issue_token(user),
                                           postback__data="faq:show:eligible-who")) == 200
    wait_until(lambda: len(fake_line.delivered(user)) == 1, timeout=60, what="the accepted reply")
    assert fake_line.delivered(user)[0].kind == "reply"
    bot.kill()
    fake_line.hold_after_accept.clear()
    time.sleep(max(0.0, WINDOW + 1 - (time.monotonic() - started)))  # down until the token can no longer tell us
    restarted = BotProcess(settings, "serve", tmp_path).start()
    try:
        wait_until(lambda: rows(db_url, "SELECT status FROM outbox_message") == [("unconfirmed",)], timeout=25,
                   what="the row to be marked unconfirmed")
        time.sleep(1.0)
        assert len(fake_line.delivered(user)) == 1  # never pushed blindly
        assert fake_line.arrived["push"] == 0
        assert rows(db_url, "SELECT via FROM outbox_message") == [("reply?",)]
    finally:
        restarted.stop()


def test_crash_before_the_outcome_is_recorded_sends_no_duplicate(
    db_url: str, fake_line: FakeLine, tmp_path: Path
) -> None:
    settings = crash_settings(db_url, fake_line)
    fake_line.hold_after_accept.add("reply")
    bot = BotProcess(settings, "serve", tmp_path).start()
    user = "Unsettled"
    assert post(bot.url, line_events.event("postback", user, token=fake_line.issue_token(user),
                                           postback__data="faq:show:limits")) == 200
    wait_until(lambda: len(fake_line.delivered(user)) == 1, timeout=60, what="the accepted reply")
    with outbox_locked(db_url):
        fake_line.hold_after_accept.clear()  # the bot hears "200" and tries to record it: the lock holds it back
        wait_until(lambda: settle_waiting(db_url), timeout=60, what="the settle to wait on the lock")
        bot.kill()
    assert rows(db_url, "SELECT status FROM outbox_message") == [("pending",)]
    restarted = BotProcess(settings, "serve", tmp_path).start()
    try:
        answered_promptly(lambda: rows(db_url, "SELECT status FROM outbox_message") == [("sent",)], time.monotonic(),
                          "the row to settle")
        time.sleep(0.5)
        assert len(fake_line.delivered(user)) == 1
    finally:
        restarted.stop()


def test_crash_during_a_long_outage_past_the_tokens_window_answers_once_by_push(
    db_url: str, fake_line: FakeLine, tmp_path: Path
) -> None:
    settings = crash_settings(db_url, fake_line, reply_token_max_age_seconds=WINDOW, send_max_attempts=30)
    fake_line.fail_next("reply", *[503] * 100)  # LINE is down: it answers 503 to everything
    fake_line.fail_next("push", *[503] * 100)
    bot = BotProcess(settings, "serve", tmp_path).start()
    user = "Uoutage"
    started = time.monotonic()
    assert post(bot.url, line_events.event("postback", user, token=fake_line.issue_token(user),
                                           postback__data="faq:show:limits")) == 200
    wait_until(lambda: fake_line.refused["reply:503"] >= 1, timeout=60, what="a refused reply")
    time.sleep(max(0.0, WINDOW + 1 - (time.monotonic() - started)))
    bot.kill()  # during the outage, after the token's window
    with fake_line.lock:
        fake_line.failures.clear()  # LINE is back
    restarted = BotProcess(settings, "serve", tmp_path).start()
    try:
        # the push refused during the outage waits out its backoff (up to the 60 s cap, +20 % jitter) after the
        # restart: on a loaded machine fewer, later attempts put the next one up to 72 s away
        wait_until(lambda: rows(db_url, "SELECT status FROM outbox_message") == [("sent",)],
                   timeout=outbox.BACKOFF_CAP_SECONDS * 1.2 + 40, what="the answer after the outage")
        time.sleep(0.5)
        [call] = fake_line.delivered(user)
        assert call.kind == "push"  # LINE said no to every reply: nothing could be a duplicate
    finally:
        restarted.stop()
