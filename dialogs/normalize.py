"""Japanese text normalisation used for matching what people type."""

from __future__ import annotations

import re
import unicodedata

_TRAILING = re.compile(r"[\s。、．，.,!！?？〜~ー…]+$")
_POLITE_TAIL = re.compile(r"(です|ます|でお願いします|をお願いします|お願いします|で|を)$")


def normalize(text: str) -> str:
    """NFKC (全角→半角 digits and letters, 半角カナ→全角), lower case, no spaces or trailing punctuation."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"\s+", "", t)
    return _TRAILING.sub("", t)


def strip_polite(text: str) -> str:
    """'製造業です' → '製造業'. Applied after `normalize`."""
    return _POLITE_TAIL.sub("", text)


# C0/C1 control characters except tab, line feed and carriage return; plus U+FFFE/FFFF and lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text as people typed it, without NUL and other control characters (CR LF becomes LF)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n"))


def has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None
