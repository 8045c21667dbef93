"""Passwords (argon2id), server-side sessions (idle 30 min, absolute 12 h) and login throttling (atomic counters)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.tables import UTCDateTime
from bot.staff import audit
from bot.staff.tables import LoginAttempt, LoginThrottle, Organisation, StaffSession, StaffUser

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


def _count(session: Session, key: str, now: datetime) -> int:
    """Count one attempt for `key` in its window (a new window once the old one is over); the new count.

    One statement, atomic on both databases: concurrent attempts each see a different number.
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    expired = LoginThrottle.window_started_at < literal(now - THROTTLE_WINDOW, UTCDateTime())
    counted = insert(LoginThrottle).values(key=key, window_started_at=now, attempts=1).on_conflict_do_update(
        index_elements=["key"], set_={
        "attempts": case((expired, 1), else_=LoginThrottle.attempts + 1),
        "window_started_at": case((expired, literal(now, UTCDateTime())), else_=LoginThrottle.window_started_at),
    }).returning(LoginThrottle.attempts)
    return int(session.execute(counted).scalar_one())


def _uncount(session: Session, key: str) -> None:
    session.execute(update(LoginThrottle).where(LoginThrottle.key == key, LoginThrottle.attempts > 0)
                    .values(attempts=LoginThrottle.attempts - 1))


def _keys(email: str, address: str) -> tuple[str, str]:
    return f"account:{email.strip().lower()}", f"address:{address}"


def reserve(*, session: Session, email: str, address: str, now: datetime) -> bool:
    """Take one of the account's (10) and the address's (30) attempts of the window before the password is
    checked; False (nothing taken from the address) when either is used up. Commit before checking the password,
    so the counter rows are not held locked while argon2 runs."""
    account, place = _keys(email, address)
    if _count(session, account, now) > MAX_FAILURES_PER_ACCOUNT:
        return False
    if _count(session, place, now) > MAX_FAILURES_PER_ADDRESS:
        _uncount(session, account)
        return False
    return True


def release(*, session: Session, email: str, address: str) -> None:
    """A successful login gives its reserved attempt back: only failures use them up."""
    for key in _keys(email, address):
        _uncount(session, key)


def password_matches(*, session: Session, email: str, password: str) -> bool:
    """Whether the password is right for an active account (the slow argon2 check). Give it a read-only session:
    the hash takes ~50 ms of CPU and must never hold a write lock (on SQLite it would hold every webhook's ack)."""
    user = session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY, password) and user is not None and user.active
    except (VerificationError, InvalidHashError):
        return False


def authenticate(*, session: Session, email: str, matched: bool, address: str, now: datetime) -> StaffUser | None:
    """The active user when `password_matches` said yes (checked again: still active), or None. Every attempt is
    counted and audited."""
    email = email.strip().lower()
    user = session.scalar(select(StaffUser).where(StaffUser.email == email))
    ok = matched and user is not None and user.active
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
