"""Who is writing: the owner's profile from the platform (LINE's display name and picture), fetched after the
first turn of a conversation and refreshed when older than REFRESH. The fetch never holds up a webhook or a turn:
the turn only claims it (under the conversation's row lock, so one fetch per owner at a time; the claim is a lease
that lapses after RETRY, so a crash or an error mid-fetch is retried by a later turn) and the worker fetches after
the turn's answer is on its way."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db.tables import OwnerProfile, utcnow

REFRESH = timedelta(days=30)
RETRY = timedelta(minutes=10)


def claim(session: Session, *, conversation_key: str, now: datetime) -> bool:
    """Inside the turn's transaction: True when this turn should fetch the profile (the claim is recorded)."""
    row = session.get(OwnerProfile, conversation_key)
    if row is None:
        session.add(OwnerProfile(conversation_key=conversation_key, due_at=now + RETRY, status="pending"))
        return True
    if row.due_at > now:
        return False
    row.due_at = now + RETRY
    return True


_DUE = select(OwnerProfile.due_at).where(OwnerProfile.conversation_key == bindparam("key"))


def claim_core(conn: Connection, *, conversation_key: str, now: datetime) -> bool:
    """`claim` in Core statements (the turn's lean write path): the same decision, no ORM objects."""
    due = conn.execute(_DUE, {"key": conversation_key}).scalar()
    if due is None:
        conn.execute(insert(OwnerProfile).values(conversation_key=conversation_key, due_at=now + RETRY,
                                                 status="pending"))
        return True
    if due > now:
        return False
    conn.execute(update(OwnerProfile).where(OwnerProfile.conversation_key == conversation_key)
                 .values(due_at=now + RETRY))
    return True


def store(*, session_factory: sessionmaker[Session], conversation_key: str, status: str,
          display_name: str | None = None, picture_url: str | None = None) -> None:
    """Record a fetch's answer: found (name and picture), missing (LINE has none: what we had is kept) or error
    (the claim lapses after RETRY and a later turn tries again)."""
    now = utcnow()
    values: dict[str, object] = {"status": status}
    if status == "found":
        values |= {"display_name": (display_name or "")[:200] or None,
                   "picture_url": (picture_url or "")[:1000] or None, "fetched_at": now, "due_at": now + REFRESH}
    elif status == "missing":
        values |= {"due_at": now + REFRESH}
    with session_factory.begin() as session:
        session.execute(update(OwnerProfile).where(OwnerProfile.conversation_key == conversation_key).values(**values))
