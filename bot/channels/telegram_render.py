"""The reply model as Telegram sendMessage calls: one message per call, choices as an inline keyboard
(callback data ≤ 64 bytes, guaranteed by dialogs.model), text split at 4,096 characters, cards as plain text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.channels.base import Batch, SentFile
from dialogs.model import Card, Choice, Choices, Reply, Text

MAX_TEXT = 4096
PER_ROW = 2


def chunks(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most `limit` UTF-16 units (how Telegram counts), cut at a line break where one is near."""
    out: list[str] = []
    while len(text.encode("utf-16-le")) // 2 > limit:
        cut, units = 0, 0
        for i, ch in enumerate(text):
            units += 2 if ord(ch) > 0xFFFF else 1
            if units > limit:
                break
            cut = i + 1
        newline = text.rfind("\n", cut // 2, cut)
        cut = newline + 1 if newline > 0 else cut
        out.append(text[:cut])
        text = text[cut:]
    return [*out, text] if text else out or [""]


def _keyboard(choices: Sequence[Choice]) -> str:
    rows = [choices[i : i + PER_ROW] for i in range(0, len(choices), PER_ROW)]
    return json.dumps({"inline_keyboard": [[{"text": c.label, "callback_data": c.data} for c in row]
                                           for row in rows]}, ensure_ascii=False)


def _as_text(reply: Reply) -> tuple[str, tuple[Choice, ...]]:
    if isinstance(reply, Card):
        body = "\n".join(f"・{label}：{value}" for label, value in reply.rows)
        return f"【{reply.title}】\n{body}", reply.choices
    if isinstance(reply, Choices):
        return reply.text, reply.choices
    assert isinstance(reply, Text)
    return reply.text, ()


def render(replies: Sequence[Reply]) -> list[Batch]:
    """Each batch is one sendMessage: [{"text": …, "reply_markup": …}]; a keyboard rides on the last piece."""
    batches: list[Batch] = []
    for reply in replies:
        text, choices = _as_text(reply)
        pieces = chunks(text)
        for i, piece in enumerate(pieces):
            message: dict[str, Any] = {"text": piece}
            if choices and i == len(pieces) - 1:
                message["reply_markup"] = _keyboard(choices)
            batches.append([message])
    return batches


def render_file(sent: SentFile) -> list[Batch]:
    """A file from the desk as one upload (sendPhoto for an image, sendDocument for a PDF); the bytes are read by
    id when the message is sent, so the outbox row stays small. Captions: ≤ 1,024 characters."""
    return [[{"upload": sent.id, "method": "photo" if sent.kind == "image" else "document",
              "file_name": sent.file_name, "caption": sent.caption[:1024]}]]
