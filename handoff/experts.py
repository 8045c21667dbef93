"""The expert registry the desk maintains: who the experts are, what they cover (the themes of 001 別紙1 ①〜⑧), where
and how they work, and who recommended them (002 専門家の登録要件: 推薦機関, shown on the profile). Every add and edit
is audited with what changed. Search by theme and area runs in SQL on the derived ",key," columns."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.staff import audit
from bot.staff.tables import StaffUser
from dialogs.prescreen.places import KUMAMOTO, locate
from handoff.tables import Case, Expert, ExpertEvaluation, Visit

# 001 別紙1 (講習会テーマ): ①〜⑤ are the dispatch themes the pre-screening uses (dialogs/prescreen THEME keys).
THEMES: dict[str, str] = {
    "it_tools": "① ITツールの活用", "d2c_ec": "② D2C・EC", "sns": "③ SNSでの発信・集客",
    "cashless": "④ キャッシュレス化", "dx_other": "⑤ その他デジタル化・DX", "support_schemes": "⑥ 国や県の支援制度",
    "startup": "⑦ 創業支援", "other": "⑧ その他",
}
WHOLE_PREFECTURE = "県内全域"
AREAS = (WHOLE_PREFECTURE, *KUMAMOTO)
# How the audit trail of an expert reads on their page (field → Japanese label; values as the desk typed them).
FIELD_LABELS = {"name": "氏名", "affiliation": "所属", "qualifications": "保有資格", "fields": "対応分野",
                "areas": "対応地域", "online": "オンライン", "onsite": "訪問", "availability": "対応できる時期",
                "recommended_by": "推薦機関", "active": "登録中"}


def describe(detail: dict[str, object] | None, *, changes: bool) -> list[tuple[str, str]]:
    """An audit row's detail as (label, value) pairs: 「所属：山田ECラボ」, or for an edit 「所属：A → B」."""
    def show(value: object) -> str:
        if isinstance(value, bool):
            return "はい" if value else "いいえ"
        if isinstance(value, list | tuple):
            return "、".join(str(v) for v in value) or "—"
        return str(value) if value not in (None, "") else "—"

    out = []
    for key, value in (detail or {}).items():
        label = FIELD_LABELS.get(key, key)
        if changes and isinstance(value, list) and len(value) == 2:
            out.append((label, f"{show(value[0])} → {show(value[1])}"))
        else:
            out.append((label, show(value)))
    return out


EDITABLE = ("name", "affiliation", "qualifications", "fields", "areas", "online", "onsite", "availability",
            "recommended_by", "active")
_SPLIT = re.compile(r"[、,，\s/／・]+")


class ExpertError(ValueError):
    """An entry the registry refuses, with a message for the desk."""


@dataclass(frozen=True)
class ExpertIn:
    """What the add/edit form sends, checked."""

    name: str
    affiliation: str = ""
    qualifications: str = ""
    fields: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    online: bool = True
    onsite: bool = True
    availability: str = ""
    recommended_by: str = ""
    active: bool = True

    def values(self) -> dict[str, Any]:
        return {"name": self.name, "affiliation": self.affiliation, "qualifications": self.qualifications,
                "fields": list(self.fields), "areas": list(self.areas), "online": self.online, "onsite": self.onsite,
                "availability": self.availability, "recommended_by": self.recommended_by, "active": self.active}


def area_named(word: str) -> str:
    """A municipality as typed (「菊陽」「きくようまち」「熊本市中央区」) → its name; 県内全域 as is; else the word."""
    word = unicodedata.normalize("NFKC", word).strip()
    if word in AREAS or not word:
        return word
    found = locate(word)
    return found[0] if found and found[0] and found[1] else word


def areas_of(text: str) -> tuple[str, ...]:
    """「菊陽町、大津 合志市」 → the areas named, in order (unknown words are refused by `checked`)."""
    words = [area_named(w) for w in _SPLIT.split(text or "")]
    return tuple(dict.fromkeys(w for w in words if w))


def checked(*, name: str, affiliation: str = "", qualifications: str = "", fields: list[str] | tuple[str, ...] = (),
            areas: str = "", online: bool = True, onsite: bool = True, availability: str = "",
            recommended_by: str = "", active: bool = True) -> ExpertIn:
    """The form's values, or ExpertError saying what to fix."""
    clean = {k: unicodedata.normalize("NFKC", v).strip() for k, v in
             {"name": name, "affiliation": affiliation, "qualifications": qualifications,
              "availability": availability, "recommended_by": recommended_by}.items()}
    if not clean["name"]:
        raise ExpertError("氏名を入力してください")
    if not clean["recommended_by"]:
        raise ExpertError("推薦機関を入力してください（専門家は推薦機関からの推薦が必要です：002 専門家の登録要件）")
    unknown_fields = [f for f in fields if f not in THEMES]
    if unknown_fields or not fields:
        raise ExpertError("対応分野（テーマ）を1つ以上選んでください")
    named = areas_of(areas)
    unknown = [a for a in named if a not in AREAS]
    if unknown:
        raise ExpertError(f"対応地域に県内の市町村名か「{WHOLE_PREFECTURE}」を入力してください"
                          f"（不明：{'、'.join(unknown)}）")
    if not named:
        raise ExpertError(f"対応地域を入力してください（市町村名、または「{WHOLE_PREFECTURE}」）")
    if not (online or onsite):
        raise ExpertError("対応方法（訪問・オンライン）を1つ以上選んでください")
    limits = {"name": 100, "affiliation": 200, "qualifications": 500, "availability": 500, "recommended_by": 200}
    too_long = [k for k, n in limits.items() if len(clean[k]) > n]
    if too_long:
        raise ExpertError("入力が長すぎます")
    ordered = tuple(k for k in THEMES if k in fields)
    return ExpertIn(clean["name"], clean["affiliation"], clean["qualifications"], ordered, named, online, onsite,
                    clean["availability"], clean["recommended_by"], active)


def target(expert: Expert) -> str:
    """The audit log's name for an expert."""
    return f"expert:{expert.id}"


def create(*, session: Session, data: ExpertIn, actor: StaffUser, now: datetime, address: str = "") -> Expert:
    """Add an expert (audited with every value)."""
    expert = Expert(**data.values(), created_at=now, updated_at=now)
    session.add(expert)
    session.flush()
    audit.record(session=session, action="expert.create", actor=actor, target=target(expert), address=address,
                 now=now, detail=data.values())
    return expert


def update(*, session: Session, expert: Expert, data: ExpertIn, actor: StaffUser, now: datetime,
           address: str = "") -> dict[str, list[Any]]:
    """Change an expert; the audit row records each changed field as [before, after]. Returns the changes."""
    changes: dict[str, list[Any]] = {}
    for key, value in data.values().items():
        before = getattr(expert, key)
        if (list(before) if isinstance(before, list) else before) != value:
            changes[key] = [before, value]
            setattr(expert, key, value)
    if changes:
        expert.updated_at = now
        audit.record(session=session, action="expert.update", actor=actor, target=target(expert), address=address,
                     now=now, detail=changes)
    return changes


def get(*, session: Session, expert_id: int) -> Expert | None:
    return session.get(Expert, expert_id)


def search(*, session: Session, theme: str = "", area: str = "", text: str = "", mode: str = "",
           active_only: bool = True, limit: int = 200) -> list[Expert]:
    """Experts for a theme and an area (one who covers 県内全域 covers every area), optionally by name,
    affiliation or qualification, and by mode (visit: on-site, online)."""
    stmt = select(Expert).order_by(Expert.name, Expert.id).limit(limit)
    if active_only:
        stmt = stmt.where(Expert.active.is_(True))
    if theme:
        stmt = stmt.where(Expert.field_list.contains(f",{theme},", autoescape=True))
    area = area_named(area)
    if area:
        stmt = stmt.where(or_(Expert.area_list.contains(f",{area},", autoescape=True),
                              Expert.area_list.contains(f",{WHOLE_PREFECTURE},", autoescape=True)))
    if mode == "visit":
        stmt = stmt.where(Expert.onsite.is_(True))
    elif mode == "online":
        stmt = stmt.where(Expert.online.is_(True))
    words = unicodedata.normalize("NFKC", text or "").strip()
    if words:
        stmt = stmt.where(or_(*(column.contains(words, autoescape=True) for column in (
            Expert.name, Expert.affiliation, Expert.qualifications, Expert.recommended_by))))
    return list(session.scalars(stmt))


def cases_of(*, session: Session, expert: Expert, organisation_id: int | None = None) -> list[Case]:
    """The applications approved with this expert (an advisor's view: their organisation's only)."""
    stmt = select(Case).where(Case.expert_id == expert.id).order_by(Case.created_at.desc(), Case.id.desc())
    if organisation_id is not None:
        stmt = stmt.where(Case.organisation_id == organisation_id)
    return list(session.scalars(stmt))


def visits_of(*, session: Session, expert: Expert, organisation_id: int | None = None) -> list[tuple[Visit, str]]:
    """(visit, case reference) for every visit this expert made, newest first."""
    stmt = (select(Visit, Case.reference).join(Case, Case.id == Visit.case_id).where(Visit.expert_id == expert.id)
            .order_by(Visit.visited_on.desc(), Visit.id.desc()))
    if organisation_id is not None:
        stmt = stmt.where(Case.organisation_id == organisation_id)
    return [(v, ref) for v, ref in session.execute(stmt).all()]


def evaluations_of(*, session: Session, expert: Expert, staff_user_id: int | None = None
                   ) -> list[tuple[ExpertEvaluation, str]]:
    """(evaluation, case reference), newest first; for an advisor only the ones they gave."""
    stmt = (select(ExpertEvaluation, Case.reference).join(Case, Case.id == ExpertEvaluation.case_id)
            .where(ExpertEvaluation.expert_id == expert.id)
            .order_by(ExpertEvaluation.created_at.desc(), ExpertEvaluation.id.desc()))
    if staff_user_id is not None:
        stmt = stmt.where(ExpertEvaluation.staff_user_id == staff_user_id)
    return [(e, ref) for e, ref in session.execute(stmt).all()]
