"""One understanding step before any slot is filled: a small pipeline of readers, each with a verdict, arbitrated in
one place. Every inbound — tap or typed, at every question — is read as exactly one of:

answer      the pending question's answer (slot reader; sure enough)
confirm     probably the answer, but not sure: confirmed back once (「〜ということでよろしいですか？」)
question    a question for the desk: answered from the knowledge base, then the pending question again
person      a request for a person: the handoff opens with the partial draft
command     cancel / restart — only when the message *is* the command (a button or a short message of nothing else)
unknown     「わからない」: the slot's sensible default, flagged for the coordinator
smalltalk   ありがとう, 了解 … out of context
unreadable  none of these: say what is expected (with the choices)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from dialogs.model import Inbound, Kind
from dialogs.ports import Answers
from dialogs.understand import signals
from dialogs.understand.text import clean

if TYPE_CHECKING:
    from dialogs.prescreen.form import Slot, Taken

SURE = 0.85
COMMAND_DATA = {"cmd:cancel": "cancel", "cmd:restart": "restart"}


@dataclass(frozen=True)
class Reading:
    kind: str
    taken: Taken | None = None
    command: str | None = None
    reply: str | None = None  # the knowledge base's answer to a question


def _emoji_only(text: str) -> bool:
    return not any(c.isalnum() or "\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in text)


def read(slot: Slot | None, slots: dict[str, Any], inbound: Inbound, answers: Answers | None = None) -> Reading:
    """How to take this inbound at `slot` (None: no slot pending, e.g. at the confirmation)."""
    if inbound.kind is Kind.POSTBACK:
        if inbound.data in COMMAND_DATA:
            return Reading("command", command=COMMAND_DATA[inbound.data])
        if inbound.data == "menu:human":
            return Reading("person")
        taken = slot.take(inbound, slots) if slot is not None else None
        if taken is not None:
            return Reading("answer", taken)
        return Reading("unknown") if inbound.data == "ps:later" else Reading("unreadable")
    if inbound.kind is not Kind.TEXT:
        return Reading("unreadable")
    text = clean(inbound.text)
    if not text or _emoji_only(text):
        return Reading("unreadable")
    command = signals.command(text)
    if command is not None:
        return Reading("command", command=command)
    if signals.wants_person(text):
        return Reading("person")
    if slot is None:
        return _question(text, answers) if signals.question(text) else Reading("unreadable")
    asking = signals.question(text)
    if slot.free:
        return _free(slot, slots, inbound, text, asking, answers)
    taken = slot.take(inbound, slots) if len(text) <= 1000 else None
    head = signals.answer_before_question(text) if asking else None
    if head is not None:  # 「荒尾市ですけど、県内なら大丈夫ですよね？」: the answer comes first; going on answers the worry
        first = slot.take(replace(inbound, text=head), slots)
        if first is not None and first.score >= SURE:
            return Reading("answer", first)
    if asking and taken is not None and taken.score >= SURE and (signals.hedged(text) or len(text) >= 25):
        return Reading("answer", taken)  # 「まあ横ばいかな」, or an answer explained at length that ends in 〜ですか
    if asking and taken is None and signals.unknown(text):
        return Reading("unknown")
    if asking and (taken is None or taken.score < 1.0):
        return _question(text, answers)
    if taken is not None:
        return Reading("answer" if taken.score >= SURE or not taken.label else "confirm", taken)
    if signals.unknown(text):
        return Reading("unknown")
    if signals.small_talk(text):
        return Reading("smalltalk")
    return Reading("unreadable")


def _free(slot: Slot, slots: dict[str, Any], inbound: Inbound, text: str, asking: bool,
          answers: Answers | None) -> Reading:
    """A free-text question takes what is typed, unless it is a question for the desk, small talk or 「わからない」."""
    if asking and signals.hedged(text):
        asking = False
    if asking:  # 「今はちょっと…あとでよかですか」: putting it off is the slot's own answer
        later = slot.take(inbound, slots)
        if later is not None and any(k.endswith("_later") and v for k, v in later.values.items()):
            return Reading("answer", later)
    if asking and slot.name == "problem" and len(text) > 20 and not signals.direct_question(text):
        asking = False  # 「…どのレジにすればいいか知りたい」: what the owner wants to find out is the problem itself
    if asking:
        reply = answers.answer(text) if answers is not None else None
        if reply is not None or slot.name != "problem" or len(text) <= 20:  # a long one describes the problem
            return Reading("question", reply=reply)
    elif signals.small_talk(text) and len(text) <= 12:
        return Reading("smalltalk")
    elif signals.unknown(text) and len(text) <= 20:
        taken = slot.take(inbound, slots)  # 「わからない」 may be the slot's own answer (後で伝える)
        return Reading("answer", taken) if taken is not None and any(k.endswith("_later") for k in taken.values) \
            else Reading("unknown")
    taken = slot.take(inbound, slots)
    return Reading("answer", taken) if taken is not None else Reading("unreadable")


def _question(text: str, answers: Answers | None) -> Reading:
    return Reading("question", reply=answers.answer(text) if answers is not None else None)
