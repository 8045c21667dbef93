"""PostgreSQL: several worker processes share the load, and one person's turns never overlap."""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from dialogs import texts
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.processes import BotProcess
from tests.fakes import line_events
from tests.fakes.line_server import FakeLine
from tests.kb import ANSWERS as KB

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
USERS, MESSAGES = 20, 10
TAPS = ["menu:faq", "faq:show:eligible-who", "faq:show:limits", "faq:show:apply-how"]
ANSWERS = {"menu:faq": texts.FAQ_PROMPT, "faq:show:eligible-who": KB["eligible-who"], "faq:show:limits": KB["limits"],
           "faq:show:apply-how": KB["apply-how"]}


def run_load(postgres_url: str, fake_line: FakeLine, tmp_path: Path, workers: int) -> tuple[float, dict]:
    """Post USERS×MESSAGES events (10 webhooks of 20 users each) and time until all are answered."""
    settings = make_settings(postgres_url, fake_line.url, worker_concurrency=1)  # type: ignore[attr-defined]
    tag = f"w{workers}"
    procs = [BotProcess(settings, "worker", tmp_path).start() for _ in range(workers)]
    try:
        with LiveBot(settings.model_copy(update={"embedded_worker": False})) as web:
            started = time.monotonic()
            for m in range(MESSAGES):
                events = [
                    line_events.event("postback", f"U{tag}-{u}", token=fake_line.issue_token(f"U{tag}-{u}"),
                                      postback__data=TAPS[m % len(TAPS)])
                    for u in range(USERS)
                ]
                assert web.post(*events).status_code == 200
            wait_until(web.settled, timeout=120, what="the load to finish")
            elapsed = time.monotonic() - started
    finally:
        for proc in procs:
            proc.stop()
    engine = create_engine(settings.sqlalchemy_url())
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT conversation_key, started_at, processed_at, turn_no, worker FROM inbox_event "
            "ORDER BY conversation_key, event_at, id"
        )).all()
    engine.dispose()
    by_user: dict[str, list] = defaultdict(list)
    for row in rows:
        by_user[row.conversation_key].append(row)
    return elapsed, by_user


def test_two_workers_share_the_load_and_never_overlap_one_user(postgres_url: str, fake_line: FakeLine,
                                                                tmp_path: Path) -> None:
    """Correctness only: how much faster two workers are is measured by bench/webhook.py, not asserted here."""
    fake_line.latency = 0.02  # LINE answers in tens of milliseconds: the work is waiting, which workers share
    elapsed, by_user = run_load(postgres_url, fake_line, tmp_path, workers=2)
    assert len(by_user) == USERS
    workers_seen = {row.worker for rows in by_user.values() for row in rows}
    assert len(workers_seen) == 2, "both worker processes took turns"
    for user, rows in by_user.items():
        assert [r.turn_no for r in rows] == list(range(1, MESSAGES + 1)), user  # in order, none lost
        for earlier, later in zip(rows, rows[1:], strict=False):
            assert later.started_at >= earlier.processed_at, f"{user}: two turns at once"
        line_user = user.removeprefix("line:")
        expected = [f"{TAPS[m % len(TAPS)]}" for m in range(MESSAGES)]
        answered = [c.texts[0] for c in fake_line.delivered(line_user)]
        assert len(answered) == MESSAGES and answered == [ANSWERS[t] for t in expected], user
    print(f"\n2 workers: {elapsed:.2f} s for {USERS * MESSAGES} turns")
