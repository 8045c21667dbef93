"""Questions the bot declined or the owner marked unhelpful, grouped by similarity with counts; the editor dismisses
a group (or turns it into a phrasing), which is stored, audited and hides it from the list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.tables import DialogEffect
from bot.staff import audit
from dialogs.ports import redact
from knowledge.tables import FaqMissDismissal
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
    ids: list[int] = field(default_factory=list)  # the misses (dialog effects) in the group


def _grams(text: str) -> set[str]:
    return set(ngrams(normalize(text), (2,)))


def grouped(*, session: Session, limit: int = 500) -> list[Group]:
    """The most recent misses not yet dealt with, grouped greedily by similarity; most frequent first, then most
    recent. Questions are redacted again on the way out (rows stored before a redaction rule existed)."""
    dealt_with = select(FaqMissDismissal.effect_id)
    rows = session.scalars(select(DialogEffect).where(DialogEffect.kind.in_(KINDS), DialogEffect.id.not_in(dealt_with))
                           .order_by(DialogEffect.id.desc()).limit(limit))
    groups: list[tuple[set[str], Group]] = []
    for row in rows:
        question = redact(str(row.payload.get("question") or "")).strip()
        if not question:
            continue
        grams = _grams(question)
        home = next((g for seen, g in groups if len(grams & seen) / max(len(grams | seen), 1) >= SIMILAR), None)
        if home is None:
            home = Group(question, row.kind)
            groups.append((grams, home))
        home.count += 1
        home.ids.append(row.id)
        if row.payload.get("faq_id"):
            home.faq_ids.add(str(row.payload["faq_id"]))
        if len(home.examples) < 5 and question not in home.examples:
            home.examples.append(question)
        home.last_at = max(filter(None, (home.last_at, row.created_at)))
    return sorted((g for _, g in groups), key=lambda g: -g.count)


def parse_ids(text: str) -> list[int]:
    """The group's ids as the editor's form sends them ("12,15,20"); anything else is dropped."""
    return sorted({int(part) for part in text.split(",") if part.strip().isdigit()})


def dismiss(*, session: Session, ids: Iterable[int], actor: str, reason: str, question: str, now: datetime) -> int:
    """Mark misses as dealt with (dismissed, or phrasing:<entry id>) and audit it; returns how many were new."""
    wanted = set(ids)
    misses = set(session.scalars(select(DialogEffect.id).where(DialogEffect.id.in_(wanted),
                                                                 DialogEffect.kind.in_(KINDS))))
    done = set(session.scalars(select(FaqMissDismissal.effect_id).where(FaqMissDismissal.effect_id.in_(misses))))
    fresh = sorted(misses - done)
    session.add_all(FaqMissDismissal(effect_id=i, dismissed_at=now, dismissed_by=actor, reason=reason) for i in fresh)
    audit.record(session=session, action="faq_miss_" + reason.split(":")[0], actor=None, actor_label=actor,
                 target=reason.partition(":")[2] or "faq_misses",
                 detail={"question": redact(question)[:300], "effect_ids": fresh}, now=now)
    return len(fresh)
