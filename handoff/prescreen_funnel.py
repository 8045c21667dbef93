"""The pre-screening funnel question by question, for the reports page: of the owners whose pre-screening asked
them something in the range, how many reached each question (or went further), were asked it, and stopped there;
then the card, the application sent, decided, approved and visited. By size class, theme, area and 商工会 (what the
owner had told by the furthest step: dialogs/prescreen/flow.py `reached`). Desk-wide only: an owner who stopped
belongs to no organisation yet.

Counted from the `prescreen_asked` effects the dialog records each time it asks a question; every figure is one SQL
aggregate. Conversations on /try and in the terminal are demonstrations, not owners, and are left out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, distinct, exists, func, select
from sqlalchemy.orm import Session, aliased

from bot.db.tables import Conversation, DialogEffect
from dialogs.prescreen.flow import NOT_YET, STEPS
from handoff.tables import Case, Visit

SECTION = "事前確認の質問ごと"
KIND = "prescreen_asked"
LABELS = {
    "location": "所在地", "org_type": "事業の形態", "industry": "業種", "employees": "従業員数", "capital": "資本金",
    "consent": "個人情報の同意", "shokokai": "商工会・商工会議所", "problem": "ご相談内容", "theme": "テーマ",
    "expert": "専門家のご希望", "expert_name": "専門家の名前", "expert_relation": "専門家との関係",
    "expert_arranged": "専門家との日程調整", "usage": "今年度の利用", "usage_amount": "利用した回数・時間",
    "business": "事業の内容", "situation": "経営状況", "business_name": "事業所名", "representative": "代表者",
    "phone": "電話番号", "email": "メール", "mode": "相談方法", "confirm": "確認画面",
}
AFTER = (("submitted", "送信（申請）"), ("decided", "判断済み"), ("approved", "承認"), ("visited", "初回訪問"))
DIMENSIONS = {"size_class": "規模", "theme": "テーマ", "municipality": "地域", "shokokai": "商工会等"}
DECIDED = ("approved", "rejected", "routed")


@dataclass(frozen=True)
class Row:
    step: str  # a STEPS name or an AFTER key
    label: str
    reached: int  # got to this step or further
    asked: int | None = None  # was asked this question (None after the card)
    stopped: int | None = None  # this was the last question and nothing was sent


@dataclass
class Funnel:
    started: int
    rows: list[Row]
    values: dict[str, list[str]]  # per dimension, the values seen (for the page's filter)
    dimension: str | None = None
    value: str | None = None
    before: list[Row] | None = None  # friends added and pre-screenings begun (the whole funnel only: no breakdown)


def _per_owner(lo: datetime, hi: datetime) -> Any:
    """One row per conversation: the furthest step, what it had told by then, and where its applications went."""
    e = DialogEffect
    furthest = (select(e.conversation_key.label("key"), func.max(e.payload["index"].as_integer()).label("reach"),
                       func.max(e.id).label("last"))
                .join(Conversation, Conversation.key == e.conversation_key)
                .where(e.kind == KIND, e.created_at >= lo, e.created_at < hi,
                       Conversation.channel.not_in(("web", "terminal")))
                .group_by(e.conversation_key).subquery())
    last = aliased(DialogEffect)
    decision = Case.fields[("decision", "result")].as_string()
    mine = and_(Case.conversation_key == furthest.c.key, Case.kind == "application", Case.trial.is_(False),
                Case.created_at >= lo, Case.created_at < hi)

    def flag(*where: Any) -> Any:
        return case((exists().where(mine, *where), 1), else_=0)

    told = [func.coalesce(last.payload[key].as_string(), NOT_YET).label(key) for key in DIMENSIONS]
    return (select(furthest.c.key, furthest.c.reach, *told, flag().label("submitted"),
                   flag(decision.in_(DECIDED)).label("decided"), flag(decision == "approved").label("approved"),
                   flag(exists().where(Visit.case_id == Case.id)).label("visited"))
            .join(last, last.id == furthest.c.last).subquery())


def _columns(owners: Any) -> list[Any]:
    reach = [func.coalesce(func.sum(case((owners.c.reach >= i, 1), else_=0)), 0) for i in range(len(STEPS))]
    stop = [func.coalesce(func.sum(case((and_(owners.c.reach == i, owners.c.submitted == 0), 1), else_=0)), 0)
            for i in range(len(STEPS))]
    after = [func.coalesce(func.sum(owners.c[key]), 0) for key, _ in AFTER]
    return [func.count(), *reach, *stop, *after]


def _rows(figures: Any, asked: dict[int, int]) -> tuple[int, list[Row]]:
    n = len(STEPS)
    started, reach, stop, after = int(figures[0]), figures[1:n + 1], figures[n + 1:2 * n + 1], figures[2 * n + 1:]
    rows = [Row(step, LABELS.get(step, step), int(reach[i]), int(asked.get(i, 0)), int(stop[i]))
            for i, step in enumerate(STEPS)]
    rows += [Row(key, label, int(v)) for (key, label), v in zip(AFTER, after, strict=True)]
    return started, rows


def _asked(session: Session, owners: Any, lo: datetime, hi: datetime, group: Any = None) -> dict[Any, dict[int, int]]:
    """Owners asked each question (distinct conversations), per value of `group` (None: all)."""
    e = DialogEffect
    # the JSON value is picked in a subquery and grouped by name (PostgreSQL binds the key per expression)
    picked = (select(e.conversation_key.label("key"), e.payload["index"].as_integer().label("i"),
                     *([group.label("g")] if group is not None else []))
              .join(owners, owners.c.key == e.conversation_key)
              .where(e.kind == KIND, e.created_at >= lo, e.created_at < hi).subquery())
    keys = [picked.c.g] if group is not None else []
    rows = session.execute(select(*keys, picked.c.i, func.count(distinct(picked.c.key)))
                           .group_by(*keys, picked.c.i)).all()
    out: dict[Any, dict[int, int]] = {}
    for row in rows:
        value = row[0] if group is not None else None
        out.setdefault(value, {})[int(row[-2])] = int(row[-1])
    return out


def build(session: Session, lo: datetime, hi: datetime, *, dimension: str | None = None,
          value: str | None = None) -> tuple[Funnel, Funnel, dict[str, dict[str, tuple[int, list[Row]]]]]:
    """The funnel of all owners; the one the page shows (all, or one value of one dimension); every dimension's."""
    owners = _per_owner(lo, hi)
    by: dict[str, dict[str, tuple[int, list[Row]]]] = {}
    for key in DIMENSIONS:
        asked = _asked(session, owners, lo, hi, owners.c[key])
        grouped = session.execute(select(owners.c[key], *_columns(owners)).group_by(owners.c[key])
                                  .order_by(owners.c[key])).all()
        by[key] = {str(r[0]): _rows(r[1:], asked.get(r[0], {})) for r in grouped}
    values = {key: list(rows) for key, rows in by.items()}
    whole = Funnel(*_rows(session.execute(select(*_columns(owners))).one(),
                          _asked(session, owners, lo, hi).get(None, {})), values, before=first_steps(session, lo, hi))
    if dimension not in DIMENSIONS or value is None:
        return whole, whole, by
    nobody = _rows([0] * (2 * len(STEPS) + len(AFTER) + 1), {})
    return whole, Funnel(*(by[dimension].get(value) or nobody), values, dimension, value), by


def add(*, report: Any, session: Session, lo: datetime, hi: datetime, dimension: str | None = None,
        value: str | None = None) -> Funnel:
    """Add the whole funnel and each dimension's to the report's figures (the CSV); return the one the page shows."""
    whole, shown, by = build(session, lo, hi, dimension=dimension, value=value)
    for row in _figures(whole.started, whole.rows, whole.before):
        report.figures.append((SECTION, *row))
    for key, title in DIMENSIONS.items():
        for name, (started, rows) in by[key].items():
            for label, count in _figures(started, rows):
                report.figures.append((f"{SECTION}（{title}別）", f"{name}：{label}", count))
    return shown


def first_steps(session: Session, lo: datetime, hi: datetime) -> list[Row]:
    """Friends added (conversations begun on LINE/Telegram) and pre-screenings begun, in the range."""
    owners = Conversation.channel.not_in(("web", "terminal"))
    followed = session.scalar(select(func.count()).select_from(Conversation).where(
        Conversation.created_at >= lo, Conversation.created_at < hi, owners)) or 0
    began = session.scalar(select(func.count(distinct(DialogEffect.conversation_key)))
                           .join(Conversation, Conversation.key == DialogEffect.conversation_key)
                           .where(DialogEffect.kind == "prescreen_started", DialogEffect.created_at >= lo,
                                  DialogEffect.created_at < hi, owners)) or 0
    return [Row("followed", "友だち追加", int(followed)), Row("began", "事前確認を開始", int(began))]


def _figures(started: int, rows: list[Row], before: list[Row] | None = None) -> list[tuple[str, int]]:
    out = [(f"{row.label}", row.reached) for row in before or []]
    out.append(("質問を受けた人", started))
    for row in rows:
        out.append((f"{row.label}：到達", row.reached))
        if row.asked is not None:
            out += [(f"{row.label}：質問した", row.asked), (f"{row.label}：ここで終了", int(row.stopped or 0))]
    return out
