"""The platforms' webhooks, from one table: authenticate → parse → store (dedupe) → 200. Turns happen later."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request

from bot.channels import line_webhook, telegram_webhook
from bot.pipeline.inbox import NewEvent
from bot.settings import Settings
from bot.web.deps import ServicesDep
from bot.web.ingest import MAX_BODY_BYTES, receive


@dataclass(frozen=True)
class Webhook:
    channel: str
    path: str
    refused: int  # the status for a bad signature / secret
    enabled: Callable[[Settings], bool]
    parse: Callable[[Settings, bytes, Request], list[NewEvent]]
    headers_first: Callable[[Settings, Request], None] = lambda s, req: None  # raises Unauthenticated


WEBHOOKS = (
    Webhook("LINE", "/webhooks/line", 401, lambda s: s.line_enabled,
            lambda s, body, req: line_webhook.parse(s.line_channel_secret or "", body,
                                                    req.headers.get("x-line-signature"))),
    Webhook("Telegram", "/webhooks/telegram", 403, lambda s: s.telegram_enabled,
            lambda s, body, req: telegram_webhook.parse(s.telegram_secret_token or "",
                                                        req.headers.get("x-telegram-bot-api-secret-token"), body),
            # the secret is a header: checked before a byte of the body is read
            lambda s, req: telegram_webhook.verify(s.telegram_secret_token or "",
                                                   req.headers.get("x-telegram-bot-api-secret-token"))),
)
router = APIRouter(tags=["webhooks"])


def _route(hook: Webhook) -> Callable[..., Any]:
    async def webhook(request: Request, services: ServicesDep) -> dict[str, int]:
        settings = services.settings
        return await receive(request, services, channel=hook.channel, enabled=hook.enabled(settings),
                             refused=hook.refused, parse=lambda body, req: hook.parse(settings, body, req),
                             headers_first=lambda req: hook.headers_first(settings, req))

    webhook.__name__ = f"{hook.channel.lower()}_webhook"
    return webhook


for _hook in WEBHOOKS:
    _responses: dict[int | str, dict[str, Any]] = {
        _hook.refused: {"description": "not authenticated"}, 400: {"description": "bad body"},
        413: {"description": "body too large"}}
    router.add_api_route(_hook.path, _route(_hook), methods=["POST"], name=f"{_hook.channel.lower()}_webhook",
                         responses=_responses, max_body_size=MAX_BODY_BYTES)
