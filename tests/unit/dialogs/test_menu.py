"""The foundation dialog, pure: no database, no SDK."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialogs import texts
from dialogs.menu import Node, step
from dialogs.model import Choices, Inbound, Kind, State, Text

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
AT_MENU = State(Node.MENU.value, {"keep": 1})


def typed(text: str) -> Inbound:
    return Inbound(Kind.TEXT, NOW, text=text)


def tapped(data: str) -> Inbound:
    return Inbound(Kind.POSTBACK, NOW, data=data)


def first_text(reply: Text | Choices) -> str:
    return reply.text


def test_follow_greets_and_offers_the_menu() -> None:
    t = step(State(), Inbound(Kind.FOLLOW, NOW))
    assert t.state.node == Node.MENU
    assert [first_text(r) for r in t.replies] == [texts.GREETING, texts.MENU_PROMPT]  # type: ignore[arg-type]
    assert isinstance(t.replies[-1], Choices) and len(t.replies[-1].choices) == 3


def test_first_message_without_follow_is_greeted() -> None:
    assert step(State(), typed("あのー")).replies[0] == Text(texts.GREETING)


@pytest.mark.parametrize(
    ("inbound", "first"),
    [
        (tapped("menu:faq"), texts.FAQ_PROMPT),
        (typed("よくある質問"), texts.FAQ_PROMPT),
        (typed("ＦＡＱ"), texts.FAQ_PROMPT),
        (typed("質問です。"), texts.FAQ_PROMPT),
        (typed(" 担当者と話したい！"), texts.HUMAN_ACK),
        (tapped("faq:limits"), texts.FAQ_LIMITS),
        (typed("最初から"), texts.RESTARTED),
        (typed("やり直したいです"), texts.RESTARTED),
        (typed("やめます"), texts.CANCELLED),
        (typed("ｷｬﾝｾﾙ"), texts.CANCELLED),  # 半角カナ
        (typed("こんにちは"), texts.MENU_PROMPT),
        (Inbound(Kind.STICKER, NOW), texts.NOT_TEXT),
        (Inbound(Kind.IMAGE, NOW), texts.NOT_TEXT),
        (typed("🙂"), texts.NOT_UNDERSTOOD),
        (typed("あ" * 5000), texts.NOT_UNDERSTOOD),
    ],
)
def test_taps_and_typing_reach_the_same_answers(inbound: Inbound, first: str) -> None:
    assert step(AT_MENU, inbound).replies[0].text == first  # type: ignore[union-attr]


def test_a_long_sentence_mentioning_a_command_is_not_a_command() -> None:
    sentence = "以前に相談をやめる話になったのですが、もう一度最初から検討したいと考えています"
    assert step(AT_MENU, typed(sentence)).replies[0] == Text(texts.NOT_UNDERSTOOD)


def test_restart_clears_the_slots_and_other_steps_keep_them() -> None:
    assert step(AT_MENU, typed("最初から")).state.slots == {}
    assert step(AT_MENU, tapped("menu:faq")).state.slots == {"keep": 1}


def test_asking_for_a_person_asks_the_shell_for_a_handoff() -> None:
    t = step(AT_MENU, tapped("menu:human"))
    assert [e.kind for e in t.effects] == ["handoff_requested"]


def test_unfollow_says_nothing_and_follow_again_greets() -> None:
    gone = step(AT_MENU, Inbound(Kind.UNFOLLOW, NOW))
    assert gone.replies == () and gone.state.node == Node.UNFOLLOWED
    assert step(gone.state, Inbound(Kind.FOLLOW, NOW)).replies[0] == Text(texts.GREETING)
