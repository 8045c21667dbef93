"""Cases opened from the /try page are trials, on both databases: the queue, the badge, the counts and the reports
leave them out unless asked, and no coordinator is mailed about them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.db.tables import Conversation, utcnow
from dialogs.hours import DEFAULT
from handoff import cases, notify, queue, reports
from handoff.queue import Filters
from handoff.tables import CaseNotification
from tests.unit.handoff.desk import Desk, desk, new_case


@pytest.fixture
def d(db_url: str) -> Iterator[Desk]:
    with desk(db_url) as made:
        yield made


def test_trials_are_left_out_unless_asked_for_and_never_mailed(d: Desk) -> None:
    now = utcnow()
    with d.factory.begin() as session:
        real = new_case(session, "Ureal", created=now).reference
        session.add(Conversation(key="web:visitor", channel="web", user_id="visitor", state={}, turn_count=0,
                                 trial=True))
        session.flush()
        trial = cases.create_case(session=session, conversation_key="web:visitor", channel="web", kind="application",
                                  outcome="eligible", fields={"business_name": "試しの店"}, decisions=[], flags=[],
                                  now=now, trial=True)
        notify.queue(session=session, case=trial, now=now)
        notify.queue(session=session, case=cases.by_reference(session=session, reference=real), now=now)  # type: ignore[arg-type]
    with d.factory() as session:
        shown = [row.case.reference for row in queue.search(session=session, filters=Filters()).rows]
        assert shown == [real]
        both = {row.case.reference for row in queue.search(session=session, filters=Filters(trials=True)).rows}
        assert both == {real, trial.reference}
        assert Filters(trials=True).query()["trials"] == "1" and "trials" not in Filters().query()
        assert queue.new_count(session=session) == 1
        assert cases.counts(session=session)["kind"] == {"application": 1}
        week = (date.today() - timedelta(days=3), date.today() + timedelta(days=3))  # whatever the JST day is
        report = reports.build(session=session, start=week[0], end=week[1], hours=DEFAULT)
        assert report.value("事前確認の流れ", "送信（申請）") == 1
        assert session.scalar(select(func.count()).select_from(CaseNotification)) == 1  # the real case's only
