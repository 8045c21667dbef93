"""Reading typed answers: amounts of money, headcounts, visits and hours, phone numbers, yes/no.

Each parser returns the normalised value or None (ask again), like rasa-sdk's `validate_<slot>`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from dialogs.normalize import normalize
from dialogs.numbers import find_all, prepare

_ZERO_PEOPLE = ("いない", "いません", "おらず", "おりません", "ゼロ", "なし", "無し", "0人", "自分だけ", "自分のみ",
                "本人のみ", "一人で", "ひとりで", "1人で")
_KANA_PEOPLE = {"ひとり": 1, "ふたり": 2}


def _best(text: str, units: tuple[str, ...]) -> Decimal | None:
    """The number followed by one of `units` (or holding 万/億), else the first number in the text."""
    found = find_all(text)
    if not found:
        return None
    for f in found:
        if text[f.end : f.end + 2].startswith(units):
            return f.value
    return found[0].value


def parse_yen(text: str) -> int | None:
    """'資本金は五千万円' → 50000000; '1,000万' → 10000000; '１．５億' → 150000000; None without an amount."""
    t = prepare(text)
    value = _best(t, ("円",))
    if value is None or value < 0:
        return None
    return int(value)


def parse_headcount(text: str) -> int | None:
    """'２５名' → 25; '二十五人' → 25; '約30人くらい' → 30; '5〜6人' → 6; '従業員はいません' → 0; None if no count."""
    t = prepare(text)
    value = _best(t, ("人", "名"))
    if value is not None:
        return int(value) if value >= 0 else None
    compact = normalize(text)
    if any(w in compact for w in _ZERO_PEOPLE) or re.search(r"ひとりで(?!す)", compact):
        return 0  # nobody employed, or "I do it alone" (※1: the owner is not counted)
    return next((count for word, count in _KANA_PEOPLE.items() if word in compact), None)


def parse_usage(text: str) -> tuple[int | None, float | None]:
    """'2回 6時間' → (2, 6.0); '3回' → (3, None); '9時間くらい' → (None, 9.0)."""
    t = prepare(text)
    visits = hours = None
    for f in find_all(t):
        after = t[f.end : f.end + 2]
        if after.startswith("回"):
            visits = int(f.value)
        elif after.startswith(("時間", "h", "H")):
            hours = float(f.value)
    return visits, hours


def parse_minutes(text: str) -> int | None:
    """A duration in minutes: '３' or '3時間' → 180; '1.5' → 90; '1時間30分' → 90; '二時間半' → 150; '九十分' → 90."""
    t = prepare(text).replace(" ", "")
    found = find_all(t)
    if not found:
        return None
    minutes = Decimal(0)
    for f in found:
        after = t[f.end : f.end + 2]
        minutes += f.value if after.startswith("分") else f.value * 60
    if "半" in t:
        minutes += 30
    return int(minutes) if minutes > 0 and minutes == int(minutes) else None


_PHONE = re.compile(r"^0\d{9,10}$")


def parse_phone(text: str) -> str | None:
    """A Japanese phone number (10 or 11 digits starting with 0), returned as digits only."""
    digits = re.sub(r"[\s\-‐‑–—―−－ー()（）]", "", prepare(text))  # every dash an IME may type
    return digits if _PHONE.match(digits) else None


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_email(text: str) -> str | None:
    value = prepare(text).strip()
    return value if _EMAIL.match(value) else None


YES = ("はい", "ええ", "そうです", "お願いします", "同意", "ok", "いいです", "大丈夫", "うん", "あります", "いる",
       "います")
NO = ("いいえ", "いえ", "ちがう", "違います", "しない", "しません", "ない", "ありません", "いない", "いません",
      "結構です")


def parse_yes_no(text: str) -> bool | None:
    t = normalize(text)
    if any(t.startswith(n) or t == n for n in NO):
        return False
    if any(t.startswith(y) or t == y for y in YES):
        return True
    return None
