"""The coordinators' queue: filters and search, rows that refresh themselves (new cases appear without a reload),
the new-case badge, and the CSV export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from bot.web.deps import ServicesDep
from bot.web.staff.read import read, scope
from bot.web.staff.render import render
from bot.web.staff.security import Staff, page
from handoff import queue
from handoff.tables import Case

router = APIRouter(tags=["cases"])
Cases = Annotated[Staff, Depends(page("cases"))]


def filters_of(status: Annotated[str, Query(max_length=20)] = "open", kind: Annotated[str, Query(max_length=20)] = "",
               theme: Annotated[str, Query(max_length=20)] = "", flag: Annotated[str, Query(max_length=20)] = "",
               mine: Annotated[str, Query(max_length=1)] = "",
               q: Annotated[str, Query(max_length=100)] = "") -> queue.Filters:
    """The queue's filters from the query string (the filter form and the polling rows send the same)."""
    return queue.Filters(status=status if status in queue.STATUS_FILTERS else "open", kind=kind, theme=theme, flag=flag,
                         mine=mine == "1", q=q)


Filters = Annotated[queue.Filters, Depends(filters_of)]


async def _rows(request: Request, staff: Staff, services: ServicesDep, template: str, f: queue.Filters,
                ) -> HTMLResponse:
    def load(session: Session) -> tuple[list[Case], set[int]]:
        found = queue.search(session=session, filters=f, organisation_id=scope(staff), me=staff.user_id)
        return found, queue.failed_sends(session=session, found=found)

    found, failed = await read(services, load)
    return render(request, template, staff, cases=found, filters=f, now=utcnow(), flags=queue.FLAGS,
                  statuses=queue.STATUS_FILTERS, flags_of=lambda c: queue.flags_of(c, failed))


@router.get("/cases", response_class=HTMLResponse)
async def case_list(request: Request, staff: Cases, services: ServicesDep, filters: Filters) -> HTMLResponse:
    return await _rows(request, staff, services, "cases.html", filters)


@router.get("/cases/rows", response_class=HTMLResponse)
async def case_rows(request: Request, staff: Cases, services: ServicesDep, filters: Filters) -> HTMLResponse:
    """The queue's rows alone: the list page polls this, so new cases appear without a reload."""
    return await _rows(request, staff, services, "case_rows.html", filters)


@router.get("/cases/badge", response_class=HTMLResponse)
async def badge(request: Request, staff: Cases, services: ServicesDep) -> HTMLResponse:
    """How many new cases wait (the navigation shows it and polls it)."""
    count = await read(services, lambda session: queue.new_count(session=session, organisation_id=scope(staff)))
    return HTMLResponse(f'<span class="badge" aria-label="新規 {count}件">{count}</span>' if count else "")
