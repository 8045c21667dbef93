"""Recognising what a tap or a typed message means, from tables rather than if/elif ladders."""

from __future__ import annotations

from dialogs.model import Inbound, Kind
from dialogs.normalize import normalize, strip_polite
from dialogs.understand import signals

# Global commands work from any node, but only when the message *is* the command (understand/signals.py).
COMMAND_WORDS = ("restart", "cancel")
# Postback data → intent.
DATA_INTENTS: dict[str, str] = {
    "cmd:restart": "restart",
    "cmd:cancel": "cancel",
    "menu:consult": "consult",
    "menu:faq": "faq",
    "menu:human": "human",
    "menu:status": "status",
}
# Typed words (after normalisation and dropping です/ます) → intent; matched whole.
WORD_INTENTS: dict[str, tuple[str, ...]] = {
    "consult": ("相談したい", "相談", "専門家派遣", "専門家に相談したい", "申し込みたい", "申込"),
    "faq": ("よくある質問", "質問", "faq"),
    "human": ("担当者と話したい", "担当者", "人と話したい", "電話したい", "オペレーター"),
    "menu": ("メニュー", "menu", "こんにちは", "はじめまして"),
    "status": ("申請の状況", "申請状況", "申し込みの状況", "進み具合"),
}
_WORD_INDEX = {normalize(w): intent for intent, words in WORD_INTENTS.items() for w in words}


def word_intent(text: str) -> str | None:
    """The intent of a message that is one of the known words (cheap: no morphology)."""
    return _WORD_INDEX.get(strip_polite(normalize(text)))


def command_of(inbound: Inbound) -> str | None:
    """A global command (restart/cancel) from a tap or a short typed message, else None."""
    if inbound.kind is Kind.POSTBACK:
        intent = DATA_INTENTS.get(inbound.data)
        return intent if intent in COMMAND_WORDS else None
    if inbound.kind is not Kind.TEXT:
        return None
    return signals.command(inbound.text)


def intent_of(inbound: Inbound) -> str | None:
    """The intent of a tap (its data) or of a typed message that says one of the known words."""
    if inbound.kind is Kind.POSTBACK:
        return DATA_INTENTS.get(inbound.data)
    if inbound.kind is Kind.TEXT:
        intent = word_intent(inbound.text)
        return intent or ("human" if signals.wants_person(inbound.text) else None)
    return None
