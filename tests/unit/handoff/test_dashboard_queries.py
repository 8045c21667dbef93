"""The dashboard's and the reports' hot queries (bench/dashboard.py times them at 1 million cases): the counts are one
GROUP BY that PostgreSQL answers from ix_handoff_case_counts alone (an index-only scan, never the table), the queue's
count is a count(*) an index answers alone, and the report's waiting times read each case's first reply and decision
through the per-case indexes instead of aggregating the whole thread and audit tables. The plans are checked with
sequential scans disabled, so the test asks whether an index *can* answer (small tables would otherwise be scanned);
the figures are checked on SQLite and PostgreSQL against the cases themselves."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.db.engine import make_engine
from bot.db.tables import Conversation
from bot.staff.tables import AuditLog
from handoff import cases, queue, reports
from handoff.tables import Case, CaseMessage
from tests.conftest import make_settings

START = datetime(2025, 6, 2, 0, 0, tzinfo=UTC)
STATUSES = ("new", "claimed", "in_support", "approved", "rejected", "closed")


def fill(engine: Engine, n: int = 300) -> list[dict[str, Any]]:
    rows = [{"reference": f"KD-2025-{i:05d}", "kind": ("application", "callback")[i % 2],
             "status": STATUSES[i % len(STATUSES)], "outcome": ("eligible", "needs_review")[i % 3 == 0],
             "conversation_key": "line:Ucount", "channel": "line", "fields": {}, "decisions": [], "flags": [],
             "trial": i % 10 == 0, "theme": ("sns", "", "it_tools")[i % 3],
             "created_at": START + timedelta(minutes=i), "updated_at": START + timedelta(minutes=i)}
            for i in range(n)]
    with Session(engine) as session, session.begin():
        session.add(Conversation(key="line:Ucount", channel="line", user_id="Ucount", state={}, turn_count=0))
        session.flush()
        session.execute(insert(Case), rows)
        ids = {ref: id_ for ref, id_ in session.execute(select(Case.reference, Case.id)).all()}
        session.execute(insert(CaseMessage), [
            {"case_id": ids[r["reference"]], "at": r["created_at"] + timedelta(hours=h), "direction": "out",
             "kind": "text", "text": "", "actor": ""} for r in rows[::2] for h in (3, 1)])
        session.execute(insert(AuditLog), [
            {"at": r["created_at"] + timedelta(days=d), "actor": "c@test", "action": "case.approve",
             "target": r["reference"], "detail": {}, "address": ""} for r in rows[::3] for d in (2, 1)])
    return rows


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    made = make_engine(make_settings(db_url))
    yield made
    made.dispose()


def test_the_counts_are_the_cases_own(engine: Engine) -> None:
    rows = [r for r in fill(engine) if not r["trial"]]
    with Session(engine) as session:
        counted = cases.counts(session=session)
    for key in ("status", "outcome", "kind", "theme"):
        assert counted[key] == dict(Counter(r[key] or "—" for r in rows))


def test_the_report_waits_are_each_cases_first_reply_and_first_decision(engine: Engine) -> None:
    rows = fill(engine)
    in_range = [r for r in rows if r["kind"] == "application" and not r["trial"]]
    with Session(engine) as session:
        report = reports.build(session=session, start=date(2025, 6, 1), end=date(2025, 6, 3),
                               hours=make_settings("sqlite://").business_hours())
    replied = [r for i, r in enumerate(rows) if i % 2 == 0 and r in in_range]
    decided = [r for i, r in enumerate(rows) if i % 3 == 0 and r in in_range]
    assert report.value("待ち時間（営業時間）", "最初の返信まで：件数") == len(replied)
    assert report.value("待ち時間（営業時間）", "判断まで：件数") == len(decided)
    # each case's earliest reply (1 hour, not 3) and decision (1 day, not 2) count: at most a day of business hours
    assert 0 < report.value("待ち時間（営業時間）", "最初の返信まで：中央値（時間）") <= 1
    assert 0 < report.value("待ち時間（営業時間）", "判断まで：中央値（時間）") <= 9
    # the funnel's breakdowns come from one GROUP BY of the four dimensions: each adds up to the range's total
    submitted = report.value("事前確認の流れ", "送信（申請）")
    assert submitted == len(in_range)
    assert all(sum(sums[0] for _, sums in rows) == submitted for rows in report.breakdowns.values())
    assert report.breakdowns["規模"] == [("—", [len(in_range), 0, 0, 0])]


Scan = tuple[str, str | None, str | None, str]  # node type, table, index, index condition


def plans(engine: Engine, work: Any) -> list[tuple[str, list[Scan]]]:
    """Every SELECT `work` runs, with the (node, table, index, condition) of each scan in its plan (sequential
    scans off)."""
    captured: list[tuple[str, Any]] = []

    def keep(_c: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        with Session(engine) as session:
            work(session)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    out = []
    with engine.connect() as conn:  # what autovacuum leaves on a live database: statistics and the visibility map
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    with engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in captured:
            plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
            plan = plan if isinstance(plan, list) else json.loads(plan)
            scans: list[Scan] = []

            def walk(node: dict[str, Any], into: list[Scan] = scans) -> None:
                if "Scan" in node["Node Type"]:
                    into.append((node["Node Type"], node.get("Relation Name"), node.get("Index Name"),
                                 node.get("Index Cond", "")))
                for child in node.get("Plans", []):
                    walk(child)

            walk(plan[0]["Plan"])
            out.append((statement, scans))
    return out


@pytest.mark.postgres
def test_postgresql_answers_the_dashboard_counts_from_one_index_alone(postgres_url: str) -> None:
    engine = make_engine(make_settings(postgres_url))
    fill(engine)
    found = plans(engine, lambda session: cases.counts(session=session))
    assert len(found) == 1  # one GROUP BY for the four columns
    assert [scan[:3] for scan in found[0][1]] == [("Index Only Scan", "handoff_case", "ix_handoff_case_counts")], found
    # the queue's count of every case: count(*) from an index alone (count(id) would need the table's rows)
    counts = [scans for statement, scans in plans(
        engine, lambda session: queue.search(session=session, filters=queue.Filters(status="all"), per_page=5))
        if "count(" in statement]
    assert counts and all(scan[0] == "Index Only Scan" for scans in counts for scan in scans), counts
    engine.dispose()


@pytest.mark.postgres
def test_postgresql_reads_the_report_waits_through_the_per_case_indexes(postgres_url: str) -> None:
    engine = make_engine(make_settings(postgres_url))
    fill(engine)
    hours = make_settings("sqlite://").business_hours()
    found = plans(engine, lambda session: reports.build(session=session, start=date(2025, 6, 1),
                                                        end=date(2025, 6, 3), hours=hours))
    waits = [scans for statement, scans in found if "case_message" in statement and "audit_log" in statement]
    assert len(waits) == 1, [s for s, _ in found]
    # each case's own rows, looked up by its id / reference (an index condition on the outer case), not a GROUP BY
    # over the whole table (which an index could also feed, but reading every row)
    conditions = {index: condition for _, _, index, condition in waits[0] if index}
    assert "case_id = " in conditions.get("ix_case_message_case", ""), waits
    assert "target" in conditions.get("ix_audit_log_target", ""), waits
    engine.dispose()
