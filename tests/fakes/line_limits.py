"""The Messaging API's message limits, checked by the fake LINE server (PLATFORM_NOTES.md)."""

from __future__ import annotations

import json
from typing import Any


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _quick_reply(qr: dict[str, Any], where: str) -> list[str]:
    items = qr.get("items") or []
    problems = [f"{where}: {len(items)} quick reply items > 13"] if not 1 <= len(items) <= 13 else []
    for item in items:
        action = item.get("action") or {}
        label = action.get("label") or ""
        if not 1 <= len(label) <= 20:
            problems.append(f"{where}: quick reply label {label!r} not 1..20 characters")
        if action.get("type") == "postback" and not 1 <= len(action.get("data") or "") <= 300:
            problems.append(f"{where}: postback data not 1..300 characters")
        if len(action.get("displayText") or "") > 300:
            problems.append(f"{where}: displayText > 300")
    return problems


def _message(m: dict[str, Any], where: str) -> list[str]:
    kind = m.get("type")
    if kind == "text":
        text = m.get("text") or ""
        if not 1 <= _utf16(text) <= 5000:
            return [f"{where}: text of {_utf16(text)} UTF-16 units not 1..5000"]
        return []
    if kind == "flex":
        alt = m.get("altText") or ""
        problems = [] if 1 <= len(alt) <= 1500 else [f"{where}: altText of {len(alt)} characters"]
        size = len(json.dumps(m.get("contents"), ensure_ascii=False).encode())
        return problems + ([f"{where}: flex bubble of {size} bytes > 30 KB"] if size > 30_000 else [])
    if kind == "image":  # LINE fetches both pictures itself: public HTTPS URLs of ≤ 2000 characters
        return [f"{where}: {key} must be an https URL of 1..2000 characters"
                for key in ("originalContentUrl", "previewImageUrl")
                if not str(m.get(key) or "").startswith("https://") or not 1 <= len(str(m.get(key))) <= 2000]
    return [] if kind in {"sticker", "template", "location"} else [f"{where}: unknown type {kind!r}"]


def message_problems(messages: Any) -> list[str]:
    """Every limit the list of messages breaks (empty when it is valid)."""
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return [f"{len(messages) if isinstance(messages, list) else 'no'} messages: must be 1..5"]
    problems: list[str] = []
    for i, m in enumerate(messages):
        where = f"messages[{i}]"
        problems += _message(m, where)
        if "quickReply" in m:
            problems += _quick_reply(m["quickReply"], where)
            if i != len(messages) - 1:
                problems.append(f"{where}: quick reply on a message that is not the last (LINE would not show it)")
    return problems
