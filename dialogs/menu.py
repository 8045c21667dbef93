"""The foundation dialog: greeting, main menu, a few answers and a person on request.

Table-driven: `INTENT_HANDLERS` maps an intent to a pure step; `KIND_FALLBACKS` answers what is not text.
See `menu.mmd` beside this file for the diagram.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from dialogs import faq, hours, texts
from dialogs.intents import command_of, intent_of
from dialogs.model import Choice, Choices, Effect, Inbound, Kind, Reply, State, Text, Transition
from dialogs.ports import Knowledge
from dialogs.wording import say


class Node(StrEnum):
    START = "start"
    MENU = "menu"
    FAQ = "faq"  # an answer was shown; "はい/いいえ" expected
    UNFOLLOWED = "unfollowed"


MENU_CHOICES = (
    Choice(texts.LABEL_CONSULT, "menu:consult"),
    Choice(texts.LABEL_FAQ, "menu:faq"),
    Choice(texts.LABEL_HUMAN, "menu:human"),
)


def menu(*before: Reply) -> tuple[Reply, ...]:
    return (*before, Choices(texts.MENU_PROMPT, MENU_CHOICES))


def _at(node: Node, state: State) -> State:
    return State(node.value, state.slots)


Step = Callable[[State, Inbound], Transition]


def _status(state: State, inbound: Inbound) -> Transition:
    """申請の状況: the owner's open cases, as the shell knows them at turn time (Inbound.facts["cases"]); a case number
    they named (facts["asked_case"]) is answered only when it is their business's — otherwise a polite refusal that
    says nothing about that number (whether it exists, whose it is)."""
    asked = inbound.facts.get("asked_case")
    if asked:
        status = texts.STATUS_WORDS.get(str(asked.get("status")), texts.STATUS_WORDS["new"])
        said = texts.STATUS_ONE.format(reference=asked["reference"], status=status) if asked.get("own") else \
            texts.STATUS_NOT_YOURS.format(reference=asked["reference"])
        return Transition(_at(Node.MENU, state), menu(Text(say(said, inbound.channel))))
    cases = list(inbound.facts.get("cases") or ())
    if not cases:
        return Transition(_at(Node.MENU, state), menu(Text(texts.STATUS_NONE)))
    lines = [texts.STATUS_LINE.format(reference=c.get("reference", ""),
                                      status=texts.STATUS_WORDS.get(str(c.get("status")), texts.STATUS_WORDS["new"]))
             for c in cases[:5]]
    said = say(texts.STATUS_HEAD + "\n" + "\n".join(lines) + "\n" + texts.STATUS_TAIL, inbound.channel)
    return Transition(_at(Node.MENU, state), menu(Text(said)))


INTENT_HANDLERS: dict[str, Step] = {
    "status": _status,
    "restart": lambda s, i: Transition(State(Node.MENU.value), menu(Text(texts.RESTARTED))),
    "cancel": lambda s, i: Transition(State(Node.MENU.value), menu(Text(texts.CANCELLED))),
    "menu": lambda s, i: Transition(_at(Node.MENU, s), menu()),
    "faq": lambda s, i: Transition(_at(Node.MENU, s), (faq.ask(),)),
    "human": lambda s, i: Transition(
        _at(Node.MENU, s), menu(Text(say(human_ack(i), i.channel))),
        (Effect("handoff_requested", {"reason": "user_asked"}),),
    ),
    # 開示・削除・利用停止 are decided by a person: the request goes to the desk, the owner hears how it is handled
    "personal_data": lambda s, i: Transition(
        _at(Node.MENU, s), menu(Text(texts.PERSONAL_DATA_ACK)),
        (Effect("handoff_requested", {"reason": "personal_data"}),)
    ),
}


def human_ack(inbound: Inbound) -> str:
    """「担当者と話したい」: accepted, and when a person will reply (the desk's hours come in the turn's facts)."""
    calendar = hours.from_facts(inbound.facts)
    when = calendar.reply_by(inbound.at)
    return texts.HUMAN_ACK_CLOSED.format(when=when, hours=calendar.describe()) if when else texts.HUMAN_ACK

def file_said(inbound: Inbound, kept: str) -> str:
    """What an image or file gets: kept, refused (too large, a type the desk does not take) or, where the channel's
    files are not kept, that it cannot be read."""
    return {"kept": kept, "too_large": texts.FILE_TOO_LARGE,
            "wrong_type": texts.FILE_WRONG_TYPE}.get(str(inbound.facts.get("file")), texts.NOT_TEXT)


KIND_FALLBACKS: dict[Kind, Step] = {
    Kind.FOLLOW: lambda s, i: Transition(State(Node.MENU.value), menu(Text(say(texts.GREETING, i.channel)))),
    Kind.UNFOLLOW: lambda s, i: Transition(_at(Node.UNFOLLOWED, s)),
    Kind.STICKER: lambda s, i: Transition(s, menu(Text(texts.NOT_TEXT))),
    Kind.IMAGE: lambda s, i: Transition(s, menu(Text(file_said(i, texts.FILE_KEPT)))),
    Kind.FILE: lambda s, i: Transition(s, menu(Text(file_said(i, texts.FILE_KEPT)))),
    Kind.MEDIA: lambda s, i: Transition(s, menu(Text(texts.NOT_TEXT))),
    Kind.LOCATION: lambda s, i: Transition(s, menu(Text(texts.NOT_TEXT))),
}


def _not_understood(state: State, inbound: Inbound) -> Transition:
    if state.node in (Node.START, Node.UNFOLLOWED):  # first contact without a follow event
        return Transition(State(Node.MENU.value), menu(Text(say(texts.GREETING, inbound.channel))))
    return Transition(state, menu(Text(texts.NOT_UNDERSTOOD)))


def step(state: State, inbound: Inbound, knowledge: Knowledge | None = None) -> Transition:
    """One turn at the menu: commands, menu choices, FAQ taps, and typed questions for the knowledge base."""
    intent = command_of(inbound) or intent_of(inbound)
    if intent is None and inbound.kind is Kind.TEXT and inbound.facts.get("asked_case"):
        intent = "status"  # 「KD-2026-0012の状況を教えて」: a case number named
    if intent is None and knowledge is not None:
        answered = faq.tapped(state, inbound, knowledge, menu())
        if answered is not None:
            return answered
        if inbound.kind is Kind.TEXT and state.node not in (Node.START, Node.UNFOLLOWED):
            return faq.question(inbound, knowledge)
    handler = INTENT_HANDLERS.get(intent or "") or KIND_FALLBACKS.get(inbound.kind) or _not_understood
    return handler(state, inbound)
