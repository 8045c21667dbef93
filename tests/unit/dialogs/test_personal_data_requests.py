"""A request about the owner's own personal data (開示・削除・利用停止) is recognised at the menu and handed to the
desk with a clear answer, instead of 「お答えできません」."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pytest

from dialogs import texts
from dialogs.menu import Node
from dialogs.menu import step as menu_step
from dialogs.model import Effect, Inbound, Kind, State, Text
from tests.kb import KNOWLEDGE

step = partial(menu_step, knowledge=KNOWLEDGE)
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("said", ["私の個人情報を削除してください", "個人情報の開示をお願いします",
                                  "登録した情報を消してほしいです", "個人情報を使わないでください",
                                  "わたしの情報をみせてください", "個人情報はどう扱われますか？", "個人情報の利用停止"])
def test_a_personal_data_request_is_handed_to_the_desk(said: str) -> None:
    t = step(State(Node.MENU.value), Inbound(Kind.TEXT, NOW, text=said))
    assert isinstance(t.replies[0], Text) and t.replies[0].text == texts.PERSONAL_DATA_ACK
    assert t.effects == (Effect("handoff_requested", {"reason": "personal_data"}),)
    assert t.state.node == Node.MENU


@pytest.mark.parametrize("said", ["削除してください", "個人情報の入力は必要ですか", "担当者と話したい"])
def test_other_messages_are_not_read_as_one(said: str) -> None:
    t = step(State(Node.MENU.value), Inbound(Kind.TEXT, NOW, text=said))
    assert all(getattr(r, "text", "") != texts.PERSONAL_DATA_ACK for r in t.replies)
