"""The menu that goes with a state, and what the rich menus' buttons do in the pure dialog."""

from __future__ import annotations

from datetime import UTC, datetime

from dialogs import hours, main, person, texts
from dialogs.model import Inbound, Kind, State, Text
from dialogs.prescreen import flow

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def tap(data: str, **facts: object) -> Inbound:
    return Inbound(Kind.POSTBACK, NOW, data=data, facts=facts)


def test_the_menu_follows_the_state() -> None:
    started = main.step(State(), tap("menu:consult"))
    assert main.menu_of(State()) == "default" and main.menu_of(started.state) == "prescreen"
    assert main.menu_of(person.start(started.state, "KD-2026-0001", hours.DEFAULT)) == "person"
    assert main.menu_of(main.step(started.state, tap("cmd:cancel")).state) == "default"


def test_continue_asks_the_pending_question_again_and_changes_nothing() -> None:
    started = main.step(State(), tap("menu:consult"))
    again = main.step(started.state, tap(flow.CONTINUE))
    assert again.replies == flow.pending_question(started.state) and again.state.slots == {
        **started.state.slots, "_at": NOW.isoformat()}


def test_status_lists_the_open_cases_or_says_there_are_none() -> None:
    none = main.step(State("menu"), tap("menu:status"))
    assert none.replies[0] == Text(texts.STATUS_NONE)
    some = main.step(State("menu"), tap("menu:status", cases=[{"reference": "KD-2026-0007", "status": "claimed"}]))
    first = some.replies[0]
    assert isinstance(first, Text) and "KD-2026-0007：担当者が確認しています" in first.text
    telegram = main.step(State("menu"), Inbound(Kind.TEXT, NOW, text="申請の状況", channel="telegram",
                                                facts={"cases": [{"reference": "KD-2026-0008", "status": "new"}]}))
    said = telegram.replies[0]
    assert isinstance(said, Text) and "このチャットでご連絡します" in said.text and "トーク" not in said.text
