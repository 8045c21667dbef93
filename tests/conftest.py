"""Shared fixtures: databases (SQLite; PostgreSQL when reachable), the fake LINE server, the bot served live."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from bot.db.engine import upgrade
from bot.settings import Settings
from tests.fakes import postgres
from tests.fakes.line_server import ACCESS_TOKEN, CHANNEL_SECRET, FakeLine
from tests.fakes.server import ThreadedServer
from tests.fakes.telegram_server import SECRET as TELEGRAM_SECRET
from tests.fakes.telegram_server import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_server import FakeTelegram

# No timed assertions: hypothesis's 200 ms per-example deadline fails on a busy shared machine, not on a bug.
hypothesis_settings.register_profile("madoguchi", deadline=None)
hypothesis_settings.load_profile("madoguchi")

POSTGRES = postgres.reachable()
POSTGRES_ADMIN_URL = postgres.ADMIN_URL
fresh_postgres_database = postgres.fresh_database


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'madoguchi.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test (skips when the server is unreachable)."""
    if not POSTGRES:
        pytest.skip("PostgreSQL is not reachable at " + POSTGRES_ADMIN_URL)
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Both databases: the test runs once on SQLite and once on PostgreSQL (skipped when unreachable)."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def fake_line() -> Iterator[FakeLine]:
    fake = FakeLine()
    with ThreadedServer(fake.app()) as server:
        fake.url = server.url  # type: ignore[attr-defined]
        yield fake
    assert fake.violations == [], f"LINE platform limits broken: {fake.violations}"


IN_PERIOD = date(2025, 6, 2)


def make_settings(db_url: str, line_url: str | None = None, *, telegram_url: str | None = None,
                  **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": db_url, "poll_interval_seconds": 0.05, "send_lease_seconds": 2.0, "embedded_worker": True,
        "trial_enabled": True,  # many tests talk to the bot through /try (off by default: tests/e2e/test_public_edge.py)
        # The program year is judged on a pinned day inside R7's period (001 4(1)ア), never the real date; the
        # out-of-period tests pin other days (tests/e2e/test_program_year.py).
        "program_today": IN_PERIOD,
    }
    if line_url:
        values |= {"line_channel_secret": CHANNEL_SECRET, "line_channel_access_token": ACCESS_TOKEN,
                   "line_api_base_url": line_url}
    if telegram_url:
        values |= {"telegram_bot_token": TELEGRAM_TOKEN, "telegram_secret_token": TELEGRAM_SECRET,
                   "telegram_api_base_url": telegram_url}
    values |= overrides
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    upgrade(settings)
    return settings


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    with ThreadedServer(fake.app()) as server:
        fake.url = server.url
        yield fake
    assert fake.violations == [], f"Telegram limits broken: {fake.violations}"

# Property tests check behaviour, not speed: no per-example deadline (a busy machine is not a failure).
hypothesis_settings.register_profile("madoguchi", deadline=None)
hypothesis_settings.load_profile("madoguchi")
