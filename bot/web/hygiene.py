"""Input hygiene at the web edge: a form or query that carries NUL or other control characters is refused with a
clear answer (400) before any route runs; PostgreSQL never sees them and nothing answers 500."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dialogs.normalize import clean_text, has_control

MAX_FORM = 1_000_000
REFUSAL = "入力に使えない文字（制御文字）が含まれています。文字を確かめて、もう一度お送りください。"
FORM = b"application/x-www-form-urlencoded"


def clean_line(text: str) -> str:
    """A one-line value (a search box): no control characters, no line breaks."""
    return " ".join(clean_text(text).split())


def _bad(raw: bytes | str) -> bool:
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    try:
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return True
    # Forms send CR LF for line breaks; tab and LF are fine too. Anything else in C0/C1 is refused.
    return any(has_control(k) or has_control(v) for k, v in pairs)


class ControlCharacters:
    """Pure ASGI middleware: checks the query string and url-encoded form bodies (webhooks carry JSON and are
    cleaned where their messages become `Inbound`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _bad(scope.get("query_string", b"").decode("latin-1")):
            await _refuse(send)
            return
        headers = dict(scope.get("headers") or [])
        if not headers.get(b"content-type", b"").startswith(FORM):
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_FORM:
                break
        if _bad(body.decode("latin-1")):
            await _refuse(send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _refuse(send: Send) -> None:
    page = (f'<!doctype html><html lang="ja"><meta charset="utf-8"><title>入力を確かめてください</title>'
            f"<p>{REFUSAL}</p><p>ブラウザの「戻る」で前の画面に戻れます。</p></html>").encode()  # no script: CSP
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(page)).encode())]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": page})
