"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bot.pipeline.turns import Dialog
from bot.services import build_services
from bot.settings import Settings, get_settings
from bot.web import health, trial, webhooks
from bot.web.headers import SecurityHeaders
from bot.web.hygiene import ControlCharacters
from bot.web.staff import (
    admin,
    case_experts,
    casework,
    desk_files,
    desk_tools,
    errors,
    experts,
    exports,
    faq,
    faq_misses,
    faq_yaml,
    karte,
    owner_data,
    owner_files,
    pages,
    queue,
    reports,
    seminar_desk,
    seminars,
)

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
MAX_BODY_BYTES = 3_000_000  # any request (staff forms: the FAQ YAML import is ≤ 2 MB); webhooks and /try/say less
DOCS = ("/docs", "/redoc")


def create_app(settings: Settings | None = None, *, dialog: Dialog | None = None) -> FastAPI:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.describe_channels()
        services = build_services(settings, dialog=dialog)
        app.state.services = services
        worker = None
        if settings.embedded_worker:
            with contextlib.suppress(Exception):  # an unreachable database: /readyz says so
                await asyncio.to_thread(services.pipeline.beat)
            worker = asyncio.create_task(services.pipeline.run())
        try:
            yield
        finally:
            services.pipeline.stop()
            if worker is not None:
                try:
                    await asyncio.wait_for(worker, 10)
                except (TimeoutError, asyncio.CancelledError):
                    log.warning("embedded worker did not stop within 10 s")
                except Exception:  # noqa: BLE001 - shutting down anyway
                    log.exception("embedded worker ended with an error")
            await services.aclose()

    docs = settings.api_docs  # the API's description is for development: off unless MADOGUCHI_API_DOCS
    app = FastAPI(title="madoguchi", version="0.1.0", lifespan=lifespan, max_body_size=MAX_BODY_BYTES,
                  docs_url=DOCS[0] if docs else None, redoc_url=DOCS[1] if docs else None,
                  openapi_url="/openapi.json" if docs else None)
    app.state.trial_limits = trial.TrialLimits(settings)
    app.include_router(health.router)
    app.include_router(webhooks.router)
    app.include_router(trial.router)
    app.include_router(pages.router)
    app.include_router(queue.router)  # before casework: /cases/rows is not a case reference
    app.include_router(exports.router)
    app.include_router(casework.router)
    app.include_router(case_experts.router)
    app.include_router(experts.router)
    app.include_router(karte.router)
    app.include_router(seminars.router)
    app.include_router(seminar_desk.router)
    app.include_router(owner_files.router)
    app.include_router(desk_files.router)
    app.include_router(owner_data.router)  # before admin: /admin/owner is not an admin page's id
    app.include_router(admin.router)
    app.include_router(faq_misses.router)  # before faq: /faq/misses and /faq/import are not entry ids
    app.include_router(faq_yaml.router)
    app.include_router(faq.router)
    app.include_router(reports.router)
    app.include_router(desk_tools.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.add_middleware(ControlCharacters)
    app.add_middleware(SecurityHeaders, relaxed=DOCS if docs else ())
    errors.install(app)
    return app
