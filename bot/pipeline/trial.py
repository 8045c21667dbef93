"""Trial channels (the /try page and `madoguchi chat`): the same inbox → turn → outbox path, read back at once."""

from __future__ import annotations

import uuid
from typing import Any

from bot.db.tables import utcnow
from bot.pipeline import outbox
from bot.pipeline.inbox import NewEvent, store_events
from bot.pipeline.turns import TurnContext, process_one
from dialogs.model import Inbound, Kind


def converse(ctx: TurnContext, *, channel: str, user_id: str, kind: Kind, text: str = "", data: str = "") -> list[
    dict[str, Any]
]:
    """Store one trial message, run every pending turn of that conversation, return the replies (as dicts)."""
    now = utcnow()
    inbound = Inbound(kind, now, text=text[:10_000], data=data[:300])
    event = NewEvent(channel, uuid.uuid4().hex, user_id, now, {"kind": kind.value}, inbound, trial=True)
    store_events(session_factory=ctx.session_factory, events=[event])
    while process_one(ctx, conversation_key=event.conversation_key) is not None:
        pass
    return outbox.take_pulled(session_factory=ctx.session_factory, conversation_key=event.conversation_key)
