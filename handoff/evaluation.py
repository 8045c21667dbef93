"""Rating the expert (002 専門家の評価), the shell's side. When support ends — the last planned visit (or the 5th,
001 4(1)ク①) is logged, or the case is closed after at least one visit — the owner is asked once on their channel;
an owner who has not rated is reminded once; until the rating is given the business's next free dispatch waits
(002: 評価がなされない場合には…次の無料派遣の申請を受けられない). The 商工会's advisor rates too, with 002's 支援機関
items, which only the desk sees. Averages count the recent window only (002: 直近の一定期間、例えば4か月程度)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import Channel
from bot.staff import audit
from bot.staff.tables import StaffUser
from dialogs import evaluation as dialog
from dialogs.program import FALLBACK_CAPS, Caps
from handoff import relay
from handoff.tables import Case, EvaluationRequest, Expert, ExpertEvaluation, Visit

AXES = {key: label for key, label, _ in dialog.AXES}
# 002: 支援機関は、上記評価項目に加え…についても評価を実施 (not published: the desk only)
ORG_ITEMS = {"org_issue": "経営課題への対応", "org_strategy": "企業の経営戦略（支援戦略）の構築",
             "org_knowledge": "保有する知識・ノウハウ・スキル", "org_execution": "支援の実行力"}
CLAUSE = "002 専門家の評価"


class EvaluationError(ValueError):
    """A rating the desk cannot record, with a message."""


@dataclass(frozen=True)
class Pending:
    reference: str
    expert: str


def pending_for(*, session: Session, conversation_key: str) -> Pending | None:
    """The business's finished dispatch still waiting for the owner's rating, if any (one indexed lookup)."""
    row = session.execute(
        select(Case.reference, Expert.name).select_from(EvaluationRequest)
        .join(Case, Case.id == EvaluationRequest.case_id)
        .join(Expert, Expert.id == EvaluationRequest.expert_id)
        .where(EvaluationRequest.conversation_key == conversation_key, EvaluationRequest.rated_at.is_(None))
        .order_by(EvaluationRequest.id).limit(1)).first()
    return Pending(row[0], row[1]) if row else None


def _request(session: Session, case: Case) -> EvaluationRequest | None:
    return session.scalar(select(EvaluationRequest).where(EvaluationRequest.case_id == case.id))


def support_ended(*, session: Session, case: Case, channels: Mapping[str, Channel], now: datetime) -> bool:
    """Ask the owner to rate the case's expert, once per case (only for a registry expert who visited)."""
    if case.expert_id is None or _request(session, case) is not None:
        return False
    if not session.scalar(select(func.count(Visit.id)).where(Visit.case_id == case.id)):
        return False
    expert = session.get(Expert, case.expert_id)
    assert expert is not None
    session.add(EvaluationRequest(case_id=case.id, expert_id=expert.id, conversation_key=case.conversation_key,
                                  asked_at=now))
    try:
        sent = relay.queue(session=session, case=case, replies=dialog.first(case.reference, expert.name),
                           channels=channels, now=now, purpose="evaluation")
    except relay.RelayError:
        sent = []
    relay.note(session=session, case=case, direction="system", now=now, sent=sent,
               text=f"専門家（{expert.name}さん）の評価をお願いしました（{CLAUSE}）")
    return True


def after_visit(*, session: Session, case: Case, count: int, channels: Mapping[str, Channel], now: datetime,
                caps: Caps = FALLBACK_CAPS) -> None:
    """The visit just logged ends the support when it is the last planned one (or the year's cap, 4(1)ク①)."""
    planned = int((case.fields.get("decision") or {}).get("planned_visits") or caps.visits)
    if count >= min(planned, caps.visits):
        support_ended(session=session, case=case, channels=channels, now=now)


def _scores(values: Mapping[str, object], keys: Mapping[str, str]) -> dict[str, int]:
    out = {}
    for key in keys:
        value = values.get(key)
        score = int(value) if isinstance(value, int | str) and str(value).isdigit() else 0
        if not 1 <= score <= 5:
            raise EvaluationError(f"「{keys[key]}」を1〜5で選んでください")
        out[key] = score
    return out


def rated(*, session: Session, case: Case, scores: Mapping[str, object], now: datetime) -> bool:
    """The owner's six answers: recorded once per case (a later rating changes nothing); the hold ends."""
    request = _request(session, case)
    if request is None or request.rated_at is not None:
        return False
    values = _scores(scores, AXES)
    session.add(ExpertEvaluation(expert_id=request.expert_id, case_id=case.id, rater="owner", created_at=now,
                                 comment="", **values))
    request.rated_at = now
    shown = "、".join(f"{AXES[k]} {v}" for k, v in values.items())
    relay.note(session=session, case=case, direction="system", now=now, text=f"事業者による専門家の評価：{shown}")
    return True


def commented(*, session: Session, case: Case, text: str, now: datetime) -> None:
    row = session.scalar(select(ExpertEvaluation).where(ExpertEvaluation.case_id == case.id,
                                                        ExpertEvaluation.rater == "owner"))
    if row is not None and not row.comment and text.strip():
        row.comment = text.strip()[:500]
        relay.note(session=session, case=case, direction="system", now=now, text=f"評価へのコメント：{row.comment}")


def advisor_rated(*, session: Session, case: Case, actor: StaffUser, values: Mapping[str, object], comment: str,
                  now: datetime, address: str = "") -> ExpertEvaluation:
    """The 商工会's advisor rates the expert of one of their organisation's dispatches (once per case)."""
    if actor.role != "advisor" or actor.organisation_id is None or actor.organisation_id != case.organisation_id:
        raise EvaluationError("この事業者の商工会・商工会議所の経営指導員だけが評価できます")
    if case.expert_id is None or not session.scalar(select(func.count(Visit.id)).where(Visit.case_id == case.id)):
        raise EvaluationError("登録された専門家の支援が記録されたケースだけを評価できます")
    if session.scalar(select(ExpertEvaluation.id).where(ExpertEvaluation.case_id == case.id,
                                                        ExpertEvaluation.rater == "advisor")) is not None:
        raise EvaluationError("このケースの専門家はすでに評価されています")
    row = ExpertEvaluation(expert_id=case.expert_id, case_id=case.id, rater="advisor", staff_user_id=actor.id,
                           comment=comment.strip()[:500], created_at=now,
                           **_scores(values, AXES), **_scores(values, ORG_ITEMS))
    session.add(row)
    session.flush()
    audit.record(session=session, action="expert.evaluated", actor=actor, target=f"expert:{case.expert_id}",
                 address=address, now=now, detail={"case": case.reference, "evaluation": row.id})
    return row


def remind_one(*, session_factory: sessionmaker[Session], channels: Mapping[str, Channel], now: datetime,
               after: timedelta) -> str | None:
    """Remind one owner who was asked at least `after` ago and has not rated (once: reminded_at is set).
    Returns the conversation to deliver to, or None when nobody is due."""
    with session_factory.begin() as session:
        request = session.scalars(
            select(EvaluationRequest).where(EvaluationRequest.rated_at.is_(None),
                                            EvaluationRequest.reminded_at.is_(None),
                                            EvaluationRequest.asked_at <= now - after)
            .order_by(EvaluationRequest.asked_at).limit(1).with_for_update(skip_locked=True)).first()
        if request is None:
            return None
        request.reminded_at = now
        case = session.get(Case, request.case_id)
        assert case is not None
        try:
            sent = relay.queue(session=session, case=case, replies=dialog.reminder(case.reference),
                               channels=channels, now=now, purpose="reminder")
        except relay.RelayError:
            sent = []
        relay.note(session=session, case=case, direction="system", now=now, sent=sent,
                   text="専門家の評価のリマインドを送りました（1回のみ）")
        return case.conversation_key


def averages(*, session: Session, expert_id: int, since: datetime, org_items: bool = False
             ) -> dict[str, dict[str, float | int]]:
    """Per rater (owner, advisor) and in all: the average of each axis over ratings since `since`, and the count.
    `org_items` adds the 支援機関 items (the desk's view only)."""
    keys = {**AXES, **(ORG_ITEMS if org_items else {})}
    columns = [func.avg(getattr(ExpertEvaluation, k)) for k in keys]
    base = select(ExpertEvaluation.rater, func.count(ExpertEvaluation.id), *columns).where(
        ExpertEvaluation.expert_id == expert_id, ExpertEvaluation.created_at >= since)
    out: dict[str, dict[str, float | int]] = {}
    for rater, count, *avgs in session.execute(base.group_by(ExpertEvaluation.rater)).all():
        out[rater] = {"count": int(count), **{k: round(float(a), 2) for k, a in zip(keys, avgs, strict=True)
                                               if a is not None}}
    every = session.execute(select(func.count(ExpertEvaluation.id), *columns[: len(AXES)]).where(
        ExpertEvaluation.expert_id == expert_id, ExpertEvaluation.created_at >= since)).one()
    if every[0]:
        out["all"] = {"count": int(every[0]), **{k: round(float(a), 2) for k, a in zip(AXES, every[1:], strict=True)}}
    return out
