"""Server-rendered pages (Jinja2 + vendored HTMX; no external requests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from bot.staff import access
from bot.web.staff.security import Staff
from handoff.decide import REJECT_REASONS
from handoff.queue import waiting
from handoff.visits import JST, hours

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))
ROLE_LABELS = {"admin": "管理者", "coordinator": "コーディネーター", "editor": "FAQ編集者", "advisor": "経営指導員"}
LABELS = {
    # case status
    "new": "新規", "claimed": "対応中", "person": "担当者対応中", "approved": "承認", "rejected": "否決",
    "routed": "窓口相談へ", "closed": "完了", "in_support": "支援中", "resolved": "対応済み",
    # outcome and kind
    "eligible": "対象", "needs_review": "要確認", "not_eligible": "対象外",
    "application": "派遣申請", "callback": "担当者と話したい", "question": "質問",
    # size class and theme
    "small": "小規模", "medium": "中小", "large": "大企業", "unknown": "不明",
    "it_tools": "ITツール", "d2c_ec": "EC・D2C", "sns": "SNS", "cashless": "キャッシュレス", "dx_other": "その他DX",
}
templates.env.globals |= {"role_labels": ROLE_LABELS, "reject_reasons": REJECT_REASONS, "waiting": waiting}
templates.env.filters["hours"] = hours  # minutes → "1.5"
templates.env.filters["jst"] = lambda at, fmt="%Y-%m-%d %H:%M": at.astimezone(JST).strftime(fmt) if at else "—"
templates.env.filters["ja"] = lambda value: LABELS.get(value, value) if isinstance(value, str) else value


def render(request: Request, name: str, staff: Staff | None, status_code: int = 200, **context: Any) -> HTMLResponse:
    nav = access.navigation(staff.role) if staff else []
    return templates.TemplateResponse(request, name, {"staff": staff, "nav": nav, **context}, status_code=status_code)
