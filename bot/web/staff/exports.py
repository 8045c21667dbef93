"""Exports: the queue as CSV, and one case's draft as 様式1 — an A4 print view (the browser prints it or saves a PDF)
and an XLSX workbook. Every download of case data is audited."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from bot.db.tables import utcnow
from bot.staff import access_log, audit
from bot.web.deps import ServicesDep
from bot.web.staff.queue import Filters
from bot.web.staff.read import found, read, scope, viewed
from bot.web.staff.render import render
from bot.web.staff.security import Staff, address_of, page, user_of
from handoff import cases, export, form1, queue, visits
from handoff import decide as decisions
from handoff.export import csv_rows as export_rows

router = APIRouter(tags=["cases"])
Cases = Annotated[Staff, Depends(page("cases"))]


@router.get("/cases/{reference}/form1.xlsx")
async def case_xlsx(reference: str, request: Request, staff: Cases, services: ServicesDep) -> Response:
    """The draft as 様式1 in XLSX (printable, A4); the export is audited."""
    def build() -> bytes:
        now = utcnow()
        with services.session_factory.begin() as session:
            case = found(cases.get_for(session=session, reference=reference, organisation_id=scope(staff)))
            audit.record(session=session, action="export", actor=user_of(session, staff), target=case.reference,
                         address=address_of(request), now=now, detail={"format": "xlsx"})
            access_log.record(session=session, staff_id=staff.user_id, email=staff.email, what="xlsx",
                              reference=case.reference, now=now)
            return export.form1_xlsx(case, visits.ledger(session=session, case=case), now)

    body = await run_in_threadpool(build)
    return Response(body, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"content-disposition": f'attachment; filename="{reference}-form1.xlsx"'})


@router.get("/cases/{reference}/form1", response_class=HTMLResponse)
async def case_print(reference: str, request: Request, staff: Cases, services: ServicesDep) -> HTMLResponse:
    """The draft as 様式1 on one A4 page, for the browser's print (or 「PDFに保存」)."""
    def load(session: Session) -> dict[str, Any]:
        case = found(cases.get_for(session=session, reference=reference, organisation_id=scope(staff)))
        return {"case": case, "sections": form1.sections(case), "visits": visits.ledger(session=session, case=case),
                "created": form1.received_on(case)}

    context = await read(services, load)
    await viewed(services, staff, context["case"].reference, "print")
    return render(request, "form1_print.html", staff, **context, title=form1.TITLE, modes=decisions.MODES)


@router.get("/cases.csv")
async def cases_csv(request: Request, staff: Annotated[Staff, Depends(page("cases_export"))],
                    services: ServicesDep, filters: Filters) -> Response:
    """The queue as CSV, with the same filters and order as the list (every matching case, not one page)."""
    def export() -> str:
        now = utcnow()
        with services.session_factory.begin() as session:
            rows = queue.matching(session=session, filters=filters, organisation_id=scope(staff), me=staff.user_id)
            audit.record(session=session, action="export", actor=None, actor_label=staff.email, target="cases.csv",
                         address=address_of(request), now=now,
                         detail={"rows": len(rows), "filters": filters.query(page=1)})
            for row in rows:  # every business in the file counts as viewed by this account (the breach report)
                access_log.record(session=session, staff_id=staff.user_id, email=staff.email, what="csv",
                                  reference=row.case.reference, now=now)
            out = io.StringIO()
            csv.writer(out).writerows(export_rows(rows))
        return out.getvalue()

    body = await run_in_threadpool(export)
    return Response("\ufeff" + body, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="cases.csv"'})
