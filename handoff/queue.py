"""The coordinators' queue, in SQL: filters, normalised search, sorting, pagination and counts all run in the
database (indexed columns on handoff_case), so no case is ever hidden behind a cap."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, func, literal_column, select, text
from sqlalchemy.orm import Session

from bot.db.tables import OwnerProfile
from bot.staff.tables import StaffUser
from handoff import delivery
from handoff.lifecycle import ACTIVE, Status
from handoff.search import unescaped, words
from handoff.tables import Case

FLAGS = {"conflict": "専門家との関係", "missing_fields": "未記入あり", "cap_reached": "利用上限",
         "request_scope": "対象外の可能性", "org_review": "形態要確認", delivery.FLAG: "送信失敗",
         "evaluation_pending": "前回の専門家評価待ち", "out_of_period": "受付期間外",
         "personal_data": "個人情報の依頼"}  # 開示・削除・利用停止 asked in the chat (APPI Arts. 33, 35)
STATUS_FILTERS = ("open", "unread", "person", *(s.value for s in Status), "all")
STATUS_FILTER_LABELS = {"open": "対応が必要なもの", "unread": "未読あり（自分の担当）", "person": "担当者対応中",
                        "all": "すべて"}
# The index each order reads in order (on SQLite a broad list is steered to it: left to itself, with sampled
# statistics, it may pick the status index and sort a quarter of the cases for one page).
SORT_INDEXES = {"waiting": "ix_handoff_case_created", "newest": "ix_handoff_case_created",
                "last_message": "ix_handoff_case_last_message"}
SORTS: dict[str, tuple[str, tuple[ColumnElement[Any], ...]]] = {
    "waiting": ("待ち時間が長い順", (Case.created_at.asc(), Case.id.asc())),
    "newest": ("新しい順", (Case.created_at.desc(), Case.id.desc())),
    "last_message": ("最新メッセージ順", (Case.last_message_at.desc(), Case.id.desc())),
    "updated": ("更新順", (Case.updated_at.desc(), Case.id.desc())),
}
PER_PAGE = 50
# A search or a flag filter is not answered by an index alone; its count stops here ("1,000件以上"), so a broad
# match never scans every case for the number. Every match stays reachable: the pages go on while they are full.
COUNT_CAP = 1000
FTS_MIN = 3  # trigram indexes answer words of 3+ characters; shorter ones are scanned


@dataclass(frozen=True)
class Filters:
    status: str = "open"
    kind: str = ""
    theme: str = ""
    flag: str = ""
    mine: bool = False
    q: str = ""
    sort: str = "waiting"
    page: int = 1
    trials: bool = False  # cases opened from the /try page are hidden unless asked for

    def query(self, **changes: Any) -> dict[str, str]:
        """The filters as query-string values (for links to other pages and the CSV)."""
        f = replace(self, **changes)
        values = {"status": f.status, "kind": f.kind, "theme": f.theme, "flag": f.flag, "mine": "1" if f.mine else "",
                  "q": f.q, "sort": f.sort, "page": str(f.page),
                  "trials": "1" if f.trials else ""}
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class Row:
    case: Case
    owner_email: str | None
    failed_send: bool = False  # a line to the owner whose send failed (flagged 送信失敗)
    display_name: str | None = None  # the name the owner chose on the platform (LINE's profile): not verified

    @property
    def flags(self) -> list[str]:
        return [*self.case.flags, delivery.FLAG] if self.failed_send else list(self.case.flags)


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int
    page: int
    pages: int
    more: bool = False  # a search matched more than COUNT_CAP: total is a lower bound, pages go on while full


def conditions(f: Filters, organisation_id: int | None, me: int | None, dialect: str = "postgresql",
               in_order: bool = False, rows: bool = False) -> list[ColumnElement[bool]]:
    """The WHERE clauses of the filters (shared by the list, its count and the CSV). Search words are substrings of
    the stored normal form: words of 3+ characters through a trigram index (PostgreSQL: LIKE and pg_trgm; SQLite:
    the FTS5 trigram table), shorter ones by a plain substring scan (strpos / instr: no pattern matching per row).
    SQLite, a page's rows: `rows` writes trial, and `in_order` also status, kind and theme, so that no index can look
    them up (`status || ''`): a broad list is read in the order's index and stops at the page instead of sorting a
    quarter of the cases, while the owner's and the search's indexes stay usable where they are narrower. Counts use
    the plain conditions and the covering indexes (status, trial) and (theme, trial, flag_list)."""
    status, kind, theme = ((Case.status + "", Case.kind + "", Case.theme + "") if in_order else
                           (Case.status, Case.kind, Case.theme))
    trial = func.ifnull(Case.trial, False).is_(False) if rows or in_order else Case.trial.is_(False)
    where: list[ColumnElement[bool]] = [] if f.trials else [trial]
    if organisation_id is not None:
        where.append(Case.organisation_id == organisation_id)
    if f.status == "open":
        where.append(status.in_([s.value for s in ACTIVE]))
    elif f.status == "unread":
        where += [Case.unread.is_(True), Case.owner_id == me] if me is not None else [false()]
    elif f.status == "person":
        where.append(Case.in_person.is_(True))
    elif f.status in STATUS_FILTERS and f.status != "all":
        where.append(status == f.status)
    if f.kind:
        where.append(kind == f.kind)
    if f.theme:
        where.append(theme == f.theme)
    if f.flag == delivery.FLAG:
        where.append(Case.id.in_(delivery.failed_case_ids()))
    elif f.flag:
        where.append(Case.flag_list.contains(f",{f.flag},", autoescape=True))
    if f.mine:
        where.append(Case.owner_id == me if me is not None else false())
    for word in words(f.q):
        plain = unescaped(word)
        if dialect == "sqlite" and len(plain) >= FTS_MIN:  # the trigram index: a phrase, its quotes doubled
            phrase = '"' + plain.replace('"', '""') + '"'
            where.append(Case.id.in_(select(literal_column("rowid")).select_from(text("handoff_case_fts"))
                                     .where(text("handoff_case_fts MATCH :phrase").bindparams(phrase=phrase))))
        elif dialect == "sqlite":
            where.append(func.instr(Case.search_text, plain) > 0)
        elif len(plain) >= FTS_MIN:  # PostgreSQL's trigram index serves LIKE
            where.append(Case.search_text.like(f"%{word}%", escape="\\"))
        else:  # no trigram in a 1–2 character word: a scan, and strpos scans ~2.5× faster than LIKE
            where.append(func.strpos(Case.search_text, plain) > 0)
    return where


def search(*, session: Session, filters: Filters, organisation_id: int | None = None, me: int | None = None,
           per_page: int = PER_PAGE) -> Page:
    """One page of the cases matching the filters, in the chosen order, with the number of matches. The page is
    read first: a page that is not full tells the number without counting (a selective search scans once)."""
    dialect = session.get_bind().dialect.name
    where = conditions(filters, organisation_id, me, dialect)
    sort = filters.sort if filters.sort in SORTS else "waiting"
    order = SORTS[sort][1]
    narrow = filters.mine or filters.status == "unread"  # the owner's indexes: fewer rows than the order's
    in_order = dialect == "sqlite" and sort in SORT_INDEXES and not narrow
    listed = conditions(filters, organisation_id, me, dialect, in_order=in_order, rows=True) \
        if dialect == "sqlite" else where

    def rows_of(page: int) -> list[Row]:
        stmt = (select(Case, StaffUser.email, OwnerProfile.display_name)
                .outerjoin(StaffUser, StaffUser.id == Case.owner_id)
                .outerjoin(OwnerProfile, OwnerProfile.conversation_key == Case.conversation_key).where(*listed)
                .order_by(*order).limit(per_page).offset((page - 1) * per_page))
        found = session.execute(stmt).all()
        failed = delivery.failed_cases(session=session, case_ids=[case.id for case, _, _ in found])
        return [Row(case, email, case.id in failed, name) for case, email, name in found]

    page = max(1, filters.page)
    rows = rows_of(page)
    if 0 < len(rows) < per_page or (not rows and page == 1):  # the last page: the number is known
        total = (page - 1) * per_page + len(rows)
        return Page(rows, total, page, max(1, math.ceil(total / per_page)))
    capped = bool(words(filters.q)) or bool(filters.flag)
    if capped:
        matched = select(Case.id).where(*where).limit(COUNT_CAP + 1).subquery()
        total = int(session.scalar(select(func.count()).select_from(matched)) or 0)
    else:
        total = int(session.scalar(select(func.count()).select_from(Case).where(*where)) or 0)
    if capped and total > COUNT_CAP:  # a lower bound: the pages go on while they are full
        return Page(rows, COUNT_CAP, page, page + 1 if len(rows) == per_page else page, more=True)
    pages = max(1, math.ceil(total / per_page))
    if page > pages:  # past the end (the list shrank, or a typed page number): the last page
        page = pages
        rows = rows_of(page)
    return Page(rows, total, page, pages)


def matching(*, session: Session, filters: Filters, organisation_id: int | None = None,
             me: int | None = None) -> list[Row]:
    """Every case matching the filters, in the chosen order (the CSV export)."""
    order = SORTS.get(filters.sort, SORTS["waiting"])[1]
    stmt = (select(Case, StaffUser.email).outerjoin(StaffUser, StaffUser.id == Case.owner_id)
            .where(*conditions(filters, organisation_id, me, session.get_bind().dialect.name)).order_by(*order))
    found = session.execute(stmt).all()
    failed = delivery.failed_cases(session=session, case_ids=[case.id for case, _ in found])
    return [Row(case, email, case.id in failed) for case, email in found]


def new_count(*, session: Session, organisation_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(Case).where(Case.status == "new", Case.trial.is_(False))
    if organisation_id is not None:
        stmt = stmt.where(Case.organisation_id == organisation_id)
    return int(session.scalar(stmt) or 0)


def unread_count(*, session: Session, me: int | None) -> int:
    """Cases of mine where the owner wrote something I have not read."""
    if me is None:
        return 0
    return int(session.scalar(select(func.count()).select_from(Case)
                              .where(Case.owner_id == me, Case.unread.is_(True))) or 0)


def waiting(case: Case, now: datetime) -> str:
    """How long a case not yet picked up has waited, in words a coordinator reads at a glance."""
    if case.status not in (Status.NEW, Status.CLAIMED):
        return "—"
    minutes = max(0, int((now - case.created_at).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes}分"
    if minutes < 48 * 60:
        return f"{minutes // 60}時間"
    return f"{minutes // (24 * 60)}日"
