"""Case status changes are audited (the staff web app's audit requirement)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import Conversation, utcnow
from bot.staff.auth import create_user
from bot.staff.service import bootstrap
from bot.staff.tables import AuditLog
from handoff import cases
from tests.conftest import make_settings


def test_every_status_change_writes_an_audit_row(db_url: str) -> None:
    engine = make_engine(make_settings(db_url))
    factory = make_session_factory(engine)
    now = utcnow()
    with factory.begin() as session:
        bootstrap(session=session, now=now)
        coordinator = create_user(session=session, email="c@test.example", password="coordinator-pw", role="coordinator",
                                  organisation=None, now=now)
        session.add(Conversation(key="line:U1", channel="line", user_id="U1", state={}, turn_count=0))
        session.flush()
        case = cases.create_case(session=session, conversation_key="line:U1", channel="line", kind="application",
                                 outcome="eligible", fields={}, decisions=[], flags=[], now=now)
        cases.set_status(session=session, case=case, status="claimed", actor=coordinator, now=now, address="10.0.0.9")
        cases.set_status(session=session, case=case, status="approved", actor=coordinator, now=now)
        with pytest.raises(ValueError):
            cases.set_status(session=session, case=case, status="lost", actor=coordinator, now=now)
    with factory() as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.action == "case.status").order_by(AuditLog.id)).all()
        assert [(r.actor, r.target, r.detail["from"], r.detail["to"]) for r in rows] == [
            ("c@test.example", case.reference, "new", "claimed"), ("c@test.example", case.reference, "claimed", "approved")]
        assert rows[0].address == "10.0.0.9"
    engine.dispose()
