"""Races on PostgreSQL: the case row lock makes concurrent moves take turns, so the desk never says two things."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from handoff import cases, lifecycle
from handoff import decide as decisions
from handoff.tables import Case
from tests.unit.handoff.desk import ADMIN, CHANNELS, COORDINATORS, Desk, desk, new_case, sent_texts, trail

pytestmark = pytest.mark.postgres
Work = Callable[[Session, Case], Any]


def race(d: Desk, case_id: int, works: list[Work]) -> list[str]:
    """Run each work in its own transaction, all released at once; 'won' or the refusal, per work."""
    barrier = threading.Barrier(len(works))
    results = [""] * len(works)

    def run(i: int, work: Work) -> None:
        try:
            with d.factory.begin() as session:
                case = session.get(Case, case_id)
                assert case is not None
                barrier.wait(10)  # every transaction has read the case: now everybody clicks
                work(session, case)
            results[i] = "won"
        except lifecycle.Refused as exc:
            results[i] = str(exc)

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(works)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_approve_and_reject_from_two_coordinators_at_once_one_decision_one_message(postgres_url: str) -> None:
    owner, other = COORDINATORS[0], COORDINATORS[1]
    with desk(postgres_url) as d:
        with d.factory.begin() as session:
            case = new_case(session, "Urace")
            cases.claim(session=session, reference=case.reference, coordinator=d.user(session, owner), now=utcnow())
            case_id, reference, key = case.id, case.reference, case.conversation_key

        def approve(who: str) -> Work:
            return lambda s, c: decisions.approve(session=s, case=c, actor=d.user(s, who), expert="山田 花子",
                                                  mode="visit", visits=3, channels=CHANNELS, now=utcnow())

        def reject(who: str) -> Work:
            return lambda s, c: decisions.reject(session=s, case=c, actor=d.user(s, who), reasons=["advisory"],
                                                 message="", channels=CHANNELS, now=utcnow())

        results = race(d, case_id, [approve(owner), reject(owner), approve(other), reject(other), approve(owner)])
        assert results.count("won") == 1, results
        assert all("だけ" in r or "ことができません" in r for r in results if r != "won")
        with d.factory() as session:
            told = [t for t in sent_texts(session, key) if "決まりました" in t or "できませんでした" in t]
            decided = [r for r in trail(session, reference) if r.action in ("case.approve", "case.reject")]
            assert len(told) == 1 and len(decided) == 1
            assert session.get(Case, case_id).status == decided[0].detail["to"]  # type: ignore[union-attr]


def test_reassign_raced_with_five_claims_the_audit_agrees_with_the_final_owner(postgres_url: str) -> None:
    with desk(postgres_url) as d:
        with d.factory.begin() as session:
            case = new_case(session, "Urace2")
            case_id, reference = case.id, case.reference
        def claim(who: str) -> Work:
            return lambda s, c: cases.claim(session=s, reference=c.reference, coordinator=d.user(s, who),
                                            now=utcnow())

        claims = [claim(who) for who in (*COORDINATORS, COORDINATORS[0], COORDINATORS[1])]
        reassign: Work = lambda s, c: cases.reassign(session=s, case=c, to=d.user(s, COORDINATORS[2]),  # noqa: E731
                                                     actor=d.user(s, ADMIN), now=utcnow())
        results = race(d, case_id, [*claims[:3], reassign, *claims[3:]])
        assert results.count("won") in (1, 2), results  # at most one claim (before the reassign), and the reassign
        assert results[3] == "won"  # the admin's reassign always happens, on top of whoever claimed
        with d.factory() as session:
            final = session.get(Case, case_id)
            assert final is not None and final.status == "claimed"
            owner = None
            for row in trail(session, reference):
                assert row.detail["from_owner"] == owner, "each row starts where the last ended"
                owner = row.detail["to_owner"]
            assert owner == final.owner_id == d.ids[COORDINATORS[2]]  # reassigned, before or after a claim
