"""The case lifecycle: statuses, the one table of allowed moves (lifecycle.mmd beside this module), and the one
function that makes a move. A move locks the case row, checks the status and the actor against the table, changes
status and owner, and writes exactly one audit row with the true from/to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.staff import audit
from bot.staff.tables import StaffUser
from handoff.tables import Case


class Status(StrEnum):
    NEW = "new"
    CLAIMED = "claimed"
    APPROVED = "approved"
    REJECTED = "rejected"
    ROUTED = "routed"
    IN_SUPPORT = "in_support"
    CLOSED = "closed"
    RESOLVED = "resolved"


class Move(StrEnum):
    CLAIM = "claim"
    RELEASE = "release"
    REASSIGN = "reassign"
    PERSON_START = "person_start"
    PERSON_END = "person_end"
    APPROVE = "approve"
    REJECT = "reject"
    ROUTE = "route"
    VISIT = "visit"
    CLOSE = "close"
    RESOLVE = "resolve"
    REOPEN = "reopen"


class Who(Enum):
    DESK = "desk"  # any coordinator or admin (the case has no owner yet)
    OWNER = "owner"  # the coordinator who owns the case
    OWNER_OR_ADMIN = "owner_or_admin"
    ADMIN = "admin"


S = Status
WORKING = (S.CLAIMED, S.APPROVED, S.REJECTED, S.ROUTED, S.IN_SUPPORT)  # owned, not finished
ACTIVE = (S.NEW, S.CLAIMED, S.APPROVED, S.ROUTED, S.IN_SUPPORT)  # the queue's 「対応が必要なもの」
FINAL = (S.CLOSED, S.RESOLVED)
DECIDED = (S.APPROVED, S.REJECTED, S.ROUTED)

# (move, from) -> to. Anything not in this table is refused.
MOVES: dict[tuple[Move, Status], Status] = {
    (Move.CLAIM, S.NEW): S.CLAIMED,
    (Move.RELEASE, S.CLAIMED): S.NEW,
    (Move.REASSIGN, S.NEW): S.CLAIMED,
    **{(Move.REASSIGN, s): s for s in WORKING},
    **{(Move.PERSON_START, s): s for s in WORKING},
    **{(Move.PERSON_END, s): s for s in (*WORKING, *FINAL)},
    (Move.APPROVE, S.CLAIMED): S.APPROVED,
    (Move.REJECT, S.CLAIMED): S.REJECTED,
    (Move.ROUTE, S.CLAIMED): S.ROUTED,
    (Move.VISIT, S.APPROVED): S.IN_SUPPORT,
    (Move.VISIT, S.IN_SUPPORT): S.IN_SUPPORT,
    **{(Move.CLOSE, s): S.CLOSED for s in WORKING},
    (Move.RESOLVE, S.CLAIMED): S.RESOLVED,
    **{(Move.REOPEN, s): S.CLAIMED for s in (*DECIDED, *FINAL)},
}
WHO: dict[Move, Who] = {
    Move.CLAIM: Who.DESK, Move.RELEASE: Who.OWNER_OR_ADMIN, Move.REASSIGN: Who.ADMIN, Move.PERSON_START: Who.OWNER,
    Move.PERSON_END: Who.OWNER, Move.APPROVE: Who.OWNER, Move.REJECT: Who.OWNER, Move.ROUTE: Who.OWNER,
    Move.VISIT: Who.OWNER, Move.CLOSE: Who.OWNER_OR_ADMIN, Move.RESOLVE: Who.OWNER_OR_ADMIN, Move.REOPEN: Who.ADMIN,
}
KINDS: dict[Move, tuple[str, ...]] = {  # moves that only some kinds of case make
    Move.APPROVE: ("application",), Move.REJECT: ("application",), Move.ROUTE: ("application",),
    Move.VISIT: ("application",), Move.CLOSE: ("application",), Move.RESOLVE: ("callback", "question"),
}
STATUS_LABELS = {S.NEW: "新規", S.CLAIMED: "対応中", S.APPROVED: "承認", S.REJECTED: "否決", S.ROUTED: "窓口相談へ",
                 S.IN_SUPPORT: "支援中", S.CLOSED: "完了", S.RESOLVED: "対応済み"}
MOVE_LABELS = {Move.CLAIM: "担当になる", Move.RELEASE: "担当を外す", Move.REASSIGN: "担当を変更する",
               Move.PERSON_START: "担当者対応を始める", Move.PERSON_END: "ボットに戻す", Move.APPROVE: "承認する",
               Move.REJECT: "否決する", Move.ROUTE: "窓口相談へ回す", Move.VISIT: "支援を記録する",
               Move.CLOSE: "完了にする", Move.RESOLVE: "対応済みにする", Move.REOPEN: "再開する"}
HINTS = {S.APPROVED: "判断を変えるには、管理者が理由を付けて再開します",
         S.REJECTED: "判断を変えるには、管理者が理由を付けて再開します",
         S.ROUTED: "判断を変えるには、管理者が理由を付けて再開します"}


class Refused(ValueError):
    """A move the lifecycle does not allow, with a message for the coordinator."""


class Claimed(Refused):
    """Someone else owns the case."""

    def __init__(self, owner: str) -> None:
        super().__init__(f"{owner} さんが担当しています")
        self.owner = owner


@dataclass(frozen=True)
class Done:
    """What a move did (for the caller's message)."""

    before: Status
    after: Status
    owner_before: int | None
    owner_after: int | None


def locked(*, session: Session, case: Case) -> Case:
    """The case row, locked for this transaction and read afresh (what another transaction committed counts)."""
    return session.scalars(select(Case).where(Case.id == case.id).with_for_update()
                           .execution_options(populate_existing=True)).one()


def _owner_email(session: Session, owner_id: int | None) -> str:
    owner = session.get(StaffUser, owner_id) if owner_id else None
    return owner.email if owner else "ほかの方"


def check(*, session: Session, case: Case, move: Move, actor: StaffUser | None) -> Status:
    """The status this move leads to, or Refused (the case must already be locked)."""
    current = Status(case.status)
    if move is Move.CLAIM and case.owner_id is not None:
        raise Claimed(_owner_email(session, case.owner_id))
    target = MOVES.get((move, current))
    if target is None and current is S.NEW and WHO[move] is not Who.ADMIN:
        raise Refused("先にこのケースの担当になってください")
    if target is None:
        hint = HINTS.get(current, "")
        raise Refused(f"「{STATUS_LABELS[current]}」のケースは{MOVE_LABELS[move]}ことができません"
                      + (f"（{hint}）" if hint else ""))
    if move in KINDS and case.kind not in KINDS[move]:
        raise Refused(f"この種類のケースは{MOVE_LABELS[move]}ことができません")
    who = WHO[move]
    if actor is None:  # the business owner (through the bot) may only hand back to the bot
        if move is not Move.PERSON_END:
            raise Refused("この操作には担当者が必要です")
        return target
    admin = actor.role == "admin"
    if not actor.active or actor.role not in ("admin", "coordinator"):
        raise Refused("コーディネーターか管理者だけが操作できます")
    if who is Who.ADMIN and not admin:
        raise Refused(f"{MOVE_LABELS[move]}のは管理者だけです")
    if who in (Who.OWNER, Who.OWNER_OR_ADMIN) and case.owner_id != actor.id and not (
            who is Who.OWNER_OR_ADMIN and admin):
        if case.owner_id is None:
            raise Refused("先にこのケースの担当になってください")
        raise Refused(f"このケースの担当者（{_owner_email(session, case.owner_id)}）だけが操作できます")
    return target


def transition(*, session: Session, case: Case, move: Move, actor: StaffUser | None, now: datetime,
               address: str = "", reason: str = "", to_owner: StaffUser | None = None,
               detail: dict[str, Any] | None = None) -> Done:
    """Make one move: lock the row, check the table and the actor, change status/owner, write one audit row."""
    row = locked(session=session, case=case)
    target = check(session=session, case=row, move=move, actor=actor)
    before, owner_before = Status(row.status), row.owner_id
    owner_after = owner_before
    if move is Move.CLAIM:
        assert actor is not None
        owner_after = actor.id
    elif move is Move.RELEASE:
        if row.in_person:
            raise Refused("担当者対応中です。先に「ボットに戻す」を押してください")
        owner_after = None
    elif move is Move.REASSIGN:
        if to_owner is None or not to_owner.active or to_owner.role not in ("admin", "coordinator"):
            raise Refused("担当にできるのは有効なコーディネーターか管理者です")
        owner_after = to_owner.id
    elif move is Move.REOPEN and not reason.strip():
        raise Refused("再開する理由を入力してください")
    row.status, row.owner_id, row.updated_at = target.value, owner_after, now
    if move is Move.PERSON_START:
        row.in_person = True
    elif move is Move.PERSON_END:
        row.in_person = False
    audit.record(session=session, action=f"case.{move.value}", actor=actor, target=row.reference, address=address,
                 now=now, actor_label="事業者" if actor is None else None,
                 detail={"from": before.value, "to": target.value, "from_owner": owner_before,
                         "to_owner": owner_after, **({"reason": reason.strip()} if reason.strip() else {}),
                         **(detail or {})})
    return Done(before, target, owner_before, owner_after)


def require_owner(*, session: Session, case: Case, actor: StaffUser, what: str) -> Case:
    """Lock the case and check that the actor owns it and it is still being worked on (replies, questions)."""
    row = locked(session=session, case=case)
    if Status(row.status) in FINAL or row.status == S.NEW:
        raise Refused(f"「{STATUS_LABELS[Status(row.status)]}」のケースでは{what}ことができません")
    if row.owner_id != actor.id:
        raise Refused(f"このケースの担当者（{_owner_email(session, row.owner_id)}）だけが{what}ことができます")
    return row
