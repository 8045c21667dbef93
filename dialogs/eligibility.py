"""The program's eligibility rules, each decision with its trace (rule, seed clause, values used).

Sources: seed 001 = 令和7年度 実施要領 (熊本県商工会連合会); seed 004 = 中小企業・小規模事業者の範囲 (the size table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dialogs.program import FALLBACK_CAPS, Caps


@dataclass(frozen=True)
class Row:
    """One row of the size table: SME ceilings (capital OR headcount) and the small-business headcount."""

    label: str
    capital_max: int
    employees_max: int
    small_max: int
    clause: str


OKU, MAN = 100_000_000, 10_000
INDUSTRIES: dict[str, Row] = {
    "manufacturing": Row("製造業", 3 * OKU, 300, 20, "004 中小企業の範囲①・小規模事業者（製造業その他）"),
    "construction": Row("建設業", 3 * OKU, 300, 20, "004 中小企業の範囲①・小規模事業者（製造業その他）"),
    "transport": Row("運輸業", 3 * OKU, 300, 20, "004 中小企業の範囲①・小規模事業者（製造業その他）"),
    "wholesale": Row("卸売業", 1 * OKU, 100, 5, "004 中小企業の範囲②・小規模事業者（商業・サービス業）"),
    "service": Row("サービス業", 5000 * MAN, 100, 5, "004 中小企業の範囲③・小規模事業者（商業・サービス業）"),
    "retail": Row("小売業", 5000 * MAN, 50, 5, "004 中小企業の範囲④・小規模事業者（商業・サービス業）"),
    "rubber": Row("ゴム製品製造業", 3 * OKU, 900, 20, "004 中小企業の範囲⑤・小規模事業者（製造業その他）"),
    "software": Row("ソフトウェア業・情報処理サービス業", 3 * OKU, 300, 5,
                    "004 中小企業の範囲⑥・小規模事業者（商業・サービス業）"),
    "accommodation": Row("旅館業・宿泊業", 5000 * MAN, 200, 20, "004 中小企業の範囲⑦・小規模事業者（宿泊業・娯楽業）"),
    "entertainment": Row("娯楽業", 5000 * MAN, 100, 20, "004 中小企業の範囲③・小規模事業者（宿泊業・娯楽業）"),
    "other": Row("その他の業種", 3 * OKU, 300, 20, "004 中小企業の範囲⑧・小規模事業者（製造業その他）"),
}


def size_class(industry: str, employees: int | None, capital_yen: int | None) -> str:
    """'small', 'medium', 'large' or 'unknown' per the size table (boundaries inclusive, 以下).

    Small business (小規模事業者) is decided by headcount alone. An SME holds if capital OR headcount is within its
    row; 'large' needs both known and both over; anything else undecided is 'unknown'.
    """
    row = INDUSTRIES.get(industry)
    if row is None:
        raise ValueError(f"unknown industry {industry!r}; one of {sorted(INDUSTRIES)}")
    if (employees is not None and employees < 0) or (capital_yen is not None and capital_yen < 0):
        raise ValueError("employees and capital cannot be negative")
    if employees is not None and employees <= row.small_max:
        return "small"
    if (employees is not None and employees <= row.employees_max) or (
        capital_yen is not None and capital_yen <= row.capital_max
    ):
        return "medium"
    if employees is not None and capital_yen is not None:
        return "large"
    return "unknown"


@dataclass(frozen=True)
class Decision:
    """One rule applied: what it decided, from which clause, on which values."""

    rule: str
    outcome: str  # eligible | not_eligible | needs_review | info
    clause: str
    values: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "outcome": self.outcome, "clause": self.clause, "values": dict(self.values),
                "note": self.note}


def decide_size(industry: str, employees: int | None, capital_yen: int | None,
                *, sole_proprietor: bool = False, cooperative: bool = False,
                capital_over: bool | None = None) -> Decision:
    """The size decision. A sole proprietor has no capital, and a 組合 is judged by the headcount of its main industry
    alone (004 ⑫⑬), so for both, over the headcount ceiling means large. `capital_over` is a tapped answer
    (以下 / を超える) when the amount itself was not typed."""
    row = INDUSTRIES[industry]
    if capital_yen is None and capital_over is not None:
        capital_yen = row.capital_max + 1 if capital_over else row.capital_max
    headcount_only = sole_proprietor or cooperative
    cls = size_class(industry, employees, None if headcount_only else capital_yen)
    if cls == "unknown" and headcount_only and employees is not None:
        cls = "large"
    outcome = {"small": "eligible", "medium": "eligible", "large": "not_eligible"}.get(cls, "needs_review")
    values = {"industry": industry, "employees": employees, "capital_yen": capital_yen, "size_class": cls,
              "employees_max": row.employees_max, "capital_max": row.capital_max, "small_max": row.small_max}
    clause = row.clause + ("; 004 ⑫⑬（組合は主たる業種の従業員規模）" if cooperative else "")
    return Decision("size_class", outcome, clause + "; 001 4(1)ウ", values)


# Organisation types (001 4(1)ウ and its ※1).
ORG_TYPES: dict[str, tuple[str, str]] = {
    "company": ("会社", "eligible"),
    "sole_proprietor": ("個人事業主", "eligible"),
    "cooperative": ("企業組合・協同組合", "eligible"),
    "excluded_corporation": ("一般社団法人・公益社団法人・医療法人・社会福祉法人", "not_eligible"),
    "other": ("NPO法人・その他", "needs_review"),
}


def decide_org_type(org_type: str) -> Decision:
    label, outcome = ORG_TYPES[org_type]
    note = {"cooperative": "営利を目的とする複数連携事業者として対象", "excluded_corporation": "※1 により対象外",
            "other": "要領に明記がないため担当者が確認"}.get(org_type, "")
    return Decision("org_type", outcome, "001 4(1)ウ ※1", {"org_type": org_type, "label": label}, note)


def decide_location(municipality: str | None, in_kumamoto: bool) -> Decision:
    return Decision("location", "eligible" if in_kumamoto else "not_eligible",
                    "001 4(1)ウ（熊本県内の中小企業・小規模の商工業者）",
                    {"municipality": municipality, "in_kumamoto": in_kumamoto})


def decide_past_usage(visits: int | None, hours: float | None, caps: Caps = FALLBACK_CAPS) -> Decision:
    """Caps per application (001 4(1)ク①; the year file's caps, program/rN.yaml): visits, hours each, hours in all."""
    reached = (visits or 0) >= caps.visits or (hours or 0) >= caps.hours
    return Decision("past_usage", "needs_review" if reached else "eligible", "001 4(1)ク①",
                    {"past_visits": visits, "past_hours": hours, "max_visits": caps.visits, "max_hours": caps.hours},
                    "前回の申請で上限に達しています" if reached else "")


EXPERT_RELATIONS: dict[str, str] = {
    "employee": "推薦専門家が支援対象者に所属している",
    "advisory": "顧問契約またはそれと同等の関係にある",
    "solicited": "専門家から派遣を働きかけられた",
    "none": "",
}


ARRANGED_DIRECTLY = "「相談窓口」の同意を得ずに、専門家と直接訪問日や指導計画の調整を行った"


def decide_expert(relation: str | None, arranged: bool | None = None) -> Decision:
    """A named expert who works for, advises, or solicited the business, or with whom the dates or the plan were
    arranged directly without the desk's consent, may be refused (001 4(1)ク②, all four grounds)."""
    grounds = [EXPERT_RELATIONS[relation]] if relation in ("employee", "advisory", "solicited") else []
    if arranged:
        grounds.append(ARRANGED_DIRECTLY)
    return Decision("expert_conflict", "needs_review" if grounds else "eligible", "001 4(1)ク②",
                    {"relation": relation, "arranged": bool(arranged)}, "／".join(grounds))


def overall(decisions: list[Decision]) -> str:
    """not_eligible if any rule says so, else needs_review if any does, else eligible."""
    outcomes = {d.outcome for d in decisions}
    if "not_eligible" in outcomes:
        return "not_eligible"
    return "needs_review" if "needs_review" in outcomes else "eligible"
