"""The one draft table: every field a coordinator may correct is read from what they type (全角, units, labels of
choices) or refused with a clear sentence; values are shown with labels, not codes."""

from __future__ import annotations

import pytest

from bot.staff.organisations import key
from dialogs import draft


@pytest.mark.parametrize(("field", "typed", "value"), [
    ("employees", "１２人", 12), ("employees", "12", 12), ("capital_yen", "300万円", 3_000_000),
    ("past_hours", "4.5", 4.5), ("past_hours", "６時間", 6), ("past_visits", "2", 2),
    ("phone", "０９６－２３２－１２３４", "0962321234"), ("email", " info@example.jp ", "info@example.jp"),
    ("mode", "訪問", "visit"), ("mode", "online", "online"), ("industry", "小売業", "retail"),
    ("business_name", "  くまもと菓子舗\x00 ", "くまもと菓子舗"), ("business", "和菓子の製造\n店頭販売", "和菓子の製造\n店頭販売"),
    ("representative", "", None),
])
def test_corrections_are_read_like_the_owners_answers(field: str, typed: str, value: object) -> None:
    assert draft.read(field, typed) == value


@pytest.mark.parametrize(("field", "typed", "said"), [
    ("phone", "わかりません", "電話番号として読めませんでした"), ("employees", "たくさん", "数で入力してください"),
    ("mode", "電話", "訪問・オンライン・どちらでも から選んでください"), ("status", "closed", "修正する項目を選んでください"),
    ("representative", "あ" * 101, "100文字までです"),
])
def test_unreadable_corrections_say_why(field: str, typed: str, said: str) -> None:
    with pytest.raises(draft.Unreadable, match=said):
        draft.read(field, typed)


def test_values_are_shown_with_labels() -> None:
    assert [draft.shown(k, v) for k, v in (("mode", "either"), ("org_type", "sole_proprietor"),
                                           ("capital_yen", 3_000_000), ("employees", 5), ("phone", None))] == [
        "どちらでも", "個人事業主", "3,000,000円", "5人", "—"]


def test_organisation_names_compare_without_the_towns_suffix_spaces_or_width() -> None:
    assert key("菊陽町商工会") == key("菊陽商工会") == key("菊陽 商工会") == key("菊陽町商工会　")
    assert key("八代市商工会議所") == key("八代商工会議所") != key("八代商工会")
    assert key("髙森町商工会") == key("高森商工会")
