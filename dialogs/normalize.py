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
