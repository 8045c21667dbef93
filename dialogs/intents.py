"""Recognising what a tap or a typed message means, from tables rather than if/elif ladders."""

from __future__ import annotations

from dialogs.model import Inbound, Kind
from dialogs.normalize import normalize, strip_polite

# Global commands work from any node. A typed message that *contains* one of these words triggers it.
COMMAND_WORDS: dict[str, tuple[str, ...]] = {
    "restart": ("やり直", "最初から", "はじめから", "リセット"),
    "cancel": ("やめる", "やめます", "中止", "キャンセル"),
}
# Postback data → intent.
DATA_INTENTS: dict[str, str] = {
    "cmd:restart": "restart",
    "cmd:cancel": "cancel",
    "menu:consult": "consult",
    "menu:faq": "faq",
    "menu:human": "human",
}
# Typed words (after normalisation and dropping です/ます) → intent; matched whole.
WORD_INTENTS: dict[str, tuple[str, ...]] = {
    "consult": ("相談したい", "相談", "専門家派遣", "専門家に相談したい", "申し込みたい", "申込"),
    "faq": ("よくある質問", "質問", "faq"),
    "human": ("担当者と話したい", "担当者", "人と話したい", "電話したい", "オペレーター"),
    "menu": ("メニュー", "menu", "こんにちは", "はじめまして"),
}
_WORD_INDEX = {normalize(w): intent for intent, words in WORD_INTENTS.items() for w in words}
_MAX_COMMAND_TEXT = 20  # longer texts are sentences, not commands


def command_of(inbound: Inbound) -> str | None:
    """A global command (restart/cancel) from a tap or a short typed message, else None."""
    if inbound.kind is Kind.POSTBACK:
        intent = DATA_INTENTS.get(inbound.data)
        return intent if intent in COMMAND_WORDS else None
    if inbound.kind is not Kind.TEXT:
        return None
    text = normalize(inbound.text)
    if len(text) > _MAX_COMMAND_TEXT:
        return None
    return next((cmd for cmd, words in COMMAND_WORDS.items() if any(w in text for w in words)), None)


def intent_of(inbound: Inbound) -> str | None:
    """The intent of a tap (its data) or of a typed message that says one of the known words."""
    if inbound.kind is Kind.POSTBACK:
        return DATA_INTENTS.get(inbound.data)
    if inbound.kind is Kind.TEXT:
        return _WORD_INDEX.get(strip_polite(normalize(inbound.text)))
    return None
