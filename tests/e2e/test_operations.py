"""Operations: /metrics after a real LINE conversation (of `serve`, and of a separate `worker` process), /readyz on an
old schema and without a worker."""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session

from bot.db.engine import upgrade
from bot.db.tables import WorkerHeartbeat, utcnow
from bot.settings import Settings
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.processes import BotProcess
from tests.fakes import line_events
from tests.fakes.line_server import FakeLine
from tests.fakes.server import free_port

Figures = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parsed(answer: httpx.Response) -> Figures:
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(answer.text) for s in family.samples}


def scrape(bot: LiveBot) -> Figures:
    return parsed(bot.client.get("/metrics"))


def value(bot: LiveBot, name: str, **labels: str) -> float:
    return scrape(bot).get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_a_line_conversation(sqlite_url: str, fake_line: FakeLine) -> None:
    with LiveBot(make_settings(sqlite_url, fake_line.url)) as bot:  # type: ignore[attr-defined]
        user = "Umetrics"
        follow = line_events.event("follow", user, token=fake_line.issue_token(user))
        assert bot.post(follow).status_code == 200
        wait_until(lambda: len(fake_line.delivered(user)) == 1, what="the greeting")
        assert bot.post(follow).status_code == 200  # LINE's redelivery: stored once
        fake_line.fail_next("reply", 500)  # the FAQ answer's first reply fails once, then goes through
        tap = line_events.event("postback", user, token=fake_line.issue_token(user), postback__data="menu:faq")
        assert bot.post(tap).status_code == 200
        assert bot.client.post("/webhooks/line", content=b"{}", headers={"x-line-signature": "bad"}).status_code == 401
        wait_until(lambda: len(fake_line.delivered(user)) == 2, what="the FAQ prompt")
        wait_until(lambda: value(bot, "madoguchi_deliveries_total", channel="line", via="reply", outcome="sent") == 2,
                   what="the deliveries counted")
        figures = scrape(bot)

        def get(name: str, **labels: str) -> float:
            return figures.get((name, tuple(sorted(labels.items()))), 0.0)

        assert get("madoguchi_webhook_requests_total", channel="line", status="200") == 3
        assert get("madoguchi_webhook_requests_total", channel="line", status="401") == 1
        assert get("madoguchi_webhook_ack_seconds_count", channel="line") == 4
        assert get("madoguchi_webhook_events_total", channel="line", result="stored") == 2
        assert get("madoguchi_webhook_events_total", channel="line", result="duplicate") == 1
        assert get("madoguchi_turns_total", channel="line", result="done") == 2
        assert get("madoguchi_turn_seconds_count", channel="line") == 2
        assert get("madoguchi_deliveries_total", channel="line", via="-", outcome="pending") == 1
        assert get("madoguchi_delivery_failures_total", channel="line", platform_status="500") == 1
        assert get("madoguchi_workers_alive") == 1
        assert not [k for k in figures if k[0] == "madoguchi_outbox_backlog"]  # nothing pending
        assert user not in bot.client.get("/metrics").text  # labels carry no user ids


def test_readyz_fails_until_the_schema_reaches_the_codes_head(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'old.db'}",  # type: ignore[call-arg]
                        heartbeat_interval_seconds=0.05, poll_interval_seconds=0.05)
    upgrade(settings, "0007")  # the schema of an older release
    with LiveBot(settings) as bot:
        answer = bot.client.get("/readyz")
        assert answer.status_code == 503
        assert answer.json()["checks"] == {"database": True, "schema": False, "worker": False}
        assert "madoguchi db upgrade" in answer.json()["problems"][0]
        upgrade(settings)
        wait_until(lambda: bot.client.get("/readyz").status_code == 200, what="ready after the upgrade")


def test_readyz_fails_without_a_recent_worker_heartbeat(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url, embedded_worker=False)
    with LiveBot(settings) as bot:
        answer = bot.client.get("/readyz")
        assert answer.status_code == 503
        assert answer.json()["checks"] == {"database": True, "schema": True, "worker": False}
        now = utcnow()
        with Session(bot.engine) as session, session.begin():
            session.add(WorkerHeartbeat(worker_id="host:1", started_at=now - timedelta(hours=1),
                                        beat_at=now - timedelta(minutes=5)))
        assert bot.client.get("/readyz").status_code == 503  # a stale beat does not count
        with Session(bot.engine) as session, session.begin():
            session.add(WorkerHeartbeat(worker_id="host:2", started_at=now, beat_at=utcnow()))
        assert bot.client.get("/readyz").json()["status"] == "ready"
        assert value(bot, "madoguchi_worker_heartbeat_age_seconds", worker="host:1") >= 300




@pytest.mark.postgres
def test_a_separate_worker_serves_its_own_metrics(postgres_url: str, fake_line: FakeLine, tmp_path: Path) -> None:
    """`serve` without a worker and one `madoguchi worker` process (PostgreSQL): the worker runs the turns and the
    deliveries of a LINE conversation, and its own /metrics (MADOGUCHI_WORKER_METRICS_PORT) counts them, with its
    heartbeats and the database gauges; the token is asked for as on `serve`."""
    settings = make_settings(postgres_url, fake_line.url, metrics_token="s3cret",  # type: ignore[attr-defined]
                             heartbeat_interval_seconds=0.2)
    port = free_port()
    worker = BotProcess(settings, "worker", tmp_path, MADOGUCHI_WORKER_METRICS_PORT=str(port)).start()
    url = f"http://127.0.0.1:{port}/metrics"
    auth = {"authorization": "Bearer s3cret"}
    try:
        with LiveBot(settings.model_copy(update={"embedded_worker": False})) as web:
            user = "Uworker"
            assert web.post(line_events.event("follow", user, token=fake_line.issue_token(user))).status_code == 200
            wait_until(lambda: len(fake_line.delivered(user)) == 1, timeout=60, what="the greeting")
            fake_line.fail_next("reply", 500)  # the FAQ prompt's first reply fails once, then goes through
            tap = line_events.event("postback", user, token=fake_line.issue_token(user), postback__data="menu:faq")
            assert web.post(tap).status_code == 200
            wait_until(lambda: len(fake_line.delivered(user)) == 2, timeout=60, what="the FAQ prompt")

            def worker_figures() -> Figures:
                return parsed(httpx.get(url, headers=auth, timeout=5))

            def get(figures: Figures, name: str, **labels: str) -> float:
                return figures.get((name, tuple(sorted(labels.items()))), 0.0)

            wait_until(lambda: get(worker_figures(), "madoguchi_deliveries_total", channel="line", via="reply",
                                   outcome="sent") == 2, timeout=30, what="the worker's deliveries counted")
            figures = worker_figures()
            assert get(figures, "madoguchi_turns_total", channel="line", result="done") == 2
            assert get(figures, "madoguchi_turn_seconds_count", channel="line") == 2
            assert get(figures, "madoguchi_deliveries_total", channel="line", via="-", outcome="pending") == 1
            assert get(figures, "madoguchi_delivery_failures_total", channel="line", platform_status="500") == 1
            assert get(figures, "madoguchi_worker_heartbeats_total", result="recorded") >= 1
            assert get(figures, "madoguchi_workers_alive") == 1 and get(figures, "madoguchi_database_up") == 1
            assert not [k for k in figures if k[0] == "madoguchi_outbox_backlog"]  # nothing pending
            beats = get(figures, "madoguchi_worker_heartbeats_total", result="recorded")
            wait_until(lambda: get(worker_figures(), "madoguchi_worker_heartbeats_total", result="recorded") > beats,
                       what="the heartbeats counted as they happen")
            served = scrape_with(web, auth)  # the web process ran no turn and sent nothing: its counters are its own
            assert get(served, "madoguchi_webhook_events_total", channel="line", result="stored") == 2
            assert get(served, "madoguchi_turns_total", channel="line", result="done") == 0
            assert httpx.get(url, timeout=5).status_code == 401  # no token
            assert httpx.get(url.replace("/metrics", "/other"), headers=auth, timeout=5).status_code == 404
            assert user not in httpx.get(url, headers=auth, timeout=5).text  # labels carry no user ids
    finally:
        worker.stop()


def scrape_with(bot: LiveBot, headers: dict[str, str]) -> Figures:
    return parsed(bot.client.get("/metrics", headers=headers))


@pytest.mark.postgres
def test_a_worker_says_when_its_metrics_port_is_taken(postgres_url: str, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings = make_settings(postgres_url)
        worker = BotProcess(settings, "worker", tmp_path, MADOGUCHI_WORKER_METRICS_PORT=str(taken.getsockname()[1]))
        with pytest.raises(RuntimeError, match="cannot serve metrics on 127.0.0.1"):
            worker.start()
        assert worker.proc is not None and worker.proc.wait(10) == 2
