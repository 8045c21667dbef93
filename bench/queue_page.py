"""Queue figures at 100,000 cases against an empty database, on SQLite and PostgreSQL: the server time of one queue
page (filters, search, sort, page, count) measured two ways — the query alone (`handoff.queue.search`) and the whole
request (`GET /cases/rows` through the app in this process: session check, query, template) — and the ratio of each
to the same request on an empty database.

    .venv/bin/python bench/queue_page.py [cases] [--rounds N]

PostgreSQL at MADOGUCHI_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test) when it answers.
Figures are printed, never asserted (README, Benchmarks)."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fastapi.testclient import TestClient  # noqa: E402

from bot.db.engine import make_engine, make_session_factory, reader  # noqa: E402
from bot.db.tables import Conversation  # noqa: E402
from bot.pipeline.purge import analyze_once  # noqa: E402
from bot.staff.auth import create_user  # noqa: E402
from bot.web.app import create_app  # noqa: E402
from handoff import queue  # noqa: E402
from handoff.queue import Filters  # noqa: E402
from handoff.search import derived  # noqa: E402
from handoff.tables import Case  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.fakes import postgres  # noqa: E402

NAMES = ("髙橋商店", "山﨑製作所", "齊藤菓子舗", "くまもと菓子", "阿蘇観光", "天草水産", "八代トマト", "菊陽精密")
STATUSES = ["closed"] * 60 + ["resolved"] * 10 + ["rejected"] * 5 + ["in_support"] * 10 + ["approved"] * 5 + \
    ["claimed"] * 5 + ["new"] * 5
QUERIES: dict[str, Filters] = {
    "default (open, longest waiting)": Filters(),
    "newest first, page 20": Filters(sort="newest", page=20),
    "all statuses, latest message": Filters(status="all", sort="last_message"),
    "search 高橋 (all statuses)": Filters(status="all", q="高橋"),
    "search 会社12345 (all statuses)": Filters(status="all", q="会社12345"),
    "search 山崎 菓子 (open)": Filters(q="山崎 菓子"),
    "theme + flag": Filters(theme="sns", flag="conflict"),
    "mine": Filters(mine=True),
    "unread (mine)": Filters(status="unread"),
}
EMAIL, PASSWORD = "c@bench.example", "bench-password"


def fill(url: str, n: int) -> tuple[Any, int]:
    settings = make_settings(url, embedded_worker=False)
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    rng = random.Random(13)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with factory.begin() as session:
        me = create_user(session=session, email=EMAIL, password=PASSWORD, role="coordinator", organisation=None,
                         now=start).id
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
    # What a live database has after a load: on PostgreSQL autovacuum's statistics and visibility map (the counts read
    # the index alone); on SQLite the worker's ANALYZE (bot/pipeline/purge.analyze_once, at start and daily).
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE handoff_case")
    else:
        analyze_once(session_factory=factory, settings=settings)
    return settings, me


def _median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def measure(settings: Any, me: int, rounds: int) -> dict[str, tuple[float, float, int]]:
    """Per query: (query ms p50, whole request ms p50, matches)."""
    engine = make_engine(settings)
    out: dict[str, tuple[float, float, int]] = {}
    with TestClient(create_app(settings), headers={"origin": "http://testserver"}) as client:
        assert client.post("/login", data={"email": EMAIL, "password": PASSWORD},
                           follow_redirects=False).status_code == 303
        for name, filters in QUERIES.items():
            query_ms, request_ms, total = [], [], 0
            params = filters.query()
            client.get("/cases/rows", params=params)  # warm: templates, plans
            for _ in range(rounds):
                with Session(reader(engine)) as session:
                    t = time.perf_counter()
                    page = queue.search(session=session, filters=filters, me=me)
                    query_ms.append((time.perf_counter() - t) * 1000)
                    total = page.total
                t = time.perf_counter()
                response = client.get("/cases/rows", params=params)
                request_ms.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, response.text[:200]
            out[name] = (_median(query_ms), _median(request_ms), total)
    engine.dispose()
    return out


def database(kind: str) -> AbstractContextManager[str]:
    if kind == "sqlite":
        folder = tempfile.mkdtemp()
        return nullcontext(f"sqlite:///{folder}/bench.db")
    return postgres.fresh_database()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", nargs="?", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    targets = ["sqlite"] + (["postgresql"] if postgres.reachable() else [])
    print(f"{args.cases:,} cases against an empty database; server time in ms, median of {args.rounds} rounds")
    print("query = handoff.queue.search (count + 50 rows); request = GET /cases/rows in-process (session, query, "
          "template)")
    for kind in targets:
        results = {}
        for size in (0, args.cases):
            with database(kind) as url:
                t = time.perf_counter()
                settings, me = fill(url, size)
                filled = time.perf_counter() - t
                results[size] = measure(settings, me, args.rounds)
            if size:
                print(f"\n{'SQLite' if kind == 'sqlite' else 'PostgreSQL'} (seeded in {filled:.0f} s)")
        print(f"{'':34}{'query':>8}{'empty':>8}{'ratio':>7}{'request':>9}{'empty':>8}{'ratio':>7}{'matches':>9}")
        for name in QUERIES:
            q, r, total = results[args.cases][name]
            q0, r0, _ = results[0][name]
            print(f"  {name:32}{q:8.1f}{q0:8.1f}{q / q0:7.1f}{r:9.1f}{r0:8.1f}{r / r0:7.1f}{total:9,}")


if __name__ == "__main__":
    main()
