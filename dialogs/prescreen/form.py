"""The form machinery: a slot asks, takes (validates) and says when it is needed; the next question is the first
missing needed slot (rasa-sdk forms)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dialogs.model import Choice, Choices, Inbound, Kind, Reply
from dialogs.normalize import normalize, strip_polite

Slots = Mapping[str, Any]
LATER = "ps:later"
LATER_LABEL = "後で担当者に伝える"


@dataclass(frozen=True)
class Taken:
    """What an answer gave: slot values to set, things to say first, and whether the flow ends here."""

    values: dict[str, Any]
    say: tuple[Reply, ...] = ()
    end: str | None = None  # outside | excluded_org | large | no_consent


@dataclass(frozen=True)
class Slot:
    name: str
    group: str  # what "修正する" offers to change
    ask: Callable[[Slots], tuple[Reply, ...]]
    take: Callable[[Inbound, Slots], Taken | None]
    needed: Callable[[Slots], bool] = field(default=lambda s: True)


@dataclass(frozen=True)
class Options:
    """A slot's choices: key → (button label, typed words that also mean it)."""

    prefix: str
    items: dict[str, tuple[str, ...]]

    def choices(self, *extra: Choice) -> tuple[Choice, ...]:
        return tuple(Choice(words[0], f"ps:{self.prefix}:{key}") for key, words in self.items.items()) + extra

    def question(self, text: str, *extra: Choice) -> Choices:
        return Choices(text, self.choices(*extra))

    def pick(self, inbound: Inbound) -> str | None:
        """The key a tap or a typed answer means: a whole-word match, else the longest contained word."""
        if inbound.kind is Kind.POSTBACK:
            head = f"ps:{self.prefix}:"
            key = inbound.data[len(head):] if inbound.data.startswith(head) else None
            return key if key in self.items else None
        if inbound.kind is not Kind.TEXT:
            return None
        typed = strip_polite(normalize(inbound.text))
        for key, words in self.items.items():
            if any(typed == strip_polite(normalize(w)) for w in words):
                return key
        contained = [(len(w), key) for key, words in self.items.items() for w in words
                     if len(w) > 1 and normalize(w) in typed]
        return max(contained)[1] if contained else None  # the longest word wins: ゴム製品製造 over 製造


def later(inbound: Inbound) -> bool:
    if inbound.kind is Kind.POSTBACK:
        return inbound.data == LATER
    return inbound.kind is Kind.TEXT and any(
        w in normalize(inbound.text) for w in ("後で", "あとで", "わからない", "分からない", "わかりません", "不明"))


def text_of(inbound: Inbound, *, max_chars: int = 1000) -> str | None:
    """A typed answer, trimmed; None for taps, stickers, empty or overlong text."""
    if inbound.kind is not Kind.TEXT:
        return None
    text = inbound.text.strip()
    return text if 0 < len(text) <= max_chars else None
