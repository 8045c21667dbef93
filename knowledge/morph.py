"""SudachiPy (sudachidict-core): content words in their normalised form, and readings for kana-only input."""

from __future__ import annotations

import threading

from sudachipy import Dictionary, SplitMode

CONTENT = {"名詞", "動詞", "形容詞", "形状詞", "副詞"}
STOP = {"する", "ある", "いる", "出来る", "なる", "れる", "られる", "こと", "もの", "の", "よう", "ため", "方", "何", "どう",
        "いう", "思う", "くれる", "もらう", "貰う", "下さる", "ほしい", "欲しい", "です", "ます", "いい", "良い", "うち", "これ",
        "それ", "とき", "知る", "教える", "分かる", "行く", "来る", "聞く", "やる", "使う", "見る"}
_local = threading.local()
_dictionary: Dictionary | None = None
_lock = threading.Lock()


def _tokenizer():  # type: ignore[no-untyped-def]
    """One tokenizer per thread (Sudachi tokenizers are not thread-safe); the dictionary is shared."""
    global _dictionary
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        with _lock:
            if _dictionary is None:
                _dictionary = Dictionary(dict="core")
        tok = _local.tokenizer = _dictionary.tokenizer(mode=SplitMode.C)
    return tok


def analyse(text: str) -> tuple[list[str], str]:
    """(content words, normalised forms; the katakana reading of the whole text)."""
    words: list[str] = []
    reading: list[str] = []
    for m in _tokenizer().tokenize(text):
        reading.append(m.reading_form())
        pos = m.part_of_speech()[0]
        lemma = m.normalized_form()
        if pos in CONTENT and lemma not in STOP and len(lemma) > 1 or (pos == "名詞" and lemma.isascii() and lemma):
            words.append(lemma.lower())
    return words, "".join(reading)
