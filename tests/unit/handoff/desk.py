"""A desk for service-layer tests: a migrated database, coordinators and an admin, and cases with conversations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import Channel, PullChannel
from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import Conversation, OutboxMessage, utcnow
from bot.staff.auth import create_user
from bot.staff.service import bootstrap
from bot.staff.tables import AuditLog, StaffUser
from handoff import cases
from handoff.tables import Case
from tests.conftest import make_settings

CHANNELS: dict[str, Channel] = {"line": PullChannel("line")}
COORDINATORS = ("c1@test.example", "c2@test.example", "c3@test.example")
ADMIN = "admin@test.example"


@dataclass
class Desk:
    factory: sessionmaker[Session]
    ids: dict[str, int]

    def user(self, session: Session, email: str) -> StaffUser:
        return session.scalars(select(StaffUser).where(StaffUser.email == email)).one()


@contextmanager
def desk(db_url: str) -> Iterator[Desk]:
    engine = make_engine(make_settings(db_url))
    factory = make_session_factory(engine)
    now = utcnow()
    with factory.begin() as session:
        bootstrap(session=session, now=now)
        for email in COORDINATORS:
            create_user(session=session, email=email, password="coordinator-pw", role="coordinator",
                        organisation=None, now=now)
        create_user(session=session, email=ADMIN, password="admin-password", role="admin", organisation=None, now=now)
        ids = {u.email: u.id for u in session.scalars(select(StaffUser))}
    yield Desk(factory, ids)
    engine.dispose()


def new_case(session: Session, user: str, kind: str = "application", fields: dict[str, Any] | None = None,
             created: datetime | None = None) -> Case:
    session.add(Conversation(key=f"line:{user}", channel="line", user_id=user, state={}, turn_count=0))
    session.flush()
    case = cases.create_case(session=session, conversation_key=f"line:{user}", channel="line", kind=kind,
                             outcome="eligible", fields=fields or {"business_name": "菊陽菓子舗", "mode": "online"},
                             decisions=[], flags=[], now=created or utcnow() - timedelta(days=30))
    return case


def trail(session: Session, reference: str) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(AuditLog.target == reference, AuditLog.action.like("case.%"))
                                .order_by(AuditLog.id)))


def sent_texts(session: Session, conversation_key: str) -> list[str]:
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.conversation_key == conversation_key)
                           .order_by(OutboxMessage.id))
    return [str(m.get("text", "")) for row in rows for m in row.payload]
