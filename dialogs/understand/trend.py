"""Which way the business is going, from how the owner describes it (最近の経営状況は？): good, flat, hard, mixed
(both ways at once: 「注文は増えているのに利益は減っている」) or None (nothing that points a way).

Read from morphology, not from phrases: each evaluative word (好調, 伸びる, 減る, 赤字, 横ばい, 同じ …) counts for its
direction, and a negation after it turns it (「伸びとらん」 points down; 「悪くはない」 and 「落ちてもおらん」 hold level);
figures count too (「前年比115%」 up, 「去年の8割」「一割減」 down, 「100%前後」 level). The owner's own words are kept
beside the reading for the coordinator, whatever it is.
"""

from __future__ import annotations

import re

from dialogs.understand.morph import Token, tokens
from dialogs.understand.text import standard

UP = {"好調", "順調", "良い", "いい", "よい", "伸びる", "増える", "上がる", "上向く", "上向き", "戻る", "超える", "黒字", "忙しい",
      "好転", "回復", "埋まる", "売れる", "儲かる", "絶好調", "最高", "増加", "増収", "増益", "拡大", "右肩上がり", "好評",
      "繁盛", "盛況", "手一杯", "いちばん", "一番", "過去最高", "最高益", "活況"}
DOWN = {"厳しい", "苦しい", "悪い", "減る", "落ちる", "下がる", "赤字", "低迷", "不調", "悪化", "大変", "きつい", "減少", "落ち込む",
        "さっぱり", "困る", "傾く", "減収", "減益", "縮小", "右肩下がり", "不振", "苦戦", "閑古鳥", "売れない", "ひどい", "しんどい",
        "やばい", "ジリ貧", "危ない", "疲弊", "激減", "半減"}
LEVEL = {"横ばい", "横這い", "同じ", "並み", "維持", "安定", "まあまあ", "ぼちぼち", "普通", "そこそこ", "落ち着く", "前後",
         "トントン", "とんとん", "例年", "平年", "変わらず", "相変わらず", "現状", "可もなく不可もなく", "まずまず"}
CHANGE = {"変わる", "変化"}  # negated: level (「変わらん」)
_NEGATIONS = {"ない", "無い", "ぬ", "ず", "ん", "らむ"}  # らむ: Sudachi's reading of the dialect's 〜らん (出らん)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(%|％|パーセント)")
_TENTHS = re.compile(r"(\d+|[一二三四五六七八九十])割(減|増|落ち|アップ|ダウン|に)?")
_KANJI = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NOTHING_COMES = re.compile(r"(客|お客|注文|予約|問い合わせ)[^、。]{0,4}(来ない|こない|来ん|入らない|ない)")
_NO_WAY = re.compile(r"どうにもなら|どうしようも|どんこんなら")


def _negated(toks: tuple[Token, ...], i: int) -> bool:
    """A negation within the predicate that follows token i (up to a clause boundary): 「伸びとらん」「好調とは言えん」."""
    for j, t in enumerate(toks[i + 1 : i + 6], start=i + 1):
        if t.pos == "補助記号" or t.lemma in ("けれど", "けど", "が", "のに") and t.pos == "助詞":
            return False
        if (t.pos == "助動詞" and (t.lemma in _NEGATIONS or t.normal in _NEGATIONS)) or (
                t.pos == "形容詞" and t.lemma in ("ない", "無い")):
            return True
        if t.surface == "ん" and j > 0 and toks[j - 1].pos == "動詞":  # 言えん: the dialect's negative after a verb
            return True
    return False


def _reading_set(words: set[str]) -> set[str]:
    return {t.reading for w in words for t in tokens(w)[:1] if len(t.reading) >= 3}


_UP_READINGS, _DOWN_READINGS = _reading_set(UP), _reading_set(DOWN)
# What rises that is bad news (「仕入れ値も上がって」「材料費が上がり」), and profit that does not come.
_COSTS_UP = re.compile(r"(値段|価格|仕入れ|仕入|材料|原価|経費|電気代|燃料|光熱費|人件費|家賃|コスト|ねだん|物価)[^、。]{0,5}"
                       r"(上が|あが|高くな|増え|ふえ|高騰)")
# Orders that pour in and hands that cannot keep up are good news; hands that are short are not.
_BUSY = re.compile(r"(注文|予約|お客|客|問い合わせ|依頼)[^、。]{0,4}(来よ|来て|来る|入って|殺到|埋ま|多く|多い)|手(が|の)?回ら")
_SHORT = re.compile(r"(人|人手|人出|手)[^、。]{0,3}(足りな|足らな|足らん|不足)|人手不足|人出不足")
# A wish is not a state: 「なんとか上向きにしたい」「売上を伸ばしたい」.
_WISHED = re.compile(r"^[^、。]{0,3}(に|く)?(し|なり|伸ばし|増やし|上げ)?(たい|ように|ようと)")
_NO_PROFIT = re.compile(r"(利益|儲け|もうけ|手元|お金)[^、。]{0,6}(出ない|出らん|でない|残らない|残らん|のこらない|ない)")


def _figures(std: str) -> list[str]:
    out = []
    for m in _PERCENT.finditer(std):
        value = float(m.group(1))
        if re.search(r"(前年|去年|昨年|前期)", std[max(0, m.start() - 10) : m.start()]) or value > 20:
            out.append("up" if value >= 105 else "down" if value <= 95 else "level")
    for m in _TENTHS.finditer(std):
        n = int(m.group(1)) if m.group(1).isdigit() else _KANJI[m.group(1)]
        suffix = m.group(2) or ""
        if suffix in ("減", "落ち", "ダウン"):
            out.append("down")
        elif suffix in ("増", "アップ"):
            out.append("up")
        elif suffix == "に" or re.search(r"(前年|去年|昨年|の)$", std[max(0, m.start() - 4) : m.start()]):
            out.append("down" if n < 10 else "up" if n > 10 else "level")
    return out


def trend(text: str) -> str | None:
    std = standard(text)
    toks = tokens(std)
    seen: list[str] = _figures(std)
    if _NOTHING_COMES.search(std) or _NO_WAY.search(std) or _NO_PROFIT.search(std) or _SHORT.search(std):
        seen.append("down")
    if _BUSY.search(std) and not _NOTHING_COMES.search(std):
        seen.append("up")
    costs = [(m.start(2), m.end()) for m in _COSTS_UP.finditer(std)]
    at = 0
    for i, t in enumerate(toks):
        at = std.find(t.surface, at)
        words = {t.lemma, t.normal, t.surface}
        negated = _negated(toks, i)
        if _WISHED.match(std[at + len(t.surface):]) and words & (UP | LEVEL):
            continue  # 「上向きにしたい」: what they want, not where they are
        kana = t.reading if t.surface == t.reading or not any("一" <= c <= "龥" for c in t.surface) else ""
        if any(start <= at < end for start, end in costs):
            seen.append("down")  # a cost that rises
        elif words & UP or (kana and kana in _UP_READINGS):
            seen.append("down" if negated else "up")
        elif words & DOWN or (kana and kana in _DOWN_READINGS):
            seen.append("level" if negated else "down")
        elif words & LEVEL or words & CHANGE and negated:
            seen.append("level")
    if not seen:
        return None
    up, down, level = seen.count("up"), seen.count("down"), seen.count("level")
    if up and down and seen[-1] == "level":  # 「ECは伸びて店は落ちて、差し引きで去年並み」: the conclusion is level
        return "flat"
    if up and down:
        if "どころか" in std or "超え" in std:  # 「悪くないどころか…いちばん」「コロナの時は大変…今はコロナ前を超えて」
            return "good" if up >= down else "hard"
        return "mixed"
    if up:
        return "good"
    if down:
        return "flat" if level and down <= level and "ない" in std else "hard"
    return "flat"
