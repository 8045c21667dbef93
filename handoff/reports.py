"""The desk's reports for a date range: FAQ resolution and deflection, the pre-screening funnel (by size class, theme,
area and 商工会), waiting times in business hours, decisions by outcome and by 4(1)ク② ground, visits against the
caps, satisfaction and LINE pushes. Every count is a SQL aggregate; only the per-case business-hours arithmetic
runs in Python, over one grouped row per decided or answered case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from typing import Any

from sqlalchemy import String, case, cast, distinct, exists, func, select
from sqlalchemy.orm import Session

from bot.db.tables import DialogEffect, OutboxMessage
from bot.pipeline.costs import kind_of
from bot.staff.tables import AuditLog
from dialogs.hours import JST, BusinessHours
from dialogs.program import FALLBACK_CAPS, Caps
from handoff import prescreen_funnel, seminar_reports
from handoff.decide import REJECT_REASONS
from handoff.tables import Case, CaseMessage, Feedback, Visit

DECIDED = ("approved", "rejected", "routed")
DECISION_MOVES = ("case.approve", "case.reject", "case.route")  # the audit actions of handoff.lifecycle
DIMENSIONS = {"size_class": "規模", "theme": "テーマ", "municipality": "地域", "shokokai": "商工会等"}
STAGES = ("submitted", "decided", "approved", "visited")


@dataclass
class Report:
    start: date
    end: date  # inclusive
    figures: list[tuple[str, str, float]] = field(default_factory=list)  # (section, label, value): the CSV
    sections: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    breakdowns: dict[str, list[tuple[str, list[int]]]] = field(default_factory=dict)
    questions: prescreen_funnel.Funnel | None = None  # question by question (desk-wide reports only)

    def add(self, section: str, label: str, value: float) -> None:
        self.figures.append((section, label, value))
        self.sections.setdefault(section, []).append((label, value))

    def value(self, section: str, label: str) -> float:
        return dict(self.sections.get(section, []))[label]


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) JST."""
    return datetime.combine(start, time(), JST), datetime.combine(end + timedelta(days=1), time(), JST)


CAP_VISITS = "回数の上限（承認件数×1申請の上限）"
CAP_HOURS = "時間の上限（承認件数×1申請の上限）"


def _pct(part: float, whole: float) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def build(*, session: Session, start: date, end: date, hours: BusinessHours, organisation_id: int | None = None,
          desk_wide: bool = True, caps: Caps = FALLBACK_CAPS, funnel: tuple[str, str] | None = None) -> Report:
    """The report; an advisor's (organisation_id set, desk_wide False) covers their organisation's cases only.
    `caps` are the per-application caps (001 4(1)ク①) of the program year the range starts in (program/rN.yaml).
    `funnel` (dimension, value) picks which owners the question-by-question funnel shows (all by default)."""
    report = Report(start, end)
    lo, hi = bounds(start, end)
    # The decision is the case's own record (fields.decision.result): its status moves on to 支援中 and 終了.
    decision = Case.fields[("decision", "result")].as_string().label("decision")
    cases = select(Case, decision).where(Case.created_at >= lo, Case.created_at < hi, Case.kind == "application",
                                         Case.trial.is_(False))  # /try drafts are demonstrations, not applications
    if organisation_id is not None:
        cases = cases.where(Case.organisation_id == organisation_id)
    scoped = cases.subquery()
    if desk_wide:
        _faq(session, report, lo, hi)
    _funnel(session, report, lo, hi, scoped, desk_wide)
    if desk_wide:
        dimension, value = funnel or (None, None)
        report.questions = prescreen_funnel.add(report=report, session=session, lo=lo, hi=hi, dimension=dimension,
                                                value=value)
    _waits(session, report, scoped, hours)
    _decisions(session, report, scoped)
    _visits(session, report, scoped, caps)
    _satisfaction(session, report, scoped)
    seminar_reports.add(report=report, session=session, lo=lo, hi=hi, organisation_id=organisation_id)
    if desk_wide:
        _pushes(session, report, lo, hi)
    return report


def _effects(session: Session, kind: str, lo: datetime, hi: datetime, *, conversations: bool = False) -> int:
    what = func.count(distinct(DialogEffect.conversation_key)) if conversations else func.count()
    return int(session.scalar(select(what).where(DialogEffect.kind == kind, DialogEffect.created_at >= lo,
                                                 DialogEffect.created_at < hi)) or 0)


def _faq(session: Session, report: Report, lo: datetime, hi: datetime) -> None:
    answered = _effects(session, "faq_answered", lo, hi)
    yes, no = session.execute(select(
        func.coalesce(func.sum(case((Feedback.answer == "yes", 1), else_=0)), 0),
        func.coalesce(func.sum(case((Feedback.answer == "no", 1), else_=0)), 0))
        .where(Feedback.kind == "faq", Feedback.created_at >= lo, Feedback.created_at < hi)).one()
    asked = _effects(session, "faq_answered", lo, hi, conversations=True)
    handed = session.scalar(select(func.count(distinct(DialogEffect.conversation_key))).where(
        DialogEffect.kind == "faq_answered", DialogEffect.created_at >= lo, DialogEffect.created_at < hi,
        exists().where(Case.conversation_key == DialogEffect.conversation_key, Case.created_at >= lo,
                       Case.created_at < hi))) or 0
    section = "FAQ"
    report.add(section, "ボットが答えた質問", answered)
    report.add(section, "解決した（はい）", int(yes))
    report.add(section, "解決しない（いいえ）", int(no))
    report.add(section, "回答なし", max(0, answered - int(yes) - int(no)))
    report.add(section, "解決率（%）", _pct(int(yes), answered))
    report.add(section, "答えられなかった質問", _effects(session, "faq_missed", lo, hi))
    report.add(section, "人を介さず終わった会話の割合（%）", _pct(asked - int(handed), asked))


def _funnel(session: Session, report: Report, lo: datetime, hi: datetime, scoped: Any, desk_wide: bool) -> None:
    section = "事前確認の流れ"
    if desk_wide:  # owners only: /try and terminal conversations are demonstrations
        followed, began = prescreen_funnel.first_steps(session, lo, hi)
        report.add(section, "友だち追加", followed.reached)
        report.add(section, "事前確認を開始", began.reached)
    # One GROUP BY over the four dimensions together (each case's JSON read once, not five times), summed here per
    # dimension and for the whole range: the groups are few (a dimension's values combined), the cases many.
    keys = list(DIMENSIONS)
    # the JSON values are picked in a subquery and grouped by name (PostgreSQL binds the key per expression)
    keyed = select(*(func.coalesce(scoped.c.fields[key].as_string(), "—").label(key) for key in keys), scoped.c.id,
                   scoped.c.decision).select_from(scoped).subquery()
    grouped = session.execute(select(*(keyed.c[key] for key in keys), *_stage_columns(session, keyed))
                              .select_from(keyed).group_by(*(keyed.c[key] for key in keys))).all()
    counts = [0] * len(STAGES)
    per: dict[str, dict[str, list[int]]] = {key: {} for key in keys}
    for row in grouped:
        values = [int(v or 0) for v in row[len(keys):]]
        counts = [a + b for a, b in zip(counts, values, strict=True)]
        for key, value in zip(keys, row[: len(keys)], strict=True):
            sums = per[key].setdefault(str(value), [0] * len(STAGES))
            sums[:] = [a + b for a, b in zip(sums, values, strict=True)]
    for label, count in zip(("送信（申請）", "判断済み", "承認", "初回訪問"), counts, strict=True):
        report.add(section, label, count)
    for key, title in DIMENSIONS.items():
        rows = sorted(per[key].items())  # by value, in code point order
        report.breakdowns[title] = rows
        for value, sums in rows:
            for stage, v in zip(STAGES, sums, strict=True):
                report.figures.append((f"事前確認の流れ（{title}別）", f"{value}：{stage}", v))


def _stage_columns(session: Session, scoped: Any) -> list[Any]:
    visited = exists().where(Visit.case_id == scoped.c.id)
    return [func.count(), func.sum(case((scoped.c.decision.in_(DECIDED), 1), else_=0)),
            func.sum(case((scoped.c.decision == "approved", 1), else_=0)), func.sum(case((visited, 1), else_=0))]


def _waits(session: Session, report: Report, scoped: Any, hours: BusinessHours) -> None:
    # Per case of the range, through the thread's and the audit log's per-case indexes (a GROUP BY of the whole
    # tables joined afterwards read every message and audit row of every case ever: seconds at 1 million cases).
    first_reply = (select(func.min(CaseMessage.at)).where(CaseMessage.case_id == scoped.c.id,
                                                          CaseMessage.direction == "out").scalar_subquery())
    decided = (select(func.min(AuditLog.at)).where(AuditLog.target == scoped.c.reference,
                                                   AuditLog.action.in_(DECISION_MOVES)).scalar_subquery())
    rows = session.execute(select(scoped.c.created_at, first_reply, decided).select_from(scoped)).all()
    section = "待ち時間（営業時間）"
    for index, label in ((1, "最初の返信まで"), (2, "判断まで")):
        spans = [hours.business_hours_between(_aware(r[0]), _aware(r[index])) for r in rows if r[index] is not None]
        report.add(section, f"{label}：件数", len(spans))
        report.add(section, f"{label}：中央値（時間）", round(median(spans), 1) if spans else 0.0)
        report.add(section, f"{label}：平均（時間）", round(sum(spans) / len(spans), 1) if spans else 0.0)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _decisions(session: Session, report: Report, scoped: Any) -> None:
    labels = {"approved": "承認", "rejected": "否決", "routed": "窓口相談へ"}
    rows: dict[str, int] = {str(k): int(v) for k, v in session.execute(
        select(scoped.c.decision, func.count()).select_from(scoped).where(scoped.c.decision.in_(DECIDED))
        .group_by(scoped.c.decision))}
    for status, label in labels.items():
        report.add("判断", label, int(rows.get(status, 0)))
    text = cast(scoped.c.fields, String)
    grounds = session.execute(select(*(func.coalesce(func.sum(case((text.like(f'%"{key}"%'), 1), else_=0)), 0)
                                       for key in REJECT_REASONS)).select_from(scoped)
                              .where(scoped.c.decision == "rejected")).one()
    for key, count in zip(REJECT_REASONS, grounds, strict=True):
        report.add("否決の理由（4(1)ク②）", REJECT_REASONS[key], int(count))


def _visits(session: Session, report: Report, scoped: Any, caps: Caps) -> None:
    per_case = (select(Visit.case_id, func.count().label("n"), func.sum(Visit.minutes).label("m"))
                .where(Visit.case_id.in_(select(scoped.c.id))).group_by(Visit.case_id).subquery())
    n, minutes, at_cap = session.execute(select(
        func.coalesce(func.sum(per_case.c.n), 0), func.coalesce(func.sum(per_case.c.m), 0),
        func.coalesce(func.sum(case((per_case.c.n >= caps.visits, 1),
                                    (per_case.c.m >= caps.hours * 60, 1), else_=0)), 0))).one()
    approved = report.value("判断", "承認")
    report.add("訪問と上限", "訪問回数", int(n))
    report.add("訪問と上限", "訪問時間（時間）", round(int(minutes) / 60, 1))
    report.add("訪問と上限", CAP_VISITS, approved * caps.visits)
    report.add("訪問と上限", CAP_HOURS, approved * caps.hours)
    report.add("訪問と上限", "上限に達した申請", int(at_cap))


def _satisfaction(session: Session, report: Report, scoped: Any) -> None:
    rows: dict[int, int] = {int(k or 0): int(v) for k, v in session.execute(select(Feedback.score, func.count()).where(
        Feedback.kind == "satisfaction", Feedback.case_id.in_(select(scoped.c.id))).group_by(Feedback.score))}
    for score in range(5, 0, -1):
        report.add("満足度", f"{score}（5段階）", int(rows.get(score, 0)))
    total = sum(rows.values())
    report.add("満足度", "平均", round(sum(s * c for s, c in rows.items()) / total, 2) if total else 0.0)


def _pushes(session: Session, report: Report, lo: datetime, hi: datetime) -> None:
    rows = session.execute(select(OutboxMessage.purpose, func.count()).where(
        OutboxMessage.channel == "line", OutboxMessage.via == "push", OutboxMessage.sent_at >= lo,
        OutboxMessage.sent_at < hi).group_by(OutboxMessage.purpose)).all()
    counted: dict[str, int] = {}
    for purpose, count in rows:
        counted[kind_of(purpose)] = counted.get(kind_of(purpose), 0) + int(count)
    for kind, count in sorted(counted.items()):
        report.add("LINEのプッシュ送信", kind, count)
    # replies are free, pushes count against the quota: the share of replies shows the bot keeps preferring them
    # by `via` (two ranges of ix_outbox_message_sent (channel, via, sent_at), not every LINE send ever)
    sent = dict(session.execute(select(OutboxMessage.via, func.count()).where(
        OutboxMessage.channel == "line", OutboxMessage.via.in_(("reply", "push")), OutboxMessage.sent_at >= lo,
        OutboxMessage.sent_at < hi).group_by(OutboxMessage.via)).tuples().all())
    replies, pushes = sent.get("reply", 0), sent.get("push", 0)
    section = "LINEの送信（返信とプッシュ）"
    report.add(section, "返信（無料）", int(replies))
    report.add(section, "プッシュ（上限に数える）", int(pushes))
    report.add(section, "返信の割合（%）", _pct(int(replies), int(replies) + int(pushes)))
