"""The カルテ (seed 003: 何度も支援することからカルテシステムのようなものは必要): one timeline per business — its cases
and decisions, the case threads (conversations), visits and reports, evaluations and follow-up notes — the list
and search of businesses (advisors: their organisation's only), due follow-ups, and what the bot may reuse for a
returning owner or say about their own case."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.staff.tables import StaffUser
from dialogs.hours import JST
from handoff import business, seminar_signups
from handoff.business_tables import Business, BusinessLink, BusinessMerge, BusinessNote
from handoff.seminars import KINDS
from handoff.tables import Case, CaseMessage, ExpertEvaluation, Visit

REFERENCE = re.compile(r"KD-\d{4}-\d{4,}", re.IGNORECASE)
# What a returning owner is asked to confirm instead of answering again (the rest may have changed: asked anew).
KEPT = ("municipality", "org_type", "industry", "employees", "employees_range", "capital_yen", "shokokai",
        "shokokai_status", "business", "business_name", "representative", "phone", "email")


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    at: datetime
    kind: str  # case | decision | message | visit | evaluation | seminar | note
    text: str
    reference: str = ""


class NoteError(ValueError):
    """A note the desk cannot save, with a message for the coordinator."""


def timeline(*, session: Session, business_id: int, advisor: bool = False) -> list[Entry]:
    """Everything about the business, newest first. Advisors see no case thread and only shared reports."""
    cases = business.cases_of(session=session, business_id=business_id)
    by_id = {c.id: c for c in cases}
    out: list[Entry] = []
    for c in cases:
        kind = {"application": "申請", "callback": "相談（担当者と話したい）"}.get(c.kind, c.kind)
        out.append(Entry(c.created_at, "case", f"{kind}を受付（{c.fields.get('problem') or '—'}）", c.reference))
        decision = c.fields.get("decision") or {}
        if decision.get("result"):
            at = datetime.fromisoformat(str(decision["at"])) if decision.get("at") else c.updated_at
            out.append(Entry(at, "decision", _decision_text(decision), c.reference))
    ids = list(by_id)
    if ids:
        for v in session.scalars(select(Visit).where(Visit.case_id.in_(ids))):
            report = v.report if (v.report_shared or not advisor) else "（報告書は未共有）"
            at = datetime.combine(v.visited_on, time(12), tzinfo=JST)  # the day of the visit, not of its logging
            out.append(Entry(at, "visit", f"{v.visited_on:%Y-%m-%d} {v.minutes / 60:g}時間 {v.expert}"
                             + (f"：{report}" if report else ""), by_id[v.case_id].reference))
        for e in session.scalars(select(ExpertEvaluation).where(ExpertEvaluation.case_id.in_(ids))):
            axes = (e.communication, e.clarity, e.expertise, e.analysis, e.execution, e.manners)
            who = "事業者" if e.rater == "owner" else "商工会等"
            out.append(Entry(e.created_at, "evaluation", f"{who}による専門家の評価 平均{sum(axes) / 6:.1f}（5段階）"
                             + (f"：{e.comment}" if e.comment else ""), by_id[e.case_id].reference))
        if not advisor:
            for m in session.scalars(select(CaseMessage).where(CaseMessage.case_id.in_(ids),
                                                               CaseMessage.direction.in_(("in", "out")))):
                who = "事業者" if m.direction == "in" else "窓口"
                out.append(Entry(m.at, "message", f"{who}：{m.text[:200]}", by_id[m.case_id].reference))
    for signup, event in seminar_signups.of_business(
            session=session, conversation_keys=business.conversations(session=session, business_id=business_id)):
        kind = KINDS.get(event.kind, "講習会")
        day = event.starts_at.astimezone(JST).strftime("%Y-%m-%d") if event.starts_at else "日程未定"
        said = ("の申込を取消" if signup.status != "active" else "に申込" if signup.attended is None
                else "に出席" if signup.attended else "を欠席")
        out.append(Entry(signup.attendance_at or signup.cancelled_at or signup.created_at, "seminar",
                         f"{kind}「{event.title}」（{day}）{said}"))
    for n in notes(session=session, business_id=business_id):
        finished = "・済" if n.done_at else ""
        due = f"（次の対応：{n.next_action}　期日 {n.due_on:%Y-%m-%d}{finished}）" if n.due_on else ""
        out.append(Entry(n.created_at, "note", f"{n.text}{due}"))
    return sorted(out, key=lambda e: e.at, reverse=True)


def _decision_text(decision: dict[str, Any]) -> str:
    verdict = {"approved": "承認", "rejected": "否決", "routed": "窓口対応"}.get(str(decision.get("result")),
                                                                          str(decision.get("result") or "決定"))
    expert = decision.get("expert")
    return f"決定：{verdict}" + (f"（専門家 {expert}）" if expert else "")


def notes(*, session: Session, business_id: int) -> list[BusinessNote]:
    return list(session.scalars(select(BusinessNote).where(BusinessNote.business_id == business_id)
                                .order_by(BusinessNote.id.desc())))


def add_note(*, session: Session, business_id: int, text: str, next_action: str, due_on: date | None,
             actor: StaffUser, now: datetime) -> BusinessNote:
    """A follow-up note: what happened and, optionally, the next action with its date (both, or neither)."""
    text, next_action = text.strip()[:2000], next_action.strip()[:500]
    if not text and not next_action:
        raise NoteError("メモか次の対応を入力してください")
    if bool(next_action) != (due_on is not None):
        raise NoteError("次の対応と期日は、両方入力してください")
    note = BusinessNote(business_id=business_id, text=text, next_action=next_action, due_on=due_on,
                        actor=actor.email, created_at=now)
    session.add(note)
    session.flush()
    return note


def done(*, session: Session, business_id: int, note_id: int, now: datetime) -> None:
    note = session.get(BusinessNote, note_id)
    if note is None or note.business_id != business_id or note.done_at is not None:
        raise NoteError("このフォローアップは、すでに完了しています")
    note.done_at = now


def due(*, session: Session, today: date, organisation_id: int | None = None) -> list[tuple[BusinessNote, str]]:
    """Follow-ups due today or earlier and not done, oldest first, with the business's name."""
    stmt = (select(BusinessNote).join(Business, Business.id == BusinessNote.business_id)
            .where(BusinessNote.done_at.is_(None), BusinessNote.due_on <= today).order_by(BusinessNote.due_on))
    if organisation_id is not None:
        stmt = stmt.where(Business.organisation_id == organisation_id)
    return [(n, title(session=session, business_id=n.business_id)) for n in session.scalars(stmt)]


def title(*, session: Session, business_id: int) -> str:
    """The name on the business's first conversation (a merged-away business: on the conversations it had)."""
    found = business.links(session=session, business_id=business_id)
    if not found:
        moved = session.scalars(select(BusinessMerge.moved).where(BusinessMerge.other_id == business_id,
                                                                 BusinessMerge.status == "merged")).first()
        found = [link for key in moved or () if (link := session.get(BusinessLink, str(key))) is not None]
    names = [link.name for link in found if link.name]
    return names[0] if names else f"事業者 {business_id}（名称未登録）"


def search(*, session: Session, text: str = "", organisation_id: int | None = None,
           limit: int = 200) -> list[dict[str, Any]]:
    """Businesses (not merged away), newest first; by name, representative, phone or a case reference."""
    stmt = select(Business).where(Business.merged_into_id.is_(None))
    if organisation_id is not None:
        stmt = stmt.where(Business.organisation_id == organisation_id)
    words = text.strip()
    if words:
        key, digits = business.name_key(words), business.phone_digits(words)
        matched = select(BusinessLink.business_id).where(
            BusinessLink.name_key.contains(key) | BusinessLink.representative.contains(words)
            | ((BusinessLink.phone_digits == digits) if len(digits) >= 4 else False))
        by_case = select(BusinessLink.business_id).join(Case, Case.conversation_key == BusinessLink.conversation_key) \
            .where(Case.reference == words.upper())
        stmt = stmt.where(Business.id.in_(matched) | Business.id.in_(by_case))
    rows = []
    for b in session.scalars(stmt.order_by(Business.updated_at.desc(), Business.id.desc()).limit(limit)):
        cases = business.cases_of(session=session, business_id=b.id)
        channels = sorted({k.split(":", 1)[0] for k in business.conversations(session=session, business_id=b.id)})
        rows.append({"business": b, "title": title(session=session, business_id=b.id), "channels": channels,
                     "cases": len(cases), "latest": cases[-1].reference if cases else ""})
    return rows


def visible(*, session: Session, business_id: int, organisation_id: int | None) -> Business | None:
    """The business for this viewer (advisors: only their organisation's), following merges."""
    found = business.current(session=session, business_id=business_id)
    if found is None or (organisation_id is not None and found.organisation_id != organisation_id):
        return None
    return found


def known(*, session: Session, conversation_key: str) -> dict[str, Any] | None:
    """For a returning owner: what the latest application of their business said (for the pre-screening to confirm
    rather than ask again). None for an owner the desk does not know."""
    found = business.of_conversation(session=session, conversation_key=conversation_key)
    if found is None:
        return None
    keys = business.conversations(session=session, business_id=found.id)
    last = session.scalar(select(Case).where(Case.conversation_key.in_(keys), Case.kind == "application",
                                             Case.trial.is_(False)).order_by(Case.id.desc()).limit(1))
    if last is None:
        return None
    kept = {k: last.fields[k] for k in KEPT if last.fields.get(k) is not None}
    if not kept.get("industry") or not kept.get("org_type"):
        return None
    return {"fields": kept, "reference": last.reference}


def case_status(*, session: Session, conversation_key: str, reference: str) -> dict[str, Any]:
    """The asked case's status if it is this owner's business's; otherwise only that it is not (nothing else)."""
    case = session.scalar(select(Case).where(func.upper(Case.reference) == reference.upper()))
    mine = business.of_conversation(session=session, conversation_key=conversation_key)
    keys = set(business.conversations(session=session, business_id=mine.id)) if mine else {conversation_key}
    if case is None or case.conversation_key not in keys:
        return {"reference": reference.upper(), "own": False}
    return {"reference": case.reference, "own": True, "status": case.status}


def open_cases(*, session: Session, conversation_key: str) -> list[dict[str, Any]]:
    """The open cases of the owner's business (every channel it wrote on), newest first."""
    mine = business.of_conversation(session=session, conversation_key=conversation_key)
    keys = business.conversations(session=session, business_id=mine.id) if mine else [conversation_key]
    found = session.execute(select(Case.reference, Case.status).where(
        Case.conversation_key.in_(keys), Case.status.not_in(("closed", "resolved"))).order_by(Case.id.desc()).limit(5))
    return [{"reference": r, "status": s} for r, s in found]
