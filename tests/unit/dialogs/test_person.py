"""Person mode as a pure step: silent but for one acknowledgement, everything relayed, 「ボットに戻る」 hands back."""

from __future__ import annotations

from datetime import UTC, datetime

from dialogs import person, texts
from dialogs.hours import DEFAULT
from dialogs.main import step
from dialogs.model import Inbound, Kind, State

MONDAY_10_JST = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
MONDAY_18_JST = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SATURDAY_10_JST = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
HOLIDAY_10_JST = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 勤労感謝の日, a Monday


def talking() -> State:
    return person.start(State("prescreen", {"theme": "sns"}), "KD-2026-0001", DEFAULT)


def test_one_acknowledgement_then_silence_and_everything_relayed() -> None:
    first = step(talking(), Inbound(Kind.TEXT, MONDAY_10_JST, text="よろしくお願いします"))
    assert [r.text for r in first.replies] == [texts.PERSON_ACK]  # type: ignore[union-attr]
    second = step(first.state, Inbound(Kind.STICKER, MONDAY_10_JST))
    assert second.replies == ()
    assert [e.kind for e in first.effects + second.effects] == ["relay_in", "relay_in"]
    assert second.effects[0].payload["kind"] == "sticker"


def test_outside_business_hours_the_acknowledgement_says_when() -> None:
    cases = ((MONDAY_18_JST, "12月1日（火）9時以降"), (SATURDAY_10_JST, "11月30日（月）9時以降"),
             (HOLIDAY_10_JST, "11月24日（火）9時以降"))
    for at, when in cases:
        reply = step(talking(), Inbound(Kind.TEXT, at, text="もしもし")).replies[0]
        assert reply.text == texts.PERSON_ACK_CLOSED.format(when=when, hours=DEFAULT.describe())  # type: ignore[union-attr]
        assert "平日9時〜17時（土日祝・年末年始を除く）" in reply.text  # type: ignore[union-attr]


def test_an_older_state_with_an_hours_pair_still_reads() -> None:
    old = State(person.NODE, {"case": "KD-2026-0001", "acked": False, "hours": [9, 17], "previous": {}})
    assert step(old, Inbound(Kind.TEXT, MONDAY_10_JST, text="はい")).replies[0].text == texts.PERSON_ACK  # type: ignore[union-attr]


def test_commands_do_not_escape_but_back_to_bot_does_and_restores_the_state() -> None:
    stay = step(talking(), Inbound(Kind.TEXT, MONDAY_10_JST, text="最初から"))
    assert stay.state.node == person.NODE and stay.effects[0].kind == "relay_in"
    back = step(stay.state, Inbound(Kind.TEXT, MONDAY_10_JST, text="ボットに戻る"))
    assert back.state == State("prescreen", {"theme": "sns"}) and back.replies[0].text == texts.PERSON_ENDED  # type: ignore[union-attr]
    assert [e.kind for e in back.effects] == ["person_ended"]
