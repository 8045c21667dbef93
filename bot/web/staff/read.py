"""Reading for staff pages: a query in a worker thread on a reader connection, and the advisor's scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import HTTPException
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from bot.db.engine import reader
from bot.db.tables import utcnow
from bot.services import Services
from bot.staff import access_log
from bot.web.staff.security import Staff
from handoff.tables import Case

T = TypeVar("T")


async def read(services: Services, query: Callable[[Session], T]) -> T:
    """Run a read-only query in a worker thread (it never waits for the pipeline's writers)."""
    def run() -> T:
        with Session(reader(services.engine)) as session:
            return query(session)

    return await run_in_threadpool(run)


def scope(staff: Staff) -> int | None:
    """Advisors see their organisation's cases only (-1: an advisor without one sees none)."""
    return (staff.organisation_id or -1) if staff.role == "advisor" else None


def found(case: Case | None) -> Case:
    """The case, or a 404 (missing, or outside an advisor's organisation: the same answer, so nothing leaks)."""
    if case is None:
        raise HTTPException(404, "ケースが見つかりません")
    return case


async def viewed(services: Services, staff: Staff, reference: str | list[str], what: str) -> None:
    """Record that `staff` opened this case's (or these cases') personal data (the breach report reads it)."""
    def write() -> None:
        now = utcnow()
        with services.session_factory.begin() as session:
            for one in [reference] if isinstance(reference, str) else reference:
                access_log.record(session=session, staff_id=staff.user_id, email=staff.email, what=what,
                                  reference=one, now=now)

    await run_in_threadpool(write)
