"""The full conversation of a case's owner with the bot, for the case page: what the owner typed or tapped (a tap
shown by the label it had) and what the bot and the desk sent, in order."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.tables import InboxEvent, OutboxMessage

LIMIT = 400
UNCONFIRMED = ("送信未確認：LINE が受け付けたか確かめられず、重複を避けるため再送していません。"
               "事業者に届いたかご確認ください")
KINDS = {"sticker": "（スタンプ）", "image": "（画像）", "file": "（ファイル）", "media": "（動画・音声）",
         "location": "（位置情報）", "follow": "（友だち追加）"}


@dataclass(frozen=True)
class Line:
    at: datetime
    who: str  # owner | bot
    text: str
    note: str = ""  # e.g. 送信未確認: the bot's answer may not have reached the owner (never sent twice)


def _labels(message: dict[str, Any]) -> dict[str, str]:
    """Postback data → button label, from a LINE quick reply or a Telegram inline keyboard."""
    items = (message.get("quickReply") or {}).get("items", [])
    found = {i["action"].get("data", ""): i["action"].get("label", "") for i in items if "action" in i}
    markup = message.get("reply_markup") or {}
    if isinstance(markup, str):  # Telegram payloads carry the keyboard as its JSON text
        try:
            markup = json.loads(markup)
        except ValueError:
            markup = {}
    for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
        found |= {b.get("callback_data", ""): b.get("text", "") for b in row}
    return found


def _said(inbound: dict[str, Any], labels: dict[str, str]) -> str:
    if inbound.get("text"):
        return str(inbound["text"])
    data = str(inbound.get("data") or "")
    if data:
        return f"［{labels.get(data, data)}］"
    return KINDS.get(str(inbound.get("kind")), f"（{inbound.get('kind')}）")


def _file(message: dict[str, Any]) -> str:
    """A file the desk sent (a LINE image message, a Telegram upload), as the transcript shows it."""
    if message.get("type") == "image":
        return "（窓口から画像を送信）"
    if "upload" in message:
        return f"（窓口からファイルを送信：{message.get('file_name', '')}）"
    return ""


def transcript(*, session: Session, conversation_key: str) -> list[Line]:
    events = session.execute(
        select(InboxEvent.id, InboxEvent.received_at, InboxEvent.inbound)
        .where(InboxEvent.conversation_key == conversation_key, InboxEvent.inbound.is_not(None))
        .order_by(InboxEvent.id.desc()).limit(LIMIT)).all()
    sent = session.execute(
        select(OutboxMessage.id, OutboxMessage.created_at, OutboxMessage.payload, OutboxMessage.status)
        .where(OutboxMessage.conversation_key == conversation_key)
        .order_by(OutboxMessage.id.desc()).limit(LIMIT)).all()
    unconfirmed = {s.id for s in sent if s.status == "unconfirmed"}
    merged = sorted([(e.received_at, 0, e.id, e.inbound) for e in events] + [(s.created_at, 1, s.id, s.payload)
                                                                              for s in sent])
    lines: list[Line] = []
    labels: dict[str, str] = {}
    for at, side, row_id, body in merged:
        if side == 0:
            lines.append(Line(at, "owner", _said(body, labels)))
            continue
        note = UNCONFIRMED if row_id in unconfirmed else ""
        for message in body:
            labels |= _labels(message)
            text = message.get("text") or message.get("altText") or _file(message)
            if text:
                lines.append(Line(at, "bot", str(text), note))
    return lines
