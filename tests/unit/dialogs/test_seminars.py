"""Finding and joining 講習会・個別相談会 as a pure step: the question read from a typed message (and FAQ questions about
the rules left to the FAQ), the list filtered by theme and area, the ※3/※8 answer, what an earlier pre-screening
knew shown back for consent, and the effects the shell books with."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from dialogs import seminar_texts as t
from dialogs import seminars
from dialogs.main import step
from dialogs.model import Card, Choices, Inbound, Kind, State, Text, Transition

AT = datetime(2026, 12, 1, 1, tzinfo=UTC)
EVENTS = [
    {"id": 1, "kind": "lecture", "title": "はじめてのSNS集客", "theme": "sns", "theme_label": "③ SNSでの発信・集客",
     "area": "菊陽町", "venue": "菊陽町商工会", "expert": "山田 太郎", "when": "12月3日（木）14:00〜16:00", "day": "12/3",
     "seats": 2},
    {"id": 2, "kind": "consultation", "title": "キャッシュレス相談会", "theme": "cashless", "theme_label": "④ キャッシュレス化",
     "area": "八代市", "venue": "八代商工会議所", "expert": "佐藤 花子", "when": "12月5日（土）13:00〜15:00",
     "day": "12/5", "slots": [{"id": 7, "label": "13:00 佐藤 花子"}, {"id": 8, "label": "14:00 佐藤 花子"}]},
]


def inbound(kind: Kind, *, text: str = "", data: str = "", **facts: Any) -> Inbound:
    return Inbound(kind, AT, text=text, data=data, facts={"seminars": EVENTS, **facts})


def tap(data: str, **facts: Any) -> Inbound:
    return inbound(Kind.POSTBACK, data=data, **facts)


def say(text: str, **facts: Any) -> Inbound:
    return inbound(Kind.TEXT, text=text, **facts)


def labels(tr: Transition) -> list[str]:
    last = tr.replies[-1]
    assert isinstance(last, Choices | Card)
    return [c.label for c in last.choices]


def texts(tr: Transition) -> str:
    return "\n".join(r.text if isinstance(r, Text | Choices) else r.title + str(r.rows) for r in tr.replies)


@pytest.mark.parametrize(("text", "events"), [
    ("講習会はいつありますか", True), ("セミナーある？", True), ("講習会", True), ("個別相談会に申し込みたい", True),
    ("講習会の参加費はいくらですか？", False), ("講習会を開催したいのですが様式は？", False),
    ("医療法人ですが講習会の対象ですか", False), ("相談したい", False), ("ECサイトを作りたい", False),
])
def test_a_typed_question_about_events_is_read_and_rule_questions_go_to_the_faq(text: str, events: bool) -> None:
    assert seminars.asks_for_events(text) is events


def test_from_the_menu_button_and_by_asking_the_list_shows_each_event_with_filters() -> None:
    for tr in (step(State("menu"), tap("menu:seminars")), step(State("menu"), say("講習会はいつありますか"))):
        assert tr.state.node == seminars.NODE
        assert "・12/3 講習会「はじめてのSNS集客」（菊陽町）" in texts(tr)
        assert labels(tr) == ["12/3 はじめてのSNS集客", "12/5 キャッシュレス相談会", "テーマで探す", "地域で探す"]
    by_area = step(State(seminars.NODE), tap("sem:area:八代市"))
    assert labels(by_area) == ["12/5 キャッシュレス相談会", "テーマで探す", "地域で探す"]
    assert "④ キャッシュレス化" in labels(step(State(seminars.NODE), tap("sem:themes")))


def test_nothing_published_says_so_with_the_period_and_returns_to_the_menu() -> None:
    tr = step(State("menu"), Inbound(Kind.POSTBACK, AT, data="menu:seminars", facts={"seminars": []}))
    assert tr.state.node == "menu" and "令和8年2月27日" in texts(tr)


def test_a_lecture_for_a_new_owner_asks_the_form_business_and_name_then_consent() -> None:
    card = step(State(seminars.NODE), tap("sem:ev:1"))
    assert isinstance(card.replies[0], Card) and ("残りの席", "2席") in card.replies[0].rows
    assert labels(card) == [t.JOIN, t.BACK]
    asked = step(card.state, tap("sem:join:1"))
    assert texts(asked) == t.ASK_ORG
    company = step(asked.state, say("株式会社です"))  # typed works as well as the tap
    assert texts(company) == t.ASK_AGREE_FIRST  # consent before the names are asked (issue 17)
    assert labels(company) == [t.AGREE_FIRST, t.STOP]
    assert step(company.state, say("いいえ")).state.node == "menu"  # a no: nothing asked, back to the menu
    agreed_first = step(company.state, tap("sem:agreefirst"))
    assert texts(agreed_first) == t.ASK_BUSINESS
    named = step(step(agreed_first.state, say("菊陽菓子舗")).state, say("熊本 花子"))
    assert ("事業所名", "菊陽菓子舗") in next(r for r in named.replies if isinstance(r, Card)).rows
    assert labels(named) == [t.AGREE, t.EDIT, t.STOP]
    agreed = step(named.state, tap("sem:agree"))
    assert agreed.state.node == "menu" and "{seminar_signup}" in texts(agreed)
    assert agreed.effects[0].kind == "seminar_signup" and agreed.effects[0].payload == {
        "event": "1", "slot": "", "business_name": "菊陽菓子舗", "name": "熊本 花子", "org_type": "company"}


def test_what_an_earlier_prescreening_knew_is_shown_back_and_a_slot_is_carried() -> None:
    known = {"business_name": "八代食堂", "name": "八代 一郎", "org_type": "sole_proprietor"}
    card = step(State(seminars.NODE), tap("sem:ev:2", known=known))
    assert labels(card) == ["13:00 佐藤 花子", "14:00 佐藤 花子", t.BACK]
    confirm = step(card.state, tap("sem:slot:2:8", known=known))
    rows = next(r for r in confirm.replies if isinstance(r, Card)).rows
    assert ("日時", "12/5 14:00 佐藤 花子") in rows and ("お名前", "八代 一郎") in rows
    assert step(confirm.state, tap("sem:agree", known=known)).effects[0].payload["slot"] == "8"
    renamed = step(confirm.state, tap("sem:edit", known=known))
    assert texts(renamed) == t.ASK_BUSINESS  # chosen at the card, which says how the names are used


@pytest.mark.parametrize(("event", "note"), [("1", "※3"), ("2", "※8")])
def test_an_excluded_corporation_is_told_which_note_applies(event: str, note: str) -> None:
    tr = step(State(seminars.NODE), tap(f"sem:join:{event}" if event == "1" else "sem:slot:2:7",
                                        known={"org_type": "excluded_corporation"}))
    assert tr.state.node == "menu" and note in texts(tr) and not tr.effects


def test_cancel_asks_first_then_the_shell_cancels() -> None:
    mine = [{"signup": 5, "id": 1, "title": "はじめてのSNS集客", "day": "12/3", "when": "12月3日（木）14:00"}]
    listed = step(State("menu"), tap("menu:seminars", my_seminars=mine))
    assert t.MINE in labels(listed)
    assert t.ALREADY_IN in texts(step(State(seminars.NODE), tap("sem:ev:1", my_seminars=mine)))
    chosen = step(State(seminars.NODE), tap("sem:mine", my_seminars=mine))
    assert labels(chosen) == ["取消 12/3 はじめてのSNS集客"]
    asked = step(chosen.state, tap("sem:cancel:5", my_seminars=mine))
    assert labels(asked) == [t.CANCEL_YES, t.CANCEL_NO] and not asked.effects
    done = step(asked.state, tap("sem:cancelok:5", my_seminars=mine))
    assert done.effects[0].kind == "seminar_cancel" and done.effects[0].payload == {"signup": "5"}
    assert "{seminar_cancel}" in texts(done)


def test_anything_else_in_the_middle_leaves_for_the_menu_and_forged_data_shows_the_list() -> None:
    asking = State(seminars.NODE, {"event": "1", "asking": "consent"})
    assert step(asking, tap("menu:human")).state.node == "menu"
    assert labels(step(State("menu"), tap("sem:nonsense:1:2:3")))[0] == "12/3 はじめてのSNS集客"
    assert labels(step(State("menu"), tap("sem:ev:999")))[0] == "12/3 はじめてのSNS集客"
    assert seminars.wanted("menu", {"data": "sem:ev:1"}) and not seminars.wanted("menu", {"text": "こんにちは"})
