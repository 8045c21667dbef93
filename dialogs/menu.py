"""The foundation dialog: greeting, main menu, a few answers and a person on request.

Table-driven: `INTENT_HANDLERS` maps an intent to a pure step; `KIND_FALLBACKS` answers what is not text.
See `menu.mmd` beside this file for the diagram.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from dialogs import texts
from dialogs.intents import command_of, intent_of
from dialogs.model import Choice, Choices, Effect, Inbound, Kind, Reply, State, Text, Transition


class Node(StrEnum):
    START = "start"
    MENU = "menu"
    FAQ = "faq"
    UNFOLLOWED = "unfollowed"


MENU_CHOICES = (
    Choice(texts.LABEL_CONSULT, "menu:consult"),
    Choice(texts.LABEL_FAQ, "menu:faq"),
    Choice(texts.LABEL_HUMAN, "menu:human"),
)
FAQ_CHOICES = (
    Choice("対象になる事業者", "faq:eligible"),
    Choice("派遣の回数・時間", "faq:limits"),
    Choice("申し込み方法", "faq:apply"),
    Choice(texts.LABEL_RESTART, "cmd:restart"),
)


def menu(*before: Reply) -> tuple[Reply, ...]:
    return (*before, Choices(texts.MENU_PROMPT, MENU_CHOICES))


def _at(node: Node, state: State) -> State:
    return State(node.value, state.slots)


Step = Callable[[State, Inbound], Transition]


def _answer(text: str) -> Step:
    return lambda s, i: Transition(_at(Node.FAQ, s), (Text(text), Choices(texts.FAQ_PROMPT, FAQ_CHOICES)))


INTENT_HANDLERS: dict[str, Step] = {
    "restart": lambda s, i: Transition(State(Node.MENU.value), menu(Text(texts.RESTARTED))),
    "cancel": lambda s, i: Transition(State(Node.MENU.value), menu(Text(texts.CANCELLED))),
    "menu": lambda s, i: Transition(_at(Node.MENU, s), menu()),
    "faq": lambda s, i: Transition(_at(Node.FAQ, s), (Choices(texts.FAQ_PROMPT, FAQ_CHOICES),)),
    "faq_eligible": _answer(texts.FAQ_ELIGIBLE),
    "faq_limits": _answer(texts.FAQ_LIMITS),
    "faq_apply": _answer(texts.FAQ_APPLY),
    "human": lambda s, i: Transition(
        _at(Node.MENU, s), menu(Text(texts.HUMAN_ACK)), (Effect("handoff_requested", {"reason": "user_asked"}),)
    ),
}

KIND_FALLBACKS: dict[Kind, Step] = {
    Kind.FOLLOW: lambda s, i: Transition(State(Node.MENU.value), menu(Text(texts.GREETING))),
    Kind.UNFOLLOW: lambda s, i: Transition(_at(Node.UNFOLLOWED, s)),
    Kind.STICKER: lambda s, i: Transition(s, menu(Text(texts.NOT_TEXT))),
    Kind.IMAGE: lambda s, i: Transition(s, menu(Text(texts.NOT_TEXT))),
    Kind.FILE: lambda s, i: Transition(s, menu(Text(texts.NOT_TEXT))),
    Kind.MEDIA: lambda s, i: Transition(s, menu(Text(texts.NOT_TEXT))),
    Kind.LOCATION: lambda s, i: Transition(s, menu(Text(texts.NOT_TEXT))),
}


def _not_understood(state: State, inbound: Inbound) -> Transition:
    if state.node in (Node.START, Node.UNFOLLOWED):  # first contact without a follow event
        return Transition(State(Node.MENU.value), menu(Text(texts.GREETING)))
    return Transition(state, menu(Text(texts.NOT_UNDERSTOOD)))


def step(state: State, inbound: Inbound) -> Transition:
    """One turn of the foundation dialog."""
    intent = command_of(inbound) or intent_of(inbound)
    handler = INTENT_HANDLERS.get(intent or "") or KIND_FALLBACKS.get(inbound.kind) or _not_understood
    return handler(state, inbound)
