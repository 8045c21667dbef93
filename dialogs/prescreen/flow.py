"""The pre-screening step: table-driven (the slot tables), pure. See flow.mmd beside this file."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from dialogs.model import Choice, Choices, Effect, Inbound, Kind, Reply, State, Text, Transition
from dialogs.normalize import normalize
from dialogs.prescreen import summary, texts
from dialogs.prescreen.form import Slot, Slots
from dialogs.prescreen.slots_business import SLOTS as BUSINESS
from dialogs.prescreen.slots_contact import SLOTS as CONTACT

NODE = "prescreen"
SLOTS: tuple[Slot, ...] = BUSINESS + CONTACT
RESUME_AFTER = timedelta(hours=24)
RESUME_CHOICES = (Choice("続きから", "ps:resume:continue"), Choice("最初から", "cmd:restart"))
QUESTION_MARKS = ("?", "？", "ですか", "ますか", "でしょうか", "いいか", "教えて")


class Answers(Protocol):
    """The knowledge base, as the dialog sees it."""

    def answer(self, question: str) -> str | None: ...


def next_slot(slots: Slots) -> Slot | None:
    return next((s for s in SLOTS if s.needed(slots)), None)


def _state(slots: dict[str, Any], inbound: Inbound, stage: str | None = None) -> State:
    slots["_at"] = inbound.at.isoformat()
    if stage is None:
        slots.pop("_stage", None)
    else:
        slots["_stage"] = stage
    return State(NODE, slots)


def _known(slots: dict[str, Any], inbound: Inbound) -> None:
    """A known business's usage this fiscal year comes from the desk's visit ledger instead of a question."""
    usage = inbound.facts.get("usage_this_year")
    if usage is None or "usage" in slots:
        return
    visits, hours = int(usage["visits"]), float(usage["hours"])
    slots.update({"usage": "used" if visits else "none", "usage_from_ledger": True,
                  "past_visits": visits or None, "past_hours": hours or None})


def _ask_next(slots: dict[str, Any], inbound: Inbound, said: tuple[Reply, ...] = (),
              just_asked: Slot | None = None) -> Transition:
    _known(slots, inbound)
    nxt = next_slot(slots)
    if nxt is None:
        return Transition(_state(slots, inbound, "confirm"), (*said, *_confirmation(slots)))
    if nxt is just_asked and said:  # what was said already asks again (e.g. "please rephrase")
        return Transition(_state(slots, inbound), said)
    return Transition(_state(slots, inbound), (*said, *nxt.ask(slots)))


def _confirmation(slots: Slots) -> tuple[Reply, ...]:
    return summary.card(slots), Choices(texts.CONFIRM_PROMPT, summary.CONFIRM_CHOICES)


def pending_question(state: State) -> tuple[Reply, ...]:
    """What the pre-screening is waiting for (to ask again after an interruption, e.g. a coordinator's question)."""
    slots = state.slots
    if slots.get("_stage") == "confirm":
        return _confirmation(slots)
    if slots.get("_stage") == "edit":
        return (Choices(texts.ASK_EDIT, summary.EDIT_CHOICES),)
    nxt = next_slot(slots)
    return nxt.ask(slots) if nxt is not None else _confirmation(slots)


def start(inbound: Inbound, *, restarted: bool = False) -> Transition:
    opening = Text(texts.RESTARTED if restarted else texts.START)
    began = _ask_next({}, inbound, (opening,))
    return replace(began, effects=(*began.effects, Effect("prescreen_started")))  # counted by the reports' funnel


def _end(said: tuple[Reply, ...], menu: tuple[Reply, ...], effects: tuple[Effect, ...] = ()) -> Transition:
    return Transition(State("menu"), (*said, *menu), effects)


def _looks_like_question(inbound: Inbound) -> bool:
    return inbound.kind is Kind.TEXT and any(m in normalize(inbound.text) for m in QUESTION_MARKS)


def _unanswerable(slot: Slot, slots: dict[str, Any], inbound: Inbound, answers: Answers) -> Transition:
    """Not an answer to the question: answer a question from the knowledge base, else help, then ask again."""
    if _looks_like_question(inbound):
        reply = answers.answer(inbound.text)
        said: Reply = Text(reply) if reply else Text(texts.NO_ANSWER)
    elif inbound.kind in (Kind.STICKER, Kind.IMAGE, Kind.FILE, Kind.MEDIA, Kind.LOCATION):
        said = Text(texts.NOT_TEXT)
    elif inbound.kind is Kind.TEXT and len(inbound.text) > 300:
        said = Text(texts.TOO_LONG)
    else:
        said = Text(texts.NOT_UNDERSTOOD)
    return Transition(_state(slots, inbound), (said, *slot.ask(slots)))


def _confirm(slots: dict[str, Any], inbound: Inbound, menu: tuple[Reply, ...]) -> Transition:
    data = inbound.data if inbound.kind is Kind.POSTBACK else normalize(inbound.text)
    if data in ("ps:confirm:send", "送信する", "送信", "はい", "ok"):
        application = summary.application(slots)
        submitted = Text(texts.SUBMITTED)  # {reference} and {reply_days} are filled in by the shell
        return _end((submitted,), (), (Effect("case_submitted", application),))
    if data in ("ps:confirm:edit", "修正する", "修正", "直したい"):
        return Transition(_state(slots, inbound, "edit"), (Choices(texts.ASK_EDIT, summary.EDIT_CHOICES),))
    return Transition(_state(slots, inbound, "confirm"), (Text(texts.CHOOSE_PLEASE), *_confirmation(slots)))


def _edit(slots: dict[str, Any], inbound: Inbound) -> Transition:
    groups = list(summary.GROUP_KEYS)
    picked = None
    if inbound.kind is Kind.POSTBACK and inbound.data.startswith("ps:edit:"):
        index = int(inbound.data.removeprefix("ps:edit:"))
        picked = groups[index] if 0 <= index < len(groups) else None
    elif inbound.kind is Kind.TEXT:
        picked = next((g for g in groups if normalize(g) in normalize(inbound.text)), None)
    if picked is None:
        return Transition(_state(slots, inbound, "edit"), (Choices(texts.ASK_EDIT, summary.EDIT_CHOICES),))
    for key in summary.GROUP_KEYS[picked]:
        slots.pop(key, None)
    return _ask_next(slots, inbound)


def _paused(slots: Slots, inbound: Inbound) -> bool:
    last = slots.get("_at")
    return bool(last) and inbound.at - datetime.fromisoformat(str(last)) > RESUME_AFTER


def step(state: State, inbound: Inbound, answers: Answers, menu: tuple[Reply, ...]) -> Transition:
    """One pre-screening turn. `menu` is what to show when the flow ends."""
    slots = dict(state.slots)
    if slots.pop("_resume", None) and inbound.kind is Kind.POSTBACK and inbound.data == "ps:resume:continue":
        return _ask_next(slots, inbound, (Text(texts.RESUMED),))
    if _paused(slots, inbound) and inbound.kind is not Kind.FOLLOW:
        slots["_resume"] = True
        return Transition(_state(slots, inbound, slots.get("_stage")), (Choices(texts.RESUME, RESUME_CHOICES),))
    if slots.get("_stage") == "confirm":
        return _confirm(slots, inbound, menu)
    if slots.get("_stage") == "edit":
        return _edit(slots, inbound)
    slot = next_slot(slots)
    if slot is None:
        return _ask_next(slots, inbound)
    taken = slot.take(inbound, slots)
    if taken is None:
        return _unanswerable(slot, slots, inbound, answers)
    slots.update(taken.values)
    if taken.end is not None:
        return _end((*taken.say, Text(texts.END_NEXT)), menu)
    return _ask_next(slots, inbound, taken.say, slot)
