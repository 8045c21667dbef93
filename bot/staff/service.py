"""Administering staff and organisations; the first admin and the demo organisations of `make run`."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.staff import audit
from bot.staff.auth import ROLES, StaffError, create_user
from bot.staff.tables import Organisation, StaffSession, StaffUser

DEMO_ORGANISATIONS = (
    ("熊本県商工会連合会", "連合会", "熊本県"), ("菊陽町商工会", "商工会", "菊池郡菊陽町"),
    ("大津町商工会", "商工会", "菊池郡大津町"), ("益城町商工会", "商工会", "上益城郡益城町"),
    ("八代商工会議所", "商工会議所", "八代市"), ("天草商工会議所", "商工会議所", "天草市"),
)


def find_user(*, session: Session, email: str) -> StaffUser:
    user = session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if user is None:
        raise StaffError(f"{email} は登録されていません")
    return user


def set_role(*, session: Session, user: StaffUser, role: str, actor: StaffUser | None, now: datetime,
             address: str = "") -> None:
    if role not in ROLES:
        raise StaffError(f"役割は {', '.join(ROLES)} のいずれかです")
    if role == "advisor" and user.organisation_id is None:
        raise StaffError("経営指導員（advisor）には所属組織が必要です")
    if user.role == "admin" and role != "admin":
        _keep_an_admin(session, user)
    before, user.role = user.role, role
    audit.record(session=session, action="staff.role", actor=actor, target=user.email, address=address, now=now,
                 detail={"from": before, "to": role})


def disable(*, session: Session, user: StaffUser, actor: StaffUser | None, now: datetime, address: str = "") -> None:
    """Disable an account and end its sessions (never the last active admin)."""
    if user.role == "admin":
        _keep_an_admin(session, user)
    user.active = False
    for record in session.scalars(select(StaffSession).where(StaffSession.user_id == user.id,
                                                             StaffSession.revoked_at.is_(None))):
        record.revoked_at = now
    audit.record(session=session, action="staff.disable", actor=actor, target=user.email, address=address, now=now)


def enable(*, session: Session, user: StaffUser, actor: StaffUser | None, now: datetime, address: str = "") -> None:
    """Re-enable a disabled account (its old sessions stay ended; a new login is needed)."""
    if user.active:
        raise StaffError(f"{user.email} はすでに有効です")
    user.active = True
    audit.record(session=session, action="staff.enable", actor=actor, target=user.email, address=address, now=now)


def _keep_an_admin(session: Session, leaving: StaffUser) -> None:
    """Refuse to take away the last active admin (the admin rows are locked, so two admins cannot both go)."""
    admins = session.scalars(select(StaffUser.id).where(StaffUser.role == "admin", StaffUser.active.is_(True))
                             .with_for_update()).all()
    if [a for a in admins if a != leaving.id] == []:
        raise StaffError("最後の管理者です。先にほかの人を管理者にしてください")


def organisations(*, session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.kind, Organisation.name)))


def delete_organisation(*, session: Session, organisation: Organisation, actor: StaffUser, now: datetime,
                        address: str = "") -> None:
    members = session.scalar(select(func.count()).select_from(StaffUser)
                             .where(StaffUser.organisation_id == organisation.id))
    if members:
        raise StaffError("所属する職員がいる組織は削除できません")
    from handoff.tables import Case  # noqa: PLC0415 - handoff builds on the staff tables, not the other way round

    if session.scalar(select(func.count()).select_from(Case).where(Case.organisation_id == organisation.id)):
        raise StaffError("回付されたケースがある組織は削除できません（名前や別名は編集できます）")
    session.delete(organisation)
    audit.record(session=session, action="organisation.delete", actor=actor, target=organisation.name,
                 address=address, now=now)


def bootstrap(*, session: Session, now: datetime) -> str | None:
    """Demo organisations when there are none; the first admin when there is no staff. Returns the password."""
    if session.scalar(select(func.count()).select_from(Organisation)) == 0:
        session.add_all(Organisation(name=n, kind=k, area=a) for n, k, a in DEMO_ORGANISATIONS)
    if (session.scalar(select(func.count()).select_from(StaffUser)) or 0) > 0:
        return None
    password = secrets.token_urlsafe(12)
    create_user(session=session, email="admin@localhost", password=password, role="admin",
                organisation="熊本県商工会連合会", now=now)
    return password
