"""POST /webhooks/line: verify → parse → store (dedupe) → 200. The turn happens later, in the worker."""

from __future__ import annotations

import logging

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from bot.channels import line_webhook
from bot.pipeline.inbox import store_events
from bot.web.deps import ServicesDep

log = logging.getLogger(__name__)
router = APIRouter(tags=["webhooks"])
MAX_BODY_BYTES = 1_000_000


@router.post("/webhooks/line", responses={401: {"description": "bad signature"}, 400: {"description": "bad body"}})
async def line_webhook_route(request: Request, services: ServicesDep) -> dict[str, int]:
    secret = services.settings.line_channel_secret
    if not services.settings.line_enabled or secret is None:
        raise HTTPException(404, "LINE is not configured")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise HTTPException(413, "body too large")
    try:
        events = line_webhook.parse(secret, body, request.headers.get("x-line-signature"))
    except line_webhook.BadSignature:
        log.warning("LINE webhook with a missing or wrong signature refused")
        raise HTTPException(401, "invalid signature") from None
    except line_webhook.BadBody:
        raise HTTPException(400, "not a LINE webhook body") from None
    stored = await run_in_threadpool(store_events, session_factory=services.session_factory, events=events)
    if stored:
        services.pipeline.wake()
    for event in events:
        if event.inbound is not None and event.reply_token:
            services.pipeline.expect_replies(event.channel, event.user_id, [event.event_key])
    return {"received": len(events), "stored": stored}
