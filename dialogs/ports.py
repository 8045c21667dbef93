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
    outside: bool = False  # about something next to the desk's work that it does not do (確定申告, 融資 …)


class Answers(Protocol):
    """The knowledge base as the pre-screening sees it: one answer to a question put mid-form, or nothing."""

    def answer(self, question: str) -> str | None: ...


class Knowledge(Answers, Protocol):
    """The knowledge base (implemented in knowledge/answers.py; the shell passes it in at turn time)."""

    def lookup(self, question: str) -> Lookup: ...

    def get(self, faq_id: str) -> Found | None: ...




def redact(text: str) -> str:
    """Phone numbers and e-mail addresses removed before a question is kept (for the misses log): half- or
    full-width, with hyphens, IME dashes (ー－―), spaces or brackets between the groups, and +81 numbers."""
    digit, word = "[0-9０-９]", r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９_%+\-＿＋－]"
    gap = r"[\s\-‐‑‒–—―−－ーｰ─()（）.．]{0,3}"
    start = rf"(?:[+＋]\s*[8８][1１]{gap}[0０]?|[(（]?[0０])"
    phone = rf"(?<![0-9０-９]){start}{digit}{{1,4}}{gap}{digit}{{1,4}}{gap}{digit}{{3,4}}(?![0-9０-９])"
    email = rf"{word}+(?:[.．]{word}+)*\s*[@＠]\s*{word}+(?:\s*[.．]\s*{word}+)+"
    digits = lambda m: sum(c.isdigit() for c in m.group())  # noqa: E731 - full-width digits count too
    text = re.sub(email, "［メール］", text)
    text = re.sub(phone, lambda m: "［電話番号］" if 10 <= digits(m) <= 13 else m.group(), text)
    return re.sub(f"{digit}{{10,11}}", "［電話番号］", text)
