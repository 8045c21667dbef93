"""Morphology with SudachiPy (sudachidict-core): tokens with part of speech, dictionary form and reading.

A pure function of the text (the dictionary ships inside the package); one tokenizer per thread, since Sudachi
tokenizers are not thread-safe, and the dictionary shared.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

from sudachipy import Dictionary, SplitMode

_local = threading.local()
_lock = threading.Lock()
_dictionary: list[Dictionary] = []


@dataclass(frozen=True)
class Token:
    surface: str
    pos: str  # 名詞, 動詞, 助動詞, …
    sub: str  # the second level (普通名詞, 固有名詞, 非自立可能 …)
    lemma: str  # dictionary form
    normal: str  # normalised form (表記ゆれ folded: 分かる/わかる → 分かる)
    reading: str  # katakana


def _tokenizer():  # type: ignore[no-untyped-def]
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        with _lock:
            if not _dictionary:
                _dictionary.append(Dictionary(dict="core"))
        tok = _local.tokenizer = _dictionary[0].tokenizer(mode=SplitMode.C)
    return tok


@functools.lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Token, ...]:
    out = []
    for m in _tokenizer().tokenize(text[:2000]):
        pos = m.part_of_speech()
        out.append(Token(m.surface(), pos[0], pos[1], m.dictionary_form(), m.normalized_form(), m.reading_form()))
    return tuple(out)


def reading(text: str) -> str:
    """The katakana reading of the whole text."""
    return "".join(t.reading for t in tokens(text))
