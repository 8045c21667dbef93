"""Questions at the menu: answered from the knowledge base, with "解決しましたか？", close matches as choices,
and an honest decline (plus a person) when the knowledge base cannot answer. Misses are recorded, redacted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dialogs import texts
from dialogs.model import Choice, Choices, Effect, Inbound, Kind, Reply, State, Text, Transition
from dialogs.ports import Found, Knowledge, redact
from dialogs.program import fill_from
from dialogs.understand import signals

NODE = "faq"
SHOW, YES, NO = "faq:show:", "faq:yes", "faq:no"
TOPICS = (Choice("対象になる事業者", f"{SHOW}eligible-who"), Choice("派遣の回数・時間", f"{SHOW}limits"),
          Choice("申し込み方法", f"{SHOW}apply-how"), Choice("オンライン相談", f"{SHOW}online"))
NEXT_CHOICES = {"prescreen": Choice(texts.LABEL_CONSULT, "menu:consult"),
                "person": Choice(texts.LABEL_HUMAN, "menu:human")}
HELP_CHOICES = (Choice(texts.LABEL_HUMAN, "menu:human"), Choice("メニューに戻る", "cmd:restart"))


def ask() -> Choices:
    return Choices(texts.FAQ_PROMPT, (*TOPICS, Choice(texts.LABEL_RESTART, "cmd:restart")))


def _label(question: str) -> str:
    return question if len(question) <= 20 else question[:19] + "…"


def show(found: Found, asked: str = "", facts: Mapping[str, Any] | None = None) -> Transition:
    """The answer, its figures from the day's program year (「{上限回数}回」 → 「5回」), and 「解決しましたか？」."""
    follow = (Choice("はい", YES), Choice("いいえ", NO))
    extra = (NEXT_CHOICES[found.next],) if found.next in NEXT_CHOICES else ()
    return Transition(State(NODE, {"faq_id": found.faq_id, "asked": redact(asked)}),
                      (Text(fill_from(found.answer, facts or {})), Choices(texts.FAQ_SOLVED, follow + extra)),
                      (Effect("faq_answered", {"faq_id": found.faq_id}),))


def question(inbound: Inbound, knowledge: Knowledge) -> Transition:
    """A typed question: the answer, a choice between close entries, or an honest decline."""
    lookup = knowledge.lookup(inbound.text)
    if lookup.best is None:
        return Transition(State("menu"), (Text(texts.FAQ_DECLINE), Choices(texts.FAQ_DECLINE_NEXT, HELP_CHOICES)),
                          (Effect("faq_missed", {"question": redact(inbound.text[:500])}),))
    if lookup.alternatives:
        options = tuple(Choice(_label(f.question), f"{SHOW}{f.faq_id}") for f in (lookup.best, *lookup.alternatives))
        return Transition(State(NODE, {"asked": redact(inbound.text[:500])}), (Choices(texts.FAQ_WHICH, options),))
    return show(lookup.best, inbound.text[:500], inbound.facts)


def solved(text: str) -> bool | None:
    """The answer to 「解決しましたか？」 in the owner's words: 「わかりました」「助かった」 → yes;
    「わからんかった」「だめでした」 → no; anything else → not an answer (read as a new question)."""
    if signals.question(text):
        return None
    if signals.small_talk(text) and not signals.unknown(text):
        return True
    return signals.polarity(text) if len(text) <= 30 else None


def tapped(state: State, inbound: Inbound, knowledge: Knowledge, menu: tuple[Reply, ...]) -> Transition | None:
    """A tap on a topic or an alternative, or the answer to "解決しましたか？" (tapped or typed)."""
    data = inbound.data if inbound.kind is Kind.POSTBACK else ""
    if data.startswith(SHOW):
        found = knowledge.get(data.removeprefix(SHOW))
        return show(found, str(state.slots.get("asked", "")), inbound.facts) if found else None
    verdict = {YES: True, NO: False}.get(data)
    typed = ""
    if verdict is None and state.node == NODE and inbound.kind is Kind.TEXT:
        verdict, typed = solved(inbound.text), redact(inbound.text[:200])
    if verdict is None or state.node != NODE:
        return None
    about = {"faq_id": state.slots.get("faq_id"), "question": state.slots.get("asked", ""), "typed": typed,
             "how": "typed" if typed else "tap"}
    if verdict:  # はい, 「わかりました」「助かりました」: recorded too, so the resolution rate can be reported
        return Transition(State("menu"), (Text(texts.FAQ_THANKS), *menu), (Effect("faq_helpful", about),))
    feedback = Effect("faq_unhelpful", about)
    return Transition(State("menu"), (Text(texts.FAQ_SORRY), Choices(texts.FAQ_DECLINE_NEXT, HELP_CHOICES)),
                      (feedback,))
