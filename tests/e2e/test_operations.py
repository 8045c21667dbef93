"""Operations: /metrics after a real LINE conversation, /readyz on an old schema and without a worker."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session

from bot.db.engine import upgrade
from bot.db.tables import WorkerHeartbeat, utcnow
from bot.settings import Settings
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.fakes import line_events
from tests.fakes.line_server import FakeLine


def scrape(bot: LiveBot) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = bot.client.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(answer.text) for s in family.samples}


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


