"""Rating the expert as a pure step (002 専門家の評価): six tap questions from wherever the owner is, typed digits
too, an optional comment, and a new request held while the last dispatch is unrated."""

from __future__ import annotations

from datetime import UTC, datetime

from dialogs import evaluation
from dialogs.main import step
from dialogs.model import Choices, Inbound, Kind, State, Text, Transition
from dialogs.prescreen import flow

AT = datetime(2026, 11, 30, 1, tzinfo=UTC)
MENU = State("menu", {"keep": 1})
CASE = "KD-2026-0001"


def tap(data: str) -> Inbound:
    return Inbound(Kind.POSTBACK, AT, data=data)


def say(text: str, **facts: object) -> Inbound:
    return Inbound(Kind.TEXT, AT, text=text, facts=facts)


def question(t: Transition) -> Choices:
    last = t.replies[-1]
    assert isinstance(last, Choices)
    return last


def test_the_first_question_names_the_case_and_the_expert_and_offers_five_taps() -> None:
    intro, first = evaluation.first(CASE, "山田 太郎")
    assert isinstance(intro, Text) and CASE in intro.text and "山田 太郎さん" in intro.text
    assert isinstance(first, Choices) and first.text.startswith("（1/6）コミュニケーション力")
    assert [c.data for c in first.choices] == [f"ev:{CASE}:0:{n}" for n in (5, 4, 3, 2, 1)]


def test_six_taps_from_the_menu_rate_once_then_a_comment_and_back_to_the_menu() -> None:
    t = step(MENU, tap(f"ev:{CASE}:0:5"))
    labels = []
    for score in (4, 3, 5, 2, 4):
        asked = question(t)
        labels.append(asked.text.split("\n")[0])
        assert not t.effects
        t = step(t.state, tap(asked.choices[5 - score].data))
    assert labels == ["（2/6）丁寧さ・説明のわかりやすさ", "（3/6）専門性", "（4/6）分析力", "（5/6）実現力", "（6/6）社会的マナー"]
    assert [(e.kind, e.payload) for e in t.effects] == [("expert_rated", {"case": CASE, "scores": {
        "communication": 5, "clarity": 4, "expertise": 3, "analysis": 5, "execution": 2, "manners": 4}})]
    assert question(t).text == evaluation.COMMENT
    done = step(t.state, say("丁寧でした。090-1234-5678 までご連絡ください"))
    assert done.state == MENU and done.replies == (Text(evaluation.THANKS),)
    [comment] = done.effects
    assert comment.kind == "expert_comment" and "090" not in comment.payload["text"]


def test_typed_digits_count_and_anything_else_asks_again() -> None:
    t = step(MENU, tap(f"ev:{CASE}:0:3"))
    again = step(t.state, say("よくわからない"))
    assert again.state == t.state and again.replies[0] == Text(evaluation.AGAIN)
    assert question(again).text.startswith("（2/6）")
    for typed in ("４", "5点", "3です", "2", "1"):
        t = step(t.state, say(typed))
    assert t.effects[0].payload["scores"] == {"communication": 3, "clarity": 4, "expertise": 5, "analysis": 3,
                                              "execution": 2, "manners": 1}
    assert step(t.state, tap("ev:skip")).state == MENU


def test_stopping_and_stale_buttons() -> None:
    t = step(MENU, tap(f"ev:{CASE}:0:3"))
    stopped = step(t.state, say("やめる"))
    assert stopped.state == MENU and stopped.replies == (Text(evaluation.STOPPED),) and not stopped.effects
    stale = step(MENU, tap(f"ev:{CASE}:3:5"))  # a later axis without the earlier ones: from the start
    assert stale.replies[0] == Text(evaluation.FROM_START) and question(stale).text.startswith("（1/6）")
    assert evaluation.step(MENU, tap(f"ev:{CASE}:9:5")) is None and evaluation.step(MENU, tap("ev:x:0:7")) is None
    elsewhere = step(t.state, tap("menu:faq"))  # another button mid-rating: that button answers
    assert elsewhere.state.node == "menu" and Text(evaluation.AGAIN) not in elsewhere.replies


def test_a_new_request_is_held_while_the_last_dispatch_is_unrated() -> None:
    unrated = {"unrated_dispatch": {"case": CASE, "expert": "山田 太郎"}}
    held = step(MENU, say("相談したい", **unrated))
    assert held.state.node == "menu" and [e.kind for e in held.effects] == ["request_held"]
    text = question(held).text
    assert CASE in text and "評価をいただくまで" in text and "お受けできません" in text
    assert [c.label for c in question(held).choices] == ["評価する", "担当者と話したい"]
    begun = step(held.state, tap(question(held).choices[0].data))
    assert question(begun).text.startswith("（1/6）")
    for _ in range(6):
        begun = step(begun.state, say("4"))
    done = step(begun.state, say("なし"))
    assert done.replies == (Text(evaluation.THANKS_HELD),) and done.state.node == "menu"
    started = step(done.state, say("相談したい"))  # once rated, the shell no longer says so: the form starts
    assert started.state.node == flow.NODE
