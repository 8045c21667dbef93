"""Slots about the business: where, what form, what size, which 商工会, what theme and what problem."""

from __future__ import annotations

import re
from typing import Any

from dialogs import eligibility
from dialogs.model import Choice, Choices, Inbound, Kind, Text
from dialogs.normalize import normalize, strip_polite
from dialogs.parsing import parse_headcount, parse_yen
from dialogs.prescreen import texts
from dialogs.prescreen.form import Options, Slot, Slots, Taken, text_of
from dialogs.prescreen.places import locate
from dialogs.prescreen.screening import screen

LOCATION = Options("loc", {"kumamoto_city": ("熊本市",), "outside": ("熊本県外", "県外")})
ORG = Options("org", {
    "company": ("会社", "株式会社", "有限会社", "合同会社", "法人"),
    "sole_proprietor": ("個人事業主", "個人", "自営業", "個人経営"),
    "cooperative": ("組合", "企業組合", "協同組合", "事業協同組合"),
    "excluded_corporation": ("社団・医療・福祉法人", "一般社団法人", "公益社団法人", "社団法人", "医療法人",
                             "社会福祉法人"),
    "other": ("NPO・その他", "NPO", "npo法人", "特定非営利活動法人", "その他"),
})
INDUSTRY = Options("ind", {
    "manufacturing": ("製造業", "製造", "工場", "メーカー", "加工", "製作所"),
    "construction": ("建設業", "建設", "建築", "工務店", "土木", "リフォーム", "塗装", "設備工事"),
    "transport": ("運輸業", "運輸", "運送", "物流", "配送", "タクシー"),
    "wholesale": ("卸売業", "卸"),
    "retail": ("小売業", "小売", "販売店", "商店", "雑貨", "お店", "ネットショップ"),
    "accommodation": ("宿泊業・旅館", "旅館", "宿泊", "ホテル", "民宿"),
    "entertainment": ("娯楽業", "娯楽", "カラオケ", "ゲームセンター", "ボウリング", "映画館"),
    "rubber": ("ゴム製品製造", "ゴム"),
    "software": ("ソフトウェア・IT", "ソフトウェア", "情報処理", "システム開発", "アプリ開発", "it企業"),
    "service": ("サービス業", "サービス", "飲食", "美容", "理容", "整体", "クリーニング", "教室", "介護", "士業"),
    "other": ("その他", "農業", "漁業", "林業"),
})
THEME = Options("theme", {
    "it_tools": ("ITツールの活用", "itツール", "会計ソフト", "クラウド", "顧客管理", "販売管理", "posレジ", "rpa",
                 "インボイス", "業務のデジタル化"),
    "d2c_ec": ("ネット販売・EC", "ec", "d2c", "ネットショップ", "通販", "ネット販売", "ecサイト"),
    "sns": ("SNSでの発信・集客", "sns", "インスタ", "instagram", "line公式", "集客", "発信"),
    "cashless": ("キャッシュレス化", "キャッシュレス", "電子マネー", "qr決済", "カード決済"),
    "dx_other": ("その他デジタル化・DX", "dx", "その他", "iot", "ai"),
})
THEME_CLAUSE = "001 4(1)オ・別紙1（講習会テーマ①〜⑤と同じ）"


def _org(inbound: Inbound, slots: Slots) -> Taken | None:
    key = ORG.pick(inbound)
    if key is None:
        return None
    if key == "excluded_corporation":
        return Taken({"org_type": key}, (Text(texts.EXCLUDED_ORG),), end="excluded_org")
    return Taken({"org_type": key}, (Text(texts.ORG_REVIEW),) if key == "other" else ())


def _location(inbound: Inbound, slots: Slots) -> Taken | None:
    key = LOCATION.pick(inbound)
    if key == "outside":
        return Taken({"municipality": None, "in_kumamoto": False}, (Text(texts.OUTSIDE),), end="outside")
    if key == "kumamoto_city":
        return Taken({"municipality": "熊本市", "in_kumamoto": True})
    place = locate(inbound.text) if inbound.kind is Kind.TEXT else None
    if place is None:
        return None
    municipality, inside = place
    if not inside:
        return Taken({"municipality": None, "in_kumamoto": False}, (Text(texts.OUTSIDE),), end="outside")
    if municipality is None:
        return Taken({"in_kumamoto": True}, (Text(texts.ASK_MUNICIPALITY),))
    return Taken({"municipality": municipality, "in_kumamoto": True})


def employee_buckets(industry: str) -> tuple[Choice, ...]:
    """Choices cut at the thresholds that matter for this industry (004)."""
    row = eligibility.INDUSTRIES[industry]
    return (Choice("いない（0人）", "ps:emp:0-0"), Choice(f"1〜{row.small_max}人", f"ps:emp:1-{row.small_max}"),
            Choice(f"{row.small_max + 1}〜{row.employees_max}人", f"ps:emp:{row.small_max + 1}-{row.employees_max}"),
            Choice(f"{row.employees_max + 1}人以上", f"ps:emp:{row.employees_max + 1}-"))


def _employees(inbound: Inbound, slots: Slots) -> Taken | None:
    if inbound.kind is Kind.POSTBACK and inbound.data.startswith("ps:emp:"):
        lo, _, hi = inbound.data.removeprefix("ps:emp:").partition("-")
        exact = int(lo) if lo == hi else None
        values: dict[str, Any] = {"employees": exact, "employees_range": [int(lo), int(hi) if hi else None]}
    else:
        count = parse_headcount(inbound.text) if inbound.kind is Kind.TEXT else None
        if count is None:
            return None
        values = {"employees": count, "employees_range": [count, count]}
    if size_of({**slots, **values}).outcome == "not_eligible":  # e.g. a sole proprietor: no capital to ask
        return Taken(values, (Text(texts.LARGE),), end="large")
    return Taken(values)


def size_of(slots: Slots, capital: int | None = None) -> eligibility.Decision:
    """The size decision from what we have: a range decides as its ends do (buckets follow the thresholds)."""
    lo, hi = slots["employees_range"]
    capital = slots.get("capital_yen") if capital is None else capital
    count = hi if hi is not None else lo
    decision = eligibility.decide_size(slots["industry"], count, capital,
                                       sole_proprietor=slots.get("org_type") == "sole_proprietor")
    values = decision.values | {"employees": slots.get("employees"), "employees_range": [lo, hi]}
    return eligibility.Decision(decision.rule, decision.outcome, decision.clause, values)


def _needs_capital(slots: Slots) -> bool:
    return "employees_range" in slots and size_of(slots).values["size_class"] == "unknown"


def _capital(inbound: Inbound, slots: Slots) -> Taken | None:
    row = eligibility.INDUSTRIES[slots["industry"]]
    if inbound.kind is Kind.POSTBACK and inbound.data in ("ps:cap:le", "ps:cap:gt"):
        amount = row.capital_max if inbound.data == "ps:cap:le" else row.capital_max + 1
        values: dict[str, Any] = {"capital_yen": None, "capital_over": inbound.data == "ps:cap:gt"}
    else:
        typed = parse_yen(inbound.text) if inbound.kind is Kind.TEXT else None
        if typed is None:
            return None
        amount = typed
        values = {"capital_yen": typed, "capital_over": typed > row.capital_max}
    if size_of(slots, amount).outcome == "not_eligible":
        return Taken(values, (Text(texts.LARGE),), end="large")
    return Taken(values)


def _capital_question(slots: Slots) -> tuple[Choices, ...]:
    cap = eligibility.INDUSTRIES[slots["industry"]].capital_max
    label = f"{cap // 100_000_000}億円" if cap % 100_000_000 == 0 else f"{cap // 10_000}万円"
    return (Choices(texts.ASK_CAPITAL, (Choice(f"{label}以下", "ps:cap:le"), Choice(f"{label}を超える", "ps:cap:gt"))),)


KAI_NONE = ("入っていない", "入っていません", "入ってない", "加入していない", "加入していません", "未加入", "なし",
            "ありません")
KAI_NAME = re.compile(r"([一-龥ァ-ヶー]+(?:商工会議所|商工会))")  # kanji/katakana just before 商工会: the name
KAI_UNKNOWN = ("わから", "わかりま", "分から", "分かりま", "不明", "知らな", "知りま")


def _kai(inbound: Inbound, slots: Slots) -> Taken | None:
    if inbound.kind is Kind.POSTBACK and inbound.data in ("ps:kai:none", "ps:kai:unknown"):
        return Taken({"shokokai": None, "shokokai_status": inbound.data.removeprefix("ps:kai:")})
    name = text_of(inbound, max_chars=60)
    if name is None:
        return None
    typed = normalize(name)
    if any(w in typed for w in KAI_UNKNOWN):
        return Taken({"shokokai": None, "shokokai_status": "unknown"})
    if any(w in typed for w in KAI_NONE):
        return Taken({"shokokai": None, "shokokai_status": "none"})
    bare = strip_polite(normalize(name))
    if bare.endswith(("商工会", "商工会議所")) and len(bare) <= 20:  # just the name, as typed
        return Taken({"shokokai": bare, "shokokai_status": "member"})
    named = KAI_NAME.search(name)
    if named and len(named.group(1)) > len("商工会"):
        return Taken({"shokokai": named.group(1), "shokokai_status": "member"})
    if "商工会" in typed or "会議所" in typed or locate(name) is not None:
        return Taken({"shokokai": strip_polite(name.strip().rstrip("。")), "shokokai_status": "member"})
    return None


def _problem(inbound: Inbound, slots: Slots) -> Taken | None:
    text = text_of(inbound, max_chars=2000)
    if text is None:
        return None
    if len(text) < 6:
        return Taken({}, (Text(texts.PROBLEM_SHORT),))
    excluded = screen(text)
    tries = int(slots.get("screened", 0))
    if excluded is not None and tries == 0:
        return Taken({"screened": 1, "screened_kind": excluded.key},
                     (Text(texts.SCREENED.format(why=excluded.why, instead=excluded.instead)),))
    if excluded is not None:  # asked again in the same terms: never dropped, a coordinator decides
        return Taken({"problem": text, "request_scope_review": True, "screened_kind": excluded.key},
                     (Text(texts.SCREENED_KEPT),))
    return Taken({"problem": text})


SLOTS = (
    Slot("location", "所在地", lambda s: (Choices(texts.ASK_LOCATION, LOCATION.choices()),), _location,
         lambda s: "in_kumamoto" not in s or (s["in_kumamoto"] and not s.get("municipality"))),
    Slot("org_type", "事業の形態", lambda s: (ORG.question(texts.ASK_ORG),), _org, lambda s: "org_type" not in s),
    Slot("industry", "業種・規模", lambda s: (INDUSTRY.question(texts.ASK_INDUSTRY),),
         lambda i, s: (lambda k: Taken({"industry": k}) if k else None)(INDUSTRY.pick(i)),
         lambda s: "industry" not in s),
    Slot("employees", "業種・規模", lambda s: (Choices(texts.ASK_EMPLOYEES, employee_buckets(s["industry"])),),
         _employees, lambda s: "employees_range" not in s),
    Slot("capital", "業種・規模", _capital_question, _capital,
         lambda s: "capital_over" not in s and _needs_capital(s)),
    Slot("shokokai", "商工会・商工会議所",
         lambda s: (Choices(texts.ASK_KAI, (Choice("加入していない", "ps:kai:none"), Choice("わからない", "ps:kai:unknown"))),),
         _kai, lambda s: "shokokai_status" not in s),
    Slot("theme", "テーマ", lambda s: (THEME.question(texts.ASK_THEME),),
         lambda i, s: (lambda k: Taken({"theme": k}) if k else None)(THEME.pick(i)), lambda s: "theme" not in s),
    Slot("problem", "ご相談内容", lambda s: (Text(texts.ASK_PROBLEM),), _problem, lambda s: "problem" not in s),
)
