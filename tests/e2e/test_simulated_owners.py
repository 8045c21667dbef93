"""Simulated owners over the real LINE path: signed webhooks in, the real line-bot-sdk out to the fake LINE server
(which fails the test on any platform-limit violation), a real database; each owner answers whatever the bot asks
from its own story (tests/data/understanding/owners_*.yaml, written without seeing the readers), and the case the
desk receives is checked against the outcome the 要領 prescribes. Figures for all owners: bench/owners.py."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.tables import Case
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.owner import Owner
from tests.fakes.line_server import FakeLine
from tests.simulation import check, owners, play

DEV = owners("owners_dev.yaml")
HELD_OUT = owners("owners_heldout.yaml")[:10]


@pytest.mark.slow
def test_simulated_owners_reach_the_prescribed_outcome_over_line(sqlite_url: str, fake_line: FakeLine) -> None:
    group = DEV + HELD_OUT
    assert len(group) >= 30
    results: dict[str, list[str]] = {}
    actions: list[int] = []
    with LiveBot(make_settings(sqlite_url, fake_line.url)) as bot:  # type: ignore[attr-defined]
        for spec in group:
            owner = Owner(bot, fake_line, f"Usim{spec['id']}")
            owner.follow()
            played = play(spec, owner.say)
            with Session(bot.engine) as session:
                row = session.scalars(select(Case).where(Case.conversation_key.endswith(owner.user),
                                                         Case.kind == "application")).first()
                case = ({**row.fields, "outcome": row.outcome, "flags": list(row.flags)} if row is not None else None)
            if played.end == "submitted":
                assert case is not None, f"{spec['id']}: the bot said it was sent, but no case was created"
                actions.append(played.actions)
            results[spec["id"]] = check(spec, played, case)
    wrong = {k: v for k, v in results.items() if v}
    dev_right = sum(1 for o in DEV if not results[o["id"]]) / len(DEV)
    print(f"\nsimulated owners over LINE: {len(group) - len(wrong)}/{len(group)} right; development {dev_right:.2f}; "
          f"actions to submit: mean {sum(actions) / max(len(actions), 1):.1f}")
    for k, v in wrong.items():
        print(" ", k, v)
    assert dev_right >= 0.8, wrong
