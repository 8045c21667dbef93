"""Reading typed answers: amounts of money, headcounts, visits and hours, phone numbers (yes/no: understand/signals.py).

Each parser returns the normalised value or None (ask again), like rasa-sdk's `validate_<slot>`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from dialogs.normalize import normalize
from dialogs.numbers import find_all, prepare

_ZERO_PEOPLE = ("いない", "いません", "おらず", "おりません", "ゼロ", "なし", "無し", "0人", "自分だけ", "自分のみ",
                "本人のみ", "私だけ", "わたしだけ", "私ひとり", "私一人", "わたしひとり", "自分ひとり", "自分一人")
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


_KANA_NUMERALS = (("じゅう", "十"), ("ひゃく", "百"), ("びゃく", "百"), ("ぴゃく", "百"), ("せん", "千"), ("ぜん", "千"),
                  ("まん", "万"), ("おく", "億"), ("いち", "一"), ("にん", "人"), ("に", "二"), ("さん", "三"), ("よん", "四"),
                  ("ご", "五"), ("ろく", "六"), ("なな", "七"), ("しち", "七"), ("はち", "八"), ("きゅう", "九"),
                  ("めい", "名"), ("えん", "円"), ("ひとり", "1人"), ("ふたり", "2人"))


def kana_numerals(text: str) -> str:
    """'じゅうにん' → '十人', 'よんせんまん' → '四千万' (only for kana-only text)."""
    if not _KANA_ONLY.match(text):
        return text
    out = text
    for kana, kanji in sorted(_KANA_NUMERALS, key=lambda p: -len(p[0])):
        out = out.replace(kana, kanji)
    rest = re.sub(r"くらい|ぐらい|です|ほど|やく|だいたい|いじょう|いか|ちょっと|[\s、。ー]", "", out)
    return out if not re.search(r"[ぁ-ん]", rest) else text  # only when every word was a numeral


_KANA_DIGIT = r"(?:じゅう|じゅっ|じっ|いち|いっ|に|さん|よん|よ|ご|ろく|ろっ|なな|しち|はち|はっ|きゅう|く)"
_KANA_COUNTED = re.compile(rf"({_KANA_DIGIT}+)(かい|じかんはん|じかん|にん|めい)")
_KANA_DIGIT_KANJI = {"じゅう": "十", "じゅっ": "十", "じっ": "十", "いち": "一", "いっ": "一", "に": "二", "さん": "三",
                     "よん": "四", "よ": "四", "ご": "五", "ろく": "六", "ろっ": "六", "なな": "七", "しち": "七",
                     "はち": "八", "はっ": "八", "きゅう": "九", "く": "九"}
_COUNTERS = {"かい": "回", "じかんはん": "時間半", "じかん": "時間", "にん": "人", "めい": "名"}


def counted_kana(text: str) -> str:
    """Kana numerals with their counter inside any text: 「ごかい きて もらって いっかい さんじかん ずつ」 →
    「五回 きて もらって 一回 三時間 ずつ」 (owners who type kana only)."""
    def kanji(m: re.Match[str]) -> str:
        digits = re.findall(_KANA_DIGIT, m.group(1))
        return "".join(_KANA_DIGIT_KANJI[d] for d in digits) + _COUNTERS[m.group(2)]
    return _KANA_COUNTED.sub(kanji, text)


def parse_yen(text: str) -> int | None:
    """'資本金は五千万円' → 50000000; '1,000万' → 10000000; '１．５億' → 150000000; None without an amount."""
    t = prepare(kana_numerals(text))
    value = _best(t, ("円",))
    if value is None or value < 0:
        return None
    return int(value)


def parse_headcount(text: str) -> int | None:
    """'２５名' → 25; '二十五人' → 25; '約30人くらい' → 30; '5〜6人' → 6; '従業員はいません' → 0; None if no count."""
    t = prepare(kana_numerals(text))
    mentioned = [f for f in find_all(t) if t[f.end : f.end + 1] in ("人", "名")]
    counts = [f for f in mentioned if not _not_counted(t, f.start)]
    if mentioned and not counts:  # only officers, seasonal help or the owner were counted (004 ※1)
        return 0 if any(_OWNER.search(_before(t, f.start)) for f in mentioned) else None
    whole = [f for f in counts if not _SUBSET.search(t[max(0, f.start - 16) : f.start])]
    if len(whole) < len(counts) and whole:  # 「18人で、うちオペレーターが10人」: a part of a count already given
        counts = whole
    if len(counts) >= 2:  # 「大工が8人と事務が2人で、10人」 → 10; 「社員32人、パート8人」 → 40
        values = [int(f.value) for f in counts]
        total = next((int(f.value) for f in counts if re.search(r"(合計|全部で|あわせて|合わせて|計|総勢|全員で|全体で)(は|が|で)?$",
                                                                 t[max(0, f.start - 6) : f.start])), None)
        if total is not None:
            return total
        return max(values) if max(values) * 2 == sum(values) else sum(values)
    if len(counts) == 1 and len(mentioned) > 1:
        return int(counts[0].value)
    value = _best(t, ("人", "名"))
    if value is not None:
        return int(value) if value >= 0 else None
    compact = normalize(text)
    employed = re.search(r"(パート|ぱーと|従業員|社員|スタッフ|アルバイト|バイト|職人|事務員)", compact)
    if any(w in compact for w in _ZERO_PEOPLE) or (not employed and re.search(r"(ひとり|一人|1人)で(?!す)", compact)):
        return 0  # nobody employed, or "I do it alone" (※1: the owner is not counted)
    return next((count for word, count in _KANA_PEOPLE.items() if word in compact), None)


# 004 ※1: 常時使用する従業員 — officers, seasonal or short-term help and the owner are not counted. A count is theirs
# when the words just before it name them (「役員の2名」「理事が3人」「夏場だけ短期のバイトが10人」「わし一人」).
_OFFICERS = re.compile(r"(役員|理事|取締役|監査役|社長|代表|会長|専務|常務|季節|短期|臨時|日雇|繁忙期|夏場|夏だけ|冬だけ|"
                       r"[か箇ヶヵケ]月だけ|手伝い)[^、。,.]{0,8}$")
_OWNER = re.compile(r"(わし|わたし|私|自分|本人|僕|俺|おれ|うち)(は|が)?(ひとり|独り)?$")


def _before(t: str, start: int) -> str:
    clause_start = max(t.rfind(c, 0, start) for c in "、。,.") + 1
    return t[clause_start:start]


_SUBSET = re.compile(r"(うち(?![はのでもがわにとん])|その内|其の内|その中で|そのなかで|中でも|内訳は?)[、,]?[^、。,.]{0,12}$")
_LEFT_OUT = re.compile(r"(除い|除く|除き|以外|別に|抜き|含めず|入れず|含まず|を引いて|引くと)")


def _not_counted(t: str, start: int) -> bool:
    before = _before(t, start)
    if _LEFT_OUT.search(before):  # 「役員を除いて12人」: the count is what remains
        return False
    return bool(_OFFICERS.search(before) or _OWNER.search(before))


_PER_VISIT = ("あたり", "当たり", "ずつ", "毎回", "1回", "一回", "each")


_CORRECTION = re.compile(r"いや|じゃなくて|ではなくて|ではなく|じゃなく|実際は|実際には|正しくは|訂正|間違えました|違った")
_TOTAL = re.compile(r"(合計|全部で|あわせて|合わせて|計|トータル|総計|ぜんぶで|全体で)(は|で)?$")
_NOT_DONE = re.compile(r"^(回|時間)(まで|も)?(は|も)?(行って|いって|使って|来て|して|利用して|受けて)?(い|お)?(ない|ません|なか|ていない)")
_SLIPS = re.compile(r"(?<=\d)\s*(階|会|解|界)(?=[、,。\s]|で|と|$)")  # 「2階、4時間」「3会で7時間」: 回 mistyped


def parse_usage(text: str) -> tuple[int | None, float | None]:
    """(visits, total hours) of this year's use: '2回 6時間' → (2, 6.0); '三回、一回あたり二時間' → (3, 6.0); '1回2時間を3回'
    → (3, 6.0); '1回目が3時間、2回目が2時間' → (2, 5.0); '90分を2回' → (2, 3.0); '3回…いや2回、全部で5時間' → (2, 5.0);
    '3回までは行っとらん、2回だけ' → 2 visits; kana numerals with their counter too."""
    t = _SLIPS.sub("回", prepare(counted_kana(text)))
    corrected = list(_CORRECTION.finditer(t))
    if corrected:  # what the owner corrected to counts: read the rest, if it still states a figure
        tail = t[corrected[-1].end():]
        if re.search(r"\d|[一二三四五六七八九十]", tail):
            t = tail
    visits: list[int] = []
    ordinal = 0
    durations: list[tuple[float, int, int]] = []  # (hours, start, end)
    per_visit = False
    for f in find_all(t):
        after = t[f.end : f.end + 3]
        before = t[max(0, f.start - 6) : f.start]
        if _NOT_DONE.match(t[f.end : f.end + 14]):
            continue  # 「5回は行ってないです」
        if after.startswith(("回目", "度目")):
            ordinal = max(ordinal, int(f.value))
        elif after.startswith(("回", "度")):
            nxt = re.match(r"[回度](あたり|当たり|につき)?\s*(\d+(?:\.\d+)?|[一二三四五六七八九十]+)\s*時間", t[f.end:])
            if f.value == 1 and (nxt or t[f.end + 1 : f.end + 4].startswith(("あたり", "当たり", "につき"))):
                per_visit = True  # 「1回2時間」「一回あたり二時間」: the length of each visit
                continue
            visits.append(int(f.value))
        elif after.startswith(("時間", "h", "H")):
            hours = float(f.value) + (0.5 if t[f.end + 2 : f.end + 3] == "半" else 0)
            durations.append((hours, f.start, f.end))
            per_visit = per_visit or any(w in before or w in t[f.end : f.end + 6] for w in _PER_VISIT)
        elif after.startswith("分") and f.value >= 10:
            durations.append((float(f.value) / 60, f.start, f.end))
    if re.search(r"(時間|分)(半)?(を|ずつ|×|x)\s*(\d+|[一二三四五六七八九十]+)\s*回", t):
        per_visit = True  # 「90分を2回」「1時間半ずつ4回」
    count = visits[-1] if visits else (ordinal or None)
    if ordinal and count is not None:
        count = max(count, ordinal)
    total = next((h for h, start, _ in durations if _TOTAL.search(t[max(0, start - 6) : start])), None)
    if total is None and durations:
        if per_visit and count and len(durations) == 1:
            total = durations[0][0] * count
        else:
            total = sum(h for h, _, _ in durations)  # 「1回目が3時間、2回目が2時間」: each visit's length
    return count, total


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
_PHONE_IN_TEXT = re.compile(r"0[\d\s\-‐‑–—―−－ー()（）]{8,16}\d")
_KANJI_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
# Digits read aloud in kana (ぜろきゅうろく…): longest first.
KANA_DIGITS = (("ぜろ", "0"), ("れい", "0"), ("まる", "0"), ("ゼロ", "0"), ("いち", "1"), ("にー", "2"), ("にいち", "21"),
                ("にい", "2"), ("に", "2"),
                ("さん", "3"), ("よん", "4"), ("し", "4"), ("ごー", "5"), ("ごお", "5"), ("ご", "5"), ("ろく", "6"), ("なな", "7"),
                ("しち", "7"), ("はち", "8"), ("きゅう", "9"), ("きゅー", "9"), ("く", "9"))
_KANA_ONLY = re.compile(r"^[ぁ-んー\s、,・の]+$")


def kana_digits(text: str) -> str:
    """'ぜろきゅうろく' → '096' (only for text that is kana and separators)."""
    if not _KANA_ONLY.match(text):
        return text
    out, i = [], 0
    t = re.sub(r"[\s、,・の]", " ", text)
    while i < len(t):
        hit = next(((k, d) for k, d in KANA_DIGITS if t.startswith(k, i)), None)
        if hit:
            out.append(hit[1])
            i += len(hit[0])
        else:
            out.append(t[i] if t[i] == " " else "")
            i += 1
    return "".join(out)


def parse_phone(text: str) -> str | None:
    """A Japanese phone number (10 or 11 digits starting with 0) anywhere in the text, as digits only:
    '096-365-1234（日中は事務所）', '〇九〇 二三四五 六七八九', 'ぜろきゅうろく さんにーさん…'."""
    t = kana_digits(prepare(text).translate(_KANJI_DIGITS))
    for candidate in _PHONE_IN_TEXT.findall(t):
        digits = re.sub(r"[\s\-‐‑–—―−－ー()（）]", "", candidate)  # every dash an IME may type
        if _PHONE.match(digits):
            return digits
    return None


_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")


def parse_email(text: str) -> str | None:
    """An e-mail address anywhere in the text ('info@example.jpです' → 'info@example.jp')."""
    found = _EMAIL.search(prepare(text))
    return found.group() if found else None
