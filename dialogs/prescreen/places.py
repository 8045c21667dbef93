"""Where a business is: Kumamoto's 45 municipalities (14 市, 23 町, 8 村) and the other prefectures."""

from __future__ import annotations

from dialogs.normalize import normalize

KUMAMOTO = (
    "熊本市", "八代市", "人吉市", "荒尾市", "水俣市", "玉名市", "山鹿市", "菊池市", "宇土市", "上天草市", "宇城市",
    "阿蘇市", "天草市", "合志市",
    "美里町", "玉東町", "南関町", "長洲町", "和水町", "大津町", "菊陽町", "南小国町", "小国町", "高森町", "御船町",
    "嘉島町", "益城町", "甲佐町", "山都町", "氷川町", "芦北町", "津奈木町", "錦町", "多良木町", "湯前町", "あさぎり町",
    "苓北町",
    "産山村", "西原村", "南阿蘇村", "水上村", "相良村", "五木村", "山江村", "球磨村",
)
PREFECTURES = (
    "北海道", "青森", "岩手", "宮城", "秋田", "山形", "福島", "茨城", "栃木", "群馬", "埼玉", "千葉", "東京", "神奈川",
    "新潟", "富山", "石川", "福井", "山梨", "長野", "岐阜", "静岡", "愛知", "三重", "滋賀", "京都", "大阪", "兵庫",
    "奈良", "和歌山", "鳥取", "島根", "岡山", "広島", "山口", "徳島", "香川", "愛媛", "高知", "福岡", "佐賀", "長崎",
    "大分", "宮崎", "鹿児島", "沖縄",
)
# Longest first (南小国 before 小国); 熊本市 only by its full name, since 熊本 alone may mean the prefecture.
_STEMS = sorted(((m if m == "熊本市" else m[:-1], m) for m in KUMAMOTO), key=lambda p: -len(p[0]))


def locate(text: str) -> tuple[str | None, bool] | None:
    """(municipality, in Kumamoto) from what was typed; None when it names no place we know."""
    t = normalize(text)
    for stem, name in _STEMS:
        if stem in t and not any(p in t for p in PREFECTURES if p != "熊本"):
            return name, True
    if any(p in t for p in PREFECTURES):
        return None, False
    if "熊本" in t:
        return None, True  # 熊本県内 without a municipality: asked again for it
    if any(w in t for w in ("県外", "熊本以外", "熊本県以外")):
        return None, False
    return None
