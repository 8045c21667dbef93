"""Liveness, readiness and metrics."""

from __future__ import annotations

import hmac
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from bot import ops
from bot.db.tables import utcnow
from bot.metrics import CONTENT_TYPE
from bot.web.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "not ready: database, schema or worker"}})
async def readyz(services: ServicesDep) -> JSONResponse:
    """Ready when the database answers, its schema is at this code's head and some worker beat recently."""
    stale = timedelta(seconds=services.settings.heartbeat_stale_seconds)
    state = await run_in_threadpool(ops.readiness, engine=services.engine, now=utcnow(), stale=stale)
    return JSONResponse(state.to_dict(), status_code=200 if state.ready else 503)


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE: {}}}})
async def metrics(request: Request, services: ServicesDep) -> Response:
    """Prometheus exposition: this process's counters and the database's gauges."""
    token = services.settings.metrics_token
    given = request.headers.get("authorization", "")
    if token and not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return Response("unauthorised", status_code=401, media_type="text/plain")
    body = await run_in_threadpool(services.metrics.exposition)
    return Response(body, media_type=CONTENT_TYPE)
