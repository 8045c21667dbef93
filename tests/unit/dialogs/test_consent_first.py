"""Consent first (issue 17, item 1): the purpose, who sees the data and how long it is kept are agreed before the
pre-screening asks anything; the opening message's facts wait for the yes and are dropped on a no."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.settings import Settings
from dialogs.main import step
from dialogs.model import Choices, Inbound, Kind, State, Transition
from dialogs.prescreen import flow, texts
from handoff.retention import Policy

NOW = datetime(2026, 11, 22, 10, tzinfo=UTC)
OPENING = "菊陽町で和菓子屋「もっこす菓子舗」をしています。従業員は5人で、ネット販売を始めたいとです"


def run(*inputs: str, state: State | None = None) -> Transition:
    t = Transition(state or State())
    for i, x in enumerate(inputs):
        kind, text, data = (Kind.POSTBACK, "", x) if x.startswith(("ps:", "cmd:", "menu:")) else (Kind.TEXT, x, "")
        t = step(t.state, Inbound(kind, NOW + timedelta(seconds=i), text=text, data=data))
    return t


def said(t: Transition) -> str:
    return " ".join(getattr(r, "text", "") for r in t.replies)


def test_consent_is_the_first_question_whatever_the_opening_said() -> None:
    assert flow.SLOTS[0].name == "consent"
    for opening in ("相談したい", OPENING, "せんもんかに そうだん したいです", "menu:consult"):
        t = run(opening)
        assert t.state.node == flow.NODE, opening
        last = t.replies[-1]
        assert isinstance(last, Choices) and last.text == texts.ASK_CONSENT, opening
        assert [c.label for c in last.choices] == ["同意する", "同意しない"]  # one clear tap question
        assert not flow.answered(t.state.slots)  # nothing taken as an answer before the yes


def test_the_consent_text_states_purpose_who_sees_and_how_long() -> None:
    assert "このご相談（専門家派遣の申請）のためだけに使い" in texts.ASK_CONSENT
    assert "くまもと中小企業デジタル相談窓口と地域の商工会・商工会議所だけが見ます" in texts.ASK_CONSENT
    defaults = Settings.model_fields
    assert defaults["retention_chat_days"].default == Policy().chat_days == 180 and "半年" in texts.ASK_CONSENT
    assert defaults["retention_closed_case_days"].default == Policy().closed_case_days == 1825
    assert "5年で削除します" in texts.ASK_CONSENT


def test_the_openings_facts_wait_for_the_yes_then_are_not_asked_again() -> None:
    waiting = run(OPENING)
    assert set(waiting.state.slots) <= {flow.OPENING, "_at"}  # the facts only, waiting
    agreed = run(OPENING, "ps:consent:yes")
    slots = agreed.state.slots
    assert slots["consent"] is True and slots["municipality"] == "菊陽町" and flow.OPENING not in slots
    assert texts.ASK_LOCATION not in said(agreed) and texts.ASK_ORG in said(agreed)  # place known: the form next


def test_a_no_drops_the_opening_and_asks_nothing_personal_again() -> None:
    for no in ("ps:consent:no", "同意しません", "いいえ"):
        t = run(OPENING, no)
        assert t.state.node == "menu" and t.state.slots == {}, no
        assert texts.NO_CONSENT in said(t)
        assert [e.payload for e in t.effects if e.kind == "prescreen_ended"] == [{"end": "no_consent"}]
        assert "もっこす" not in repr(t.state) and "もっこす" not in repr(t.effects)
        after = run("営業時間を教えてください", state=t.state)  # the menu still answers; no pre-screening question
        assert after.state.node != flow.NODE and texts.ASK_CONSENT not in said(after)
        assert not any(q in said(after) for q in (texts.ASK_LOCATION, texts.ASK_BUSINESS_NAME, texts.ASK_PHONE))


def test_leaving_before_consent_forgets_too_and_a_restart_keeps_a_given_consent() -> None:
    for leave in ("やめる", "cmd:cancel"):
        t = run(OPENING, leave)
        assert t.state.node == "menu" and "もっこす" not in repr(t.state)
        assert [e.payload for e in t.effects if e.kind == "prescreen_ended"] == [{"end": "left_before_consent"}]
    restarted = run("相談したい", "同意する", "cmd:restart")
    assert texts.RESTARTED in said(restarted) and texts.ASK_CONSENT not in said(restarted)
    assert restarted.state.slots.get("consent") is True and texts.ASK_LOCATION in said(restarted)


def test_the_ledger_is_not_read_into_the_form_before_consent() -> None:
    usage = {"usage_this_year": {"visits": 2, "hours": 6}}
    t = step(State(), Inbound(Kind.TEXT, NOW, text="相談したい", facts=usage))
    assert "usage" not in t.state.slots
    t = step(t.state, Inbound(Kind.POSTBACK, NOW, data="ps:consent:yes", facts=usage))
    assert t.state.slots["usage"] == "used" and t.state.slots["usage_from_ledger"] is True


def test_a_request_about_personal_data_in_the_form_reaches_the_desk_not_the_faq() -> None:
    from dialogs import texts as menu_texts

    for before in (("相談したい",), ("相談したい", "同意する", "玉名市")):
        t = run(*before, "私の個人情報を削除してください")
        assert menu_texts.PERSONAL_DATA_ACK in said(t) and texts.NO_ANSWER not in said(t)
        assert [e.payload for e in t.effects if e.kind == "handoff_requested"] == [{"reason": "personal_data"}]
        assert t.state.node == "menu"
    problem = run("相談したい", "同意する", "玉名市", "個人事業主", "小売業", "3人", "加入していない",
                  "顧客の個人情報を削除する仕組みを見せてほしい")  # a problem about customers' data: not a request
    assert not [e for e in problem.effects if e.kind == "handoff_requested"]
