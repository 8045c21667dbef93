"""Choosing one of a question's options from what was typed: by label, by the words and phrasings owners use for
each option, and by reading (kana-only input), matched on token boundaries — 「会社員」 does not say 会社 — and not
when the mention is denied (「会社じゃなくて個人です」).

A match is scored: 1.0 the whole message is the option; 0.9 a word of the option stands in the message; 0.75 found by
reading only. Two options found with the same strength make the reading ambiguous (None; the caller asks again).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dialogs.understand.morph import reading, tokens
from dialogs.understand.text import is_kana_only, standard, to_katakana

_POLITE = re.compile(r"(です|でございます|であります|になります|ます|だ|で|を|が|は|に|かな|ですね|ね|よ|ばい|たい|と思います|"
                     r"でお願いします|をお願いします|お願いします|でしょうか|だと思う)+$")
_DENIED_AFTER = re.compile(r"^(では|じゃ|でも)?(ない|なく|なか|ありません|ございません|以外)|^とは(言え|いえ)|"
                           r"^(は|も|を|に|には|にも)?(して|やって|し|なって|なっ)?(い|お)?(ない|ません|なく|ず)[^。、,.]{0,3}([。、,.]|$)")


def bare(text: str) -> str:
    """Standard form without a polite or particle ending: 「製造業です」 → 「製造業」."""
    return _POLITE.sub("", standard(text).rstrip("。、.,!！?？〜~"))


_SUFFIXES = set("業屋店所社")
_SUFFIXES2 = {"施設", "業者", "事業", "関係", "関連", "会社", "工場", "教室"}


@dataclass(frozen=True)
class Found:
    key: str
    score: float
    word: str


class Options:
    """key → the words owners use for it (the first is the button label)."""

    def __init__(self, items: Mapping[str, Iterable[str]], *, min_reading: int = 3,
                 residual: Iterable[str] = (), fuzzy: bool = False) -> None:
        self.items = {k: tuple(v) for k, v in items.items()}
        # 「有限会者」 for 有限会社; off where one character turns a word into its opposite (県内 / 県外)
        self.fuzzy = fuzzy
        self.residual = frozenset(residual)  # 「その他」: named only when nothing more specific is
        self._words = [(key, standard(w), w) for key, words in self.items.items() for w in words]
        self._readings = [(key, to_katakana(reading(w)), w) for key, words in self.items.items() for w in words
                          if len(reading(w)) >= min_reading]
        # Phrasings of two or more content words also match with particles changed or added between them:
        # 「ネットで販売」 is said as 「ネットでの販売」「ネットを使った販売」.
        self._phrases = [(key, lemmas, w) for key, words in self.items.items() for w in words
                         if len(lemmas := content(standard(w))) >= 2]

    def label(self, key: str) -> str:
        return self.items[key][0]

    def find(self, text: str, *, specific: bool = True) -> list[Found]:
        """Every option the text names, best first (`specific`: その他 left out when something else is named)."""
        std = standard(text)
        if not std:
            return []
        whole = bare(text)
        found: dict[str, Found] = {}

        def add(f: Found) -> None:
            if f.key not in found or (f.score, len(f.word)) > (found[f.key].score, len(found[f.key].word)):
                found[f.key] = f

        for key, word, label in self._words:
            if word and whole == word:
                add(Found(key, 1.0, label))
        bounds = _boundaries(std)
        for key, word, label in self._words:
            if len(word) < 2 and not word.isascii():
                continue
            for m in re.finditer(re.escape(word), std):
                start, end = m.start(), m.end()
                suffixed = (std[end : end + 1] in _SUFFIXES and end + 1 in bounds[1]) or (  # 運送業, 八百屋, 酒店
                    std[end : end + 2] in _SUFFIXES2 and end + 2 in bounds[1])  # 宿泊施設, 建設業者
                aligned = (start in bounds[0] and (end in bounds[1] or suffixed or len(word) >= 4)) or (
                    word.isascii() and _ascii_edges(std, start, end))
                if aligned and not _DENIED_AFTER.match(std[end:]):
                    add(Found(key, 0.9, label))
        if self._phrases:
            said = content(std)
            for key, lemmas, label in self._phrases:
                if key not in found and _in_order(lemmas, said):
                    add(Found(key, 0.85, label))
        if is_kana_only(text) or not found:
            kata = to_katakana(std)
            whole_kata = to_katakana(whole)
            for key, read, label in self._readings:
                if read and read in kata and not _DENIED_AFTER.match(kata[kata.index(read) + len(read):]):
                    sure = read == whole_kata or len(read) >= 5  # the whole answer, or a long word: no doubt
                    add(Found(key, 0.9 if sure else 0.75, label))
        if not found:  # a wrong kanji of the same sound (「通半サイト」 for 通販): a guess, confirmed back
            spoken = to_katakana(reading(std))
            for key, read, label in self._readings:
                if len(read) >= 3 and read in spoken and standard(label) not in std and \
                        not _DENIED_AFTER.match(spoken[spoken.index(read) + len(read):]):  # written right, but denied
                    add(Found(key, 0.75, label))
        if not found and self.fuzzy:  # one wrong or dropped character in a longer word (「有限会者」「キャシュレス」): a guess
            for key, word, label in self._words:
                if len(word) >= 4 and not word.isascii() and _one_off(std, word):
                    add(Found(key, 0.7, label))
        if specific and any(k not in self.residual for k in found):
            found = {k: f for k, f in found.items() if k not in self.residual}
        return sorted(found.values(), key=lambda f: (-f.score, -len(f.word)))

    def keys_in(self, text: str) -> set[str]:
        """Every option a text names (a problem statement may name several)."""
        return {f.key for f in self.find(text, specific=False)}

    def pick(self, text: str) -> Found | None:
        """The one option the text names; None when none or two equally strong (say, 「会社か個人か迷う」)."""
        found = self.find(text)
        if not found:
            return None
        if len(found) > 1 and found[1].score == found[0].score and len(found[1].word) == len(found[0].word):
            return None
        if len(found) > 1 and found[1].score == found[0].score and _nested(found[0].word, found[1].word):
            return found[0]  # 「ゴム製品製造」 over 「製造」
        if len(found) > 1 and found[1].score == found[0].score and len(found[0].word) < len(found[1].word) + 2:
            return None
        return found[0]


_CONTENT = ("名詞", "動詞", "形容詞", "形状詞", "副詞")


def content(std: str) -> tuple[str, ...]:
    """The content words of a text, as dictionary forms (particles, auxiliaries and symbols left out)."""
    return tuple(t.normal for t in tokens(std) if t.pos in _CONTENT and t.sub != "非自立可能")


def _stem(word: str) -> str:
    """A word without its kana ending: 売る, 売り → 売 (a verb and its noun form are the same content)."""
    stem = re.sub(r"[ぁ-ん]+$", "", word)
    return stem if stem and re.search(r"[一-龥]", stem) else word


def _in_order(lemmas: tuple[str, ...], said: tuple[str, ...], gap: int = 1) -> bool:
    """The lemmas occur in this order with at most `gap` other content words between neighbours."""
    lemmas = tuple(_stem(w) for w in lemmas)
    said = tuple(_stem(w) for w in said)
    for start, word in enumerate(said):
        if word != lemmas[0]:
            continue
        at, ok = start, True
        for lemma in lemmas[1:]:
            window = said[at + 1 : at + 2 + gap]
            if lemma not in window:
                ok = False
                break
            at = at + 1 + window.index(lemma)
        if ok:
            return True
    return False


def _one_off(std: str, word: str) -> bool:
    """`word` in `std` with one character wrong (same first character) or, for words of 5 or more, one left out."""
    for start in range(0, len(std) - len(word) + 1):
        window = std[start : start + len(word)]
        if window[0] == word[0] and sum(a != b for a, b in zip(window, word, strict=True)) == 1:
            return True
    if len(word) >= 5:
        short = {word[:i] + word[i + 1 :] for i in range(1, len(word))}
        return any(std[i : i + len(word) - 1] in short for i in range(0, len(std) - len(word) + 2))
    return False


def _nested(long: str, short: str) -> bool:
    return standard(short) in standard(long)


def _ascii_edges(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _boundaries(std: str) -> tuple[set[int], set[int]]:
    """Token start and end offsets in the standard text."""
    starts, ends, pos = {0}, {len(std)}, 0
    for t in tokens(std):
        at = std.find(t.surface, pos)
        if at < 0:
            continue
        starts.add(at)
        ends.add(at + len(t.surface))
        pos = at + len(t.surface)
    return starts, ends
