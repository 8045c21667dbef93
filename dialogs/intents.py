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
# A request about the owner's own personal data (APPI Arts. 33, 35: disclosure, deletion, use-stop): a word for the
# data and a word for what is asked, anywhere in the message (「私の個人情報を削除してください」).
PERSONAL_DATA: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("個人情報", "私の情報", "わたしの情報", "私のデータ", "登録した情報", "入力した情報", "送った情報"),
    ("削除", "消し", "消去", "開示", "見せ", "教えて", "確認したい", "利用停止", "使わないで", "止めて", "やめて",
     "訂正", "どう扱", "どのように扱", "何を保存", "保存して", "さくじょ", "けして", "みせて", "かいじ"),
)


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
        if intent is None and about_personal_data(inbound.text):
            return "personal_data"
        return intent or ("human" if signals.wants_person(inbound.text) else None)
    return None


def about_personal_data(text: str) -> bool:
    """「私の個人情報を削除してください」「個人情報の開示をお願いします」: the owner's rights over their own data."""
    t = normalize(text)
    data, asks = PERSONAL_DATA
    return any(w in t for w in data) and any(w in t for w in asks)
