"""Parsers: typed Japanese amounts and counts, as owners write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.parsing import (
    parse_email,
    parse_headcount,
    parse_minutes,
    parse_phone,
    parse_usage,
    parse_yen,
)
from dialogs.understand.text import standard

KANJI = "〇一二三四五六七八九"


def kanji(n: int) -> str:
    """An integer in 漢数字 with units (e.g. 12,300,000 → 千二百三十万)."""
    if n == 0:
        return "〇"

    def below_10000(m: int) -> str:
        out = ""
        for unit, size in (("千", 1000), ("百", 100), ("十", 10)):
            q, m = divmod(m, size)
            if q:
                out += ("" if q == 1 else KANJI[q]) + unit
        return out + (KANJI[m] if m else "")

    out = ""
    for unit, size in (("兆", 10**12), ("億", 10**8), ("万", 10**4)):
        q, n = divmod(n, size)
        if q:
            out += below_10000(q) + unit
    return out + below_10000(n)


def zenkaku(s: str) -> str:
    return s.translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))


amounts = st.integers(0, 10**12)


@given(amounts)
def test_yen_in_arabic_with_commas_full_width_and_kanji(n: int) -> None:
    assert parse_yen(f"{n}円") == n
    assert parse_yen(f"資本金は{n:,}円です") == n
    assert parse_yen(zenkaku(f"{n:,}円")) == n
    assert parse_yen(f"資本金は{kanji(n)}円") == n


@given(st.integers(1, 9999), st.sampled_from([("万", 10**4), ("億", 10**8), ("千万", 10**7)]))
def test_yen_with_units(n: int, unit: tuple[str, int]) -> None:
    word, size = unit
    assert parse_yen(f"約{n}{word}円くらい") == n * size
    assert parse_yen(zenkaku(f"{n}") + word) == n * size


@pytest.mark.parametrize(("text", "expected"), [
    ("資本金は五千万円", 50_000_000), ("1,000万円", 10_000_000), ("１．５億", 150_000_000), ("3千5百万", 35_000_000),
    ("1億2000万円", 120_000_000), ("二億円です", 200_000_000), ("一般社団法人で資本金は三百万円", 3_000_000),
    ("資本金はありません", None), ("わかりません", None), ("", None), ("🙂", None),
])
def test_yen_examples(text: str, expected: int | None) -> None:
    assert parse_yen(text) == expected


@given(st.integers(0, 100_000), st.sampled_from(["人", "名", "人です", "名くらい"]))
def test_headcount_in_every_writing(n: int, unit: str) -> None:
    assert parse_headcount(f"{n}{unit}") == n
    assert parse_headcount(zenkaku(str(n)) + unit) == n
    assert parse_headcount(f"従業員は{kanji(n)}{unit}") == n


@pytest.mark.parametrize(("text", "expected"), [
    ("２５名", 25), ("二十五人", 25), ("約30人くらい", 30), ("5〜6人", 6), ("5-6名", 6), ("従業員はいません", 0),
    ("ひとり", 1), ("ふたりです", 2), ("パート含めて10人", 10), ("自分だけです", 0), ("十人", 10), ("わからない", None),
    ("たくさん", None),
])
def test_headcount_examples(text: str, expected: int | None) -> None:
    assert parse_headcount(text) == expected


def test_usage_visits_and_hours() -> None:
    assert parse_usage("2回 6時間") == (2, 6.0)
    assert parse_usage("３回、９時間くらい") == (3, 9.0)
    assert parse_usage("五回で十五時間") == (5, 15.0)
    assert parse_usage("覚えていません") == (None, None)


def test_phone_email_yes_no() -> None:
    assert parse_phone("096-223-5568") == "0962235568"
    assert parse_phone("０９０ー１２３４ー５６７８") == "09012345678"
    assert parse_phone("12345") is None
    assert parse_phone("０９６−１２３−４５６７") == parse_phone("096–123—4567") == "0961234567"  # minus sign, dashes
    assert parse_email("taro@example.jp") == "taro@example.jp" and parse_email("taro@") is None


@pytest.mark.parametrize(("text", "minutes"), [
    ("3", 180), ("３時間", 180), ("1.5", 90), ("１．５時間", 90), ("1時間30分", 90), ("二時間半", 150),
    ("九十分", 90), ("45分", 45), ("2 時間", 120),
])
def test_parse_minutes(text: str, minutes: int) -> None:
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize("text", ["", "たくさん", "0", "0時間", "0.001"])
def test_parse_minutes_without_a_duration(text: str) -> None:
    assert parse_minutes(text) is None


@pytest.mark.parametrize(("text", "count"), [
    ("社員は12名です。役員の2名は含めていません", 12),  # 004 ※1: officers are not employees
    ("理事が3人いて、それとは別に従業員さんが、パートさんも入れて7人です", 7),
    ("正社員の6人で、夏場の二か月だけ短期のバイトが10人くらい来ます", 6),  # seasonal help is not 常時
    ("人は雇うとらん。わし一人たい", 0),  # the owner is not counted
    ("役員を除いて12人", 12),  # what remains after the officers
    ("大工が８人と事務が２人で、１０人たい", 10),
])
def test_headcount_counts_regular_employees_only(text: str, count: int) -> None:
    assert parse_headcount(standard(text)) == count


@pytest.mark.parametrize(("text", "usage"), [
    ("ごかい きて もらって いっかい さんじかん ずつ でした", (5, 15.0)),  # kana only, per visit
    ("にかい、ろくじかん", (2, 6.0)),
])
def test_usage_in_kana(text: str, usage: tuple[int, float]) -> None:
    assert parse_usage(standard(text)) == usage


@pytest.mark.parametrize(("text", "usage"), [
    ("1回目が3時間、2回目が2時間", (2, 5.0)),  # each visit's length: summed
    ("1回2時間を3回", (3, 6.0)),  # the length of each visit, then the count
    ("90分を2回", (2, 3.0)),
    ("1時間半ずつ4回", (4, 6.0)),
    ("3回…いや2回。全部で5時間", (2, 5.0)),  # corrected
    ("3回までは行っとらん、2回だけ", (2, None)),  # a denied figure
    ("3会で7時間", (3, 7.0)),  # 回 mistyped
])
def test_usage_as_owners_put_it(text: str, usage: tuple[int, float | None]) -> None:
    assert parse_usage(standard(text)) == usage
