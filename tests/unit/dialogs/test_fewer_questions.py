"""Fewer questions (issue 11, item 3): what the owner already said is not asked again, and two things asked in one
question are both taken — the real knowledge base, the pure dialog."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialogs.main import step
from dialogs.model import Inbound, Kind, State, Transition
from dialogs.prescreen import flow, texts
from dialogs.prescreen.places import locate
from knowledge.answers import IndexKnowledge
from knowledge.content import default_index

NOW = datetime(2026, 11, 22, 10, tzinfo=UTC)
KNOWLEDGE = IndexKnowledge(default_index)
# Everything before the representative's name (consent first; the rest as the flow would have filled it).
BEFORE_NAME = {"consent": True, "in_kumamoto": True, "municipality": "玉名市", "org_type": "sole_proprietor",
               "industry": "retail", "employees": 2, "employees_range": [2, 2], "shokokai": None,
               "shokokai_status": "none", "problem": "レジを新しくしたい", "theme": "cashless", "expert": "none",
               "usage": "none", "business": "雑貨店", "situation": "横ばい", "business_name": "たまな雑貨",
               "_at": NOW.isoformat()}


def said(t: Transition) -> str:
    return "\n".join(getattr(r, "text", "") or getattr(r, "title", "") for r in t.replies)


def answer(text: str) -> Transition:
    return step(State(flow.NODE, dict(BEFORE_NAME)), Inbound(Kind.TEXT, NOW, text=text), KNOWLEDGE)


def test_the_name_and_the_phone_are_asked_in_one_question() -> None:
    t = step(State(flow.NODE, {k: v for k, v in BEFORE_NAME.items() if k != "business_name"}),
             Inbound(Kind.TEXT, NOW, text="たまな雑貨"), KNOWLEDGE)
    assert texts.ASK_REPRESENTATIVE in said(t) and "電話番号" in texts.ASK_REPRESENTATIVE


@pytest.mark.parametrize(("text", "name", "phone"), [
    ("熊本太郎 090-1234-5678", "熊本太郎", "09012345678"),
    ("090-1234-5678 熊本太郎", "熊本太郎", "09012345678"),
    ("代表の田中 花子です 電話は店の番号で、0968-11-2233です。昼は出られます", "代表の田中 花子です", "0968112233"),
    ("山本一郎　〇九六－三二二－四四五五", "山本一郎", "0963224455"),
    ("やまだ はなこ ぜろきゅうろく にいち さんよん ななはちきゅう", "やまだ はなこ", "0962134789"),
])
def test_the_number_is_taken_out_of_the_name(text: str, name: str, phone: str) -> None:
    t = answer(text)
    assert t.state.slots["representative"] == name and t.state.slots["phone"] == phone
    assert texts.ASK_PHONE not in said(t) and t.state.slots.get("_stage") == "confirm"  # nothing left to ask


def test_a_name_alone_then_the_phone_is_asked() -> None:
    t = answer("熊本太郎です")
    assert t.state.slots["representative"] == "熊本太郎です" and "phone" not in t.state.slots
    assert texts.ASK_PHONE in said(t)


def test_a_number_alone_asks_the_name_again() -> None:
    t = answer("096-111-2222")
    assert t.state.slots["phone"] == "0961112222" and "representative" not in t.state.slots
    assert texts.ASK_REPRESENTATIVE in said(t)


def test_what_was_told_at_the_menu_just_before_is_not_asked_after_consent() -> None:
    """A question the FAQ answers, with the business's place in it; then 「相談したいです」: the place waits for the
    yes like the opening's facts, and is not asked."""
    t = step(State("menu"), Inbound(Kind.TEXT, NOW, text="八代市で畳屋をしています。費用はかかりますか？"), KNOWLEDGE)
    assert t.state.node != flow.NODE and t.state.slots["_told"]["municipality"] == "八代市"
    t = step(t.state, Inbound(Kind.TEXT, NOW, text="相談したいです"), KNOWLEDGE)
    assert t.state.node == flow.NODE and "municipality" not in t.state.slots  # not before consent
    t = step(t.state, Inbound(Kind.POSTBACK, NOW, data="ps:consent:yes"), KNOWLEDGE)
    assert t.state.slots["municipality"] == "八代市" and texts.ASK_LOCATION not in said(t)


def test_what_was_told_is_kept_for_one_turn_only() -> None:
    t = step(State("menu"), Inbound(Kind.TEXT, NOW, text="八代市で畳屋をしています。費用はかかりますか？"), KNOWLEDGE)
    t = step(t.state, Inbound(Kind.TEXT, NOW, text="ありがとう"), KNOWLEDGE)
    assert "_told" not in t.state.slots
    t = step(t.state, Inbound(Kind.TEXT, NOW, text="相談したいです"), KNOWLEDGE)
    t = step(t.state, Inbound(Kind.POSTBACK, NOW, data="ps:consent:yes"), KNOWLEDGE)
    assert "municipality" not in t.state.slots and texts.ASK_LOCATION in said(t)


def test_a_business_introduced_with_nothing_asked_starts_the_consultation() -> None:
    t = step(State("menu"), Inbound(Kind.TEXT, NOW, text="人吉市の旅館です。"), KNOWLEDGE)
    assert t.state.node == flow.NODE and t.state.slots[flow.OPENING]["municipality"] == "人吉市"


@pytest.mark.parametrize("text", ["水俣のとなりの町で", "みなまた の となり で パンや", "山鹿の横の町でやってます"])
def test_a_neighbour_of_a_place_is_not_that_place(text: str) -> None:
    found = locate(text, placed=True)
    assert found is None or found[0] not in ("水俣市", "山鹿市")


@pytest.mark.parametrize(("text", "talk"), [("今日は暑かですね", True), ("寒くなりましたねえ", True), ("いい天気ですね", True),
                                          ("厳しいですね", False), ("雨の日は客が減りますね", False)])
def test_a_word_about_the_weather_is_small_talk_not_an_answer(text: str, talk: bool) -> None:
    from dialogs.understand.signals import small_talk
    assert small_talk(text) is talk


def test_a_question_about_the_program_leaves_nothing_told_and_is_answered() -> None:
    t = step(State("menu"), Inbound(Kind.TEXT, NOW, text="派遣は何回まで使えますか"), KNOWLEDGE)
    assert t.state.node != flow.NODE and "_told" not in t.state.slots  # 派遣 is the program, not a trade


@pytest.mark.parametrize(("typed", "own"), [
    ("車の整備工場でも使えるんですか？", True), ("美容室でもいいですか", True), ("うちの店も大丈夫ですか", True),
    ("ペットの犬を連れて行ってもよかですか", False), ("資料を持って行ってもいいですか", False),
])
def test_asking_leave_to_do_something_is_not_asking_whether_the_business_is_covered(typed: str, own: bool) -> None:
    """「〜ても(いい|よか)」 after a verb asks permission (て/で as conjunctive particles); 「工場でも」 names a business."""
    from dialogs.understand.consult import own_case

    assert own_case(typed, business_named=True) is own
    began = step(State(), Inbound(Kind.TEXT, NOW, text=typed), KNOWLEDGE).state.node == flow.NODE
    assert not began or own
