"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from bot.db.engine import ping
from bot.web.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(services: ServicesDep) -> JSONResponse:
    ok = await run_in_threadpool(ping, services.engine)
    return JSONResponse({"status": "ready" if ok else "database unreachable"}, status_code=200 if ok else 503)
