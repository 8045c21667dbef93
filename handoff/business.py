"""One record per business (issue 15, item 4; seed 003 カルテ): which conversations are one business, and merges.

A conversation's first case makes (or finds) its business; the name and phone the owner gave are kept on the link.
Another business with the same phone or the same name is PROPOSED for merging — never merged here. A coordinator
confirms a proposal (the other business's conversations move over, audited) or dismisses it; a merge can be undone
(the moved conversations go back, audited)."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.staff import audit
from bot.staff.tables import StaffUser
from handoff.business_tables import Business, BusinessLink, BusinessMerge
from handoff.tables import Case

LEGAL_FORMS = re.compile(r"株式会社|有限会社|合同会社|合名会社|合資会社|\(株\)|\(有\)|（株）|（有）|㈱|㈲")
MIN_PHONE_DIGITS = 10  # a whole Japanese number (市外局番から): a short one is not a match
REASONS = {"phone": "電話番号が同じ", "name": "事業所名が同じ"}


class MergeError(ValueError):
    """A merge the desk cannot do now, with a message for the coordinator."""


def name_key(name: str) -> str:
    """「株式会社 菊陽菓子舗」 and 「菊陽菓子舗」 match: NFKC, no legal form, no spaces, lower case."""
    folded = unicodedata.normalize("NFKC", name or "")
    return re.sub(r"\s+", "", LEGAL_FORMS.sub("", folded)).lower()[:200]


def phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))[:20]


def target(business_id: int) -> str:
    """How the audit log names a business."""
    return f"business:{business_id}"


def link_of(*, session: Session, conversation_key: str) -> BusinessLink | None:
    return session.get(BusinessLink, conversation_key)


def current(*, session: Session, business_id: int) -> Business | None:
    """The business, following merges to the one that holds its conversations now."""
    business = session.get(Business, business_id)
    for _ in range(20):  # a chain of merges, never a loop
        if business is None or business.merged_into_id is None:
            return business
        business = session.get(Business, business.merged_into_id)
    return business


def of_conversation(*, session: Session, conversation_key: str) -> Business | None:
    link = link_of(session=session, conversation_key=conversation_key)
    return current(session=session, business_id=link.business_id) if link else None


def conversations(*, session: Session, business_id: int) -> list[str]:
    return list(session.scalars(select(BusinessLink.conversation_key)
                                .where(BusinessLink.business_id == business_id).order_by(BusinessLink.linked_at)))


def links(*, session: Session, business_id: int) -> list[BusinessLink]:
    return list(session.scalars(select(BusinessLink).where(BusinessLink.business_id == business_id)
                                .order_by(BusinessLink.linked_at)))


def record(*, session: Session, conversation_key: str, fields: dict[str, Any], organisation_id: int | None,
           now: datetime) -> Business:
    """A case from this conversation: its business (made on the first one), the name and phone it gave, and
    proposals to merge with a business that has the same phone or name."""
    link = link_of(session=session, conversation_key=conversation_key)
    if link is None:
        made = Business(organisation_id=organisation_id, created_at=now, updated_at=now)
        session.add(made)
        session.flush()
        link = BusinessLink(conversation_key=conversation_key, business_id=made.id, linked_at=now)
        session.add(link)
    business = current(session=session, business_id=link.business_id)
    assert business is not None
    name, phone = str(fields.get("business_name") or ""), phone_digits(str(fields.get("phone") or ""))
    if name:
        link.name, link.name_key = name[:200], name_key(name)
    if fields.get("representative"):
        link.representative = str(fields["representative"])[:100]
    if phone:
        link.phone_digits = phone
    if organisation_id is not None:
        business.organisation_id = organisation_id
    business.updated_at = now
    session.flush()
    propose(session=session, business=business, link=link, now=now)
    return business


def propose(*, session: Session, business: Business, link: BusinessLink, now: datetime) -> list[BusinessMerge]:
    """Proposals for every other business with this link's phone or name (once per pair; a dismissed pair stays
    dismissed)."""
    made = []
    for reason, column, value in (("phone", BusinessLink.phone_digits, link.phone_digits),
                                  ("name", BusinessLink.name_key, link.name_key)):
        if not value or (reason == "phone" and len(value) < MIN_PHONE_DIGITS):
            continue
        for other_id in set(session.scalars(select(BusinessLink.business_id).where(column == value))):
            other = current(session=session, business_id=other_id)
            if other is None or other.id == business.id or _pair(session, business.id, other.id):
                continue
            merge = BusinessMerge(business_id=min(business.id, other.id), other_id=max(business.id, other.id),
                                  reason=reason, status="proposed", moved=[], created_at=now)
            session.add(merge)
            session.flush()
            made.append(merge)
    return made


def _pair(session: Session, a: int, b: int) -> BusinessMerge | None:
    low, high = min(a, b), max(a, b)
    return session.scalar(select(BusinessMerge).where(BusinessMerge.business_id == low,
                                                      BusinessMerge.other_id == high,
                                                      BusinessMerge.status.in_(("proposed", "dismissed", "merged"))))


def proposals(*, session: Session, business_id: int | None = None) -> list[BusinessMerge]:
    """Open proposals (of one business, or all)."""
    stmt = select(BusinessMerge).where(BusinessMerge.status == "proposed")
    if business_id is not None:
        stmt = stmt.where((BusinessMerge.business_id == business_id) | (BusinessMerge.other_id == business_id))
    return list(session.scalars(stmt.order_by(BusinessMerge.id)))


def history(*, session: Session, business_id: int) -> list[BusinessMerge]:
    """Merges decided about this business (merged, dismissed, undone), newest first."""
    return list(session.scalars(select(BusinessMerge).where(
        ((BusinessMerge.business_id == business_id) | (BusinessMerge.other_id == business_id)),
        BusinessMerge.status != "proposed").order_by(BusinessMerge.id.desc())))


def decide(*, session: Session, merge_id: int, action: str, actor: StaffUser, now: datetime,
           address: str = "") -> BusinessMerge:
    """confirm (merge) / dismiss a proposal, or undo a merge; one audit row each."""
    merge = session.scalar(select(BusinessMerge).where(BusinessMerge.id == merge_id).with_for_update())
    wanted = {"confirm": "proposed", "dismiss": "proposed", "undo": "merged"}.get(action)
    if merge is None or wanted is None or merge.status != wanted:
        raise MergeError("この統合の提案は、すでに処理されています")
    keep, other = session.get(Business, merge.business_id), session.get(Business, merge.other_id)
    assert keep is not None and other is not None
    before = merge.status
    if action == "confirm":
        if keep.merged_into_id is not None or other.merged_into_id is not None:
            raise MergeError("どちらかの事業者はすでに別の事業者に統合されています")
        moved = conversations(session=session, business_id=other.id)
        for link in links(session=session, business_id=other.id):
            link.business_id = keep.id
        other.merged_into_id, merge.moved, merge.status = keep.id, moved, "merged"
        keep.organisation_id = keep.organisation_id or other.organisation_id
    elif action == "dismiss":
        merge.status = "dismissed"
    else:
        for key in merge.moved:
            back = link_of(session=session, conversation_key=str(key))
            if back is not None and back.business_id == keep.id:
                back.business_id = other.id
        other.merged_into_id, merge.status = None, "undone"
    merge.decided_by, merge.decided_at = actor.email, now
    audit.record(session=session, action=f"business.merge_{action}", actor=actor, target=target(keep.id),
                 address=address, now=now, detail={"merge": merge.id, "from": before, "to": merge.status,
                                                   "other": other.id, "reason": merge.reason,
                                                   "conversations": len(merge.moved)})
    session.flush()
    return merge


def cases_of(*, session: Session, business_id: int) -> list[Case]:
    """Every case of the business's conversations, oldest first."""
    keys = conversations(session=session, business_id=business_id)
    if not keys:
        return []
    return list(session.scalars(select(Case).where(Case.conversation_key.in_(keys)).order_by(Case.created_at, Case.id)))
