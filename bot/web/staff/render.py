"""Server-rendered pages (Jinja2 + vendored HTMX; no external requests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from bot.staff import access
from bot.web.staff.security import Staff

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))
ROLE_LABELS = {"admin": "管理者", "coordinator": "コーディネーター", "editor": "FAQ編集者", "advisor": "経営指導員"}
templates.env.globals |= {"role_labels": ROLE_LABELS}


def render(request: Request, name: str, staff: Staff | None, status_code: int = 200, **context: Any) -> HTMLResponse:
    nav = access.navigation(staff.role) if staff else []
    return templates.TemplateResponse(request, name, {"staff": staff, "nav": nav, **context}, status_code=status_code)
