"""The draft application laid out as 様式1 (専門家指導申請書): the sections the case page, the XLSX and the printout
share. Values are shown as the coordinator reads them (labels, not codes)."""

from __future__ import annotations

from typing import Any

from dialogs.eligibility import INDUSTRIES, ORG_TYPES
from dialogs.hours import JST
from dialogs.prescreen.slots_business import THEME
from dialogs.prescreen.slots_contact import MODE
from handoff.tables import Case

TITLE = "様式1 専門家指導申請書（下書き）"
LATER = "（後で担当者へ）"
Section = tuple[str, list[tuple[str, str]]]


def received_on(case: Case) -> str:
    """The day the desk received the case, as the form writes it (JST)."""
    return f"{case.created_at.astimezone(JST):%Y年%m月%d日}"


def _text(value: Any) -> str:
    return "—" if value in (None, "", []) else str(value)


def employees(f: dict[str, Any]) -> str:
    if f.get("employees") is not None:
        return f"{f['employees']}人"
    span = f.get("employees_range")
    if not span:
        return "—"
    return f"{span[0]}人以上" if span[1] is None else f"{span[0]}〜{span[1]}人"


def _later(f: dict[str, Any], key: str) -> str:
    return LATER if key in (f.get("missing") or []) else _text(f.get(key))


def _usage(f: dict[str, Any]) -> str:
    source = "（窓口の記録）" if f.get("usage_from_ledger") else ""
    if f.get("past_visits") is None and f.get("past_hours") is None:
        return ("不明" if f.get("usage_unknown") else "なし") + source
    hours = f.get("past_hours")
    shown = f"{hours:g}" if isinstance(hours, int | float) else "—"
    return f"{_text(f.get('past_visits'))}回・{shown}時間{source}"


def sections(case: Case) -> list[Section]:
    f = case.fields
    industry = INDUSTRIES.get(str(f.get("industry")))
    org = ORG_TYPES.get(str(f.get("org_type")))
    theme = THEME.items.get(str(f.get("theme")))
    mode = MODE.items.get(str(f.get("mode")))
    capital = f"{f['capital_yen']:,}円" if isinstance(f.get("capital_yen"), int) else "—"
    return [
        ("企業概要", [
            ("事業所名", _text(f.get("business_name"))), ("代表者", _text(f.get("representative"))),
            ("所在地", _text(f.get("municipality"))), ("事業の形態", org[0] if org else "—"),
            ("業種", industry.label if industry else "—"), ("従業員数", employees(f)), ("資本金", capital),
            ("所属の商工会・商工会議所", _text(f.get("shokokai"))), ("電話", _text(f.get("phone"))),
            ("メール", _text(f.get("email"))),
        ]),
        ("経営状況", [("事業の内容", _later(f, "business")), ("最近の経営状況", _later(f, "situation"))]),
        ("相談内容", [("ご相談内容", _text(f.get("problem")))]),
        ("希望する支援", [
            ("希望する専門家", _text(f.get("expert_name")) if f.get("expert_name") else "希望なし（窓口が選定）"),
            ("相談方法", mode[0] if mode else "—"), ("今年度の利用", _usage(f)),
        ]),
        ("テーマ", [("テーマ", theme[0] if theme else "—")]),
    ]
