"""Cleaning and normalising typed Japanese before it is read: control characters out, NFKC, one spelling for the
Kumamoto dialect's grammatical forms (so the standard morphology of morph.py reads their negation and wishes).

The dialect table rewrites *grammar*, not vocabulary: 〜とらん → 〜ていない, 〜なか → 〜ない, よか → よい, 〜たか → 〜たい,
〜と？ → 〜の？ … Each rule is anchored to what may follow it (an ending, a particle, punctuation or the end), so that
ordinary words that share the letters (「なかなか」, 「中」) are left alone.
"""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SPACE = re.compile(r"[\s\u3000]+")
# What may follow a predicate in the dialect: endings, sentence particles, punctuation, the end.
_END = r"(?=です|だ|よ|ね|ばい|たい|けん|けど|ばってん|から|と[?？]?$|と(?:思|おも|です|でしょ)|もん|な$|[。、,.!！?？…〜~ｗw]|$)"

DIALECT: tuple[tuple[str, str], ...] = (
    (r"っとらん", "っていない"), (r"とらん", "ていない"), (r"どらん", "でいない"),
    (r"っとらす", "っている"), (r"っとる" + _END, "っている"), (r"っとった", "っていた"),
    (r"しよらん", "していない"), (r"しよる" + _END, "している"), (r"しよります", "しています"),
    (r"おらん", "いない"), (r"おらす", "いる"),
    (r"(?<![なせ])なか" + _END, "ない"), (r"なかった", "なかった"),
    (r"(?<=[しつるさ])か(?=です|ばい|たい|けん|ばってん|けど|よ|ね|もん|[。、,.!！]|$)", "い"),  # 厳しか, きつか, 悪か: the dialect's 〜い
    (r"(?<![さ])よか" + _END, "よい"), (r"ほしか" + _END, "ほしい"), (r"欲しか" + _END, "欲しい"),
    (r"(?<=[いきしちにひみりぎじびぴえけせてねへめれげぜでべぺ])たか" + _END, "たい"),
    (r"ごたる", "たい"), (r"ごた" + _END, "たい"),
    (r"(?<=[\u4e00-\u9fff])うた(?=こと|ら|けど|です|ばってん|[。、,.!！]|$)", "った"),  # 使うた, 言うた: 〜った
    (r"ばってん", "けど"), (r"(?<=[んいた])けん(?=[、,]|$)", "から"),
    (r"いっちょん", "全然"), (r"なんぼ", "いくら"), (r"どげん", "どう"), (r"なして", "なぜ"),
    (r"(?<=[いよ])かと[?？]?$", "いの？"), (r"(?<=[ぁ-んー])と[?？]$", "の？"),
    (r"してはいよ", "してください"), (r"しなっせ", "してください"),
    (r"(?:(?<=です)|(?<=ます)|(?<=ない)|(?<=った)|(?<=てる)|(?<=ている)|(?<=いる)|(?<=ある)|(?<=らん)|(?<=わん)|(?<=せん)|"
     r"(?<=よい)|(?<=そう)|(?<=じゃ))(ばい|たい|けん)$", ""),
)
_DIALECT = tuple((re.compile(p), r) for p, r in DIALECT)


def clean(text: str) -> str:
    """What the owner typed, safe to store: NFKC, no control characters (NUL included), spaces folded, trimmed."""
    t = unicodedata.normalize("NFKC", text)
    t = _CONTROL.sub("", t)
    return _SPACE.sub(" ", t).strip()


_TYPOS = ((re.compile(r"(?<=[ぁ-ん])n(?=$|[。、.,!！?？])"), "ん"), (re.compile(r"(?<=[でま])s(?=$|[。、.,!！?？])"), "す"), (re.compile(r"(?<=[なた])ぃ"), "い"),
          (re.compile(r"(?<=[ぁ-んァ-ヶ])[wｗ]+$|[（(]?笑[)）]?$"), ""))


def standard(text: str) -> str:
    """Cleaned, lower case, without spaces, IME slips at the end of a word fixed (ませn → ません, ないぃ → ない),
    dialect grammar rewritten to the standard forms."""
    t = _SPACE.sub("", clean(text).lower())
    for pattern, repl in _TYPOS:
        t = pattern.sub(repl, t)
    for pattern, repl in _DIALECT:
        t = pattern.sub(repl, t)
    return t


def to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


_KANA = re.compile(r"^[ぁ-ゟァ-ヿー\s、。,.!！?？〜~・]+$")


def is_kana_only(text: str) -> bool:
    return bool(_KANA.match(text))
