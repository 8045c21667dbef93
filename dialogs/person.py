"""Person mode: a coordinator talks to the owner. The bot stays quiet (one acknowledgement), relays everything the
owner sends to the case thread, and 「ボットに戻る」 from the owner hands the conversation back to the bot."""

from __future__ import annotations

from dialogs import satisfaction, texts
from dialogs.hours import BusinessHours
from dialogs.model import Effect, Inbound, Kind, Reply, State, Text, Transition
from dialogs.normalize import normalize

NODE = "person"
BACK_WORDS = ("ボットに戻る", "ボットにもどる", "自動応答に戻る")


def start(previous: State, case: str, hours: BusinessHours, survey: bool = False) -> State:
    """The state a conversation takes when a coordinator starts talking (set by the shell); `survey`: ask for a
    rating when the owner hands back (the shell says whether the case was asked before)."""
    return State(NODE, {"case": case, "acked": False, "hours": hours.to_dict(), "previous": previous.to_dict(),
                        "survey": survey})


def end(state: State) -> State:
    """The state the bot resumes with."""
    return State.from_dict(state.slots.get("previous")) if state.node == NODE else state


def step(state: State, inbound: Inbound, menu: tuple[Reply, ...]) -> Transition:
    case = str(state.slots.get("case"))
    if inbound.kind is Kind.TEXT and normalize(inbound.text) in {normalize(w) for w in BACK_WORDS}:
        survey = bool(state.slots.get("survey"))
        after = satisfaction.question(case) if survey else menu
        return Transition(end(state), (Text(texts.PERSON_ENDED), *after),
                          (Effect("person_ended", {"case": case, "surveyed": survey}),))
    relay = Effect("relay_in", {"case": case, "kind": inbound.kind.value, "text": inbound.text[:4000],
                                "data": inbound.data})
    if state.slots.get("acked"):
        return Transition(state, (), (relay,))
    hours = BusinessHours.from_dict(state.slots.get("hours"))
    when = hours.reply_by(inbound.at)
    ack = texts.PERSON_ACK_CLOSED.format(when=when, hours=hours.describe()) if when else texts.PERSON_ACK
    return Transition(State(NODE, {**state.slots, "acked": True}), (Text(ack),), (relay,))
