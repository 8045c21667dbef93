"""The reply model rendered as LINE message objects (plain dicts in the Messaging API's JSON shape).

Platform limits (Messaging API reference): ≤5 messages per call, text ≤5000 UTF-16 code units, quick reply
≤13 items with labels ≤20 characters, postback data ≤300, altText ≤1500, flex bubble ≤30 KB.
Long texts are split at line breaks (never cut silently); only the last message of a call shows its quick reply,
so choices always ride on the last message of their batch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.channels.base import Batch, SentFile
from dialogs.model import Card, Choice, Choices, Reply, Text

MAX_MESSAGES = 5
MAX_TEXT_UNITS = 5000
MAX_ALT_TEXT = 1500
MAX_BUBBLE_BYTES = 30_000


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT_UNITS) -> list[str]:
    """Split into pieces of ≤ `limit` UTF-16 units, preferring line breaks; nothing is dropped."""
    pieces: list[str] = []
    rest = text
    while utf16_units(rest) > limit:
        cut, units = 0, 0
        for i, ch in enumerate(rest):  # largest prefix within the limit
            units += 2 if ord(ch) > 0xFFFF else 1
            if units > limit:
                break
            cut = i + 1
        newline = rest.rfind("\n", 0, cut)
        if newline > cut // 2:
            cut = newline + 1
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return [p for p in pieces if p] or [""]


def _quick_reply(choices: Sequence[Choice]) -> dict[str, Any]:
    return {
        "items": [
            {"type": "action", "action": {"type": "postback", "label": c.label, "data": c.data, "displayText": c.label}}
            for c in choices
        ]
    }


def _texts(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": piece} for piece in split_text(text)]


def _card(card: Card) -> list[dict[str, Any]]:
    rows = [
        {"type": "box", "layout": "baseline", "spacing": "sm", "contents": [
            {"type": "text", "text": label or " ", "size": "sm", "color": "#666666", "flex": 2, "wrap": True},
            {"type": "text", "text": value or "—", "size": "sm", "flex": 4, "wrap": True},
        ]}
        for label, value in card.rows
    ]
    bubble = {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": [
            {"type": "text", "text": card.title, "weight": "bold", "size": "md", "wrap": True}, *rows,
        ]},
    }
    summary = card.title + "\n" + "\n".join(f"{label}：{value}" for label, value in card.rows)
    if len(json.dumps(bubble, ensure_ascii=False).encode()) > MAX_BUBBLE_BYTES:
        return _texts(summary)  # too big for a bubble: the same content as text
    alt = summary if len(summary) <= MAX_ALT_TEXT else summary[: MAX_ALT_TEXT - 1] + "…"
    return [{"type": "flex", "altText": alt, "contents": bubble}]


def _messages(reply: Reply) -> tuple[list[dict[str, Any]], tuple[Choice, ...]]:
    if isinstance(reply, Text):
        return _texts(reply.text), ()
    if isinstance(reply, Choices):
        return _texts(reply.text), reply.choices
    return _card(reply), reply.choices


def render(replies: Sequence[Reply]) -> list[Batch]:
    """Replies → batches of ≤5 LINE messages; each batch is one reply or push call."""
    messages: list[dict[str, Any]] = []
    for reply in replies:
        rendered, choices = _messages(reply)
        if choices:
            rendered[-1]["quickReply"] = _quick_reply(choices)
        messages.extend(rendered)
    batches = [messages[i : i + MAX_MESSAGES] for i in range(0, len(messages), MAX_MESSAGES)]
    # Only the last message of a call shows a quick reply: move a stranded one to the end of its batch.
    for batch in batches:
        stranded = [m.pop("quickReply") for m in batch[:-1] if "quickReply" in m]
        if stranded and "quickReply" not in batch[-1]:
            batch[-1]["quickReply"] = stranded[-1]
    return batches


def render_file(sent: SentFile) -> list[Batch]:
    """A file from the desk: an image as an image message when both links are HTTPS (LINE fetches them: ≤ 2000
    characters, HTTPS only), anything else as a text with its link (LINE has no file message for bots)."""
    if not sent.url:
        raise ValueError("LINE needs a public link to the file")
    messages: list[dict[str, Any]] = [{"type": "text", "text": sent.caption}] if sent.caption.strip() else []
    image = (sent.kind == "image" and sent.preview_url is not None
             and all(u.startswith("https://") and len(u) <= 2000 for u in (sent.url, sent.preview_url)))
    if image:
        messages.append({"type": "image", "originalContentUrl": sent.url, "previewImageUrl": sent.preview_url})
    else:
        what = "画像" if sent.kind == "image" else "資料"
        until = f"（{sent.until}まで開けます）" if sent.until else ""
        messages += _texts(f"{what}「{sent.file_name}」をお送りします。下のリンクから開いてください{until}。\n"
                           f"{sent.url}")
    return [messages]
