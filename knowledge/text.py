"""Text normalisation for retrieval: NFKC, one kana script, domain synonyms, character n-grams."""

from __future__ import annotations

import re
import unicodedata

# Domain synonyms: what owners type → the word the entries use (applied before every channel).
SYNONYMS: tuple[tuple[str, str], ...] = (
    (r"zoom|ズーム|ウェブ会議|web会議|テレビ会議|テレビ電話|ビデオ通話|ビデオ会議|teams|google\s*meet|リモート|ネット越し|画面越し|"
     r"オンライン会議", "オンライン"),
    (r"\bhp\b|ホームページ|ウェブサイト|webサイト|サイト制作|サイト作成", "ホームページ"),
    (r"インスタグラム|インスタ|instagram|フェイスブック|facebook|ツイッター|twitter|ティックトック|tiktok", "SNS"),
    (r"ネットショップ|ネット通販|通販サイト|通販|ネット販売|ネットで物販|ネットで売", "EC"),
    (r"ecサイト", "EC"),
    (r"人工知能", "AI"),
    (r"起業|開業", "創業"),
    (r"助成金", "補助金"),
    (r"qrコード決済|qr決済|電子マネー|カード決済|スマホ決済|paypay", "キャッシュレス"),
    (r"タダ|ただで|無償|ロハ|ゼロ円|(?<![0-9,.])0円", "無料"),  # 0円 as a whole number: 1000円 stays a price
    (r"料金|値段|お金|参加費|受講料|費用", "費用"),
    (r"何べん|何遍|何度", "何回"),
    (r"セミナー|勉強会", "講習会"),
    (r"オペレーター|人間|人と話", "担当者"),
    (r"コンサルタント|コンサル|先生", "専門家"),
    (r"申込み|申込|申し込み|申請", "申し込み"),
    (r"所在地|住所", "場所"),
    (r"交通費", "旅費"),
    (r"受付期間|実施期間|期限|締め切り|締切り|締切|〆切", "期間"),
    (r"問い合わせ|問合せ|問合わせ|お問い合わせ", "連絡先"),
    (r"パートさん|パート|アルバイト|バイト|従業員さん", "従業員"),
    (r"利用条件|条件|資格", "対象"),
)
_SYNONYMS = [(re.compile(p, re.I), w) for p, w in SYNONYMS]
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[、。，．,.!！?？「」『』（）()・\-ー〜~…:：;；\"'“”]")


def normalize(text: str) -> str:
    """NFKC, lower case, synonyms mapped, spaces dropped."""
    t = unicodedata.normalize("NFKC", text).lower()
    for pattern, word in _SYNONYMS:
        t = pattern.sub(word.lower(), t)
    return _SPACE.sub("", t)


def to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def is_kana_only(text: str) -> bool:
    core = _PUNCT.sub("", normalize(text))
    return bool(core) and all("ぁ" <= c <= "ゟ" or "ァ" <= c <= "ヿ" for c in core)


def ngrams(text: str, sizes: tuple[int, ...] = (2, 3)) -> list[str]:
    """Character n-grams of the text without punctuation, in one kana script."""
    t = to_katakana(_PUNCT.sub("", text))
    return [t[i : i + n] for n in sizes for i in range(len(t) - n + 1)] or ([t] if t else [])
