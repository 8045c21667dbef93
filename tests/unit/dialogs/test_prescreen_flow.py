"""The pre-screening flow as pure functions: no database, no SDK."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialogs.main import step
from dialogs.model import Card, Choices, Inbound, Kind, State, Transition
from dialogs.prescreen import flow, texts
from dialogs.prescreen.summary import GROUP_KEYS

NOW = datetime(2026, 11, 22, 10, tzinfo=UTC)


def run(*inputs: str, state: State | None = None) -> Transition:
    t = Transition(state or State())
    for x in inputs:
        kind, text, data = (Kind.POSTBACK, "", x) if x.startswith(("ps:", "cmd:", "menu:")) else (Kind.TEXT, x, "")
        t = step(t.state, Inbound(kind, NOW, text=text, data=data))
    return t


BASE = ("相談したい", "同意する", "玉名市", "個人事業主", "小売業")  # consent first (issue 17)


def test_the_first_missing_slot_is_asked_and_capital_only_when_needed() -> None:
    assert texts.ASK_KAI in run(*BASE, "30人").replies[-1].text  # 6〜50: medium, capital not needed: 商工会 next
    assert texts.ASK_CAPITAL in run("相談したい", "同意する", "玉名市", "会社", "小売業", "80人").replies[-1].text


def test_a_sole_proprietor_over_the_ceiling_is_large_without_a_capital_question() -> None:
    t = run(*BASE, "80人")
    assert any(texts.LARGE in getattr(r, "text", "") for r in t.replies) and t.state.node == "menu"


def test_boundary_headcount_typed_exactly() -> None:
    t = run(*BASE, "５人")
    assert t.state.slots["employees"] == 5 and t.state.slots["employees_range"] == [5, 5]


def test_unreadable_answers_get_help_and_the_same_question() -> None:
    t = run(*BASE, "たくさん")
    assert [r.text for r in t.replies][0] == texts.NOT_UNDERSTOOD  # type: ignore[union-attr]
    assert texts.ASK_EMPLOYEES in t.replies[-1].text  # type: ignore[union-attr]
    long = run(*BASE, "あ" * 5000)
    assert long.replies[0].text == texts.TOO_LONG  # type: ignore[union-attr]
    assert long.state.slots.get("employees_range") is None


def test_editing_a_group_clears_it_and_what_depends_on_it() -> None:
    assert set(GROUP_KEYS["業種・規模"]) >= {"industry", "employees", "employees_range", "capital_yen", "capital_over"}
    slots = {"consent": True, "in_kumamoto": True, "municipality": "玉名市", "org_type": "company", "industry": "retail",
             "employees": 30, "employees_range": [30, 30], "_stage": "edit", "_at": NOW.isoformat()}
    t = step(State(flow.NODE, slots), Inbound(Kind.POSTBACK, NOW, data="ps:edit:2"))  # 業種・規模
    assert "industry" not in t.state.slots and "employees" not in t.state.slots
    assert t.state.slots["org_type"] == "company"
    assert isinstance(t.replies[-1], Choices) and t.replies[-1].text == texts.ASK_INDUSTRY


def test_the_confirmation_is_a_card_then_the_choices() -> None:
    slots = {"consent": True, "in_kumamoto": True, "municipality": "玉名市", "org_type": "company", "industry": "retail",
             "employees": 3, "employees_range": [3, 3], "shokokai": None, "shokokai_status": "none",
             "theme": "sns", "problem": "インスタで集客したい", "expert": "none", "usage": "none",
             "business": "雑貨店", "situation": "横ばい", "business_name": "玉名雑貨",
             "representative": "玉名一郎"}
    t = step(State(flow.NODE, slots), Inbound(Kind.TEXT, NOW, text="0968-12-3456"))
    card, question = t.replies[-2], t.replies[-1]
    # 相談方法 is not asked on the way: どちらでも, and the card says how to change it
    assert isinstance(card, Card) and ("相談方法", "どちらでも" + texts.MODE_DEFAULT_NOTE) in card.rows
    assert isinstance(question, Choices) and [c.label for c in question.choices] == ["送信する", "修正する", "やめる"]
    sent = step(t.state, Inbound(Kind.POSTBACK, NOW, data="ps:confirm:send"))
    [effect] = sent.effects
    assert effect.kind == "case_submitted" and effect.payload["size_class"] == "small"
    assert effect.payload["mode"] == "either"
    assert sent.state == State("menu")  # nothing personal stays in the conversation state

    edit = step(t.state, Inbound(Kind.POSTBACK, NOW, data="ps:confirm:edit"))
    group = next(c for c in edit.replies[-1].choices if c.label == "相談方法")  # type: ignore[union-attr]
    asked = step(edit.state, Inbound(Kind.POSTBACK, NOW, data=group.data))
    assert asked.replies[-1].text == texts.ASK_MODE  # type: ignore[union-attr]
    chosen = step(asked.state, Inbound(Kind.TEXT, NOW, text="オンラインがよかです"))
    card = chosen.replies[-2]
    assert isinstance(card, Card) and ("相談方法", "オンライン") in card.rows


def test_a_known_business_is_not_asked_its_usage_the_ledger_gives_it() -> None:
    """Facts from the shell (an earlier application's visit ledger) replace the usage questions."""
    expert = {"expert": "none"}
    slots = {"consent": True, "in_kumamoto": True, "municipality": "玉名市", "org_type": "company", "industry": "retail",
             "employees": 3, "employees_range": [3, 3], "shokokai_status": "none", "theme": "sns",
             "problem": "インスタで集客したい", "screened": True, "_at": NOW.isoformat()}
    tapped = Inbound(Kind.POSTBACK, NOW, data="ps:exp:none", facts={"usage_this_year": {"visits": 2, "hours": 6.0}})
    known = step(State(flow.NODE, slots), tapped)
    assert known.state.slots | expert == known.state.slots
    assert (known.state.slots["usage"], known.state.slots["past_visits"], known.state.slots["past_hours"]) == ("used", 2, 6.0)
    assert texts.ASK_USAGE not in known.replies[-1].text and texts.ASK_BUSINESS in known.replies[-1].text  # type: ignore[union-attr]
    fresh = step(State(flow.NODE, slots), Inbound(Kind.POSTBACK, NOW, data="ps:exp:none"))
    assert texts.ASK_USAGE in fresh.replies[-1].text  # type: ignore[union-attr]
    none_yet = step(State(flow.NODE, slots), Inbound(Kind.POSTBACK, NOW, data="ps:exp:none",
                                                     facts={"usage_this_year": {"visits": 0, "hours": 0.0}}))
    assert none_yet.state.slots["usage"] == "none" and none_yet.state.slots["usage_from_ledger"] is True


@pytest.mark.parametrize(("text", "verdict"), [
    ("はい", "send"), ("おねがい します", "send"), ("間違いないです", "send"), ("直すところはありません", "send"),
    ("二回見直したけど問題なし。送信", "send"),  # 見直す is not a fix
    ("キャンセルはせんです。送ってください", "send"),
    ("まだ送らないでください。代表者の名前が違います", "edit"),  # a named fix, not a cancel
    ("キャンセルじゃなくて、直したいだけです", "edit"),
    ("申請を取り下げてもらえますか", "cancel"),
    ("送ったあと、いつごろ連絡が来ますか？", "question"),
    ("長かったー、お疲れさまでした", "smalltalk"),
    ("？", "unreadable"),
])
def test_the_confirmation_card_read_as_owners_answer_it(text: str, verdict: str) -> None:
    assert flow.read_confirmation(Inbound(Kind.TEXT, NOW, text=text), None) == verdict


@pytest.mark.parametrize(("text", "status", "name"), [
    ("八代の会議所に入っとる", "member", "八代商工会議所"),  # a city's chamber, not a town's 商工会
    ("商工会じゃなくて、商工会議所のほうです。荒尾の", "member", "荒尾商工会議所"),
    ("昔は入っとったばってん、今は辞めとる", "none", None),  # membership that has ended
    ("菊陽の商工会に入ってます", "member", "菊陽町商工会"),
])
def test_the_shokokai_as_owners_name_it(text: str, status: str, name: str | None) -> None:
    taken = flow.slot_named("shokokai").take(Inbound(Kind.TEXT, NOW, text=text), {})
    assert taken is not None and (taken.values["shokokai_status"], taken.values["shokokai"]) == (status, name)
