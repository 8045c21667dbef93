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


def _age_token(factory: sessionmaker[Session], row: int) -> None:
    """The reply token's window passes, and the holder's lease with it."""
    with factory.begin() as session:
        found = session.get(OutboxMessage, row)
        found.reply_deadline_at = found.lease_until = utcnow() - timedelta(seconds=1)


def test_a_reply_that_may_have_been_accepted_is_never_pushed_once_its_token_is_stale(factory) -> None:
    first, second = add(factory, "line:H", 2, token="tok")
    claimed = claim(factory)
    assert claimed.id == first and claimed.use_reply_token  # then the process dies, outcome unknown
    _age_token(factory, first)
    nxt = claim(factory)
    assert nxt is not None and nxt.id == second  # the next line goes; the ambiguous one is not pushed
    with factory() as session:
        row = session.get(OutboxMessage, first)
        assert (row.status, row.via, row.lease_until) == ("unconfirmed", "reply?", None)


def test_a_timed_out_reply_keeps_its_doubt_and_a_refused_connection_clears_it(factory) -> None:
    [timed_out] = add(factory, "line:I", 1, token="tok")
    [refused] = add(factory, "line:J", 1, token="tok2")
    for row, delivery in ((timed_out, Delivery(Outcome.RETRY, error="network: TimeoutError", maybe_accepted=True)),
                          (refused, Delivery(Outcome.RETRY, error="network: ClientConnectorError"))):
        claimed = claim_next(session_factory=factory, channels=["line"], lease=LEASE, conversation_key=f"line:{'IJ'[row == refused]}")
        assert claimed.id == row and claimed.use_reply_token
        assert settle(session_factory=factory, sent=claimed, delivery=delivery, max_attempts=5) == "pending"
        _age_token(factory, row)
        with factory.begin() as session:
            session.get(OutboxMessage, row).next_attempt_at = utcnow()
    pushed = claim(factory)
    assert pushed.id == refused and not pushed.use_reply_token  # LINE never had it: pushed with its retry key
    assert claim(factory) is None
    with factory() as session:
        assert session.get(OutboxMessage, timed_out).status == "unconfirmed"


def test_a_dead_workers_lease_is_taken_over_once_its_heartbeat_is_stale_and_its_late_settle_is_ignored(
        factory) -> None:
    from bot.db.tables import WorkerHeartbeat
    [row] = add(factory, "line:K", 1)
    now = utcnow()
    with factory.begin() as session:
        session.add(WorkerHeartbeat(worker_id="dead", started_at=now, beat_at=now))
    held = claim_next(session_factory=factory, channels=["line"], lease=LEASE, worker_id="dead",
                      takeover=timedelta(seconds=5))
    assert held.id == row
    takeover = {"session_factory": factory, "channels": ["line"], "lease": LEASE, "worker_id": "alive",
                "takeover": timedelta(seconds=5)}
    assert claim_next(**takeover) is None  # its holder still beats: the 30 s lease stands
    with factory.begin() as session:
        session.get(WorkerHeartbeat, "dead").beat_at = now - timedelta(seconds=6)
    taken = claim_next(**takeover)
    assert taken is not None and taken.id == row and taken.attempts == 2
    late = settle(session_factory=factory, sent=held, delivery=Delivery(Outcome.RETRY, error="x"), max_attempts=1)
    assert late == ""  # fenced out: the newer attempt decides
    assert settle(session_factory=factory, sent=taken, delivery=Delivery(Outcome.SENT, "push"), max_attempts=3) \
        == "sent"
    with factory() as session:
        assert session.get(OutboxMessage, row).status == "sent"
