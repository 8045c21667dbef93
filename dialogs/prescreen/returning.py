"""A returning owner and the program's period, at the start of a pre-screening (issue 15, items 4 and 5). Pure.

The shell puts what the business's last application said in `Inbound.facts["known_business"]` (handoff/karte.py)
and the program year in `facts["program"]` (bot/program.py). A known owner is greeted by name and asked once
whether the last answers still hold (はい / 変更する); はい fills those slots, so only what may have changed is
asked. Outside the period (001 4(1)ア) the owner is told when applications open or that they closed, and the
pre-screening still takes their details for the desk (the case is flagged out_of_period)."""

from __future__ import annotations

from typing import Any

from dialogs import program
from dialogs.model import Choice, Choices, Inbound, Kind, Reply, Text
from dialogs.prescreen import texts
from dialogs.prescreen.slots_business import INDUSTRY, ORG
from dialogs.understand.signals import polarity

STAGE = "known"
KEEP, CHANGE = "ps:known:keep", "ps:known:change"
CHOICES = (Choice("はい", KEEP), Choice("変更する", CHANGE))


def _label(options: Any, key: Any) -> str:
    return options.items[key][0] if key in options.items else ""


def summary(fields: dict[str, Any]) -> str:
    """「菊陽菓子舗、製造業、従業員5名」: what the owner is asked to confirm, in their words."""
    parts = [str(fields.get("business_name") or ""), _label(INDUSTRY, fields.get("industry")) or "",
             f"従業員{fields['employees']}名" if fields.get("employees") is not None else "",
             _label(ORG, fields.get("org_type")) if not fields.get("business_name") else ""]
    return "、".join(p for p in parts if p)


def greeting(fields: dict[str, Any]) -> str:
    """By the name the owner gave on their last application (never the platform's display name)."""
    if fields.get("representative"):
        return f"{fields['representative']}様"
    return f"{fields['business_name']}様" if fields.get("business_name") else "こんにちは"


def offer(inbound: Inbound, slots: dict[str, Any]) -> tuple[Reply, ...] | None:
    """For a known owner: the greeting and the one question (the known answers wait in `_known`)."""
    known = inbound.facts.get("known_business") if hasattr(inbound.facts, "get") else None
    if not known or not known.get("fields"):
        return None
    fields = dict(known["fields"])
    slots["_known"] = fields
    return (Text(texts.RETURNING.format(name=greeting(fields))),
            Choices(texts.RETURNING_ASK.format(summary=summary(fields)), CHOICES))


def answer(inbound: Inbound, slots: dict[str, Any]) -> tuple[Reply, ...] | None:
    """はい: the known answers fill their slots; 変更する: asked anew. None when the answer was not read."""
    said = {KEEP: True, CHANGE: False}.get(inbound.data) if inbound.kind is Kind.POSTBACK else None
    if said is None and inbound.kind is Kind.TEXT:
        said = False if ("変更" in inbound.text or "変わ" in inbound.text) else polarity(inbound.text)
    if said is None:
        return None
    known = dict(slots.pop("_known", None) or {})
    if not said:
        return (Text(texts.RETURNING_CHANGE),)
    for key, value in known.items():
        slots.setdefault(key, value)
    if known.get("municipality"):
        slots.setdefault("in_kumamoto", True)  # it was in Kumamoto (its application was taken)
    if "employees" in known and "employees_range" not in known:
        slots["employees_range"] = [known["employees"], known["employees"]]
    slots["returning"] = True
    return (Text(texts.RETURNING_KEPT),)


def ask_again() -> tuple[Reply, ...]:
    return (Choices(texts.RETURNING_ASK.format(summary="前回のお申し込み"), CHOICES),)


def period_notice(inbound: Inbound, slots: dict[str, Any]) -> tuple[Reply, ...]:
    """Outside 4(1)ア: when applications open or that they closed (and the draft is flagged for the desk)."""
    known = program.of_facts(inbound.facts)
    if known is None:
        return ()
    year, today = known
    slots["_caps"] = {"visits": year.caps.visits, "hours_per_visit": year.caps.hours_per_visit,
                      "hours": year.caps.hours, "clause": year.caps.clause}
    where = year.period_of(today)
    if where is program.Period.OPEN:
        slots.pop("_out_of_period", None)
        return ()
    slots["_out_of_period"] = where.value
    template = texts.PERIOD_BEFORE if where is program.Period.BEFORE else texts.PERIOD_AFTER
    return (Text(template.format(name=year.name, start=program.wareki(year.start), end=program.wareki(year.end),
                                 clause=year.period_clause)),)
