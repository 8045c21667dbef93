from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialogs.model import (
    Card,
    Choice,
    Choices,
    Inbound,
    Kind,
    State,
    Text,
    reply_from_dict,
    reply_to_dict,
)


def test_choice_limits_are_checked_where_the_text_is_written() -> None:
    Choice("あ" * 20, "x" * 64)
    with pytest.raises(ValueError):
        Choice("あ" * 21, "x")
    with pytest.raises(ValueError):
        Choice("ok", "あ" * 22)  # 66 bytes: over Telegram's 64
    with pytest.raises(ValueError):
        Choices("q", tuple(Choice(str(i), str(i)) for i in range(14)))


@pytest.mark.parametrize(
    "reply",
    [Text("こんにちは"), Choices("どれ？", (Choice("はい", "y"), Choice("いいえ", "n"))),
     Card("確認", (("業種", "製造業"), ("従業員", "25名")), (Choice("送信", "send"),))],
)
def test_replies_round_trip_through_json_dicts(reply: Text | Choices | Card) -> None:
    assert reply_from_dict(reply_to_dict(reply)) == reply


def test_inbound_and_state_round_trip() -> None:
    inbound = Inbound(Kind.POSTBACK, datetime(2026, 1, 2, tzinfo=UTC), data="menu:faq")
    assert Inbound.from_dict(inbound.to_dict()) == inbound
    state = State("menu", {"a": [1, 2]})
    assert State.from_dict(state.to_dict()) == state
    assert State.from_dict(None) == State()
