"""Person mode: a coordinator talks to the owner. The bot stays quiet (one acknowledgement), relays everything the
owner sends to the case thread, and 「ボットに戻る」 from the owner hands the conversation back to the bot."""

from __future__ import annotations

from datetime import timedelta, timezone

from dialogs import texts
from dialogs.model import Effect, Inbound, Kind, Reply, State, Text, Transition
from dialogs.normalize import normalize

NODE = "person"
JST = timezone(timedelta(hours=9))
BACK_WORDS = ("ボットに戻る", "ボットにもどる", "自動応答に戻る")


def start(previous: State, case: str, hours: tuple[int, int]) -> State:
    """The state a conversation takes when a coordinator starts talking (set by the shell)."""
    return State(NODE, {"case": case, "acked": False, "hours": list(hours), "previous": previous.to_dict()})


def end(state: State) -> State:
    """The state the bot resumes with."""
    return State.from_dict(state.slots.get("previous")) if state.node == NODE else state


def in_hours(inbound: Inbound, hours: list[int]) -> bool:
    local = inbound.at.astimezone(JST)
    return local.weekday() < 5 and hours[0] <= local.hour < hours[1]


def step(state: State, inbound: Inbound, menu: tuple[Reply, ...]) -> Transition:
    case = str(state.slots.get("case"))
    if inbound.kind is Kind.TEXT and normalize(inbound.text) in {normalize(w) for w in BACK_WORDS}:
        return Transition(end(state), (Text(texts.PERSON_ENDED), *menu), (Effect("person_ended", {"case": case}),))
    relay = Effect("relay_in", {"case": case, "kind": inbound.kind.value, "text": inbound.text[:4000],
                                "data": inbound.data})
    if state.slots.get("acked"):
        return Transition(state, (), (relay,))
    hours = list(state.slots.get("hours") or [9, 17])
    ack = texts.PERSON_ACK if in_hours(inbound, hours) else texts.PERSON_ACK_CLOSED.format(start=hours[0], end=hours[1])
    return Transition(State(NODE, {**state.slots, "acked": True}), (Text(ack),), (relay,))
