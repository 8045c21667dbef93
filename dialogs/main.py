"""The bot's dialog: the main menu, and the pre-screening flow when the owner asks to consult.

`step(state, inbound)` is the function the pipeline runs (MADOGUCHI_DIALOG=dialogs.main:step). Commands work
everywhere: やめる ends the pre-screening, 最初から starts it again (or returns to the menu outside it).
"""

from __future__ import annotations

from dialogs import ask, menu, person, satisfaction, texts
from dialogs.intents import command_of, intent_of
from dialogs.model import Inbound, State, Text, Transition
from dialogs.prescreen import flow
from knowledge.answers import IndexKnowledge
from knowledge.content import default_index

DEFAULT_KNOWLEDGE = IndexKnowledge(default_index)


def step(state: State, inbound: Inbound, knowledge: IndexKnowledge = DEFAULT_KNOWLEDGE) -> Transition:
    if (rated := satisfaction.step(state, inbound)) is not None:  # a face tapped, or the comment after it
        return rated
    if state.node == ask.NODE:  # a coordinator asked for one item of the draft
        return ask.step(state, inbound)
    if state.node == person.NODE:  # a coordinator is talking: nothing but the relay (and 「ボットに戻る」)
        return person.step(state, inbound, menu.menu())
    command = command_of(inbound)
    if state.node == flow.NODE:
        if command == "cancel":
            return Transition(State(menu.Node.MENU.value), menu.menu(Text(texts.CANCELLED)))
        if command == "restart":
            return flow.start(inbound, restarted=True)
        return flow.step(state, inbound, knowledge, menu.menu())
    if command is None and intent_of(inbound) == "consult":
        return flow.start(inbound)
    return menu.step(state, inbound, knowledge)
