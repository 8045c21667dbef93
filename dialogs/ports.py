"""What the dialogs need from outside, as Protocols: the knowledge base. Implementations live in knowledge/."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Found:
    faq_id: str
    question: str
    answer: str
    next: str | None = None  # prescreen | person


@dataclass(frozen=True)
class Lookup:
    best: Found | None  # None: the knowledge base cannot answer this
    alternatives: tuple[Found, ...] = ()


class Knowledge(Protocol):
    def lookup(self, question: str) -> Lookup: ...

    def get(self, faq_id: str) -> Found | None: ...


_PHONE = re.compile(r"0\d{1,4}[-‐－ー\s]?\d{1,4}[-‐－ー\s]?\d{3,4}|[0-9０-９]{10,11}")
_EMAIL = re.compile(r"[^\s@＠]+[@＠][^\s@＠]+\.[^\s@＠]+")


def redact(text: str) -> str:
    """Phone numbers and e-mail addresses removed before a question is kept (for the misses log)."""
    return _PHONE.sub("［電話番号］", _EMAIL.sub("［メール］", text))
