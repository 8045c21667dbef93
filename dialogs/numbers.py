"""Japanese number expressions → numbers: 全角/半角, commas, 漢数字 (positional or with 十百千), 万/億/兆, decimals."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

DIGITS = {"〇": 0, "零": 0, "一": 1, "壱": 1, "二": 2, "弐": 2, "三": 3, "参": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "千": 1000, "阡": 1000}
BIG_UNITS = {"万": 10**4, "萬": 10**4, "億": 10**8, "兆": 10**12}
_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)
EXPRESSION = re.compile(rf"(?:\d+(?:\.\d+)?|[{_CHARS}])+")
_TOKEN = re.compile(rf"\d+(?:\.\d+)?|[{_CHARS}]")
_THOUSANDS = re.compile(r"(?<=\d)[,，、](?=\d{3})")
RANGE_JOINERS = ("〜", "~", "-", "ー", "から", "－", "–")


def prepare(text: str) -> str:
    """NFKC (全角 digits → 半角) and thousands separators removed."""
    return _THOUSANDS.sub("", unicodedata.normalize("NFKC", text))


def value_of(expression: str) -> Decimal | None:
    """The value of one expression as matched by EXPRESSION; None if it holds no digit at all."""
    total, section = Decimal(0), Decimal(0)
    number: Decimal | None = None
    positional = False  # consecutive kanji digits (二〇二六) read positionally
    seen_digit = False
    for token in _TOKEN.findall(expression):
        if token[0].isdigit():
            number, positional, seen_digit = Decimal(token), False, True
        elif token in DIGITS:
            digit = Decimal(DIGITS[token])
            number = number * 10 + digit if positional and number is not None else digit
            positional, seen_digit = True, True
        elif token in SMALL_UNITS:
            section += (number if number is not None else 1) * SMALL_UNITS[token]
            number, positional = None, False
        else:
            section += number or 0
            total += (section or 1) * BIG_UNITS[token]
            section, number, positional = Decimal(0), None, False
    if not seen_digit and total == 0 and section == 0:
        return None
    return total + section + (number or 0)


@dataclass(frozen=True)
class Found:
    value: Decimal
    start: int
    end: int


def find_all(text: str) -> list[Found]:
    """Every number expression in (prepared) text, in order; a range 'A〜B' counts as B."""
    found: list[Found] = []
    for match in EXPRESSION.finditer(text):
        value = value_of(match.group())
        if value is None:
            continue
        between = text[found[-1].end : match.start()].strip() if found else None
        if found and between in RANGE_JOINERS:
            found[-1] = Found(max(found[-1].value, value), found[-1].start, match.end())
        else:
            found.append(Found(value, match.start(), match.end()))
    return found
