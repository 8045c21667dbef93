"""The draft application (様式1) as one type with one label table: what the pre-screening files, what a coordinator
may correct on the case page, and how each field is read from what they type. Pure (no I/O)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any, TypedDict

from dialogs.eligibility import INDUSTRIES, ORG_TYPES
from dialogs.parsing import parse_email, parse_headcount, parse_phone, parse_yen
from dialogs.prescreen.slots_business import THEME
from dialogs.prescreen.slots_contact import MODE


class Draft(TypedDict, total=False):
    """The fields of a draft application as stored on the case (`handoff_case.fields`)."""

    municipality: str | None
    org_type: str | None  # ORG_TYPES key
    industry: str | None  # INDUSTRIES key
    employees: int | None
    employees_range: list[int | None] | None
    capital_yen: int | None
    shokokai: str | None
    shokokai_status: str | None  # member | none | unknown
    theme: str | None  # THEME key
    problem: str | None
    expert_name: str | None
    expert_relation: str | None
    past_visits: int | None
    past_hours: float | None
    business: str | None
    situation: str | None
    business_name: str | None
    representative: str | None
    phone: str | None
    email: str | None
    mode: str | None  # MODE key
    usage_from_ledger: bool | None
    size_class: str | None
    missing: list[str]


@dataclass(frozen=True)
class Field:
    """One field: its label (様式1's words), how it is typed, its choices (key → label) and its longest text."""

    label: str
    kind: str = "text"  # text | long | count | hours | yen | phone | email | choice
    choices: dict[str, str] = field(default_factory=dict)
    longest: int = 200


FIELDS: dict[str, Field] = {
    "business_name": Field("事業所名"),
    "representative": Field("代表者", longest=100),
    "municipality": Field("所在地", longest=50),
    "org_type": Field("事業の形態", "choice", {k: v[0] for k, v in ORG_TYPES.items()}),
    "industry": Field("業種", "choice", {k: v.label for k, v in INDUSTRIES.items()}),
    "employees": Field("従業員数", "count"),
    "capital_yen": Field("資本金", "yen"),
    "shokokai": Field("所属の商工会・商工会議所", longest=100),
    "phone": Field("電話", "phone", longest=30),
    "email": Field("メール", "email", longest=254),
    "business": Field("事業の内容", "long", longest=2000),
    "situation": Field("最近の経営状況", "long", longest=2000),
    "problem": Field("ご相談内容", "long", longest=2000),
    "expert_name": Field("希望する専門家", longest=100),
    "mode": Field("相談方法", "choice", {k: v[0] for k, v in MODE.items.items()}),
    "past_visits": Field("今年度の利用回数", "count"),
    "past_hours": Field("今年度の利用時間", "hours"),
    "theme": Field("テーマ", "choice", {k: v[0] for k, v in THEME.items.items()}),
}


class Unreadable(ValueError):
    """A correction that cannot be read, with a message for the coordinator."""


def _clean(text: str) -> str:
    """NFC text without control characters (a newline stays in long texts)."""
    return "".join(c for c in unicodedata.normalize("NFC", text)
                   if c == "\n" or unicodedata.category(c) not in ("Cc", "Cf")).strip()


def read(key: str, typed: str) -> Any:
    """The value a coordinator's typed correction gives `key` (empty clears it), or Unreadable saying why."""
    spec = FIELDS.get(key)
    if spec is None:
        raise Unreadable("修正する項目を選んでください")
    text = _clean(typed)
    if len(text) > spec.longest:
        raise Unreadable(f"「{spec.label}」は{spec.longest}文字までです")
    if not text:
        return None
    if spec.kind == "choice":
        chosen = text if text in spec.choices else next((k for k, v in spec.choices.items() if v == text), None)
        if chosen is None:
            raise Unreadable(f"「{spec.label}」は {'・'.join(spec.choices.values())} から選んでください")
        return chosen
    if spec.kind in ("count", "yen", "hours"):
        half = unicodedata.normalize("NFKC", text)
        value: Any
        if spec.kind == "count":
            value = parse_headcount(half) if not half.isdigit() else int(half)
        elif spec.kind == "yen":
            value = parse_yen(half) if not half.isdigit() else int(half)
        else:
            try:
                value = float(half.removesuffix("時間"))
            except ValueError:
                value = None
            value = int(value) if value is not None and value.is_integer() else value
        if value is None or value < 0:
            raise Unreadable(f"「{spec.label}」は数で入力してください（例：{'3' if spec.kind != 'yen' else '300万'}）")
        return value
    if spec.kind == "phone":
        phone = parse_phone(text)
        if phone is None:
            raise Unreadable("電話番号として読めませんでした（例：096-123-4567）")
        return phone
    if spec.kind == "email":
        email = parse_email(text)
        if email is None:
            raise Unreadable("メールアドレスとして読めませんでした")
        return email
    return text


def shown(key: str, value: Any) -> str:
    """A field's value as the desk reads it (labels, not codes)."""
    spec = FIELDS.get(key)
    if value in (None, "", []):
        return "—"
    if spec is None:
        return str(value)
    if spec.kind == "choice":
        return spec.choices.get(str(value), str(value))
    if spec.kind == "count":
        return f"{value}{'人' if key == 'employees' else '回'}"
    if spec.kind == "yen":
        return f"{value:,}円" if isinstance(value, int) else str(value)
    if spec.kind == "hours":
        return f"{value:g}時間" if isinstance(value, int | float) else str(value)
    return str(value)
