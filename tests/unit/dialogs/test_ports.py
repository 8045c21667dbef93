"""`redact`: phone numbers and e-mail addresses leave a question before it is kept, in any width and spacing."""

from __future__ import annotations

import pytest

from dialogs.ports import redact


@pytest.mark.parametrize("text", [
    "096-123-4567", "０９６－１２３－４５６７", "０９６ー１２３ー４５６７", "096ー123ー4567", "０９６―１２３―４５６７",
    "０９６　１２３　４５６７", "096 123 4567", "(096)123-4567", "（０９６）１２３－４５６７", "090-1234-5678",
    "０９０１２３４５６７８", "09612345678", "0120-123-456", "+81-96-123-4567", "＋８１　９０　１２３４　５６７８",
])
def test_phone_numbers_in_any_width_and_spacing(text: str) -> None:
    assert redact(f"電話は{text}です") == "電話は［電話番号］です"


@pytest.mark.parametrize("text", [
    "taro@example.jp", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro.yamada@mail.example.co.jp", "ｔａｒｏ ＠ ｅｘａｍｐｌｅ ． ｊｐ",
    "taro＠example.jp", "TARO_1+x@Example.JP",
])
def test_email_addresses_in_any_width(text: str) -> None:
    assert redact(f"メールは{text}にください") == "メールは［メール］にください"


@pytest.mark.parametrize("text", [
    "従業員は5人、資本金は300万円です", "2026-11-22に来てください", "4(1)エの2回目", "料金は0円ですか",
    "平成30年から12年続けています", "10時から12時まで", "001の3(2)",
])
def test_numbers_that_are_not_contacts_stay(text: str) -> None:
    assert redact(text) == text


def test_a_number_next_to_other_figures_only_loses_the_number() -> None:
    assert redact("０９６　１２３　４５６７　2026年から") == "［電話番号］　2026年から"
    assert redact("メールtaro@example.jpか090-1234-5678へ") == "メール［メール］か［電話番号］へ"
