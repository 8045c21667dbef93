"""Which turns are known to be slow before they run (the shell starts the loading animation for those only)."""

from __future__ import annotations

from datetime import UTC, datetime

from dialogs import main
from dialogs.model import Inbound, Kind, State

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
MENU = State("menu")


def typed(text: str) -> Inbound:
    return Inbound(Kind.TEXT, NOW, text=text)


def test_a_question_at_the_menu_is_a_search() -> None:
    assert main.slow(MENU, typed("オンラインでも相談できますか"))
    assert main.slow(State("faq"), typed("費用はかかる？"))


def test_taps_menu_words_and_first_contact_are_fast() -> None:
    assert not main.slow(MENU, Inbound(Kind.POSTBACK, NOW, data="menu:faq"))
    assert not main.slow(MENU, typed("よくある質問"))
    assert not main.slow(MENU, typed("メニュー"))
    assert not main.slow(State(), typed("こんにちは、はじめて使います"))  # the greeting, no search
    assert not main.slow(State("person", {"case": "KD-2026-0001"}), typed("見積もりのことで相談です"))


def test_in_the_pre_screening_long_answers_and_questions_are_slow() -> None:
    started = main.step(State(), Inbound(Kind.POSTBACK, NOW, data="menu:consult")).state
    assert not main.slow(started, typed("菊陽町です"))
    assert main.slow(started, typed("オンラインでも相談できますか？"))
    assert main.slow(started, typed("在庫と受注を紙とエクセルで管理していて、月末の集計に丸二日かかるのでクラウドの仕組みを入れたい"))
