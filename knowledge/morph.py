"""SudachiPy (sudachidict-core): content words in their normalised form, and readings for kana-only input."""

from __future__ import annotations

from dialogs.understand.morph import tokens

CONTENT = {"名詞", "動詞", "形容詞", "形状詞", "副詞"}
STOP = {"する", "ある", "いる", "出来る", "なる", "れる", "られる", "こと", "もの", "の", "よう", "ため", "方", "何", "どう",
        "いう", "思う", "くれる", "もらう", "貰う", "下さる", "ほしい", "欲しい", "です", "ます", "いい", "良い", "うち", "これ",
        "それ", "とき", "知る", "教える", "分かる", "行く", "来る", "聞く", "やる", "使う", "見る"}


def analyse(text: str) -> tuple[list[str], str]:
    """(content words, normalised forms; the katakana reading of the whole text), from the one Sudachi tokenizer the
    dialogs use (dialogs/understand/morph.py)."""
    words: list[str] = []
    reading: list[str] = []
    for m in tokens(text):
        reading.append(m.reading)
        lemma = m.normal
        if m.pos in CONTENT and lemma not in STOP and len(lemma) > 1 or (m.pos == "名詞" and lemma.isascii() and lemma):
            words.append(lemma.lower())
    return words, "".join(reading)
