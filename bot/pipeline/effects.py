"""What the shell does for a dialog's effects, inside the turn's transaction. A handler returns values that the
turn's replies may refer to as {name} (e.g. the reference number the owner is told)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.db.tables import Conversation
from bot.pipeline import inbox, seminar_effects
from dialogs.model import Reply, Text
from handoff import ask, business, cases, evaluation, notify, person, relay, satisfaction

Handler = Callable[..., dict[str, str]]


def case_submitted(*, session: Session, conversation: Conversation, payload: dict[str, Any], now: datetime,
                   reply_days: int, notify_by_mail: bool = False) -> dict[str, str]:
    """A finished pre-screening becomes a draft application in the queue."""
    fields = {k: v for k, v in payload.items() if k not in ("decisions", "flags", "outcome", "kind")}
    held = evaluation.pending_for(session=session, conversation_key=conversation.key)  # begun before it ended
    flags = [*payload["flags"], *(["evaluation_pending"] if held else []),
             *(["out_of_period"] if payload.get("out_of_period") else [])]
    fields.pop("out_of_period", None)
    case = cases.create_case(
        session=session, conversation_key=conversation.key, channel=conversation.channel, kind="application",
        outcome=payload["outcome"], fields=fields, decisions=payload["decisions"], flags=flags, now=now,
        organisation_id=cases.organisation_named(session=session, name=fields.get("shokokai")),
        trial=conversation.trial)
    if not case.trial:  # the カルテ: the business this conversation belongs to (merges are only proposed)
        business.record(session=session, conversation_key=conversation.key, fields=fields,
                        organisation_id=case.organisation_id, now=now)
    if notify_by_mail and not case.trial:
        notify.queue(session=session, case=case, now=now)
    return {"reference": case.reference, "reply_days": str(reply_days)}


def handoff_requested(*, session: Session, conversation: Conversation, payload: dict[str, Any],
                      now: datetime, notify_by_mail: bool = False, **_: Any) -> dict[str, str]:
    """'担当者と話したい' opens one callback case (not one per tap), carrying what the owner had already entered in
    the pre-screening (the partial draft), so the coordinator does not ask it again; a request about personal data
    is flagged."""
    draft = dict(payload.get("draft") or {})
    flags = ["personal_data"] if payload.get("reason") == "personal_data" else []
    case = cases.open_case_of(session=session, conversation_key=conversation.key, kind="callback")
    if case is not None and draft:
        case.fields = {**case.fields, **draft}
    if case is None:
        case = cases.create_case(
            session=session, conversation_key=conversation.key, channel=conversation.channel, kind="callback",
            outcome="needs_review", fields={**draft, "reason": payload.get("reason")}, decisions=[], flags=flags,
            now=now, trial=conversation.trial)
        if not case.trial:
            business.record(session=session, conversation_key=conversation.key, fields=draft,
                            organisation_id=None, now=now)
        if notify_by_mail and not case.trial:
            notify.queue(session=session, case=case, now=now)
    elif flags and flags[0] not in case.flags:  # already waiting for a person: the request is flagged on that case
        case.flags = [*case.flags, *flags]
    return {"reference": case.reference}


def relay_in(*, session: Session, conversation: Conversation, payload: dict[str, Any], now: datetime,
             notify_by_mail: bool = False, **_: Any) -> dict[str, str]:
    """In person mode, what the owner sends goes into the case thread (and, when that makes the case unread, its
    coordinator is mailed if they asked to be)."""
    case = cases.by_reference(session=session, reference=str(payload.get("case")))
    if case is not None:
        shown = payload.get("text") or {"sticker": "（スタンプ）", "image": "（画像）", "file": "（ファイル）"}.get(
            str(payload.get("kind")), f"（{payload.get('kind')}）")
        if relay.note(session=session, case=case, direction="in", kind=str(payload.get("kind")), text=str(shown),
                      now=now) and notify_by_mail:
            notify.unread(session=session, case=case, now=now)
    return {}


def person_ended(*, session: Session, conversation: Conversation, payload: dict[str, Any], now: datetime,
                 **_: Any) -> dict[str, str]:
    """The owner said 「ボットに戻る」: the dialog already switched back (and asked for a rating when told to)."""
    case = cases.by_reference(session=session, reference=str(payload.get("case")))
    if case is not None:
        person.end(session=session, case=case, actor=None, channels={}, now=now, tell_owner=False)
        if payload.get("surveyed"):
            satisfaction.mark_asked(case=case, now=now)
    return {}


def case_answered(*, session: Session, conversation: Conversation, payload: dict[str, Any], now: datetime,
                  notify_by_mail: bool = False, **_: Any) -> dict[str, str]:
    """The owner answered a coordinator's question about one item of the draft."""
    case = cases.by_reference(session=session, reference=str(payload.get("case")))
    if case is not None and ask.answered(session=session, case=case, item=str(payload.get("item")), now=now,
                                         values=dict(payload.get("values") or {}),
                                         text=str(payload.get("text") or "")) and notify_by_mail:
        notify.unread(session=session, case=case, now=now)
    return {}


def satisfaction_rated(*, session: Session, conversation: Conversation, payload: dict[str, Any], now: datetime,
                       **_: Any) -> dict[str, str]:
    """A face tapped: recorded once per case (only the owner of the case's conversation can rate it)."""
    case = cases.by_reference(session=session, reference=str(payload.get("case")))
    if case is not None and case.conversation_key == conversation.key:
        satisfaction.rated(session=session, case=case, conversation_key=conversation.key,
                           score=int(payload.get("score") or 0), now=now)
    return {}


def satisfaction_comment(*, session: Session, conversation: Conversation, payload: dict[str, Any], now: datetime,
                         **_: Any) -> dict[str, str]:
    case = cases.by_reference(session=session, reference=str(payload.get("case")))
    if case is not None and case.conversation_key == conversation.key:
        satisfaction.commented(session=session, case=case, text=str(payload.get("text") or ""), now=now)
    return {}


def _own_case(session: Session, conversation: Conversation, payload: dict[str, Any]) -> Any:
    case = cases.by_reference(session=session, reference=str(payload.get("case")))
    return case if case is not None and case.conversation_key == conversation.key else None


def expert_rated(*, session: Session, conversation: Conversation, payload: dict[str, Any], now: datetime,
                 **_: Any) -> dict[str, str]:
    """The six answers about the expert (002 専門家の評価): once per case, only from the case's own conversation."""
    case = _own_case(session, conversation, payload)
    if case is not None:
        with contextlib.suppress(evaluation.EvaluationError):  # a forged or partial rating: the request stays open
            evaluation.rated(session=session, case=case, scores=dict(payload.get("scores") or {}), now=now)
    return {}


def expert_comment(*, session: Session, conversation: Conversation, payload: dict[str, Any], now: datetime,
                   **_: Any) -> dict[str, str]:
    case = _own_case(session, conversation, payload)
    if case is not None:
        evaluation.commented(session=session, case=case, text=str(payload.get("text") or ""), now=now)
    return {}


def request_held(*, session: Session, conversation: Conversation, payload: dict[str, Any], now: datetime,
                 **_: Any) -> dict[str, str]:
    """A new request for an expert was held for the unrated dispatch: the desk sees it in that case's thread."""
    case = _own_case(session, conversation, payload)
    if case is not None:
        relay.note(session=session, case=case, direction="system", now=now,
                   text="事業者が新しい専門家派遣を申し込もうとしました（専門家の評価が未回答のため保留を案内）")
    return {"case": str(payload.get("case"))}


def faq_feedback(*, session: Session, conversation: Conversation, payload: dict[str, Any], now: datetime,
                 answer: str, **_: Any) -> dict[str, str]:
    """「解決しましたか」 answered (はい → faq_helpful, いいえ → faq_unhelpful), tapped or typed: one feedback row."""
    satisfaction.faq_answered(session=session, conversation_key=conversation.key, faq_id=payload.get("faq_id"),
                              answer=answer, how=str(payload.get("how") or "tap"), now=now)
    return {k: str(v) for k, v in payload.items() if v is not None}  # kept as the effect's record (the misses list)


def prescreen_ended(*, session: Session, conversation: Conversation, payload: dict[str, Any], now: datetime,
                    **_: Any) -> dict[str, str]:
    """A pre-screening that ended before a draft. Without the owner's consent, what they typed in it is forgotten."""
    if payload.get("end") in ("no_consent", "left_before_consent"):
        inbox.forget_prescreening(session=session, conversation_key=conversation.key)
    return {"end": str(payload.get("end"))}  # recorded with the effect


def handlers(*, reply_days: int, notify_by_mail: bool = False) -> Mapping[str, Handler]:
    return {
        "case_submitted": lambda **kw: case_submitted(**kw, reply_days=reply_days, notify_by_mail=notify_by_mail),
        "handoff_requested": lambda **kw: handoff_requested(**kw, notify_by_mail=notify_by_mail),
        "relay_in": lambda **kw: relay_in(**kw, notify_by_mail=notify_by_mail),
        "person_ended": person_ended,
        "case_answered": lambda **kw: case_answered(**kw, notify_by_mail=notify_by_mail),
        "prescreen_ended": prescreen_ended,
        "satisfaction_rated": satisfaction_rated,
        "satisfaction_comment": satisfaction_comment,
        "expert_rated": expert_rated,
        "expert_comment": expert_comment,
        "request_held": request_held,
        "seminar_signup": seminar_effects.seminar_signup,
        "seminar_cancel": seminar_effects.seminar_cancel,
        "faq_helpful": lambda **kw: faq_feedback(**kw, answer="yes"),
        "faq_unhelpful": lambda **kw: faq_feedback(**kw, answer="no"),
    }


def fill(replies: tuple[Reply, ...], values: Mapping[str, str]) -> tuple[Reply, ...]:
    """Put effect values into our own texts' {name} places (only known names; nothing else is formatted)."""
    if not values:
        return replies

    def filled(reply: Reply) -> Reply:
        if not isinstance(reply, Text):
            return reply
        text = reply.text
        for name, value in values.items():
            text = text.replace("{" + name + "}", value)
        return replace(reply, text=text)

    return tuple(filled(r) for r in replies)
