"""Questions the bot declined or the owner marked unhelpful, grouped by similarity with counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.tables import DialogEffect
from knowledge.text import ngrams, normalize

KINDS = ("faq_missed", "faq_unhelpful")
SIMILAR = 0.45  # Jaccard similarity of character bigrams that puts two questions in one group


@dataclass
class Group:
    question: str  # the first one seen: what the group is shown as
    kind: str
    count: int = 0
    faq_ids: set[str] = field(default_factory=set)
    examples: list[str] = field(default_factory=list)
    last_at: datetime | None = None


def _grams(text: str) -> set[str]:
    return set(ngrams(normalize(text), (2,)))


def grouped(*, session: Session, limit: int = 500) -> list[Group]:
    """The most recent misses, grouped greedily by similarity; most frequent first, then most recent."""
    rows = session.scalars(select(DialogEffect).where(DialogEffect.kind.in_(KINDS))
                           .order_by(DialogEffect.id.desc()).limit(limit))
    groups: list[tuple[set[str], Group]] = []
    for row in rows:
        question = str(row.payload.get("question") or "").strip()
        if not question:
            continue
        grams = _grams(question)
        home = next((g for seen, g in groups if len(grams & seen) / max(len(grams | seen), 1) >= SIMILAR), None)
        if home is None:
            home = Group(question, row.kind)
            groups.append((grams, home))
        home.count += 1
        if row.payload.get("faq_id"):
            home.faq_ids.add(str(row.payload["faq_id"]))
        if len(home.examples) < 5 and question not in home.examples:
            home.examples.append(question)
        home.last_at = max(filter(None, (home.last_at, row.created_at)))
    return sorted((g for _, g in groups), key=lambda g: -g.count)
