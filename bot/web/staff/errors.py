"""Errors as pages for people: 401 shows the login form, 403/404 a short explanation (JSON for the API)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from bot.web.staff.render import render
from bot.web.staff.security import LoginRequired

TITLES = {403: "権限がありません", 404: "見つかりません", 429: "しばらくお待ちください"}


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "") and not request.url.path.startswith(("/webhooks", "/try"))


def install(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return render(request, "login.html", None, status_code=401, error="ログインしてください。")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code in TITLES and _wants_html(request):
            return render(request, "error.html", None, status_code=exc.status_code, status=exc.status_code,
                          title=TITLES[exc.status_code], detail=exc.detail)
        return await http_exception_handler(request, exc)
