"""The login throttle's counters on both databases: ten attempts per account and thirty per address in a window of
15 minutes, a success gives its attempt back, a new window starts afresh."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import utcnow
from bot.staff import auth
from bot.staff.tables import LoginThrottle
from tests.conftest import make_settings


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(make_settings(db_url))
    yield make_session_factory(engine)
    engine.dispose()


def reserve(factory: sessionmaker[Session], email: str, address: str = "192.0.2.1") -> bool:
    with factory.begin() as session:
        return auth.reserve(session=session, email=email, address=address, now=utcnow())


def test_ten_per_account_thirty_per_address_and_a_new_window(factory: sessionmaker[Session]) -> None:
    assert [reserve(factory, "a@test.example") for _ in range(11)] == [True] * 10 + [False]
    assert reserve(factory, "A@test.example ") is False  # the same account, however typed
    assert all(reserve(factory, f"u{i}@test.example") for i in range(20))  # 10 + 20 from this address
    assert reserve(factory, "v@test.example") is False  # the address's 31st
    assert reserve(factory, "v@test.example", address="192.0.2.2")  # another address; v's attempt was given back
    with factory.begin() as session:  # the window is over
        session.execute(update(LoginThrottle).values(window_started_at=utcnow() - timedelta(minutes=16)))
    assert reserve(factory, "a@test.example")


def test_a_successful_login_gives_its_attempt_back(factory: sessionmaker[Session]) -> None:
    for _ in range(10):
        assert reserve(factory, "b@test.example")
        with factory.begin() as session:
            auth.release(session=session, email="b@test.example", address="192.0.2.1")
    assert reserve(factory, "b@test.example")  # ten successes used nothing up
