"""Pipeline behaviours around the turn: loading animation, a broken dialog, LINE switched off, readiness."""

from __future__ import annotations

import logging

import pytest

from bot.db.tables import DialogEffect, InboxEvent
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.fakes import line_events
from tests.fakes.dialogs import broken_step, slow_step
from tests.fakes.line_server import FakeLine


def test_a_slow_turn_shows_the_loading_animation_once(sqlite_url: str, fake_line: FakeLine) -> None:
    with LiveBot(make_settings(sqlite_url, fake_line.url), dialog=slow_step) as bot:  # type: ignore[attr-defined]
        user = "Uslow"
        bot.post(line_events.event("postback", user, token=fake_line.issue_token(user), postback__data="menu:faq"))
        wait_until(lambda: len(fake_line.delivered(user)) == 1, what="the slow answer")
        loading = fake_line.loading(user)
        assert len(loading) == 1
        assert loading[0].at < fake_line.delivered(user)[0].at


def test_a_fast_turn_shows_no_loading_animation(sqlite_url: str, fake_line: FakeLine) -> None:
    with LiveBot(make_settings(sqlite_url, fake_line.url)) as bot:  # type: ignore[attr-defined]
        user = "Ufast"
        bot.post(line_events.event("postback", user, token=fake_line.issue_token(user), postback__data="menu:faq"))
        wait_until(lambda: len(fake_line.delivered(user)) == 1, what="the answer")
        wait_until(lambda: bot.count(InboxEvent, InboxEvent.status == "done") == 1, what="done")
        import time

        time.sleep(1.3)  # past the loading threshold
        assert fake_line.loading(user) == []


def test_a_dialog_bug_is_retried_then_apologised_for_and_the_event_kept(db_url: str, fake_line: FakeLine) -> None:
    with LiveBot(make_settings(db_url, fake_line.url), dialog=broken_step) as bot:  # type: ignore[attr-defined]
        user = "Ubroken"
        bot.post(line_events.event("text", user, token=fake_line.issue_token(user)))
        wait_until(lambda: len(fake_line.delivered(user)) == 1, what="the apology")
        assert "申し訳ありません" in fake_line.delivered(user)[0].texts[0]
        wait_until(bot.settled, what="settled")
        with bot.engine.connect() as conn:
            status, attempts, error = conn.exec_driver_sql(
                "SELECT status, attempts, last_error FROM inbox_event").one()
        assert (status, attempts) == ("failed", 3)
        assert "a bug in the dialog" in error


def test_asking_for_a_person_records_a_handoff_effect(sqlite_url: str, fake_line: FakeLine) -> None:
    with LiveBot(make_settings(sqlite_url, fake_line.url)) as bot:  # type: ignore[attr-defined]
        user = "Uhuman"
        bot.post(line_events.event("text", user, token=fake_line.issue_token(user), message__text="担当者と話したいです"))
        wait_until(lambda: len(fake_line.delivered(user)) == 1, what="the acknowledgement")
        assert bot.count(DialogEffect, DialogEffect.kind == "handoff_requested") == 1


def test_without_line_credentials_the_app_runs_and_the_route_says_so(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    with LiveBot(make_settings(sqlite_url)) as bot:
        assert bot.client.get("/healthz").json() == {"status": "ok"}
        assert bot.client.get("/readyz").status_code == 200
        assert bot.client.post("/webhooks/line", content=b"{}").status_code == 404
        assert bot.client.post("/try/say", json={"start": True}).status_code == 200
    assert any("LINE is disabled" in r.message for r in caplog.records)


def test_readyz_reports_an_unreachable_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(f"sqlite:///{tmp_path / 'ok.db'}")
    broken = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'missing' / 'x.db'}",
                                         "embedded_worker": False})
    with LiveBot(broken) as bot:
        assert bot.client.get("/readyz").status_code == 503
        assert bot.client.get("/healthz").status_code == 200


def test_the_ack_never_waits_for_another_owners_slow_turn(db_url: str, fake_line: FakeLine, tmp_path,
                                                          monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """SQLite too: the dialog runs outside the write lock, so storing a webhook does not wait for a 4 s turn."""
    import time

    marker = tmp_path / "turns"
    monkeypatch.setenv("MADOGUCHI_TEST_TURN_SECONDS", "4")
    monkeypatch.setenv("MADOGUCHI_TEST_TURN_MARKER", str(marker))
    with LiveBot(make_settings(db_url, fake_line.url), dialog=slow_step) as bot:  # type: ignore[attr-defined]
        bot.post(line_events.event("postback", "Uslow1", token=fake_line.issue_token("Uslow1"),
                                   postback__data="menu:faq"))
        wait_until(marker.exists, what="the slow turn to start")
        started = time.perf_counter()
        answer = bot.post(line_events.event("postback", "Uother", token=fake_line.issue_token("Uother"),
                                            postback__data="menu:faq"))
        acked = time.perf_counter() - started
        assert answer.status_code == 200 and acked < 1.0, f"the ack took {acked:.2f} s"
        wait_until(lambda: len(fake_line.delivered("Uslow1")) == 1 and len(fake_line.delivered("Uother")) == 1,
                   timeout=30, what="both answers")
        assert bot.count(InboxEvent, InboxEvent.status == "done") == 2
