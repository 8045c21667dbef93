"""The confirmation card, the decisions (each with rule, clause and values) and the draft application."""

from __future__ import annotations

from typing import Any

from dialogs import eligibility
from dialogs.model import Card, Choice
from dialogs.prescreen import texts
from dialogs.prescreen.form import Slots
from dialogs.prescreen.slots_business import INDUSTRY, ORG, THEME, THEME_CLAUSE, size_of
from dialogs.prescreen.slots_contact import MODE
from dialogs.program import FALLBACK_CAPS, Caps

# What "修正する" clears, per group (a group's answers and what depends on them).
GROUP_KEYS: dict[str, tuple[str, ...]] = {
    "所在地": ("municipality", "in_kumamoto"),
    "事業の形態": ("org_type", "capital_yen", "capital_over"),
    "業種・規模": ("industry", "employees", "employees_range", "capital_yen", "capital_over"),
    "商工会・商工会議所": ("shokokai", "shokokai_status"),
    "テーマ": ("theme",),
    "ご相談内容": ("problem", "screened", "screened_kind", "request_scope_review"),
    "専門家のご希望": ("expert", "expert_name", "expert_relation"),
    "利用状況": ("usage", "past_visits", "past_hours", "usage_unknown", "usage_from_ledger"),
    "事業の内容": ("business", "business_later", "situation", "situation_later"),
    "連絡先": ("business_name", "representative", "phone", "email"),
    "相談方法": ("mode", "mode_default"),
}
EDIT_CHOICES = tuple(Choice(group, f"ps:edit:{i}") for i, group in enumerate(GROUP_KEYS))
CONFIRM_CHOICES = (Choice("送信する", "ps:confirm:send"), Choice("修正する", "ps:confirm:edit"),
                   Choice("やめる", "cmd:cancel"))


def _label(options: Any, key: str | None) -> str:
    return options.items[key][0] if key in options.items else "—"


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) and value else "?"


def _employees(slots: Slots) -> str:
    if slots.get("employees") is not None:
        return f"{slots['employees']}人"
    lo, hi = slots["employees_range"]
    return f"{lo}人以上" if hi is None else f"{lo}〜{hi}人"


def card(slots: Slots) -> Card:
    rows = [
        ("所在地", slots.get("municipality") or "熊本県内"),
        ("事業の形態", _label(ORG, slots.get("org_type"))),
        ("業種", _label(INDUSTRY, slots.get("industry"))),
        ("従業員", _employees(slots)),
    ]
    if "capital_over" in slots:
        rows.append(("資本金", f"{slots['capital_yen']:,}円" if slots.get("capital_yen") is not None else
                     ("基準を超える" if slots["capital_over"] else "基準以下")))
    rows += [
        ("商工会等", slots.get("shokokai") or {"none": "加入なし", "unknown": "わからない"}.get(
            slots.get("shokokai_status", ""), "—")),
        ("テーマ", _label(THEME, slots.get("theme"))),
        ("ご相談内容", slots.get("problem", "—")),
        ("専門家", slots.get("expert_name") or "希望なし"),
        ("今年度の利用", ("なし" if slots.get("usage") == "none" else
                    f"{slots.get('past_visits') or '?'}回 {_number(slots.get('past_hours'))}時間")
         + ("（窓口の記録）" if slots.get("usage_from_ledger") else "")),
        ("事業の内容", slots.get("business") or "後で担当者へ"),
        ("経営状況", slots.get("situation") or "後で担当者へ"),
        ("事業所名", slots.get("business_name", "—")),
        ("代表者", slots.get("representative", "—")),
        ("電話", slots.get("phone", "—")),
        ("メール", slots.get("email") or "なし"),
        ("相談方法", _label(MODE, slots.get("mode")) + (texts.MODE_DEFAULT_NOTE if slots.get("mode_default") else "")),
    ]
    return Card(texts.CONFIRM_TITLE, tuple(rows))


def caps_in(slots: Slots) -> Caps:
    """The program year's caps, as the pre-screening was told them at its start (prescreen/returning.py)."""
    given = slots.get("_caps")
    return Caps(**given) if isinstance(given, dict) else FALLBACK_CAPS


def decisions(slots: Slots) -> list[eligibility.Decision]:
    found = [
        eligibility.decide_location(slots.get("municipality"), bool(slots.get("in_kumamoto"))),
        eligibility.decide_org_type(slots["org_type"]),
        size_of(slots),
        eligibility.Decision("theme", "eligible", THEME_CLAUSE, {"theme": slots.get("theme")}),
        eligibility.decide_past_usage(slots.get("past_visits"), slots.get("past_hours"), caps_in(slots)),
    ]
    if slots.get("expert") == "named":
        found.append(eligibility.decide_expert(slots.get("expert_relation"), slots.get("expert_arranged")))
    if slots.get("request_scope_review"):
        found.append(eligibility.Decision("request_scope", "needs_review", "001 4(1)ク②",
                                          {"kind": slots.get("screened_kind")}, "言い換え後も対象外の可能性"))
    return found


def flags(slots: Slots, found: list[eligibility.Decision]) -> list[str]:
    by_rule = {d.rule: d for d in found}
    out = []
    if by_rule.get("expert_conflict") and by_rule["expert_conflict"].outcome != "eligible":
        out.append("conflict")
    if by_rule["past_usage"].outcome != "eligible":
        out.append("cap_reached")
    if any(v for k, v in slots.items() if k.endswith(("_later", "_unknown")) and not k.startswith("_")):
        out.append("missing_fields")
    if slots.get("request_scope_review"):
        out.append("request_scope")
    if slots.get("org_type") == "other":
        out.append("org_review")
    return out


def application(slots: Slots) -> dict[str, Any]:
    """The draft application (様式1 fields) with its decisions, outcome and flags."""
    found = decisions(slots)
    size = next(d for d in found if d.rule == "size_class")
    keys = ("municipality", "org_type", "industry", "employees", "employees_range", "capital_yen", "shokokai",
            "shokokai_status", "theme", "problem", "expert_name", "expert_relation", "past_visits", "past_hours",
            "business", "situation", "business_name", "representative", "phone", "email", "mode",
            "usage_from_ledger")
    return {k: slots.get(k) for k in keys} | {
        "kind": "application", "size_class": size.values["size_class"], "outcome": eligibility.overall(found),
        "flags": flags(slots, found), "missing": [k for k in ("business", "situation") if slots.get(f"{k}_later")],
        "decisions": [d.to_dict() for d in found],
    }
