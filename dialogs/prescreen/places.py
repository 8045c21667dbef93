"""Where a business is: Kumamoto's 45 municipalities (14 市, 23 町, 8 村) with their readings, and the other
prefectures. Found by name (with or without 市/町/村, 郡 and 区 around it) or, for kana-only input, by reading."""

from __future__ import annotations

import re

from dialogs.understand.text import standard, to_katakana

# name → reading (hiragana). 町 is まち in Kumamoto except 山都町 and 氷川町 (ちょう).
KUMAMOTO_READINGS = {
    "熊本市": "くまもとし", "八代市": "やつしろし", "人吉市": "ひとよしし", "荒尾市": "あらおし", "水俣市": "みなまたし",
    "玉名市": "たまなし", "山鹿市": "やまがし", "菊池市": "きくちし", "宇土市": "うとし", "上天草市": "かみあまくさし",
    "宇城市": "うきし", "阿蘇市": "あそし", "天草市": "あまくさし", "合志市": "こうしし",
    "美里町": "みさとまち", "玉東町": "ぎょくとうまち", "南関町": "なんかんまち", "長洲町": "ながすまち", "和水町": "なごみまち",
    "大津町": "おおづまち", "菊陽町": "きくようまち", "南小国町": "みなみおぐにまち", "小国町": "おぐにまち",
    "高森町": "たかもりまち", "御船町": "みふねまち", "嘉島町": "かしままち", "益城町": "ましきまち", "甲佐町": "こうさまち",
    "山都町": "やまとちょう", "氷川町": "ひかわちょう", "芦北町": "あしきたまち", "津奈木町": "つなぎまち", "錦町": "にしきまち",
    "多良木町": "たらぎまち", "湯前町": "ゆのまえまち", "あさぎり町": "あさぎりちょう", "苓北町": "れいほくまち",
    "産山村": "うぶやまむら", "西原村": "にしはらむら", "南阿蘇村": "みなみあそむら", "水上村": "みずかみむら",
    "相良村": "さがらむら", "五木村": "いつきむら", "山江村": "やまえむら", "球磨村": "くまむら",
}
KUMAMOTO = tuple(KUMAMOTO_READINGS)
# Towns and villages merged away in the Heisei mergers (2003–2010), which owners still name (「旧鹿本町」「牛深」):
# current municipality → the former ones. Names that are also common words or surnames (上村, 泉村, 中央町, 坂本村,
# 三角町, 不知火町, 宮原町) count only with their 町/村 suffix.
FORMER = {
    "熊本市": ("富合町", "城南町", "植木町"), "八代市": ("坂本村", "千丁町", "鏡町", "東陽村", "泉村"),
    "山鹿市": ("鹿北町", "菊鹿町", "鹿本町", "鹿央町"), "菊池市": ("七城町", "旭志村", "泗水町"),
    "上天草市": ("大矢野町", "松島町", "姫戸町", "龍ヶ岳町"), "宇城市": ("三角町", "不知火町", "松橋町", "小川町", "豊野町"),
    "阿蘇市": ("一の宮町", "阿蘇町", "波野村"), "合志市": ("西合志町", "合志町"), "玉名市": ("岱明町", "横島町", "天水町"),
    "天草市": ("本渡市", "牛深市", "有明町", "御所浦町", "倉岳町", "栖本町", "新和町", "五和町", "天草町", "河浦町"),
    "美里町": ("中央町", "砥用町"), "和水町": ("菊水町", "三加和町"), "南阿蘇村": ("白水村", "久木野村", "長陽村"),
    "山都町": ("矢部町", "清和村", "蘇陽町"), "氷川町": ("竜北町", "宮原町"), "芦北町": ("田浦町",),
    "あさぎり町": ("上村", "免田町", "岡原村", "須恵村", "深田村"),
}
_SUFFIX_ONLY = {"上村", "泉村", "中央町", "坂本村", "三角町", "不知火町", "宮原町", "小川町", "有明町", "松島町", "鏡町",
                "阿蘇町", "天草町", "合志町", "菊水町"}
PREFECTURES = (
    "北海道", "青森", "岩手", "宮城", "秋田", "山形", "福島", "茨城", "栃木", "群馬", "埼玉", "千葉", "東京", "神奈川",
    "新潟", "富山", "石川", "福井", "山梨", "長野", "岐阜", "静岡", "愛知", "三重", "滋賀", "京都", "大阪", "兵庫",
    "奈良", "和歌山", "鳥取", "島根", "岡山", "広島", "山口", "徳島", "香川", "愛媛", "高知", "福岡", "佐賀", "長崎",
    "大分", "宮崎", "鹿児島", "沖縄",
)
PREFECTURE_READINGS = ("ふくおか", "さが", "ながさき", "おおいた", "みやざき", "かごしま", "おきなわ", "とうきょう", "おおさか",
                       "ひろしま", "やまぐち", "きょうと", "ほっかいどう", "あいち", "かながわ")
# Towns just over the border that owners name without their prefecture.
NEIGHBOURS = ("大牟田", "みやま", "柳川", "久留米", "鳥栖", "佐賀", "島原", "雲仙", "南島原", "延岡", "高千穂", "日之影", "五ヶ瀬",
              "椎葉", "えびの", "小林", "出水", "伊佐", "長島", "日田", "竹田", "九重", "玖珠", "博多", "天神", "北九州")
# Wards of 熊本市 (政令市): a ward names the city.
WARDS = ("中央区", "東区", "西区", "南区", "北区")
_SUFFIX_READINGS = ("し", "まち", "ちょう", "むら", "そん")


def _stems() -> list[tuple[str, str]]:
    """(what may be typed, municipality), longest first: 南小国 before 小国; 熊本 alone may mean the prefecture."""
    pairs = []
    for name, read in KUMAMOTO_READINGS.items():
        pairs.append((name, name))
        if name != "熊本市":
            pairs.append((name[:-1], name))
            stem = next((read[: -len(s)] for s in _SUFFIX_READINGS if read.endswith(s)), read)
            if len(stem) >= 3:
                pairs.append((stem, name))
                pairs.append((to_katakana(stem), name))
        pairs.append((read, name))
        pairs.append((to_katakana(read), name))
    pairs.append(("くまもとし", "熊本市"))
    for name, former in FORMER.items():
        for old in former:
            pairs.append((old, name))
            if old not in _SUFFIX_ONLY:
                pairs.append((old[:-1], name))
    return sorted(pairs, key=lambda p: -len(p[0]))


_STEMS = _stems()
_NOT_A_PLACE_AFTER = ("さん", "様", "商店", "屋")


_DENIED = ("じゃなく", "ではなく", "じゃない", "ではない", "じゃなか", "ではなか", "から移", "から引っ越", "にあった", "におった",
           "でしよった", "でやっていた", "にいた", "の知り合い", "の人", "出身", "の友達", "の友人", "の親戚", "のすぐ隣",
           "の隣", "の近く", "のとなり", "の横", "のそば", "の向かい")
_NOW = ("今は", "いまは", "現在は", "現在", "今の", "いまの", "移って", "移転", "引っ越して")


_PLACED = ("市", "町", "村", "で", "に", "から", "の", "、", "。", "です", "在", "近く", "あたり", "辺", "方", "周辺", "よ", "!",
           "！", ",", ".")


def _mentions(t: str, placed: bool = False) -> list[tuple[int, str]]:
    """Every municipality named in the text with its position, denied or past ones left out. `placed`: only names
    used as a place (with 市町村 or a particle after them), not inside a product's name (「球磨焼酎」「阿蘇のあか牛」 —
    the latter still counts)."""
    found: list[tuple[int, str]] = []
    taken: set[int] = set()
    for stem, name in _STEMS:
        for at in (m.start() for m in re.finditer(re.escape(stem), t)):
            if at in taken or any(a <= at < a + 3 for a in taken):
                continue
            taken.update(range(at, at + len(stem)))
            after = re.sub(r"\s", "", t[at + len(stem) : at + len(stem) + 12])[:8]  # 「みなまた の となり」
            if after.startswith("郡"):  # 球磨郡多良木町: the district, not 球磨村
                continue
            if placed and after and not after.startswith(_PLACED):
                continue
            if not any(after.lstrip("市町村").startswith(d) or d in after[:6] for d in _DENIED):
                found.append((at, name))
    return sorted(found)


def _near_miss(t: str) -> str | None:
    """One wrong character in a name typed with its 市/町/村 (「八大市」 → 八代市, 「菊地市」 → 菊池市)."""
    for match in re.finditer(r"[一-龥ぁ-ん]{1,4}[市町村]", t):
        typed = match.group()
        for name in KUMAMOTO:
            if len(name) == len(typed) and name[-1] == typed[-1] and sum(a != b for a, b in zip(name, typed, strict=True)) == 1:
                return name
    return None


def locate(text: str, *, guess: bool = False, placed: bool = False) -> tuple[str | None, bool] | None:
    """(municipality, in Kumamoto) from what was typed; None when it names no place we know. Several places: the
    one not denied (「熊本市じゃなくて、隣の嘉島町」), the present one (「…いまは錦町に移って」), else the first.
    `guess`: also a name with one wrong character (the caller confirms it back)."""
    t = standard(text)
    outside = [p for p in (*PREFECTURES, *NEIGHBOURS, *PREFECTURE_READINGS) if p in t and p != "熊本"]
    if any(w in t for w in ("県外", "熊本以外", "熊本県以外", "けんがい")):
        return None, False
    mentions = [] if outside else _mentions(t, placed)
    if mentions:
        now = [name for at, name in mentions if any(w in t[max(0, at - 6) : at] for w in _NOW)]
        return (now[-1] if now else mentions[0][1]), True
    if guess and not outside and (near := _near_miss(t)):
        return near, True
    if outside:
        return None, False
    if "熊本市" in t or any(w in t for w in WARDS):  # a ward names 熊本市 (政令市)
        return "熊本市", True
    if "熊本" in t or "くまもと" in t:
        return None, True  # 熊本県内 without a municipality: asked again for it
    return None
