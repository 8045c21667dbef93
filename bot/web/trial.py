"""GET /try: a local web chat with the same bot. POST /try/say: one message in, the bot's replies out.

Anyone who can reach the server can talk here, so the page is off unless `MADOGUCHI_TRIAL_ENABLED` (on in `make
run`), each message is small (a body over 8 KB is refused while it streams in), messages are rate-limited per
client address and for everybody together, and the conversations are trials: their cases are marked, hidden from
the queue by default and never mailed.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from bot.pipeline.trial import converse
from bot.settings import Settings
from bot.web.deps import ServicesDep
from bot.web.limits import TokenBuckets, client_key
from dialogs.model import Kind

COOKIE = "madoguchi_try"
PAGE = (Path(__file__).parent / "templates" / "try.html").read_text(encoding="utf-8")
MAX_BODY_BYTES = 8_192  # a message of ~2,000 characters; counted while the body streams in (413 beyond)
BUSY = "ただいま混み合っています。しばらく時間をおいてから、もう一度お送りください。"
EVERYONE = "*"


class TrialLimits:
    """The token buckets of one process: per client address, and one shared by every address."""

    def __init__(self, settings: Settings) -> None:
        self.per_address = TokenBuckets(per_minute=settings.trial_per_address_per_minute,
                                        burst=settings.trial_per_address_burst)
        self.everyone = TokenBuckets(per_minute=settings.trial_all_per_minute, burst=settings.trial_all_burst)

    def allow(self, address: str) -> bool:
        return self.per_address.take(client_key(address)) and self.everyone.take(EVERYONE)


def _enabled(request: Request, services: ServicesDep) -> None:
    if not services.settings.trial_enabled:
        raise HTTPException(404, "Not Found")


def _limited(request: Request, services: ServicesDep) -> None:
    """One token per message from this client address (the proxy's X-Forwarded-For when it is trusted)."""
    _enabled(request, services)
    limits: TrialLimits = request.app.state.trial_limits
    if not limits.allow(request.client.host if request.client else ""):
        raise HTTPException(429, BUSY, headers={"Retry-After": "10"})


router = APIRouter(tags=["trial"])


class Say(BaseModel):
    text: str = Field(default="", max_length=2_000)
    data: str = Field(default="", max_length=300)
    start: bool = False


class Said(BaseModel):
    replies: list[dict[str, Any]]


@router.get("/try", response_class=HTMLResponse, dependencies=[Depends(_enabled)])
async def try_page() -> HTMLResponse:
    return HTMLResponse(PAGE)


def _kind(say: Say) -> Kind:
    if say.start:
        return Kind.FOLLOW
    return Kind.POSTBACK if say.data else Kind.TEXT


@router.post("/try/say", dependencies=[Depends(_limited)], max_body_size=MAX_BODY_BYTES,
             responses={413: {"description": "body too large"}, 429: {"description": "too many messages"}})
async def try_say(say: Say, request: Request, response: Response, services: ServicesDep) -> Said:
    user = request.cookies.get(COOKIE) or secrets.token_urlsafe(16)
    response.set_cookie(COOKIE, user[:64], httponly=True, samesite="lax", max_age=30 * 86400)
    replies = await run_in_threadpool(
        converse, services.pipeline.turns, channel="web", user_id=user[:64], kind=_kind(say), text=say.text,
        data=say.data,
    )
    return Said(replies=replies)
