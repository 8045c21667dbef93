"""The question-by-question funnel: what the pure dialog records when it asks, and the SQL that counts it (SQLite and
PostgreSQL): reached, asked and stopped per question, the stages after the card, and one value of a breakdown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.db.engine import make_engine
from bot.db.tables import Conversation, DialogEffect
from dialogs.main import step
from dialogs.model import Inbound, Kind, State
from dialogs.prescreen import flow
from dialogs.prescreen.flow import NOT_YET, STEPS
from handoff import prescreen_funnel
from handoff.tables import Case, Visit
from tests.conftest import make_settings

NOW = datetime(2026, 11, 24, 3, tzinfo=UTC)  # Tuesday 12:00 JST
DAY = date(2026, 11, 24)


def asked(effects: Any) -> list[dict[str, Any]]:
    return [e.payload for e in effects if e.kind == "prescreen_asked"]


def test_the_dialog_records_each_question_it_asks_with_what_it_knows() -> None:
    opened = flow.start(Inbound(Kind.TEXT, NOW, text="菊陽町で和菓子屋をしています。従業員は5人で、ネット販売を始めたいとです"))
    assert [e.kind for e in opened.effects] == ["prescreen_started", "prescreen_asked"]
    [first] = asked(opened.effects)
    # consent comes first, and what the opening told waits for it: nothing of the business is recorded yet
    assert first == {"step": "consent", "index": STEPS.index("consent"), "municipality": NOT_YET,
                     "theme": NOT_YET, "shokokai": NOT_YET, "size_class": NOT_YET}
    unread = step(opened.state, Inbound(Kind.TEXT, NOW, text="ああああ"))  # asked again: not a new step
    assert asked(unread.effects) == []
    agreed = step(opened.state, Inbound(Kind.TEXT, NOW, text="同意します"))
    [second] = asked(agreed.effects)
    # the opening told the place, the trade and the headcount; 事業の形態 is the next question asked
    assert second == {"step": "org_type", "index": STEPS.index("org_type"), "municipality": "菊陽町",
                      "theme": "d2c_ec", "shokokai": NOT_YET, "size_class": NOT_YET}
    shokokai = step(agreed.state, Inbound(Kind.TEXT, NOW, text="個人でやっとります"))
    [third] = asked(shokokai.effects)
    assert third["step"] == "shokokai" and third["size_class"] == "small"
    member = step(shokokai.state, Inbound(Kind.TEXT, NOW, text="菊陽町商工会"))
    assert asked(member.effects)[0]["shokokai"] == "菊陽町商工会"
    menu = step(State("menu"), Inbound(Kind.POSTBACK, NOW, data="menu:consult"))
    assert asked(menu.effects)[0] | {"index": 0} == {"step": "consent", "index": 0, "municipality": NOT_YET,
                                                     "theme": NOT_YET, "shokokai": NOT_YET, "size_class": NOT_YET}


def _owner(session: Session, key: str, steps: list[tuple[str, dict[str, str]]], at: datetime,
           channel: str = "line") -> None:
    session.add(Conversation(key=key, channel=channel, user_id=key, state={}, turn_count=1, created_at=at))
    for n, (name, told) in enumerate(steps):
        session.add(DialogEffect(conversation_key=key, kind="prescreen_asked", created_at=at + timedelta(minutes=n),
                                 payload={"step": name, "index": STEPS.index(name), **told}))


def test_the_counts_on_both_databases(db_url: str) -> None:
    engine = make_engine(make_settings(db_url))
    kikuyo = {"municipality": "菊陽町", "size_class": "small", "theme": "sns", "shokokai": NOT_YET}
    with Session(engine) as session, session.begin():
        _owner(session, "line:A", [("location", {})], NOW)  # stopped at the first question
        _owner(session, "line:B", [("org_type", kikuyo), ("consent", kikuyo), ("shokokai", kikuyo)], NOW)
        _owner(session, "line:C", [("org_type", kikuyo), ("consent", kikuyo), ("confirm", kikuyo | {"shokokai": "x"})],
               NOW)
        _owner(session, "line:D", [("location", {}), ("location", {})], NOW - timedelta(days=3))  # before the range
        _owner(session, "web:E", [("location", {})], NOW, channel="web")  # /try: not an owner
        session.flush()
        case = Case(reference="KD-2026-0500", kind="application", status="approved", outcome="eligible",
                    conversation_key="line:C", channel="line", fields={"decision": {"result": "approved"}},
                    decisions=[], flags=[], created_at=NOW + timedelta(minutes=5), updated_at=NOW)
        session.add(case)
        session.flush()
        session.add(Visit(case_id=case.id, visited_on=DAY, minutes=60, mode="visit", expert="専門家", report="",
                          actor="c@x"))
    lo, hi = datetime(2026, 11, 23, 15, tzinfo=UTC), datetime(2026, 11, 24, 15, tzinfo=UTC)
    with Session(engine) as session:
        whole, shown, by = prescreen_funnel.build(session, lo, hi)
        rows = {r.step: r for r in whole.rows}
        assert whole.started == 3 and shown is whole
        assert (rows["location"].reached, rows["location"].asked, rows["location"].stopped) == (3, 1, 1)
        assert (rows["org_type"].reached, rows["org_type"].asked, rows["org_type"].stopped) == (2, 2, 0)
        assert (rows["shokokai"].reached, rows["shokokai"].stopped) == (2, 1)
        assert (rows["confirm"].reached, rows["confirm"].asked, rows["confirm"].stopped) == (1, 1, 0)  # sent
        assert [rows[k].reached for k in ("submitted", "decided", "approved", "visited")] == [1, 1, 1, 1]
        assert rows["submitted"].asked is None
        # the breakdown is what the owner had told at their furthest step
        assert set(by["municipality"]) == {"菊陽町", NOT_YET} and by["municipality"][NOT_YET][0] == 1
        assert set(by["shokokai"]) == {NOT_YET, "x"}
        _, area, _ = prescreen_funnel.build(session, lo, hi, dimension="municipality", value="菊陽町")
        area_rows = {r.step: r for r in area.rows}
        assert area.started == 2 and area_rows["location"].reached == 2 and area_rows["location"].asked == 0
        assert area_rows["shokokai"].stopped == 1 and area_rows["visited"].reached == 1
        _, nobody, _ = prescreen_funnel.build(session, lo, hi, dimension="municipality", value="八代市")
        assert nobody.started == 0 and all(r.reached == 0 for r in nobody.rows)
    engine.dispose()
