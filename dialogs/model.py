"""Channel-neutral types: what comes in (Inbound), what goes out (replies) and what the shell must do (effects).

Every reply type is a frozen dataclass with `to_dict`/`reply_from_dict`, so the pipeline can store replies as
JSON and each channel adapter renders them for its platform. The limits checked here are the smallest common
ones across channels (LINE quick replies: 13 items, 20-character labels; Telegram callback data: 64 bytes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from dialogs.normalize import clean_text

MAX_CHOICES = 13
MAX_LABEL_CHARS = 20
MAX_DATA_BYTES = 64


class Kind(StrEnum):
    TEXT = "text"
    POSTBACK = "postback"
    STICKER = "sticker"
    IMAGE = "image"
    LOCATION = "location"
    FILE = "file"
    MEDIA = "media"  # video, audio: accepted, not understood
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"


@dataclass(frozen=True)
class Inbound:
    """One thing the user did, already converted from the channel's SDK type."""

    kind: Kind
    at: datetime
    text: str = ""
    data: str = ""
    # What the desk already knows about this sender, supplied by the shell at turn time (never stored with the event):
    # {"usage_this_year": {"visits": n, "hours": h}} for a business with an earlier application.
    facts: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # The channel the owner writes on (its words: dialogs/wording.py), also supplied by the shell at turn time.
    channel: str = field(default="line", compare=False)

    def __post_init__(self) -> None:
        # What a person typed never carries NUL or other control characters (PostgreSQL refuses NUL in text, and
        # one such message must not make a conversation fail over and over): removed at the edge, here.
        object.__setattr__(self, "text", clean_text(self.text))
        object.__setattr__(self, "data", clean_text(self.data))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "at": self.at.isoformat(), "text": self.text, "data": self.data}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Inbound:
        return cls(Kind(d["kind"]), datetime.fromisoformat(d["at"]), d.get("text", ""), d.get("data", ""))


@dataclass(frozen=True)
class Choice:
    """A tappable option. `data` is what comes back as a postback; typing `label` works too."""

    label: str
    data: str

    def __post_init__(self) -> None:
        if not 0 < len(self.label) <= MAX_LABEL_CHARS:
            raise ValueError(f"choice label must be 1..{MAX_LABEL_CHARS} characters: {self.label!r}")
        if not 0 < len(self.data.encode()) <= MAX_DATA_BYTES:
            raise ValueError(f"choice data must be 1..{MAX_DATA_BYTES} bytes: {self.data!r}")


def _check_choices(choices: tuple[Choice, ...]) -> None:
    if len(choices) > MAX_CHOICES:
        raise ValueError(f"at most {MAX_CHOICES} choices, got {len(choices)}")


@dataclass(frozen=True)
class Text:
    text: str
    type: str = field(default="text", init=False)


@dataclass(frozen=True)
class Choices:
    """A question with quick choices."""

    text: str
    choices: tuple[Choice, ...]
    type: str = field(default="choices", init=False)

    def __post_init__(self) -> None:
        _check_choices(self.choices)


@dataclass(frozen=True)
class Card:
    """A titled summary: label/value rows, optionally with choices under it."""

    title: str
    rows: tuple[tuple[str, str], ...]
    choices: tuple[Choice, ...] = ()
    type: str = field(default="card", init=False)

    def __post_init__(self) -> None:
        _check_choices(self.choices)


Reply = Text | Choices | Card


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    return asdict(reply)


def reply_from_dict(d: dict[str, Any]) -> Reply:
    kind = d["type"]
    if kind == "text":
        return Text(d["text"])
    choices = tuple(Choice(c["label"], c["data"]) for c in d.get("choices", ()))
    if kind == "choices":
        return Choices(d["text"], choices)
    if kind == "card":
        return Card(d["title"], tuple((r[0], r[1]) for r in d["rows"]), choices)
    raise ValueError(f"unknown reply type {kind!r}")


@dataclass(frozen=True)
class Effect:
    """Something the shell must do after the turn commits (e.g. open a handoff request)."""

    kind: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class State:
    """A conversation's persisted dialog state: the current node and the collected slots."""

    node: str = "start"
    slots: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"node": self.node, "slots": dict(self.slots)}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> State:
        if not d:
            return cls()
        return cls(d.get("node", "start"), dict(d.get("slots", {})))


@dataclass(frozen=True)
class Transition:
    state: State
    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = ()
