"""What every webhook does after its own authentication and parsing: store the events (a duplicate is a no-op),
wake a worker, and let the channel acknowledge them (answers to Telegram's callback queries, LINE's loading)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from bot.channels.base import Malformed, Unauthenticated
from bot.pipeline.inbox import NewEvent, store_events
from bot.services import Services

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1_000_000  # the routes' max_body_size: counted while the body streams in, 413 beyond
Parse = Callable[[bytes, Request], list[NewEvent]]


async def receive(request: Request, services: Services, *, channel: str, enabled: bool, parse: Parse,
                  refused: int, headers_first: Callable[[Request], None] = lambda request: None) -> dict[str, int]:
    """A webhook: configured? → what the headers alone can authenticate → read the body (≤ 1 MB) → authenticate
    and parse (the channel's `parse`) → store → 200 (measured)."""
    started, status = time.perf_counter(), 500
    try:
        answer = await _receive(request, services, channel=channel, enabled=enabled, parse=parse, refused=refused,
                                headers_first=headers_first)
        status = 200
        return answer
    except HTTPException as exc:
        status = exc.status_code
        raise
    finally:
        services.metrics.webhook_requests.labels(channel.lower(), str(status)).inc()
        services.metrics.webhook_seconds.labels(channel.lower()).observe(time.perf_counter() - started)


async def _receive(request: Request, services: Services, *, channel: str, enabled: bool, parse: Parse,
                   refused: int, headers_first: Callable[[Request], None]) -> dict[str, int]:
    if not enabled:
        raise HTTPException(404, f"{channel} is not configured")
    try:
        headers_first(request)
        body = await request.body()
        events = parse(body, request)
    except Unauthenticated:
        log.warning("%s webhook refused: its signature or secret does not check out", channel)
        raise HTTPException(refused, "not authenticated") from None
    except Malformed:
        raise HTTPException(400, f"not a {channel} webhook body") from None
    return await ingest(services, events)


async def ingest(services: Services, events: list[NewEvent]) -> dict[str, int]:
    stored = await run_in_threadpool(store_events, session_factory=services.session_factory, events=events)
    for event in events[:1]:
        services.metrics.webhook_events.labels(event.channel, "stored").inc(stored)
        services.metrics.webhook_events.labels(event.channel, "duplicate").inc(len(events) - stored)
    if stored:
        services.pipeline.wake()
    services.pipeline.received(events)
    return {"received": len(events), "stored": stored}
