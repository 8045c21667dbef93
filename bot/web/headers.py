"""Security headers on every response: a strict Content-Security-Policy (our own scripts only, never framed),
nosniff, a same-origin Referer, and no caching of anything but the static files (pages carry personal data)."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Scripts are files under /static (no inline script, no eval); inline style attributes are allowed.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",  # frame-ancestors for browsers that predate it
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000"
CACHEABLE = ("/static/",)


class SecurityHeaders:
    """Pure ASGI middleware. `relaxed` paths (the API docs, when they are on) load their own assets: no CSP there."""

    def __init__(self, app: ASGIApp, relaxed: tuple[str, ...] = ()) -> None:
        self.app = app
        self.relaxed = relaxed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                if not (self.relaxed and path.startswith(self.relaxed)):
                    headers.setdefault("content-security-policy", CSP)
                if not path.startswith(CACHEABLE):
                    headers["cache-control"] = "no-store"
                if scope.get("scheme") == "https":
                    headers.setdefault("strict-transport-security", HSTS)
            await send(message)

        await self.app(scope, receive, with_headers)
