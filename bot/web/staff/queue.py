"""The coordinators' queue: filters and search, rows that refresh themselves (new cases appear without a reload),
the new-case badge, and the CSV export."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from bot.web.deps import ServicesDep
from bot.web.hygiene import clean_line
from bot.web.staff.read import read, scope
from bot.web.staff.render import render
from bot.web.staff.security import Staff, page
from dialogs.hours import JST
from handoff import karte, queue

router = APIRouter(tags=["cases"])
Cases = Annotated[Staff, Depends(page("cases"))]


def filters_of(status: Annotated[str, Query(max_length=20)] = "open", kind: Annotated[str, Query(max_length=20)] = "",
               theme: Annotated[str, Query(max_length=20)] = "", flag: Annotated[str, Query(max_length=20)] = "",
               mine: Annotated[str, Query(max_length=1)] = "", q: Annotated[str, Query(max_length=100)] = "",
               sort: Annotated[str, Query(max_length=20)] = "waiting",
               page: Annotated[int, Query(ge=1, le=100_000)] = 1,
               trials: Annotated[str, Query(max_length=1)] = "") -> queue.Filters:
    """The queue's filters from the query string (the filter form, the polling rows and the CSV send the same)."""
    return queue.Filters(status=status if status in queue.STATUS_FILTERS else "open", kind=kind, theme=theme, flag=flag,
                         mine=mine == "1", q=clean_line(q), sort=sort if sort in queue.SORTS else "waiting", page=page,
                         trials=trials == "1")


Filters = Annotated[queue.Filters, Depends(filters_of)]


async def _rows(request: Request, staff: Staff, services: ServicesDep, template: str, f: queue.Filters,
                **extra: Any) -> HTMLResponse:
    found = await read(services, lambda session: queue.search(session=session, filters=f,
                                                              organisation_id=scope(staff), me=staff.user_id))
    return render(request, template, staff, found=found, filters=f, now=utcnow(), flags=queue.FLAGS,
                  statuses=queue.STATUS_FILTERS, status_labels=queue.STATUS_FILTER_LABELS, sorts=queue.SORTS,
                  **extra)


@router.get("/cases", response_class=HTMLResponse)
async def case_list(request: Request, staff: Cases, services: ServicesDep, filters: Filters) -> HTMLResponse:
    """The queue, with the カルテ follow-ups whose date has come (伴走支援: shown when due)."""
    today = utcnow().astimezone(JST).date()
    due = await read(services, lambda session: karte.due(session=session, today=today, organisation_id=scope(staff)))
    return await _rows(request, staff, services, "cases.html", filters, due=due)


@router.get("/cases/rows", response_class=HTMLResponse)
async def case_rows(request: Request, staff: Cases, services: ServicesDep, filters: Filters) -> HTMLResponse:
    """The queue's rows alone: the list page polls this, so new cases appear without a reload."""
    return await _rows(request, staff, services, "case_rows.html", filters)


@router.get("/cases/badge", response_class=HTMLResponse)
async def badge(request: Request, staff: Cases, services: ServicesDep) -> HTMLResponse:
    """How many new cases wait, and how many of mine have unread owner messages (the navigation polls it)."""
    def counts(session: Session) -> tuple[int, int]:
        return (queue.new_count(session=session, organisation_id=scope(staff)),
                queue.unread_count(session=session, me=staff.user_id))

    new, unread = await read(services, counts)
    parts = [f'<span class="badge" aria-label="新規 {new}件">{new}</span>' if new else "",
             f'<a class="badge unread" href="/cases?status=unread" aria-label="未読 {unread}件">未読 {unread}</a>'
             if unread else ""]
    return HTMLResponse("".join(parts))
