"""Outbox claims on a real database: head of each conversation's queue only, leases, reply-token decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import Delivery, Outcome
from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import Conversation, OutboxMessage, utcnow
from bot.pipeline.outbox import claim_next, settle
from tests.conftest import make_settings

LEASE = timedelta(seconds=30)


@pytest.fixture
def factory(db_url: str) -> sessionmaker[Session]:
    engine = make_engine(make_settings(db_url))
    yield make_session_factory(engine)
    engine.dispose()


def add(factory: sessionmaker[Session], key: str, n: int, *, token: str | None = None,
        deadline_in: float = 30) -> list[int]:
    now = utcnow()
    with factory.begin() as session:
        if session.get(Conversation, key) is None:
            session.add(Conversation(key=key, channel="line", user_id=key, state={}, turn_count=0))
        rows = [
            OutboxMessage(conversation_key=key, channel="line", recipient=key, payload=[{"type": "text", "text": str(i)}],
                          retry_key=f"00000000-0000-4000-8000-{i:012d}", reply_token=token if i == 0 else None,
                          reply_deadline_at=now + timedelta(seconds=deadline_in) if token and i == 0 else None)
            for i in range(n)
        ]
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


def claim(factory: sessionmaker[Session], lease: timedelta = LEASE):
    return claim_next(session_factory=factory, channels=["line"], lease=lease)


def sent(factory: sessionmaker[Session], claimed) -> None:
    settle(session_factory=factory, sent=claimed, delivery=Delivery(Outcome.SENT, "push"), max_attempts=3)


def test_only_the_head_of_a_conversation_is_claimed_and_others_run_in_parallel(factory) -> None:
    a = add(factory, "line:A", 3)
    b = add(factory, "line:B", 1)
    first, second = claim(factory), claim(factory)
    assert {first.id, second.id} == {a[0], b[0]}
    assert claim(factory) is None  # A's second row waits for its first
    sent(factory, first if first.id == a[0] else second)
    assert claim(factory).id == a[1]


def test_an_expired_lease_is_claimed_again_with_the_same_retry_key(factory) -> None:
    [row] = add(factory, "line:C", 1)
    first = claim(factory, lease=timedelta(seconds=-1))  # already expired: its holder "died"
    again = claim(factory)
    assert again.id == first.id == row and again.retry_key == first.retry_key


def test_the_reply_token_is_used_once_then_remembered_as_tried(factory) -> None:
    [row] = add(factory, "line:D", 1, token="tok")
    first = claim(factory, lease=timedelta(seconds=-1))
    assert first.use_reply_token and not first.reply_attempted
    second = claim(factory)
    assert second.use_reply_token and second.reply_attempted  # outcome of the first unknown


def test_a_refused_token_is_forgotten_and_the_retry_is_due_at_once(factory) -> None:
    [row] = add(factory, "line:E", 1, token="tok")
    claimed = claim(factory)
    status = settle(session_factory=factory, sent=claimed,
                    delivery=Delivery(Outcome.RETRY, error="refused", reply_refused=True), max_attempts=3)
    assert status == "pending"
    pushed = claim(factory)
    assert pushed.id == row and not pushed.use_reply_token and pushed.reply_token is None


def test_an_expired_token_is_not_tried(factory) -> None:
    add(factory, "line:F", 1, token="tok", deadline_in=-1)
    assert not claim(factory).use_reply_token


def test_transient_failures_back_off_and_give_up_after_max_attempts(factory) -> None:
    [row] = add(factory, "line:G", 1)
    for attempt, expected in enumerate(["pending", "pending", "failed"], 1):
        with factory.begin() as session:
            session.get(OutboxMessage, row).next_attempt_at = utcnow()
        claimed = claim(factory)
        assert claimed is not None
        assert claimed.attempts == attempt
        status = settle(session_factory=factory, sent=claimed, delivery=Delivery(Outcome.RETRY, error="503"),
                        max_attempts=3)
        assert status == expected
    with factory() as session:
        assert session.get(OutboxMessage, row).status == "failed"
