"""Simulated owners through the pure dialog: how many reach the outcome the 要領 prescribes, and in how many actions
(development and held-out owners side by side). The same owners run over the real LINE path in
tests/e2e/test_simulated_owners.py.

    .venv/bin/python bench/owners.py [--show]     # --show: what went wrong (development owners only)
"""

from __future__ import annotations

import statistics
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from dialogs.main import step
from dialogs.model import Card, Choices, Inbound, Kind, State, Text
from knowledge.answers import IndexKnowledge
from knowledge.content import default_index
from tests.simulation import check, owners, play

KNOWLEDGE = IndexKnowledge(default_index)


class PureOwner:
    def __init__(self) -> None:
        self.state = State()
        self.at = datetime(2026, 11, 30, 10, tzinfo=UTC)
        self.case: dict[str, Any] | None = None
        self.send("")  # follow

    def send(self, text: str) -> list[str]:
        self.at += timedelta(seconds=30)
        kind = Kind.FOLLOW if not text else Kind.TEXT
        t = step(self.state, Inbound(kind, self.at, text=text), KNOWLEDGE)
        self.state = t.state
        for e in t.effects:
            if e.kind == "case_submitted":
                self.case = dict(e.payload)
        said = []
        for r in t.replies:
            if isinstance(r, Text | Choices):
                said.append(r.text.replace("{reference}", "KD-0000").replace("{reply_days}", "3"))
            elif isinstance(r, Card):
                said.append(r.title)
        return said


def run(name: str) -> tuple[int, int, list[int], list[tuple[str, list[str]]]]:
    right, actions, wrong = 0, [], []
    group = owners(name)
    for owner in group:
        pure = PureOwner()
        played = play(owner, pure.send)
        problems = check(owner, played, pure.case)
        right += not problems
        if played.end == "submitted":
            actions.append(played.actions)
        if problems:
            wrong.append((owner["id"], problems))
    return right, len(group), actions, wrong


def main() -> None:
    for name in (
        "owners_dev.yaml",
        "owners_dev2.yaml",
        "owners_dev3.yaml",
        "owners_dev4.yaml",
        "owners_heldout.yaml",
        "owners_heldout2.yaml",
        "owners_heldout3.yaml",
        "owners_heldout4.yaml",
    ):
        right, total, actions, wrong = run(name)
        if not total:
            continue
        print(
            f"{name:22} right {right}/{total} ({right / total:.2f}); actions to submit: median "
            f"{statistics.median(actions) if actions else 0}, mean {statistics.mean(actions) if actions else 0:.1f}, "
            f"max {max(actions) if actions else 0}"
        )
        if "--show" in sys.argv and "heldout" not in name:  # held-out failures are never looked at
            for oid, problems in wrong:
                print(" ", oid, problems)


if __name__ == "__main__":
    main()
