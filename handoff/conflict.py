"""Before approving a registry expert: what 実施要領 4(1)ク② names, checked against the case (pure).

The grounds that concern the expert's relation to the business:
- 推薦専門家が、支援対象者及び関連企業等に現在、所属しているとき — the expert's affiliation names the business (or
  the business names it), or the expert is, or the affiliation carries the name of, the business's representative;
- 顧問契約、あるいはそれと同等と判断される関係 / 自らを派遣するよう働きかけた / 「相談窓口」の同意を得ずに、直接…調整を
  行った — what the owner said in the pre-screening about the expert they named, when that is this expert.
Besides 4(1)ク②, an expert belonging to the business's own 商工会・商工会議所 is pointed out (002: an expert sent at
the request of the organisation that employs them is not paid a fee, 謝金対象外)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

CLAUSE = "実施要領 4(1)ク②"
_CORPORATE = re.compile(r"株式会社|有限会社|合同会社|合資会社|合名会社|一般社団法人|\(株\)|\(有\)|\(同\)|㈱|㈲")
_SPACES = re.compile(r"\s+")
RELATION_GROUNDS = {"employee": "expert_employee", "advisory": "advisory", "solicited": "solicited"}


@dataclass(frozen=True)
class Finding:
    """One thing the coordinator must look at: the ground (a key of handoff.decide.REJECT_REASONS, or "" when it is
    not a ground for refusal), what was found, and the clause."""

    ground: str
    says: str
    clause: str = CLAUSE


def core(name: str | None) -> str:
    """A name without spaces, width differences or corporate designators (株式会社 くまもと菓子舗: くまもと菓子舗)."""
    text = unicodedata.normalize("NFKC", name or "")
    return _SPACES.sub("", _CORPORATE.sub("", text)).lower()


def _names_each_other(a: str, b: str) -> bool:
    return len(a) >= 2 and len(b) >= 2 and (a in b or b in a)


def check(*, expert_name: str, affiliation: str, fields: Mapping[str, Any]) -> list[Finding]:
    """The findings for this expert on this case (empty: nothing 4(1)ク② names was found)."""
    found: list[Finding] = []
    business, representative = core(fields.get("business_name")), core(fields.get("representative"))
    own, works_at = core(expert_name), core(affiliation)
    if _names_each_other(works_at, business):
        found.append(Finding("expert_employee", f"専門家の所属（{affiliation}）が事業所名"
                                                f"（{fields.get('business_name')}）と重なります。"
                                                "支援対象者や関連企業に所属していないか確認してください"))
    if representative and own == representative:
        found.append(Finding("expert_employee", f"専門家の氏名が事業者の代表者（{fields.get('representative')}）と"
                                                "同じです。本人や関係者でないか確認してください"))
    elif len(representative) >= 3 and representative in works_at:
        found.append(Finding("expert_employee", f"専門家の所属（{affiliation}）に代表者の氏名が含まれます。"
                                                "関連企業でないか確認してください"))
    if fields.get("expert_name") and core(str(fields.get("expert_name"))) == own:
        ground = RELATION_GROUNDS.get(str(fields.get("expert_relation") or ""))
        if ground:
            found.append(Finding(ground, "事業者は事前確認で、この専門家との関係を「"
                                         f"{_RELATION_SAID[ground]}」と答えています"))
        if fields.get("expert_arranged") is True:
            found.append(Finding("direct_arrangement", "事業者は事前確認で、この専門家と訪問日などを直接決めていると"
                                                       "答えています"))
    shokokai = core(fields.get("shokokai"))
    if _names_each_other(works_at, shokokai):
        found.append(Finding("", f"専門家の所属（{affiliation}）は事業者の{fields.get('shokokai')}です。"
                                 "所属先からの要請による派遣は謝金の対象外です", "002 専門家の登録（謝金）"))
    return found


_RELATION_SAID = {"expert_employee": "御社に所属している", "advisory": "顧問契約（またはそれに近い関係）にある",
                  "solicited": "専門家から派遣を働きかけられた"}
