"""Account rules: the last admin keeps the role and stays enabled; disabled accounts can be re-enabled (audited)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.tables import utcnow
from bot.staff.auth import StaffError
from bot.staff.service import disable, enable, set_role
from bot.staff.tables import AuditLog, StaffUser
from tests.unit.handoff.desk import ADMIN, desk


def test_the_last_admin_keeps_the_role_and_accounts_come_back(sqlite_url: str) -> None:
    with desk(sqlite_url) as d, d.factory.begin() as session:
        admin = d.user(session, ADMIN)
        bootstrap_admin = session.scalars(select(StaffUser).where(StaffUser.email == "admin@localhost")).one()
        disable(session=session, user=bootstrap_admin, actor=admin, now=utcnow())
        with pytest.raises(StaffError, match="最後の管理者"):
            set_role(session=session, user=admin, role="coordinator", actor=admin, now=utcnow())
        with pytest.raises(StaffError, match="最後の管理者"):
            disable(session=session, user=admin, actor=None, now=utcnow())
        enable(session=session, user=bootstrap_admin, actor=admin, now=utcnow())
        set_role(session=session, user=admin, role="coordinator", actor=admin, now=utcnow())  # another admin exists
        assert bootstrap_admin.active and admin.role == "coordinator"
        with pytest.raises(StaffError, match="すでに有効"):
            enable(session=session, user=bootstrap_admin, actor=admin, now=utcnow())
        actions = session.scalars(select(AuditLog.action).where(AuditLog.action.like("staff.%"),
                                                                AuditLog.action != "staff.create")).all()
        assert actions == ["staff.disable", "staff.enable", "staff.role"]
