"""Search text for the queue: one normalised form (NFKC 全角/半角, lower case, no spaces, 異体字 folded) stored on the
case and applied to the search words, so matching happens in SQL."""

from __future__ import annotations

import unicodedata
from typing import Any

# Variant kanji people type for the same name (髙橋/高橋, 山﨑/山崎, 齊藤/斉藤, …) fold to one form.
VARIANTS = str.maketrans({
    "髙": "高", "﨑": "崎", "嵜": "崎", "齊": "斉", "齋": "斉", "斎": "斉", "邊": "辺", "邉": "辺", "澤": "沢",
    "濱": "浜", "濵": "浜", "國": "国", "廣": "広", "櫻": "桜", "德": "徳", "惠": "恵", "𠮷": "吉", "冨": "富",
    "瀨": "瀬", "龍": "竜", "槇": "槙",
})
SEARCHED = ("business_name", "representative", "problem", "business", "municipality", "shokokai", "expert_name",
            "phone", "email")


def fold(text: str) -> str:
    """The one normal form for search: NFKC, lower case, variants folded, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).lower().translate(VARIANTS).split())


def words(query: str) -> list[str]:
    """The search words of a query (split on any space, 全角 included), each folded; LIKE wildcards escaped."""
    out = []
    for part in unicodedata.normalize("NFKC", query).split():
        w = fold(part)
        if w:
            out.append(w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
    return out


def derived(reference: str, fields: dict[str, Any], flags: list[str]) -> dict[str, str]:
    """The columns the queue filters on, from the case's JSON."""
    text = " ".join([reference, *(str(fields.get(k) or "") for k in SEARCHED)])
    return {"theme": str(fields.get("theme") or "")[:20], "flag_list": "," + ",".join(flags) + "," if flags else "",
            "search_text": fold(text)}


def unescaped(word: str) -> str:
    """A search word without its LIKE escapes (for plain substring functions)."""
    return word.replace("\\%", "%").replace("\\_", "_").replace("\\\\", "\\")
