"""The queue runs in SQL on both databases: nothing hidden behind a cap, normalised search (全角/半角, 異体字),
sorting, pagination, owner and unread columns, counts by GROUP BY."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from bot.db.tables import Conversation, utcnow
from handoff import cases, person, queue, relay
from handoff.queue import Filters
from handoff.tables import Case
from tests.unit.handoff.desk import CHANNELS, Desk, desk, new_case

C1 = "c1@test.example"


@pytest.fixture
def d(db_url: str) -> Iterator[Desk]:
    with desk(db_url) as made:
        yield made


def many(session: Session, n: int) -> list[str]:
    """n open applications, one minute apart (the last is the newest)."""
    start = utcnow() - timedelta(days=3)
    session.add(Conversation(key="line:Umany", channel="line", user_id="Umany", state={}, turn_count=0))
    refs = []
    for i in range(n):
        case = Case(reference=f"KD-2026-{i + 1:05d}", kind="application", status="new", outcome="eligible",
                    conversation_key="line:Umany", channel="line", fields={"business_name": f"会社{i + 1}",
                                                                             "theme": "sns" if i % 2 else "it_tools"},
                    decisions=[], flags=["conflict"] if i % 3 == 0 else [], created_at=start + timedelta(minutes=i),
                    updated_at=start)
        session.add(case)
        refs.append(case.reference)
    session.flush()
    return refs


def refs(page: queue.Page) -> list[str]:
    return [row.case.reference for row in page.rows]


def test_with_seven_hundred_open_cases_nothing_is_hidden(d: Desk) -> None:
    with d.factory.begin() as session:
        made = many(session, 700)
        first = queue.search(session=session, filters=Filters())
        assert first.total == 700 and first.pages == 14 and refs(first)[0] == made[0]  # the longest waiting first
        last = queue.search(session=session, filters=Filters(page=14))
        assert refs(last)[-1] == made[-1]  # the newest is on the last page
        assert refs(queue.search(session=session, filters=Filters(sort="newest")))[0] == made[-1]
        assert refs(queue.search(session=session, filters=Filters(q="会社700"))) == [made[-1]]
        assert queue.search(session=session, filters=Filters(theme="sns")).total == 350
        assert queue.search(session=session, filters=Filters(flag="conflict")).total == 234
        assert queue.search(session=session, filters=Filters(flag="conflict", theme="sns", q="会社1")).total == (
            len([i for i in range(1, 701) if (i - 1) % 3 == 0 and (i - 1) % 2 and str(i).startswith("1")]))
        counts = cases.counts(session=session)
        assert counts["status"] == {"new": 700} and counts["theme"] == {"sns": 350, "it_tools": 350}


@pytest.mark.parametrize(("stored", "typed"), [
    ("髙橋商店", "高橋"), ("山﨑製作所", "山崎"), ("齊藤菓子舗", "斉藤"), ("齋藤工務店", "斉藤"), ("ＡＢＣ食品", "abc"),
    ("ｶﾌｪ熊本", "カフェ"), ("株式会社 くまもと 菓子", "くまもと菓子"), ("100%果汁", "100%"),
])
def test_search_is_normalised(d: Desk, stored: str, typed: str) -> None:
    with d.factory.begin() as session:
        case = new_case(session, "U1", fields={"business_name": stored})
        new_case(session, "U2", fields={"business_name": "ほかの会社 100円"})
        found = queue.search(session=session, filters=Filters(q=typed))
        assert refs(found) == [case.reference]
        assert refs(queue.search(session=session, filters=Filters(q=case.reference.lower().replace("-", "－")))) == [
            case.reference]


def test_owner_last_message_and_unread_come_with_the_rows(d: Desk) -> None:
    with d.factory.begin() as session:
        case = new_case(session, "U1")
        cases.claim(session=session, reference=case.reference, coordinator=d.user(session, C1), now=utcnow())
        person.say(session=session, case=case, text="日程のご相談です", actor=d.user(session, C1), channels=CHANNELS,
                   now=utcnow())
        relay.note(session=session, case=case, direction="in", text="来週の火曜の午後なら大丈夫です", now=utcnow())
        row = queue.search(session=session, filters=Filters(), me=d.ids[C1]).rows[0]
        assert row.owner_email == C1 and row.case.unread and row.case.last_message.endswith("火曜の午後なら大丈夫です")
        assert refs(queue.search(session=session, filters=Filters(status="unread"), me=d.ids[C1])) == [case.reference]
        assert queue.search(session=session, filters=Filters(status="unread"), me=d.ids["c2@test.example"]).total == 0
        assert queue.unread_count(session=session, me=d.ids[C1]) == 1
        assert refs(queue.search(session=session, filters=Filters(status="person"))) == [case.reference]
        assert refs(queue.search(session=session, filters=Filters(mine=True), me=d.ids[C1])) == [case.reference]


def test_a_broad_search_counts_to_the_cap_and_every_page_stays_reachable(d: Desk) -> None:
    with d.factory.begin() as session:
        made = many(session, queue.COUNT_CAP + 60)
        broad = queue.search(session=session, filters=Filters(q="会社"))
        assert (broad.total, broad.more, broad.pages) == (queue.COUNT_CAP, True, 2)
        far = queue.search(session=session, filters=Filters(q="会社", page=22))  # past the counted pages
        assert refs(far) == made[1050:]  # the last page: not full, so the number is known without counting
        assert (far.total, far.more, far.pages) == (queue.COUNT_CAP + 60, False, 22)
        assert queue.search(session=session, filters=Filters(q="会社", page=21)).more  # a full page: counted
        exact = queue.search(session=session, filters=Filters())  # no search: the exact count (indexed)
        assert (exact.total, exact.more, exact.pages) == (queue.COUNT_CAP + 60, False, 22)
        beyond = queue.search(session=session, filters=Filters(page=99))  # past the end: the last page
        assert (beyond.page, refs(beyond)) == (22, made[1050:])
        few = queue.search(session=session, filters=Filters(q="会社10"))  # 会社10, 会社100–109, 会社1000–1060
        assert (few.total, few.pages, len(few.rows)) == (1 + 10 + 61, 2, 50)


def test_the_search_index_follows_inserts_corrections_and_deletions(d: Desk) -> None:
    """On SQLite a word of 3+ characters is looked up in the trigram index kept by triggers (migration 2100)."""
    with d.factory.begin() as session:
        made = many(session, 30)
        case = cases.by_reference(session=session, reference=made[4])
        assert case is not None
        assert refs(queue.search(session=session, filters=Filters(q="会社5"))) == [made[4]]
        case.fields = {**case.fields, "business_name": "くまもと菓子舗"}
        session.flush()
        assert refs(queue.search(session=session, filters=Filters(q="会社5"))) == []
        assert refs(queue.search(session=session, filters=Filters(q="くまもと菓子"))) == [made[4]]
        assert refs(queue.search(session=session, filters=Filters(q="菓子"))) == [made[4]]  # 2 characters: scanned
        assert refs(queue.search(session=session, filters=Filters(q='"くまもと'))) == []  # quotes are text
        session.delete(case)
        session.flush()
        assert refs(queue.search(session=session, filters=Filters(q="くまもと菓子"))) == []
