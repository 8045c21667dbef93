"""A coordinator asks the owner for one item of their draft application: the bot asks just that question (the
pre-screening slot's own question and reading), hands the answer to the case, and goes back to where it was."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dialogs import texts
from dialogs.intents import command_of
from dialogs.model import Effect, Inbound, Reply, State, Text, Transition
from dialogs.prescreen import flow
from dialogs.prescreen.form import Slot

NODE = "ask"
MAX_TRIES = 2
# The items a coordinator may ask for: pre-screening slot → what the coordinator sees.
ITEMS: dict[str, str] = {
    "business": "事業の内容", "situation": "経営状況", "usage_amount": "今年度の利用回数・時間",
    "business_name": "事業所名", "representative": "代表者名", "phone": "電話番号", "email": "メールアドレス",
    "mode": "相談方法",
}


def _slot(item: str) -> Slot:
    return next(s for s in flow.SLOTS if s.name == item)


def start(previous: State, case: str, item: str, fields: Mapping[str, Any]) -> tuple[State, tuple[Reply, ...]]:
    """The state and the question when a coordinator asks for `item` (set by the shell)."""
    if item not in ITEMS:
        raise ValueError(f"cannot ask for {item!r}")
    back = State.from_dict(previous.slots["previous"]) if previous.node == NODE else previous
    state = State(NODE, {"case": case, "item": item, "tries": 0, "previous": back.to_dict()})
    return state, (Text(texts.ASK_ITEM_INTRO), *_slot(item).ask(fields))


def _resumed(previous: State) -> tuple[Reply, ...]:
    """Back in the middle of a pre-screening: ask its pending question again (elsewhere nothing is pending)."""
    return (Text(texts.ASK_ITEM_RESUME), *flow.pending_question(previous)) if previous.node == flow.NODE else ()


def step(state: State, inbound: Inbound) -> Transition:
    case, item = str(state.slots["case"]), str(state.slots["item"])
    previous = State.from_dict(state.slots.get("previous"))
    if command_of(inbound) == "cancel":
        skipped = Effect("case_answered", {"case": case, "item": item, "values": {}, "text": "（回答なし）"})
        return Transition(previous, (Text(texts.ASK_ITEM_SKIPPED), *_resumed(previous)), (skipped,))
    taken = _slot(item).take(inbound, {})
    if taken is None:
        tries = int(state.slots.get("tries", 0)) + 1
        if tries < MAX_TRIES:
            return Transition(State(NODE, {**state.slots, "tries": tries}),
                              (Text(texts.ASK_ITEM_AGAIN), *_slot(item).ask({})))
        said = inbound.text[:1000] if inbound.text else f"（{inbound.kind.value}）"
        return Transition(previous, (Text(texts.ASK_ITEM_LATER), *_resumed(previous)),
                          (Effect("case_answered", {"case": case, "item": item, "values": {}, "text": said}),))
    return Transition(previous, (Text(texts.ASK_ITEM_THANKS), *_resumed(previous)),
                      (Effect("case_answered", {"case": case, "item": item, "values": dict(taken.values),
                                                "text": inbound.text[:1000] or inbound.data}),))
