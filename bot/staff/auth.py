"""Passwords (argon2id), server-side sessions (idle 30 min, absolute 12 h) and login throttling."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.staff import audit
from bot.staff.tables import LoginAttempt, Organisation, StaffSession, StaffUser

ROLES = ("admin", "coordinator", "editor", "advisor")
IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 10
MAX_FAILURES_PER_ADDRESS = 30
MIN_PASSWORD = 10
_hasher = PasswordHasher()  # argon2id, the library's recommended parameters
_DUMMY = _hasher.hash("not a real password")  # keeps timing alike for unknown accounts


class StaffError(ValueError):
    """A request the staff service refuses, with a message for the person."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"パスワードは{MIN_PASSWORD}文字以上にしてください")
    return _hasher.hash(password)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(*, session: Session, email: str, password: str, role: str, organisation: str | None,
                now: datetime, actor: StaffUser | None = None) -> StaffUser:
    """A new staff account; advisors belong to an organisation."""
    email = email.strip().lower()
    if role not in ROLES:
        raise StaffError(f"役割は {', '.join(ROLES)} のいずれかです")
    if session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise StaffError("そのメールアドレスはすでに登録されています")
    org = session.scalar(select(Organisation).where(Organisation.name == organisation)) if organisation else None
    if organisation and org is None:
        raise StaffError(f"組織「{organisation}」が見つかりません")
    if role == "advisor" and org is None:
        raise StaffError("経営指導員（advisor）には所属組織が必要です")
    user = StaffUser(email=email, password_hash=hash_password(password), role=role,
                     organisation_id=org.id if org else None, active=True, created_at=now, password_changed_at=now)
    session.add(user)
    session.flush()
    audit.record(session=session, action="staff.create", actor=actor, target=email, now=now,
                 detail={"role": role, "organisation": organisation})
    return user


def throttled(*, session: Session, email: str, address: str, now: datetime) -> bool:
    """Too many recent failures for this account or from this address."""
    since = now - THROTTLE_WINDOW

    def failures(*where: object) -> int:
        return int(session.scalar(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.success.is_(False), LoginAttempt.at >= since, *where)) or 0)  # type: ignore[arg-type]

    return (failures(LoginAttempt.email == email) >= MAX_FAILURES_PER_ACCOUNT
            or failures(LoginAttempt.address == address) >= MAX_FAILURES_PER_ADDRESS)


def authenticate(*, session: Session, email: str, password: str, address: str, now: datetime) -> StaffUser | None:
    """The active user with these credentials, or None. Every attempt is counted and audited."""
    email = email.strip().lower()
    user = session.scalar(select(StaffUser).where(StaffUser.email == email))
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY, password) and user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    session.add(LoginAttempt(email=email, address=address, success=bool(ok), at=now))
    audit.record(session=session, action="login" if ok else "login.failed", actor=user if ok else None,
                 actor_label=email, target=email, address=address, now=now)
    return user if ok else None


@dataclass(frozen=True)
class Login:
    token: str  # for the cookie only
    user: StaffUser
    record: StaffSession


def start_session(*, session: Session, user: StaffUser, now: datetime, replacing: str | None = None) -> Login:
    """A new session id at every login; the one the browser had before is revoked."""
    if replacing:
        end_session(session=session, token=replacing, now=now)
    token = secrets.token_urlsafe(32)
    record = StaffSession(token_hash=_token_hash(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                          created_at=now, last_seen_at=now, flash=[])
    session.add(record)
    return Login(token, user, record)


def current(*, session: Session, token: str | None, now: datetime) -> tuple[StaffSession, StaffUser] | None:
    """The live session and its user (touching it), or None when missing, revoked, idle or too old."""
    if not token:
        return None
    record = session.get(StaffSession, _token_hash(token))
    if record is None or record.revoked_at is not None:
        return None
    if now - record.last_seen_at > IDLE or now - record.created_at > ABSOLUTE:
        record.revoked_at = now
        return None
    user = session.get(StaffUser, record.user_id)
    if user is None or not user.active:
        return None
    record.last_seen_at = now
    return record, user


def end_session(*, session: Session, token: str, now: datetime) -> None:
    session.execute(update(StaffSession).where(StaffSession.token_hash == _token_hash(token),
                                               StaffSession.revoked_at.is_(None)).values(revoked_at=now))


def set_password(*, session: Session, user: StaffUser, password: str, now: datetime,
                 actor: StaffUser | None = None) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    session.execute(update(StaffSession).where(StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None))
                    .values(revoked_at=now))
    audit.record(session=session, action="staff.password", actor=actor, target=user.email, now=now)
