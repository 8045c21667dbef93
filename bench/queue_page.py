"""Queue figures at 100,000 cases: server time of one queue page (filters, search, sort, page, count) on SQLite and
PostgreSQL. `python bench/queue_page.py [cases]` (PostgreSQL at MADOGUCHI_TEST_POSTGRES_URL when reachable)."""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.db.engine import make_engine, make_session_factory, reader  # noqa: E402
from bot.db.tables import Conversation  # noqa: E402
from bot.staff.auth import create_user  # noqa: E402
from handoff import queue  # noqa: E402
from handoff.queue import Filters  # noqa: E402
from handoff.search import derived  # noqa: E402
from handoff.tables import Case  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.fakes import postgres  # noqa: E402

NAMES = ("髙橋商店", "山﨑製作所", "齊藤菓子舗", "くまもと菓子", "阿蘇観光", "天草水産", "八代トマト", "菊陽精密")
STATUSES = ["closed"] * 60 + ["resolved"] * 10 + ["rejected"] * 5 + ["in_support"] * 10 + ["approved"] * 5 + \
    ["claimed"] * 5 + ["new"] * 5
QUERIES = {
    "default (open, waiting)": Filters(),
    "newest first, page 20": Filters(sort="newest", page=20),
    "all, last message": Filters(status="all", sort="last_message"),
    "search 高橋 (all)": Filters(status="all", q="高橋"),
    "search 会社12345 (all)": Filters(status="all", q="会社12345"),
    "theme + flag": Filters(theme="sns", flag="conflict"),
    "mine": Filters(mine=True),
    "unread (mine)": Filters(status="unread"),
}


def fill(url: str, n: int) -> tuple[object, int]:
    engine = make_engine(make_settings(url))
    factory = make_session_factory(engine)
    rng = random.Random(13)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with factory.begin() as session:
        me = create_user(session=session, email="c@bench.example", password="bench-password", role="coordinator",
                         organisation=None, now=start).id
        session.add(Conversation(key="line:Ubench", channel="line", user_id="Ubench", state={}, turn_count=0))
    rows = []
    for i in range(n):
        fields = {"business_name": f"{rng.choice(NAMES)} 会社{i}", "problem": "在庫管理を紙でやっていて大変",
                  "theme": rng.choice(("sns", "it_tools", "d2c_ec", "cashless")), "shokokai": "菊陽町商工会"}
        flags = ["conflict"] if i % 7 == 0 else []
        status = rng.choice(STATUSES)
        reference = f"KD-{2025 + i // 50000}-{i % 50000:05d}"
        at = start + timedelta(minutes=5 * i)
        rows.append({"reference": reference, "kind": "application", "status": status, "outcome": "eligible",
                     "conversation_key": "line:Ubench", "channel": "line", "fields": fields, "decisions": [],
                     "flags": flags, "created_at": at, "updated_at": at,
                     "owner_id": None if status == "new" else (me if i % 10 == 0 else None),
                     "unread": i % 50 == 0, "in_person": False, "last_message": "事業者：ありがとうございます",
                     "last_message_at": at + timedelta(hours=1), **derived(reference, fields, flags)})
    with factory.begin() as session:
        for chunk in range(0, n, 5000):
            session.execute(insert(Case), rows[chunk:chunk + 5000])
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE handoff_case")
        else:
            conn.exec_driver_sql("ANALYZE")
    return engine, me


def measure(engine: object, me: int, rounds: int = 15) -> dict[str, tuple[float, float, int]]:
    out = {}
    for name, filters in QUERIES.items():
        times, total = [], 0
        for _ in range(rounds):
            with Session(reader(engine)) as session:  # type: ignore[arg-type]
                t = time.perf_counter()
                page = queue.search(session=session, filters=filters, me=me)
                times.append((time.perf_counter() - t) * 1000)
                total = page.total
        times.sort()
        out[name] = (statistics.median(times), times[-1], total)
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    targets = [("SQLite", None)]
    if postgres.reachable():
        targets.append(("PostgreSQL", "pg"))
    print(f"{n:,} cases; one queue page (50 rows + count), server time in ms over 15 rounds")
    print(f"{'':34}{'p50':>8}{'max':>8}{'matches':>10}")
    for label, kind in targets:
        if kind is None:
            with tempfile.TemporaryDirectory() as folder:
                engine, me = fill(f"sqlite:///{folder}/bench.db", n)
                results = measure(engine, me)
                engine.dispose()  # type: ignore[attr-defined]
        else:
            with postgres.fresh_database() as url:
                engine, me = fill(url, n)
                results = measure(engine, me)
                engine.dispose()  # type: ignore[attr-defined]
        print(label)
        for name, (p50, worst, total) in results.items():
            print(f"  {name:32}{p50:8.1f}{worst:8.1f}{total:10,}")


if __name__ == "__main__":
    main()
