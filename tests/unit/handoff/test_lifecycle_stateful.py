"""A stateful test of the desk: several coordinators and an admin claim, release, reassign, talk in person mode,
ask, decide, log visits, close and reopen cases in any order. After every step: one owner at most (and none for a
new case), only moves in the table, an audit trail that replays to the case's status and owner, and the business
owner told each decision exactly once."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from handoff import ask, cases, lifecycle, person, relay, visits
from handoff import decide as decisions
from handoff.lifecycle import FINAL, MOVES, Move, Status
from handoff.tables import Case
from tests.unit.handoff.desk import ADMIN, CHANNELS, COORDINATORS, Desk, desk, new_case, sent_texts, trail

STAFF = st.sampled_from((*COORDINATORS, ADMIN))
REFUSALS = (lifecycle.Refused, visits.VisitError, decisions.DecisionError, relay.RelayError)
DECISION_WORDS = {"approve": "専門家の派遣が決まりました", "reject": "対象とすることができませんでした",
                  "route": "（実施要領 3(2)ア）"}
DESK: dict[str, Desk] = {}


@pytest.fixture(scope="module")
def shared_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    shm = Path("/dev/shm")  # noqa: S108 - a RAM disk where there is one: thousands of commits without fsync waits
    folder = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path_factory.mktemp("stateful")
    with desk(f"sqlite:///{folder / 'desk.db'}") as made:
        DESK["d"] = made
        yield made
    DESK.clear()
    shutil.rmtree(folder, ignore_errors=True)


class CaseDesk(RuleBasedStateMachine):
    """One case (a fresh one per example) worked on by three coordinators and an admin."""

    counter = 0

    @initialize(kind=st.sampled_from(("application", "application", "callback")))
    def open_case(self, kind: str) -> None:
        self.d = DESK["d"]
        CaseDesk.counter += 1
        self.user = f"S{CaseDesk.counter}"
        with self.d.factory.begin() as session:
            case = new_case(session, self.user, kind=kind)
            self.case_id, self.reference, self.key = case.id, case.reference, case.conversation_key

    def act(self, work: Callable[[Session, Case], Any]) -> None:
        try:
            with self.d.factory.begin() as session:
                work(session, session.get(Case, self.case_id) or Case())
        except REFUSALS:
            pass

    @rule(who=STAFF)
    def claim(self, who: str) -> None:
        self.act(lambda s, c: cases.claim(session=s, reference=c.reference, coordinator=self.d.user(s, who),
                                          now=utcnow()))

    @rule(who=STAFF)
    def release(self, who: str) -> None:
        self.act(lambda s, c: cases.release(session=s, case=c, actor=self.d.user(s, who), now=utcnow()))

    @rule(who=STAFF, to=STAFF)
    def reassign(self, who: str, to: str) -> None:
        self.act(lambda s, c: cases.reassign(session=s, case=c, to=self.d.user(s, to), actor=self.d.user(s, who),
                                             now=utcnow()))

    @rule(who=STAFF, on=st.booleans())
    def person_mode(self, who: str, on: bool) -> None:
        switch = person.start if on else person.end
        self.act(lambda s, c: switch(session=s, case=c, actor=self.d.user(s, who), channels=CHANNELS, now=utcnow()))

    @rule()
    def owner_hands_back(self) -> None:
        self.act(lambda s, c: person.end(session=s, case=c, actor=None, channels=CHANNELS, now=utcnow(),
                                         tell_owner=False))

    @rule(who=STAFF)
    def say(self, who: str) -> None:
        self.act(lambda s, c: person.say(session=s, case=c, text="ご都合はいかがですか", actor=self.d.user(s, who),
                                         channels=CHANNELS, now=utcnow()))

    @rule(who=STAFF)
    def ask_item(self, who: str) -> None:
        self.act(lambda s, c: ask.request(session=s, case=c, item="business", actor=self.d.user(s, who),
                                          channels=CHANNELS, now=utcnow()))

    @rule(who=STAFF, decision=st.sampled_from(("approve", "reject", "route")))
    def decide(self, who: str, decision: str) -> None:
        def work(s: Session, c: Case) -> None:
            actor = self.d.user(s, who)
            if decision == "approve":
                decisions.approve(session=s, case=c, actor=actor, expert="山田 花子", mode="visit", visits=2,
                                  channels=CHANNELS, now=utcnow())
            elif decision == "reject":
                decisions.reject(session=s, case=c, actor=actor, reasons=["advisory"], message="",
                                 channels=CHANNELS, now=utcnow())
            else:
                decisions.route(session=s, case=c, actor=actor, message="", channels=CHANNELS, now=utcnow())

        self.act(work)

    @rule(who=STAFF)
    def visit(self, who: str) -> None:
        self.act(lambda s, c: visits.log(session=s, case=c, actor=self.d.user(s, who), visited_on=date.today(),
                                         duration="2", mode="visit", expert="山田 花子", report="", now=utcnow()))

    @rule(who=STAFF)
    def close(self, who: str) -> None:
        self.act(lambda s, c: person.close(session=s, case=c, actor=self.d.user(s, who), channels=CHANNELS,
                                           now=utcnow()))

    @rule(who=STAFF)
    def reopen(self, who: str) -> None:
        self.act(lambda s, c: cases.reopen(session=s, case=c, actor=self.d.user(s, who), reason="確認のため",
                                           now=utcnow()))

    @invariant()
    def the_desk_agrees_with_itself(self) -> None:
        with self.d.factory() as session:
            case = session.get(Case, self.case_id)
            assert case is not None
            status = Status(case.status)
            assert (case.owner_id is None) == (status is Status.NEW), "a new case has no owner; others have one"
            assert not (case.in_person and status in FINAL)
            rows = trail(session, self.reference)
            moves = [r for r in rows if r.action.removeprefix("case.") in set(Move)]
            at, owner = Status.NEW, None
            for row in moves:
                move, detail = Move(row.action.removeprefix("case.")), row.detail
                assert (detail["from"], detail["from_owner"]) == (at, owner), "the trail replays without gaps"
                assert MOVES.get((move, Status(detail["from"]))) == detail["to"], f"{move} is not in the table"
                at, owner = Status(detail["to"]), detail["to_owner"]
            assert (at, owner) == (status, case.owner_id), "the trail ends where the case is"
            told = sent_texts(session, self.key)
            for decision, words in DECISION_WORDS.items():
                made = sum(1 for r in moves if r.action == f"case.{decision}")
                assert sum(words in t for t in told) == made, f"the owner is told each {decision} once"


@pytest.mark.usefixtures("shared_desk")
def test_the_desk_never_contradicts_itself() -> None:
    CaseDesk.TestCase.settings = settings(max_examples=1000, stateful_step_count=10, deadline=None,
                                          suppress_health_check=[HealthCheck.too_slow], derandomize=True)
    CaseDesk.TestCase().runTest()
