"""The bot's dialog: the main menu, and the pre-screening flow when the owner asks to consult.

`step(state, inbound, knowledge)` is the function the pipeline runs (MADOGUCHI_DIALOG=dialogs.main:step); the shell
passes the knowledge base through its port (dialogs/ports.py) — nothing concrete is imported here. Commands count
only when the message is the command; leaving a half-filled pre-screening is confirmed first (prescreen/flow.py).
An owner who unfollowed is never answered; one who follows again mid-form is offered 続きから / 最初から.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dialogs import ask, evaluation, faq, menu, person, satisfaction, seminars
from dialogs.intents import command_of, intent_of, word_intent
from dialogs.model import Effect, Inbound, Kind, State, Text, Transition
from dialogs.ports import Found, Knowledge
from dialogs.prescreen import flow
from dialogs.prescreen.extract import extract
from dialogs.program import fill_from
from dialogs.understand import consult, signals

SAVED = "saved_prescreen"
TOLD = "_told"
# The menu (LINE's rich menu) that goes with a state: one while a pre-screening is under way, one while a person
# talks; the default otherwise. The shell links it per user when it changes (bot/channels/line_richmenus.py).
MENUS = {flow.NODE: "prescreen", person.NODE: "person"}


def menu_of(state: State) -> str:
    return MENUS.get(state.node, "default")


SEARCHED_AT = (menu.Node.MENU.value, faq.NODE)  # typed text here is looked up in the knowledge base
LONG_ANSWER = 40  # characters: a free-text answer read at length (request screening, opening facts)
QUESTION_ENDS = ("？", "?", "ですか", "ますか", "でしょうか")


def slow(state: State, inbound: Inbound) -> bool:
    """Whether this turn will search the knowledge base or read a long text (the shell starts the loading animation
    before running it). Cheap on purpose — no morphology — so it can run before the turn; taps, commands, menu words
    and short answers are fast and never get the animation."""
    if inbound.kind is not Kind.TEXT:
        return False
    text = inbound.text.strip()
    if state.node == flow.NODE:
        return len(text) >= LONG_ANSWER or text.endswith(QUESTION_ENDS)
    return state.node in SEARCHED_AT and word_intent(text) is None


def _unfollowed(state: State) -> Transition:
    """Blocked: nothing is sent (a push would fail); an unfinished pre-screening is kept for a later follow."""
    saved = state.slots if state.node == flow.NODE else state.slots.get(SAVED)
    return Transition(State(menu.Node.UNFOLLOWED.value, {SAVED: dict(saved)} if saved else {}))


def _wants_consult(inbound: Inbound, knowledge: Knowledge | None) -> bool:
    """A message that describes the business and its problem (「菊陽町で和菓子屋をしています…ネット販売を始めたい」), a
    wish to consult said outright (「専門家にそうだんしたいです」) or a worry whether the owner's own business can be
    helped that the FAQ does not answer (「車の整備工場でも使えるんですか？」) is a consultation, not a question for
    the FAQ — unless it is about something the desk does not do (「確定申告を相談したい」)."""
    if inbound.kind is not Kind.TEXT:
        return False
    text = inbound.text
    asking = signals.question(text)
    facts = extract(text, {}, opening=True)
    named = {k for k in facts if k in ("municipality", "industry", "employees", "org_type", "problem")}
    if not asking and len(named) >= 2:
        return True
    if not asking and named and knowledge is not None and not consult.wish(text):
        return knowledge.lookup(text).best is None  # 「民宿ばしよります」: the business introduced, nothing asked
    wished = consult.wish(text) and not asking  # 「相談したいのですが、費用は？」 asks about the cost
    if not (wished or (asking and consult.own_case(text, business_named=bool(named - {"problem"})))):
        return False
    lookup = knowledge.lookup(text) if knowledge is not None else None
    if lookup is None:
        return True
    return not lookup.outside and (wished or lookup.best is None)


def _told(state: State) -> tuple[State, dict[str, Any] | None]:
    """What the owner said about the business in the message before (answered by the FAQ, not yet a consultation):
    kept for one turn only, so that 「相談したいです」 next starts the pre-screening with those facts waiting for
    consent, as if they had been in the opening."""
    told = state.slots.get(TOLD)
    if told is None:
        return state, None
    return State(state.node, {k: v for k, v in state.slots.items() if k != TOLD}), dict(told)


def _remember(t: Transition, inbound: Inbound) -> Transition:
    if inbound.kind is not Kind.TEXT or t.state.node not in (menu.Node.MENU.value, faq.NODE):
        return t
    if signals.question(inbound.text) and not consult.speaks_of_own(inbound.text):
        return t  # 「派遣は何回まで使えますか」 asks about the program: nothing in it is the owner's
    facts = extract(inbound.text, {}, opening=True)
    return replace(t, state=State(t.state.node, {**t.state.slots, TOLD: facts})) if facts else t


def _own_case_answered(inbound: Inbound, knowledge: Knowledge | None) -> Found | None:
    """A question whether the owner's own business can be helped that the FAQ answers (「ラーメン屋です レジの相談って
    出来る？」): the answer, and the pre-screening starts at once — the owner asked in order to consult."""
    if inbound.kind is not Kind.TEXT or knowledge is None or not signals.question(inbound.text):
        return None
    if not consult.own_case(inbound.text):  # said as the owner's own (「うちも」), not 「派遣は…使えますか」
        return None
    lookup = knowledge.lookup(inbound.text)
    return None if lookup.best is None or lookup.outside or lookup.alternatives else lookup.best


def step(state: State, inbound: Inbound, knowledge: Knowledge | None = None) -> Transition:
    state, told = _told(state)
    if inbound.kind is Kind.UNFOLLOW:
        return _unfollowed(state)
    if (rated := satisfaction.step(state, inbound)) is not None:  # a face tapped, or the comment after it
        return rated
    if (rating := evaluation.step(state, inbound)) is not None:  # rating the expert after a dispatch (002)
        return rating
    if state.node == ask.NODE:  # a coordinator asked for one item of the draft
        return ask.step(state, inbound)
    if state.node == person.NODE:  # a coordinator is talking: nothing but the relay (and 「ボットに戻る」)
        return person.step(state, inbound, menu.menu())
    if state.node == flow.NODE:
        return flow.step(state, inbound, knowledge, menu.menu())
    if (events := seminars.step(state, inbound)) is not None:  # 講習会・個別相談会: find, sign up, cancel
        return events
    if state.node == seminars.NODE:  # anything else leaves the sign-up for the menu
        state = State(menu.Node.MENU.value)
    saved = state.slots.get(SAVED)
    if inbound.kind is Kind.FOLLOW and saved:
        return flow.step(State(flow.NODE, dict(saved)), inbound, knowledge, menu.menu())
    if command_of(inbound) is None and (intent_of(inbound) == "consult" or _wants_consult(inbound, knowledge)):
        return evaluation.held(state, inbound) or flow.start(inbound, saved=saved, told=told)
    if command_of(inbound) is None and (found := _own_case_answered(inbound, knowledge)) is not None:
        began = evaluation.held(state, inbound) or flow.start(inbound, saved=saved)
        answer = Text(fill_from(found.answer, inbound.facts))
        return replace(began, replies=(answer, *began.replies),
                       effects=(Effect("faq_answered", {"faq_id": found.faq_id}), *began.effects))
    return _remember(menu.step(state, inbound, knowledge), inbound)
