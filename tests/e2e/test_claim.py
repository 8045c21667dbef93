"""Claiming a case: exactly one coordinator owns it, however many click at once."""

from __future__ import annotations

import threading

from sqlalchemy import select, text

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import Conversation, utcnow
from bot.staff.auth import create_user
from bot.staff.tables import AuditLog, StaffUser
from handoff import cases
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import EMAILS, populate


def test_ten_concurrent_claims_one_owner_nine_refusals_one_audit_row(postgres_url: str) -> None:
    settings = make_settings(postgres_url)
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    now = utcnow()
    with factory.begin() as session:
        coordinators = [create_user(session=session, email=f"c{i}@test.example", password="coordinator-pw",
                                    role="coordinator", organisation=None, now=now).id for i in range(10)]
        session.add(Conversation(key="line:U1", channel="line", user_id="U1", state={}, turn_count=0))
        session.flush()
        reference = cases.create_case(session=session, conversation_key="line:U1", channel="line", kind="application",
                                      outcome="eligible", fields={}, decisions=[], flags=[], now=now).reference
    barrier = threading.Barrier(10)
    results: list[str] = []

    def claimant(user_id: int) -> None:
        try:
            with factory.begin() as session:  # its own connection and transaction
                user = session.get(StaffUser, user_id)
                assert user is not None
                email = user.email
                barrier.wait()  # all ten transactions are open: now everybody clicks
                cases.claim(session=session, reference=reference, coordinator=user, now=utcnow())
            results.append(f"won:{email}")
        except cases.Claimed as exc:
            results.append(f"refused:{exc.owner}")

    threads = [threading.Thread(target=claimant, args=(uid,)) for uid in coordinators]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    winners = [r for r in results if r.startswith("won:")]
    refusals = [r for r in results if r.startswith("refused:")]
    assert len(winners) == 1 and len(refusals) == 9
    owner = winners[0].removeprefix("won:")
    assert all(r == f"refused:{owner}" for r in refusals)  # each refusal says who has it
    with factory() as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.action == "case.claim")).all()
        assert [(r.actor, r.target) for r in rows] == [(owner, reference)]
        case = session.scalar(select(cases.Case).where(cases.Case.reference == reference))
        assert case is not None and case.status == "claimed"
    engine.dispose()


def test_the_second_claimant_is_told_who_has_it(sqlite_url: str) -> None:
    with LiveBot(make_settings(sqlite_url)) as bot:
        world = populate(bot)
        first, second = world.login("coordinator"), world.login("admin")
        pages = [c.get(f"/cases/{world.case_in_org}").text for c in (first, second)]
        for client, page in zip((first, second), pages, strict=True):  # both saw the button, then both click
            token = page.split('name="csrf_token" value="')[1].split('"')[0]
            client.post(f"/cases/{world.case_in_org}/claim", data={"csrf_token": token})
        assert "このケースの担当になりました" in first.get(f"/cases/{world.case_in_org}").text
        refused = second.get(f"/cases/{world.case_in_org}").text
        assert f"担当になれませんでした：{EMAILS['coordinator']} さんが担当しています" in refused
        with bot.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'case.claim'")).scalar_one() == 1
