"""A coordinator corrects the draft (any field of dialogs/draft.FIELDS) or re-routes the case to another
商工会/商工会議所. Each is one transaction under the case's row lock, by the case's coordinator or an admin, audited
(field names and organisations, never the personal values), and the owner's own value of a corrected field is
kept on the case (`owner_fields`) and shown beside the correction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.staff import audit
from bot.staff.tables import Organisation, StaffUser
from dialogs import draft, eligibility
from handoff import lifecycle, relay
from handoff.tables import Case


class CorrectionError(ValueError):
    """A correction that cannot be made, with a message for the coordinator."""


def _may_edit(session: Session, case: Case, actor: StaffUser, what: str) -> Case:
    """The case row, locked, when the actor is its coordinator or an admin."""
    row = lifecycle.locked(session=session, case=case)
    if not actor.active or actor.role not in ("admin", "coordinator"):
        raise CorrectionError("コーディネーターか管理者だけが操作できます")
    if actor.role != "admin" and row.owner_id != actor.id:
        if row.owner_id is None:
            raise CorrectionError(f"先にこのケースの担当になってから{what}")
        raise CorrectionError(f"このケースの担当者か管理者だけが{what}")
    return row


def correct(*, session: Session, case: Case, key: str, typed: str, actor: StaffUser, now: datetime,
            address: str = "") -> str:
    """Set one draft field from what the coordinator typed; returns the field's label."""
    if case.kind != "application" and key not in ("business_name", "representative", "phone", "email",
                                                   "municipality", "shokokai"):
        raise CorrectionError("この種類のケースでは連絡先と事業所の項目だけを修正できます")
    try:
        value = draft.read(key, typed)
    except draft.Unreadable as exc:
        raise CorrectionError(str(exc)) from exc
    row = _may_edit(session, case, actor, "修正できます")
    label = draft.FIELDS[key].label
    before = row.fields.get(key)
    if before == value:
        raise CorrectionError(f"「{label}」は変わっていません")
    originals = dict(row.owner_fields or {})
    originals.setdefault(key, before)  # the owner's own value, kept however often it is corrected
    fields: dict[str, Any] = {**row.fields, key: value}
    if key in ("business", "situation") and value:
        fields["missing"] = [k for k in fields.get("missing") or [] if k != key]
    if key in ("past_visits", "past_hours"):  # the cap check (001 4(1)ク①) follows the corrected usage
        decision = eligibility.decide_past_usage(fields.get("past_visits"), fields.get("past_hours"))
        row.decisions = [d for d in row.decisions if d.get("rule") != "past_usage"] + [decision.to_dict()]
        row.flags = [f for f in row.flags if f != "cap_reached"] + (
            ["cap_reached"] if decision.outcome != "eligible" else [])
    if not fields.get("missing") and "missing_fields" in row.flags and key in ("business", "situation"):
        row.flags = [f for f in row.flags if f != "missing_fields"]
    row.fields, row.owner_fields, row.updated_at = fields, originals, now
    relay.note(session=session, case=row, direction="system", now=now, actor=actor.email,
               text=f"「{label}」を修正しました（事業者の入力は下書きの修正欄に残しています）")
    audit.record(session=session, action="case.correct", actor=actor, target=row.reference, address=address,
                 now=now, detail={"field": key, "label": label, "cleared": value is None})
    return label


def corrections(case: Case) -> list[tuple[str, str, str]]:
    """The corrected fields: (label, the owner's value, the value now), in the draft table's order."""
    originals = case.owner_fields or {}
    return [(spec.label, draft.shown(key, originals[key]), draft.shown(key, case.fields.get(key)))
            for key, spec in draft.FIELDS.items() if key in originals]


def reroute(*, session: Session, case: Case, organisation_id: int | None, actor: StaffUser, now: datetime,
            address: str = "") -> str:
    """Send the case to another 商工会/商工会議所 (or to none): its advisors see it, the previous one's no longer."""
    target = session.get(Organisation, organisation_id) if organisation_id else None
    if organisation_id and target is None:
        raise CorrectionError("その組織は登録されていません")
    row = _may_edit(session, case, actor, "回付先を変更できます")
    if row.organisation_id == (target.id if target else None):
        raise CorrectionError("回付先は変わっていません")
    before = session.get(Organisation, row.organisation_id) if row.organisation_id else None
    row.organisation_id, row.updated_at = (target.id if target else None), now
    name = target.name if target else "（なし）"
    relay.note(session=session, case=row, direction="system", now=now, actor=actor.email,
               text=f"回付先を {before.name if before else '（なし）'} から {name} に変更しました")
    audit.record(session=session, action="case.reroute", actor=actor, target=row.reference, address=address,
                 now=now, detail={"from": before.name if before else None, "to": target.name if target else None})
    return name
