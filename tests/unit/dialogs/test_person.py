"""Person mode as a pure step: silent but for one acknowledgement, everything relayed, 「ボットに戻る」 hands back."""

from __future__ import annotations

from datetime import UTC, datetime

from dialogs import person, texts
from dialogs.main import step
from dialogs.model import Inbound, Kind, State

MONDAY_10_JST = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
MONDAY_18_JST = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SATURDAY_10_JST = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


def talking() -> State:
    return person.start(State("prescreen", {"theme": "sns"}), "KD-2026-0001", (9, 17))


def test_one_acknowledgement_then_silence_and_everything_relayed() -> None:
    first = step(talking(), Inbound(Kind.TEXT, MONDAY_10_JST, text="よろしくお願いします"))
    assert [r.text for r in first.replies] == [texts.PERSON_ACK]  # type: ignore[union-attr]
    second = step(first.state, Inbound(Kind.STICKER, MONDAY_10_JST))
    assert second.replies == ()
    assert [e.kind for e in first.effects + second.effects] == ["relay_in", "relay_in"]
    assert second.effects[0].payload["kind"] == "sticker"


def test_outside_business_hours_the_acknowledgement_says_when() -> None:
    for at in (MONDAY_18_JST, SATURDAY_10_JST):
        reply = step(talking(), Inbound(Kind.TEXT, at, text="もしもし")).replies[0]
        assert reply.text == texts.PERSON_ACK_CLOSED.format(start=9, end=17)  # type: ignore[union-attr]


def test_commands_do_not_escape_but_back_to_bot_does_and_restores_the_state() -> None:
    stay = step(talking(), Inbound(Kind.TEXT, MONDAY_10_JST, text="最初から"))
    assert stay.state.node == person.NODE and stay.effects[0].kind == "relay_in"
    back = step(stay.state, Inbound(Kind.TEXT, MONDAY_10_JST, text="ボットに戻る"))
    assert back.state == State("prescreen", {"theme": "sns"}) and back.replies[0].text == texts.PERSON_ENDED  # type: ignore[union-attr]
    assert [e.kind for e in back.effects] == ["person_ended"]
