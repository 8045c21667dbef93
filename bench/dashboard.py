"""The staff dashboard, 統計 and レポート at 1 million cases against an empty database, on PostgreSQL.

    .venv/bin/python bench/dashboard.py [--cases 1000000] [--rounds 5]

The load is SQL (INSERT … SELECT generate_series, then VACUUM ANALYZE as autovacuum would leave it):
businesses (one LINE conversation each, several cases per business), cases over three years with a status mix that
depends on age (old ones mostly 終了, recent ones 新規・対応中), their 様式1 fields (theme, size, area, 商工会, the
decision), and what the pages read beside the cases: the audit rows of each claim and decision, the desk's first
reply, visits of approved cases, satisfaction ratings, FAQ answers and the bot's sends (replies and pushes).

Then a real `python -m bot serve` process answers a logged-in coordinator over HTTP: `/` (dashboard), `/stats`
(統計), `/reports` (default range: the last 30 days) and `/cases?status=all` (first page); each request is timed
(median and max of --rounds) against the same request on an empty database. Last, every SQL statement those pages
run (captured from the same code in this process) is EXPLAINed (ANALYZE) on the big database: its time and whether
it reads a big table by a sequential scan or an index. Figures are printed, never asserted."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.db.engine import make_engine, make_session_factory  # noqa: E402
from bot.db.tables import utcnow  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.staff.auth import create_user  # noqa: E402
from bot.staff.service import bootstrap  # noqa: E402
from dialogs.hours import JST  # noqa: E402
from handoff import cases, queue, reports  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.e2e.processes import BotProcess  # noqa: E402
from tests.fakes import postgres  # noqa: E402

EMAIL, PASSWORD = "coordinator@bench.example", "bench-coordinator-password"
PAGES = {"dashboard /": "/", "統計 /stats": "/stats", "レポート /reports (30 days)": "/reports",
         "/cases?status=all (page 1)": "/cases?status=all"}
BIG = ("handoff_case", "audit_log", "case_message", "case_visit", "feedback", "dialog_effect", "conversation",
       "outbox_message")

# One statement per table. :n cases over three years ending now; :businesses conversations (several cases each).
LOAD = [
    """INSERT INTO conversation (key, channel, user_id, state, turn_count, trial, created_at, updated_at)
       SELECT 'line:Ubench' || g, 'line', 'Ubench' || g, '{}', 12, false, now() - interval '3 years', now()
       FROM generate_series(1, :businesses) g""",
    # age in days of case g (g = n is the newest); status by age: a realistic desk closes its old cases
    """INSERT INTO handoff_case (reference, kind, status, outcome, conversation_key, channel, organisation_id,
           owner_id, fields, owner_fields, decisions, flags, trial, created_at, updated_at, in_person, unread,
           last_message_at, last_message, theme, flag_list, search_text)
       SELECT 'KD-' || (2023 + g / 400000) || '-' || lpad((g % 400000)::text, 6, '0'),
              CASE WHEN g % 10 = 0 THEN 'callback' ELSE 'application' END,
              s.status, CASE WHEN g % 9 = 0 THEN 'needs_review' ELSE 'eligible' END,
              'line:Ubench' || (1 + g % :businesses), 'line', o.ids[1 + g % array_length(o.ids, 1)],
              CASE WHEN s.status = 'new' THEN NULL ELSE :me END,
              json_build_object('business_name', '熊本商店' || (1 + g % :businesses),
                                'problem', '在庫管理を紙でやっていて大変', 'theme', t.theme,
                                'size_class', (ARRAY['小規模', '中規模', '個人事業主'])[1 + g % 3],
                                'municipality', (ARRAY['熊本市', '菊陽町', '八代市', '天草市', '阿蘇市'])[1 + g % 5],
                                'shokokai', (ARRAY['菊陽町商工会', '八代商工会議所', '阿蘇商工会'])[1 + g % 3],
                                'decision', CASE WHEN s.status = 'rejected' THEN json_build_object('result', 'rejected')
                                                 WHEN s.status IN ('approved', 'in_support', 'resolved', 'closed')
                                                 THEN json_build_object('result', 'approved') END),
              '{}', '[]', '[]', false, c.at, c.at + interval '3 days', false, g % 97 = 0,
              c.at + interval '5 hours', '事業者：ありがとうございます', t.theme, '',
              'kd-' || g || ' 熊本商店' || (1 + g % :businesses) || ' 在庫管理を紙でやっていて大変'
       FROM generate_series(1, :n) g
       CROSS JOIN LATERAL (SELECT now() - ((:n - g) * (interval '3 years' / :n)) AS at) c
       CROSS JOIN LATERAL (SELECT (ARRAY['sns', 'it_tools', 'd2c_ec', 'cashless', 'security'])[1 + g % 5] AS theme) t
       CROSS JOIN LATERAL (SELECT array_agg(id ORDER BY id) AS ids FROM organisation) o
       CROSS JOIN LATERAL (SELECT CASE WHEN c.at < now() - interval '60 days' THEN
                 (ARRAY['closed','closed','closed','closed','closed','closed','closed','resolved','rejected',
                        'in_support'])[1 + (g * 7) % 10]
               ELSE (ARRAY['new','new','claimed','claimed','in_support','in_support','approved','rejected',
                           'resolved','in_support'])[1 + (g * 7) % 10] END AS status) s""",
    """INSERT INTO audit_log (at, actor_id, actor, action, target, detail, address)
       SELECT created_at + interval '2 hours', owner_id, :email, 'case.claim', reference, '{}', ''
       FROM handoff_case WHERE owner_id IS NOT NULL""",
    """INSERT INTO audit_log (at, actor_id, actor, action, target, detail, address)
       SELECT created_at + interval '2 days', owner_id, :email,
              CASE WHEN status = 'rejected' THEN 'case.reject' ELSE 'case.approve' END, reference, '{}', ''
       FROM handoff_case WHERE status IN ('approved', 'rejected', 'in_support', 'resolved', 'closed')""",
    """INSERT INTO case_message (case_id, at, direction, kind, text, actor)
       SELECT id, created_at + interval '3 hours', 'out', 'text', 'ご相談ありがとうございます。', :email
       FROM handoff_case WHERE status <> 'new'""",
    """INSERT INTO case_visit (case_id, visited_on, minutes, mode, expert, report, report_shared, actor, created_at)
       SELECT id, (created_at + interval '10 days')::date, 120, 'visit', '専門家A', '', false, :email,
              created_at + interval '10 days'
       FROM handoff_case WHERE status IN ('in_support', 'resolved', 'closed')""",
    """INSERT INTO feedback (kind, conversation_key, case_id, score, comment, created_at)
       SELECT 'satisfaction', conversation_key, id, 1 + id % 5, '', created_at + interval '30 days'
       FROM handoff_case WHERE status = 'closed' AND id % 3 = 0""",
    """INSERT INTO dialog_effect (conversation_key, kind, payload, created_at)
       SELECT 'line:Ubench' || (1 + g % :businesses), 'faq_answered', '{}',
              now() - ((:n - g) * (interval '3 years' / :n))
       FROM generate_series(1, :n) g""",
    # the bot's answers: one per case (four in five replies, the rest pushes by kind)
    """INSERT INTO outbox_message (conversation_key, channel, recipient, payload, reply_attempted, retry_key, status,
           attempts, next_attempt_at, created_at, via, purpose, sent_at)
       SELECT conversation_key, 'line', substr(conversation_key, 6), '{}', id % 5 <> 0, md5(id::text), 'sent', 1,
              created_at, created_at, CASE WHEN id % 5 = 0 THEN 'push' ELSE 'reply' END,
              (ARRAY['bot', 'desk', 'reminder'])[1 + id % 3], created_at + interval '1 second'
       FROM handoff_case""",
]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@contextlib.contextmanager
def database(keep: str | None = None) -> Iterator[str]:
    """A new database, dropped afterwards; `keep` names one that is created if missing and kept (--keep)."""
    name = keep or f"i14b_dash_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres.ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres.ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        if keep is None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fill(settings: Settings, n: int) -> tuple[int, float]:
    """The coordinator (and the demo organisations); n cases and their rows when n > 0. (coordinator id, seconds)"""
    engine = make_engine(settings)
    with engine.connect() as conn:
        loaded = conn.execute(text("SELECT id FROM staff_user WHERE email = :e"), {"e": EMAIL}).scalar()
    if loaded is not None:  # a kept database (--keep): loaded before
        engine.dispose()
        return int(loaded), 0.0
    with make_session_factory(engine).begin() as session:
        bootstrap(session=session, now=utcnow())
        me = create_user(session=session, email=EMAIL, password=PASSWORD, role="coordinator", organisation=None,
                         now=utcnow()).id
    t = time.perf_counter()
    if n:
        with engine.begin() as conn:
            for i, statement in enumerate(LOAD):
                s = time.perf_counter()
                done = conn.execute(text(statement), {"n": n, "businesses": max(1, n // 4), "me": me,
                                                      "email": EMAIL})
                print(f"    load {i + 1}/{len(LOAD)}: {done.rowcount:,} rows in {time.perf_counter() - s:.0f} s",
                      flush=True)
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    took = time.perf_counter() - t
    engine.dispose()
    return me, took


def timed(url: str, rounds: int) -> dict[str, tuple[float, float]]:
    """Per page: (median ms, max ms) of `rounds` requests after one warm-up."""
    out = {}
    with httpx.Client(base_url=url, headers={"origin": url}, timeout=600) as client:
        assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 303
        for name, path in PAGES.items():
            assert client.get(path).status_code == 200
            samples = []
            for _ in range(rounds):
                t = time.perf_counter()
                response = client.get(path)
                samples.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, response.text[:300]
            out[name] = (statistics.median(samples), max(samples))
    return out


def statements(settings: Settings, me: int) -> dict[str, list[tuple[str, Any]]]:
    """The SQL each page runs (the same functions its handler calls), captured as sent to the driver."""
    engine = make_engine(settings)
    captured: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, parameters))

    today = utcnow().astimezone(JST).date()
    work = {
        "dashboard /": lambda s: cases.counts(session=s),
        "レポート /reports (30 days)": lambda s: reports.build(session=s, start=today - timedelta(days=29), end=today,
                                                           hours=settings.business_hours()),
        "/cases?status=all (page 1)": lambda s: queue.search(session=s, filters=queue.Filters(status="all"), me=me),
    }
    out = {}
    for name, call in work.items():
        captured.clear()
        with Session(engine) as session:
            call(session)
        out[name] = list(captured)
    engine.dispose()
    return out


def plan_summary(node: dict[str, Any], scans: list[str]) -> None:
    kind, relation = node.get("Node Type", ""), node.get("Relation Name")
    if relation in BIG and "Scan" in kind:
        scans.append(f"{'SEQ ' if kind == 'Seq Scan' else ''}{kind}({relation}"
                     f"{', ' + node['Index Name'] if node.get('Index Name') else ''})")
    for child in node.get("Plans", []):
        plan_summary(child, scans)


def explain(settings: Settings, me: int) -> None:
    engine = make_engine(settings)
    print("\nEXPLAIN ANALYZE of every statement of the pages (big tables only; SEQ = a sequential scan):")
    for page, found in statements(settings, me).items():
        print(f"  {page}")
        with engine.connect() as conn:
            for statement, parameters in found:
                plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).scalar()
                plan = plan if isinstance(plan, list) else json.loads(plan)
                scans: list[str] = []
                plan_summary(plan[0]["Plan"], scans)
                first = " ".join(statement.split())[:70]
                print(f"    {plan[0]['Execution Time']:8.1f} ms  {', '.join(scans) or 'no big table'}  | {first}")
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--keep", metavar="NAME", help="keep the loaded database under this name and reuse it next time")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # killed: the bot processes and databases are cleaned up
    if not postgres.reachable():
        raise SystemExit("PostgreSQL is not reachable")
    print(f"{args.cases:,} cases against an empty database, PostgreSQL; load average "
          f"{load_average()}")
    results: dict[int, dict[str, tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in (0, args.cases):
            with database(args.keep if size else None) as url:
                settings = make_settings(url, embedded_worker=False, trial_enabled=False)
                me, took = fill(settings, size)
                if size and took:
                    print(f"  {size:,} cases and their rows loaded in {took:.0f} s")
                elif size:
                    print(f"  reusing the database {args.keep} (loaded earlier)")
                server = BotProcess(settings, "serve", Path(tmp)).start()
                try:
                    results[size] = timed(server.url, args.rounds)
                finally:
                    server.stop()
                if size:
                    explain(settings, me)
    print(f"\nHTTP, logged-in coordinator, ms (median of {args.rounds}; max) — load average "
          f"{load_average()}")
    print(f"  {'':32}{'1M median':>10}{'max':>8}{'empty':>8}{'ratio':>7}")
    for name in PAGES:
        big, empty = results[args.cases][name], results[0][name]
        print(f"  {name:32}{big[0]:10.0f}{big[1]:8.0f}{empty[0]:8.0f}{big[0] / empty[0]:7.1f}")


if __name__ == "__main__":
    main()
