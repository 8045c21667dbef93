"""Several facts in one message (「菊陽町で和菓子屋をしています。従業員は5人で、ネット販売を始めたい」): each is taken
when a strong signal names it, so only what is missing is asked. Weak signals are left to the questions."""

from __future__ import annotations

import re
from typing import Any

from dialogs.parsing import parse_headcount
from dialogs.prescreen.form import SURE, Slots
from dialogs.prescreen.places import locate
from dialogs.prescreen.screening import screen
from dialogs.prescreen.slots_business import INDUSTRY, ORG, inferred_theme, trade_by_verbs
from dialogs.understand.text import clean, standard

_CHANNELS = ("ネットショップ", "通販", "ネット販売", "オンラインショップ", "ecサイト", "ネット通販")  # topics, not trades
_EMPLOYEE_CLAUSE = re.compile(r"(従業員|社員|スタッフ|パート|アルバイト|バイト|従業者|職人|人を雇|雇って|雇用)[^。、,.]{0,12}?"
                              r"(\d+|[一二三四五六七八九十]+)\s*(人|名)|(\d+|[一二三四五六七八九十]+)\s*(人|名)(の従業員|を雇|雇|の社員|の"
                              r"スタッフ|のパート)")
_ALONE = ("一人で", "ひとりで", "1人で", "夫婦で", "家族だけ", "私だけ", "自分だけ", "一人でやって", "ひとりでやって")
# 「補助金のことで相談したい」「ネットショップの相談です」 name a topic; the problem question asks what it is.
_TOPIC_ONLY = re.compile(r"(のことで|について|に関して|の件で|のこと)(ご)?(相談|話|聞|お聞き|お話|伺)|の(ご)?相談(です|を|が|に|したい|$)")
# The program's own name, and an organisation that is someone else's (「ウェブの会社の人」「組合の方」).
_PROGRAM = re.compile(r"専門家(の)?派遣|せんもんか(の)?はけん")
_OTHER_PARTY = re.compile(r"[^\s、。]{0,12}(会社|法人|組合|事務所)(の|さん)(人|ひと|方|かた|担当|営業)")
_WISH = ("たい", "困", "悩", "ほしい", "欲しい", "どうすれば", "どうしたら", "わからない", "できない", "考えて", "検討")


def extract(text: str, slots: Slots, *, opening: bool = False) -> dict[str, Any]:
    """The facts `text` states plainly, for slots not filled yet."""
    text = clean(text)
    std = standard(text)
    if len(std) < 8:
        return {}
    found: dict[str, Any] = {}
    if "in_kumamoto" not in slots:
        place = locate(text, placed=True)  # 「球磨焼酎の蔵元です」 names a product, not where the business is
        if place is not None and place[0] is not None:
            found |= {"municipality": place[0], "in_kumamoto": True}
    if "industry" not in slots:
        own = _PROGRAM.sub("、", text)  # 「専門家派遣でお世話になった」 names the program, not a 派遣 business
        industry = INDUSTRY.found_in(own)
        by_verbs = trade_by_verbs(own)
        if industry is not None and industry.word in _CHANNELS:
            # 「加工品を作っている会社です。ネットショップの相談です」: the shop is the topic; the trade is another word
            # (「土産物屋」) or what they do (作っている)
            others = [f for f in INDUSTRY.all_in(own) if f.word not in _CHANNELS]
            industry = others[0] if others else None
            if industry is None and by_verbs:
                found["industry"] = by_verbs
        if industry is not None and industry.score >= SURE and industry.key != "other":
            found["industry"] = industry.key
            if "business" not in slots and opening:
                found["business"] = text[:300]
    if "org_type" not in slots:
        org = ORG.found_in(_OTHER_PARTY.sub("、", text))  # 「ウェブの会社の人にすすめられた」: not the owner's
        if org is not None and org.score >= SURE and org.key in ("company", "sole_proprietor", "cooperative") and \
                org.word not in ("法人", "個人"):  # an excluded corporation is asked, so the owner hears why
            found["org_type"] = org.key
    if "employees_range" not in slots:
        match = _EMPLOYEE_CLAUSE.search(std)
        count = parse_headcount(match.group(0)) if match else None
        if count is None and any(w in std for w in _ALONE) and "従業員" not in std:
            count = 0
        if count is not None:
            found |= {"employees": count, "employees_range": [count, count]}
    if opening and "problem" not in slots and any(w in std for w in _WISH) and len(std) >= 10 and \
            screen(text) is None and not _TOPIC_ONLY.search(std):  # (an excluded request is asked, then screened)
        found["problem"] = text[:2000]
    if "theme" not in slots and ("problem" in found or "problem" in slots):
        found |= inferred_theme(found.get("problem") or text)
    return found
