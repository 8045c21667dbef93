"""The form machinery: a slot asks, reads (validates) and says when it is needed; the next question is the first
missing needed slot (rasa-sdk forms). Reading goes through dialogs/understand: options by label, words and reading on
token boundaries, yes/no by morphology, and a score that says when to confirm back instead of guessing."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dialogs.model import Choice, Choices, Inbound, Kind, Reply
from dialogs.understand import choices as understand
from dialogs.understand.signals import meaningful, polarity, unknown
from dialogs.understand.text import clean

Slots = Mapping[str, Any]
LATER = "ps:later"
LATER_LABEL = "後で担当者に伝える"
SURE = 0.85  # a reading at least this strong is taken; weaker ones are confirmed back once


@dataclass(frozen=True)
class Taken:
    """What an answer gave: slot values to set, things to say first, whether the flow ends here, and how sure."""

    values: dict[str, Any]
    say: tuple[Reply, ...] = ()
    end: str | None = None  # outside | excluded_org | large | no_consent
    score: float = 1.0
    label: str = ""  # the reading in words, to confirm back when the score is low


@dataclass(frozen=True)
class Slot:
    name: str
    group: str  # what "修正する" offers to change
    ask: Callable[[Slots], tuple[Reply, ...]]
    take: Callable[[Inbound, Slots], Taken | None]
    needed: Callable[[Slots], bool] = field(default=lambda s: True)
    free: bool = False  # a free-text answer: anything typed is taken unless it is a question, a request or small talk
    # What the slot holds when the owner does not know, or after the question could not be read twice: never a loop.
    skip: Callable[[Slots], dict[str, Any]] | None = None
    # Not asked on the way (one question fewer): filled so, shown on the confirmation card, asked only when the
    # owner picks it under 「修正する」. For preferences the desk can settle with the owner anyway.
    default: Callable[[Slots], dict[str, Any]] | None = None


@dataclass(frozen=True)
class Options:
    """A slot's choices: key → (button label, typed words that also mean it)."""

    prefix: str
    items: dict[str, tuple[str, ...]]
    residual: tuple[str, ...] = ()  # 「その他」 keys: read only when no other option is named
    fuzzy: bool = True  # one wrong character in a longer word is guessed (and confirmed back)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_reader", understand.Options(self.items, residual=self.residual, fuzzy=self.fuzzy))

    def choices(self, *extra: Choice) -> tuple[Choice, ...]:
        return tuple(Choice(words[0], f"ps:{self.prefix}:{key}") for key, words in self.items.items()) + extra

    def question(self, text: str, *extra: Choice) -> Choices:
        return Choices(text, self.choices(*extra))

    def found(self, inbound: Inbound) -> understand.Found | None:
        """The option a tap or a typed answer names, with how sure the reading is."""
        if inbound.kind is Kind.POSTBACK:
            head = f"ps:{self.prefix}:"
            key = inbound.data[len(head):] if inbound.data.startswith(head) else None
            return understand.Found(key, 1.0, self.items[key][0]) if key in self.items else None
        if inbound.kind is not Kind.TEXT:
            return None
        reader: understand.Options = object.__getattribute__(self, "_reader")
        return reader.pick(inbound.text)

    def found_in(self, text: str) -> understand.Found | None:
        """The option a piece of text names (an opening message, a problem statement)."""
        reader: understand.Options = object.__getattribute__(self, "_reader")
        return reader.pick(text)

    def all_in(self, text: str) -> list[understand.Found]:
        """Every option a text names, best first."""
        reader: understand.Options = object.__getattribute__(self, "_reader")
        return reader.find(text)

    def keys_in(self, text: str) -> set[str]:
        reader: understand.Options = object.__getattribute__(self, "_reader")
        return reader.keys_in(text)

    def pick(self, inbound: Inbound) -> str | None:
        found = self.found(inbound)
        return found.key if found else None

    def taken(self, inbound: Inbound, slot: str, value: Callable[[str], Any] = lambda k: k) -> Taken | None:
        found = self.found(inbound)
        return None if found is None else Taken({slot: value(found.key)}, score=found.score,
                                                label=self.items[found.key][0])


def yes_no(inbound: Inbound, options: Options, yes: str, no: str, slot: str) -> Taken | None:
    """A yes/no question with buttons: a tap, an option's words, else the polarity of the sentence."""
    if inbound.kind is Kind.TEXT and unknown(inbound.text):  # 「わからない」 is read as such, not as a no
        return None
    taken = options.taken(inbound, slot)
    said = polarity(inbound.text) if inbound.kind is Kind.TEXT else None
    if taken is not None and taken.values[slot] == yes and said is False:
        return Taken({slot: no}, score=0.9, label=options.items[no][0])  # 「利用したことはございません」: denied
    if taken is not None and taken.score >= SURE:
        return taken
    if inbound.kind is Kind.TEXT and said is not None:
        key = yes if said else no
        return Taken({slot: key}, score=0.9, label=options.items[key][0])
    return taken


def skip(**values: Any) -> Callable[[Slots], dict[str, Any]]:
    """A slot's values when the owner does not know (or after two unread tries)."""
    return lambda s: dict(values)


def later(inbound: Inbound) -> bool:
    if inbound.kind is Kind.POSTBACK:
        return inbound.data == LATER
    return inbound.kind is Kind.TEXT and (unknown(inbound.text) or _LATER.search(clean(inbound.text)) is not None)


# 「後で」 as a word, not inside 前後で・午後で・最後で; and putting it off until the coordinator comes.
_LATER = re.compile(r"(?<![前午以最直事背今])後で|あとで|後ほど|のちほど|担当者に伝え|直接伝え|"
                    r"(お会い|会|来られ|伺)[^、。]{0,3}(とき|時|際)に")


def text_of(inbound: Inbound, *, max_chars: int = 1000) -> str | None:
    """A typed answer, cleaned (no control characters); None for taps, stickers, empty, overlong or meaningless
    text (「ああああ」「ー」「うーん」)."""
    if inbound.kind is not Kind.TEXT:
        return None
    text = clean(inbound.text)
    return text if 0 < len(text) <= max_chars and meaningful(text) else None
