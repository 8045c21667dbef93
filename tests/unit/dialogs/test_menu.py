"""The foundation dialog, pure: no database, no SDK."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pytest

from dialogs import texts
from dialogs.hours import DEFAULT
from dialogs.menu import Node
from dialogs.menu import step as menu_step
from dialogs.model import Choices, Inbound, Kind, State, Text
from tests.kb import ANSWERS as KB
from tests.kb import KNOWLEDGE as DEFAULT_KNOWLEDGE

step = partial(menu_step, knowledge=DEFAULT_KNOWLEDGE)
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


def test_first_message_without_follow_is_greeted() -> None:  # even a question: first contact greets
    assert step(State(), typed("あのー")).replies[0] == Text(texts.GREETING)


@pytest.mark.parametrize(
    ("inbound", "first"),
    [
        (tapped("menu:faq"), texts.FAQ_PROMPT),
        (typed("よくある質問"), texts.FAQ_PROMPT),
        (typed("ＦＡＱ"), texts.FAQ_PROMPT),
        (typed("質問です。"), texts.FAQ_PROMPT),
        # Sunday evening before 勤労感謝の日 (Monday): a person replies on Tuesday morning.
        (typed(" 担当者と話したい！"), texts.HUMAN_ACK_CLOSED.format(when="11月24日（火）9時以降", hours=DEFAULT.describe())),
        (tapped("faq:show:limits"), KB["limits"]),
        (typed("最初から"), texts.RESTARTED),
        (typed("やり直したいです"), texts.RESTARTED),
        (typed("やめます"), texts.CANCELLED),
        (typed("ｷｬﾝｾﾙ"), texts.CANCELLED),  # 半角カナ
        (typed("こんにちは"), texts.MENU_PROMPT),
        (Inbound(Kind.STICKER, NOW), texts.NOT_TEXT),
        (Inbound(Kind.IMAGE, NOW), texts.NOT_TEXT),
        (typed("🙂"), texts.FAQ_DECLINE),
        (typed("あ" * 5000), texts.FAQ_DECLINE),
        (typed("オンラインでも相談できますか"), KB["online"]),
    ],
)
def test_taps_and_typing_reach_the_same_answers(inbound: Inbound, first: str) -> None:
    assert step(AT_MENU, inbound).replies[0].text == first  # type: ignore[union-attr]


def test_a_long_sentence_mentioning_a_command_is_not_a_command() -> None:
    sentence = "以前に相談をやめる話になったのですが、もう一度最初から検討したいと考えています"
    assert step(AT_MENU, typed(sentence)).replies[0].text not in (texts.CANCELLED, texts.RESTARTED)  # type: ignore[union-attr]


def test_a_question_gets_an_answer_then_was_it_solved() -> None:
    t = step(AT_MENU, typed("何回まで専門家に来てもらえますか"))
    assert t.replies[0] == Text(KB["limits"]) and t.replies[1].text == texts.FAQ_SOLVED  # type: ignore[union-attr]
    solved = step(t.state, typed("はい"))
    assert solved.replies[0].text == texts.FAQ_THANKS and solved.state.node == "menu"  # type: ignore[union-attr]
    unsolved = step(t.state, tapped("faq:no"))
    assert [e.kind for e in unsolved.effects] == ["faq_unhelpful"]
    assert unsolved.effects[0].payload | {"question": ""} == {"faq_id": "limits", "question": "", "typed": "",
                                                               "how": "tap"}
    assert [e.kind for e in solved.effects] == ["faq_helpful"]
    assert solved.effects[0].payload["how"] == "typed" and solved.effects[0].payload["typed"] == "はい"
    assert [e.kind for e in t.effects] == ["faq_answered"]
    assert "担当者と話したい" in [c.label for c in unsolved.replies[-1].choices]  # type: ignore[union-attr]


def test_an_unknown_question_is_declined_and_recorded_without_personal_data() -> None:
    t = step(AT_MENU, typed("明日の天気は？ 090-1234-5678 taro@example.jp まで"))
    assert t.replies[0] == Text(texts.FAQ_DECLINE)
    [missed] = t.effects
    assert missed.kind == "faq_missed" and "090" not in missed.payload["question"]
    assert "example.jp" not in missed.payload["question"]


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


@pytest.mark.parametrize(("typed", "helpful"), [("はい", True), ("わかりました", True), ("ありがとう、助かりました", True),
                                                ("いいえ", False), ("わからんかった", False), ("だめでした", False)])
def test_solved_is_recorded_for_yes_no_and_typed_answers(typed: str, helpful: bool) -> None:
    shown = State("faq", {"faq_id": "online", "asked": "オンラインでも相談できますか"})
    t = step(shown, typed_in(typed))
    [effect] = t.effects
    assert effect.kind == ("faq_helpful" if helpful else "faq_unhelpful")
    assert effect.payload["faq_id"] == "online" and effect.payload["typed"] == typed


def typed_in(text: str) -> Inbound:
    return Inbound(Kind.TEXT, NOW, text=text)
