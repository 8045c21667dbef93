"""The dialogs' knowledge port over the retrieval index."""

from __future__ import annotations

import re
from collections.abc import Callable

from dialogs.ports import Found, Lookup
from knowledge.index import Entry, Index

SEEDS = {"001": "実施要領", "004": "中小企業の範囲"}


def cited(entry: Entry) -> str:
    """The answer with its source clause, in words an owner can follow: 「…（実施要領 4(1)エ）」."""
    if not entry.source:
        return entry.answer
    source = re.sub(r"\b(001|004)\s*", lambda m: SEEDS[m.group(1)] + " ", entry.source)
    source = source.replace("中小企業の範囲 中小企業の範囲", "中小企業の範囲").strip()
    return f"{entry.answer}（{source}）"


def _found(entry: Entry) -> Found:
    return Found(entry.id, entry.question, cited(entry), entry.next)


class IndexKnowledge:
    """Answers from an index; `current` returns the index to use now (it may be rebuilt after edits)."""

    def __init__(self, current: Callable[[], Index]) -> None:
        self._current = current

    def lookup(self, question: str) -> Lookup:
        result = self._current().search(question)
        if not result.matched or result.best is None:
            return Lookup(None, outside=result.outside)
        return Lookup(_found(result.best.entry), tuple(_found(m.entry) for m in result.alternatives))

    def get(self, faq_id: str) -> Found | None:
        entry = next((e for e in self._current().entries if e.id == faq_id), None)
        return _found(entry) if entry else None

    def answer(self, question: str) -> str | None:
        """The pre-screening's port: one answer or nothing."""
        found = self.lookup(question).best
        return found.answer if found else None


