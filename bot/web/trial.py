"""GET /try: a local web chat with the same bot. POST /try/say: one message in, the bot's replies out."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from bot.pipeline.trial import converse
from bot.web.deps import ServicesDep
from dialogs.model import Kind

router = APIRouter(tags=["trial"])
COOKIE = "madoguchi_try"
PAGE = (Path(__file__).parent / "templates" / "try.html").read_text(encoding="utf-8")


class Say(BaseModel):
    text: str = Field(default="", max_length=10_000)
    data: str = Field(default="", max_length=300)
    start: bool = False


class Said(BaseModel):
    replies: list[dict[str, Any]]


@router.get("/try", response_class=HTMLResponse)
async def try_page() -> HTMLResponse:
    return HTMLResponse(PAGE)


def _kind(say: Say) -> Kind:
    if say.start:
        return Kind.FOLLOW
    return Kind.POSTBACK if say.data else Kind.TEXT


@router.post("/try/say")
async def try_say(say: Say, request: Request, response: Response, services: ServicesDep) -> Said:
    user = request.cookies.get(COOKIE) or secrets.token_urlsafe(16)
    response.set_cookie(COOKIE, user, httponly=True, samesite="lax", max_age=30 * 86400)
    replies = await run_in_threadpool(
        converse, services.pipeline.turns, channel="web", user_id=user, kind=_kind(say), text=say.text,
        data=say.data,
    )
    return Said(replies=replies)
