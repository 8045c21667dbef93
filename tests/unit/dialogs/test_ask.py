"""Asking the owner one item of the draft, as a pure step: the slot's own question and reading, then back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialogs import ask, person, texts
from dialogs.hours import DEFAULT
from dialogs.main import step
from dialogs.model import Choices, Inbound, Kind, State, Text
from dialogs.prescreen import texts as prescreen_texts

AT = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
MENU = State("menu", {})


def text(words: str) -> Inbound:
    return Inbound(Kind.TEXT, AT, text=words)


def asking(item: str, previous: State = MENU) -> State:
    return ask.start(previous, "KD-2026-0007", item, {})[0]


def test_the_question_is_the_slots_own_with_an_introduction() -> None:
    state, replies = ask.start(MENU, "KD-2026-0007", "situation", {})
    assert state.node == ask.NODE and state.slots["previous"] == MENU.to_dict()
    assert isinstance(replies[0], Text) and replies[0].text == texts.ASK_ITEM_INTRO
    assert isinstance(replies[1], Choices) and "経営状況" in replies[1].text
    with pytest.raises(ValueError):
        ask.start(MENU, "KD-2026-0007", "consent", {})  # consent is the owner's to give, never asked this way


def test_asking_again_keeps_where_the_owner_was() -> None:
    again, _ = ask.start(asking("phone"), "KD-2026-0007", "business", {})
    assert again.slots["item"] == "business" and again.slots["previous"] == MENU.to_dict()


@pytest.mark.parametrize(("item", "typed", "values"), [
    ("business", "和菓子の製造と販売です", {"business": "和菓子の製造と販売です"}),
    ("phone", "０９６−１２３−４５６７", {"phone": "0961234567"}),
    ("usage_amount", "二回、六時間", {"past_visits": 2, "past_hours": 6.0}),
    ("situation", "厳しいです", {"situation": "厳しい"}),
])
def test_an_answer_goes_to_the_case_and_the_bot_goes_back(item: str, typed: str, values: dict[str, object]) -> None:
    done = step(asking(item), text(typed))
    assert done.state == MENU
    assert [r.text for r in done.replies] == [texts.ASK_ITEM_THANKS]  # type: ignore[union-attr]
    (effect,) = done.effects
    assert effect.kind == "case_answered" and effect.payload["case"] == "KD-2026-0007"
    assert effect.payload["item"] == item and effect.payload["values"] == values


def test_an_unreadable_answer_is_asked_again_once_then_passed_on_as_it_is() -> None:
    again = step(asking("phone"), Inbound(Kind.STICKER, AT))
    assert again.state.node == ask.NODE and again.effects == ()
    assert again.replies[0].text == texts.ASK_ITEM_AGAIN  # type: ignore[union-attr]
    given_up = step(again.state, text("夕方なら出られます"))
    assert given_up.state == MENU and given_up.replies[0].text == texts.ASK_ITEM_LATER  # type: ignore[union-attr]
    assert given_up.effects[0].payload == {"case": "KD-2026-0007", "item": "phone", "values": {},
                                           "text": "夕方なら出られます"}


def test_cancel_skips_the_question() -> None:
    skipped = step(asking("email"), text("やめる"))
    assert skipped.state == MENU and skipped.effects[0].payload["values"] == {}
    assert skipped.replies[0].text == texts.ASK_ITEM_SKIPPED  # type: ignore[union-attr]


def test_in_person_mode_the_answer_returns_to_person_mode() -> None:
    talking = person.start(MENU, "KD-2026-0007", DEFAULT)
    done = step(asking("business", talking), text("農産物の加工"))
    assert done.state == talking and done.effects[0].payload["values"] == {"business": "農産物の加工"}
    assert step(done.state, text("ありがとう")).effects[0].kind == "relay_in"


def test_in_the_middle_of_a_pre_screening_the_pending_question_is_asked_again() -> None:
    mid = step(State(), Inbound(Kind.TEXT, AT, text="相談したい")).state  # waiting for consent (asked first)
    done = step(asking("phone", mid), text("096-123-4567"))
    assert done.state == mid
    said = [getattr(r, "text", "") for r in done.replies]
    assert said[:2] == [texts.ASK_ITEM_THANKS, texts.ASK_ITEM_RESUME] and prescreen_texts.ASK_CONSENT in said[2]
    assert step(asking("phone"), text("096-123-4567")).replies == (Text(texts.ASK_ITEM_THANKS),)  # menu: nothing more
