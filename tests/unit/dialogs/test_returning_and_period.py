"""A returning owner and the program's period at the start of a pre-screening, as pure functions: what the shell
knows comes in the turn's facts; nothing is looked up here."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot import program
from dialogs import texts as menu_texts
from dialogs.main import step
from dialogs.model import Choices, Inbound, Kind, State, Transition
from dialogs.prescreen import texts

NOW = datetime(2025, 6, 2, 1, tzinfo=UTC)
KNOWN = {"fields": {"municipality": "菊陽町", "org_type": "company", "industry": "manufacturing", "employees": 25,
                    "employees_range": [25, 25], "shokokai": "菊陽町商工会", "shokokai_status": "member",
                    "business_name": "菊陽菓子舗", "representative": "熊本 花子", "phone": "096-232-1234",
                    "email": None, "business": "和菓子の製造"}, "reference": "KD-2026-0003"}


def facts(day: date = date(2025, 6, 2), **more: Any) -> dict[str, Any]:
    return {"program": program.load(pinned=day).facts(NOW)} | more


def run(*inputs: str, given: dict[str, Any]) -> Transition:
    t = Transition(State())
    for x in inputs:
        kind, text, data = (Kind.POSTBACK, "", x) if x.startswith(("ps:", "cmd:", "menu:")) else (Kind.TEXT, x, "")
        t = step(t.state, Inbound(kind, NOW, text=text, data=data, facts=given))
    return t


def said(t: Transition) -> str:
    return " ".join(getattr(r, "text", "") for r in t.replies)


def test_a_known_owner_is_greeted_by_the_name_they_gave_and_asked_once() -> None:
    t = run("相談したい", "ps:consent:yes", given=facts(known_business=KNOWN))  # greeted once they consented
    assert "熊本 花子様、またのご相談ありがとうございます。" in said(t)
    assert "前回の内容（菊陽菓子舗、製造業、従業員25名）のままでよろしいですか？" in said(t)
    assert [c.label for c in t.replies[-1].choices] == ["はい", "変更する"]  # type: ignore[union-attr]


def test_yes_fills_what_was_known_and_asks_only_the_rest() -> None:
    t = run("相談したい", "ps:consent:yes", "ps:known:keep", given=facts(known_business=KNOWN))
    assert texts.RETURNING_KEPT in said(t) and texts.ASK_PROBLEM in said(t)  # the problem is new each time: asked
    slots = t.state.slots
    assert slots["business_name"] == "菊陽菓子舗" and slots["in_kumamoto"] is True and slots["returning"] is True
    t = run("相談したい", "同意します", "はい", given=facts(known_business=KNOWN))  # typed はい too
    assert texts.ASK_PROBLEM in said(t)


def test_change_asks_everything_again() -> None:
    t = run("相談したい", "ps:consent:yes", "変更する", given=facts(known_business=KNOWN))
    assert texts.RETURNING_CHANGE in said(t) and texts.ASK_LOCATION in said(t)
    assert "business_name" not in t.state.slots


def test_an_unreadable_answer_asks_again_and_a_command_still_works() -> None:
    t = run("相談したい", "ps:consent:yes", "えーと", given=facts(known_business=KNOWN))
    assert isinstance(t.replies[-1], Choices) and "前回" in t.replies[-1].text
    for cancel in ("やめる", "cmd:cancel"):
        t = run("相談したい", "ps:consent:yes", cancel, given=facts(known_business=KNOWN))
        assert t.state.node == "menu" and "_known" not in t.state.slots


def test_outside_the_period_the_owner_is_told_and_the_draft_is_flagged() -> None:
    after = run("相談したい", given=facts(date(2026, 12, 1)))
    assert said(after).startswith("令和7年度の専門家派遣の受付は令和8年2月27日で終了しました（実施要領 4(1)ア）。")
    assert after.state.slots["_out_of_period"] == "after" and texts.ASK_CONSENT in said(after)  # consent first
    before = run("相談したい", given=facts(date(2025, 3, 20)))
    assert "令和7年4月1日からです" in said(before) and before.state.slots["_out_of_period"] == "before"
    inside = run("相談したい", given=facts())
    assert "受付は" not in said(inside) and "_out_of_period" not in inside.state.slots


def test_a_case_number_is_answered_only_when_it_is_the_owners() -> None:
    own = run("KD-2026-0003の状況を教えて", given={"asked_case": {"reference": "KD-2026-0003", "own": True,
                                                            "status": "approved"}})
    assert "KD-2026-0003 の状況です。" in said(own) and menu_texts.STATUS_WORDS["approved"] in said(own)
    other = run("KD-2026-0004の状況を教えて", given={"asked_case": {"reference": "KD-2026-0004", "own": False}})
    assert menu_texts.STATUS_NOT_YOURS.format(reference="KD-2026-0004") in said(other)
