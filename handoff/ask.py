"""Request a missing item: the coordinator picks a field of the draft; the bot asks the owner just that question
(dialogs/ask.py) and the answer updates the draft."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.channels.base import Channel
from bot.staff import audit
from bot.staff.tables import StaffUser
from dialogs import ask, eligibility
from dialogs.model import State
from handoff import lifecycle, relay
from handoff.tables import Case

ITEMS = ask.ITEMS


def request(*, session: Session, case: Case, item: str, actor: StaffUser, channels: Mapping[str, Channel],
            now: datetime, address: str = "") -> None:
    if item not in ITEMS:
        raise relay.RelayError("確認する項目を選んでください")
    if case.kind != "application":
        raise relay.RelayError("申請にだけ確認できます")
    conversation = relay.locked_conversation(session, case)
    lifecycle.require_owner(session=session, case=case, actor=actor, what="事業者に質問する")
    state, question = ask.start(State.from_dict(conversation.state), case.reference, item, case.fields)
    conversation.state = state.to_dict()
    sent = relay.queue(session=session, case=case, replies=question, channels=channels, now=now)
    relay.note(session=session, case=case, direction="system", now=now, actor=actor.email,
               text=f"「{ITEMS[item]}」を事業者に質問しました", sent=sent)
    audit.record(session=session, action="case.ask", actor=actor, target=case.reference, address=address, now=now,
                 detail={"item": item})


def answered(*, session: Session, case: Case, item: str, values: dict[str, Any], text: str, now: datetime) -> bool:
    """The owner's answer: into the thread, and (when the bot could read it) into the draft. True when it made the
    case unread for its coordinator."""
    unread = relay.note(session=session, case=case, direction="in", now=now, text=f"【{ITEMS.get(item, item)}】{text}")
    if not values:
        return unread
    fields = {**case.fields, **{k: v for k, v in values.items() if not k.endswith("_later")}}
    if not any(values.get(f"{k}_later") for k in ("business", "situation")):
        fields["missing"] = [k for k in fields.get("missing") or [] if k != item]
    flags = list(case.flags)
    if item == "usage_amount":
        decision = eligibility.decide_past_usage(fields.get("past_visits"), fields.get("past_hours"))
        case.decisions = [d for d in case.decisions if d.get("rule") != "past_usage"] + [decision.to_dict()]
        flags = [f for f in flags if f != "cap_reached"] + (["cap_reached"] if decision.outcome != "eligible" else [])
        if not values.get("usage_unknown"):
            fields.pop("usage_unknown", None)
    if not fields.get("missing") and not fields.get("usage_unknown"):
        flags = [f for f in flags if f != "missing_fields"]
    case.fields, case.flags, case.updated_at = fields, flags, now
    return unread
