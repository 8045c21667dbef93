"""Coordinator → owner: a reply is queued in the same outbox as the bot's answers and delivered on the owner's
channel (LINE: push with a retry key; Telegram: sendMessage). Audited, without the message itself."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.base import Channel
from bot.db.tables import Conversation, OutboxMessage
from bot.pipeline import outbox
from bot.staff import audit
from bot.staff.tables import StaffUser
from dialogs.model import Reply, Text
from handoff.tables import Case, CaseMessage

MAX_REPLY = 2000


class RelayError(ValueError):
    """A reply that cannot be sent, with a message for the coordinator."""


def queue_text(*, session: Session, case: Case, text: str, channels: Mapping[str, Channel],
               now: datetime, purpose: str = "coordinator_reply") -> list[OutboxMessage]:
    """Queue a text for the case's owner on their channel (delivered in order with the bot's own answers)."""
    return queue(session=session, case=case, replies=(Text(text),), channels=channels, now=now, purpose=purpose)


def queue(*, session: Session, case: Case, replies: tuple[Reply, ...], channels: Mapping[str, Channel],
          now: datetime, purpose: str = "coordinator_reply") -> list[OutboxMessage]:
    """Queue replies (texts, choices, cards) for the case's owner, rendered for their channel."""
    conversation = session.get(Conversation, case.conversation_key)
    if conversation is None or conversation.channel not in channels:
        raise RelayError("この事業者には、いま使えるチャネルで送れません")
    return outbox.enqueue(session=session, conversation=conversation, channel=channels[conversation.channel],
                          replies=replies, now=now, purpose=purpose)


def locked_conversation(session: Session, case: Case) -> Conversation:
    """The case's conversation row, locked: a worker's turn and a coordinator's switch never interleave."""
    row = session.scalars(select(Conversation).where(Conversation.key == case.conversation_key)
                          .with_for_update()).one_or_none()
    if row is None:
        raise RelayError("この事業者との会話が見つかりません")
    return row


def note(*, session: Session, case: Case, direction: str, text: str, now: datetime, kind: str = "text",
         actor: str = "", sent: list[OutboxMessage] | None = None) -> bool:
    """Add a line to the case thread (linked to the last send that carries it to the owner, if any); an owner's
    message marks the case unread for its coordinator. True when that made a read case unread (one mail then)."""
    session.add(CaseMessage(case_id=case.id, at=now, direction=direction, kind=kind, text=text[:4000], actor=actor,
                            outbox_message_id=sent[-1].id if sent else None))
    if direction in ("in", "out"):
        case.last_message_at, case.last_message = now, ("事業者：" if direction == "in" else "窓口：") + text[:190]
    if direction == "in" and case.owner_id is not None and not case.unread:
        case.unread = True
        return True
    return False


def check_reply(text: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_REPLY:
        raise RelayError(f"メッセージは1〜{MAX_REPLY}文字にしてください")
    return text


def reply_to_owner(*, session: Session, case: Case, text: str, actor: StaffUser, channels: Mapping[str, Channel],
                   now: datetime, address: str = "") -> list[int]:
    """Queue the coordinator's message for the case's owner; returns the outbox ids. (person.say checks the
    owner and silences the bot first.)"""
    text = check_reply(text)
    rows = queue_text(session=session, case=case, text=text, channels=channels, now=now)
    note(session=session, case=case, direction="out", text=text, now=now, actor=actor.email, sent=rows)
    audit.record(session=session, action="case.reply", actor=actor, target=case.reference, address=address,
                 now=now, detail={"characters": len(text), "channel": case.channel})
    return [r.id for r in rows]
