"""The draft application laid out as 様式1 (専門家指導申請書): the sections the case page, the XLSX and the printout
share. Values are shown as the coordinator reads them (labels, not codes)."""

from __future__ import annotations

from typing import Any

from dialogs import draft
from dialogs.hours import JST
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
    """The sections of 様式1, labelled and shown by the one draft table (dialogs/draft.py)."""
    f = case.fields

    def row(key: str) -> tuple[str, str]:
        return draft.FIELDS[key].label, draft.shown(key, f.get(key))

    return [
        ("企業概要", [
            row("business_name"), row("representative"), row("municipality"), row("org_type"), row("industry"),
            (draft.FIELDS["employees"].label, employees(f)), row("capital_yen"), row("shokokai"), row("phone"),
            row("email"),
        ]),
        ("経営状況", [(draft.FIELDS["business"].label, _later(f, "business")),
                   (draft.FIELDS["situation"].label, _later(f, "situation"))]),
        ("相談内容", [row("problem")]),
        ("希望する支援", [
            (draft.FIELDS["expert_name"].label,
             _text(f.get("expert_name")) if f.get("expert_name") else "希望なし（窓口が選定）"),
            row("mode"), ("今年度の利用", _usage(f)),
        ]),
        ("テーマ", [row("theme")]),
    ]
