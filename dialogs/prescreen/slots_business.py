"""Slots about the business: where, what form, what size, which 商工会, what theme and what problem."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from dialogs import eligibility
from dialogs.model import Choice, Choices, Inbound, Kind, Text
from dialogs.parsing import parse_headcount, parse_yen
from dialogs.prescreen import texts
from dialogs.prescreen.form import LATER, SURE, Options, Slot, Slots, Taken, skip, text_of
from dialogs.prescreen.places import locate
from dialogs.prescreen.screening import screen
from dialogs.prescreen.themes import clear_theme, theme_of
from dialogs.understand.choices import bare
from dialogs.understand.signals import polarity, unknown
from dialogs.understand.text import standard

LOCATION = Options("loc", {"kumamoto_city": ("熊本市",), "outside": ("熊本県外", "県外")}, fuzzy=False)  # 県内 ≠ 県外
ORG = Options("org", {
    "company": ("会社", "株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "法人", "(株)", "(有)", "カブシキガイシャ",
                "株式", "会社組織", "法人化"),
    "sole_proprietor": ("個人事業主", "個人", "自営業", "個人経営", "自営", "個人事業", "フリーランス", "一人親方", "家業",
                        "屋号", "個人店"),
    "cooperative": ("組合", "企業組合", "協同組合", "事業協同組合", "協業組合", "商店街振興組合"),
    "excluded_corporation": ("社団・医療・福祉法人", "一般社団法人", "公益社団法人", "社団法人", "一般財団法人",
                             "公益財団法人", "財団法人", "医療法人", "社会福祉法人", "学校法人", "宗教法人", "社団", "財団",
                             "医療", "福祉法人", "病院", "クリニック", "医院"),
    "other": ("NPO・その他", "NPO", "npo法人", "特定非営利活動法人", "非営利", "その他", "任意団体", "農事組合法人",
              "農業法人"),
}, fuzzy=True)
INDUSTRY = Options("ind", {
    "manufacturing": ("製造業", "製造", "工場", "メーカー", "加工", "製作所", "製麺", "醸造", "酒造", "蔵元", "味噌", "醤油",
                      "和菓子の製造", "食品加工", "印刷", "縫製", "製材", "家具製造", "鉄工所", "鉄工", "金型", "部品",
                      "ものづくり", "製菓", "製パン", "精肉加工", "豆腐", "焼酎", "印刷業", "印刷屋", "酒蔵", "製茶"),
    "construction": ("建設業", "建設", "建築", "工務店", "土木", "リフォーム", "塗装", "設備工事", "電気工事", "左官", "大工",
                     "内装", "解体", "造園", "水道工事", "管工事", "屋根", "とび", "外構", "舗装", "ゼネコン"),
    "transport": ("運輸業", "運輸", "運送", "物流", "配送", "タクシー", "トラック", "バス会社", "倉庫", "引っ越し", "引越し",
                  "宅配", "運転代行", "輸送"),
    "wholesale": ("卸売業", "卸", "卸売", "問屋", "商社", "仲卸", "卸専門", "卸業", "卸し", "卸をして", "卸して"),
    "retail": ("小売業", "小売", "販売店", "商店", "雑貨", "お店", "ネットショップ", "飲食", "飲食店", "飲食業", "食堂",
               "レストラン", "居酒屋", "うどん屋", "ラーメン屋", "ラーメン", "そば屋", "蕎麦屋", "焼肉", "焼き鳥", "寿司",
               "すし屋", "喫茶", "喫茶店", "カフェ", "パン屋", "ケーキ屋", "菓子店", "お菓子屋", "和菓子屋", "洋菓子店",
               "八百屋", "魚屋", "肉屋", "酒屋", "米屋", "花屋", "本屋", "書店", "薬局", "ドラッグストア", "スーパー",
               "コンビニ", "呉服", "服屋", "洋服", "衣料品", "靴屋", "眼鏡", "時計店", "電器店", "家電", "自転車店",
               "ガソリンスタンド", "文具", "土産", "お土産", "直売所", "弁当", "惣菜", "バー", "スナック", "定食",
               "売っている", "売ってる", "店で売", "電気屋", "電器屋", "でんきや", "金物屋", "店頭で売", "店頭販売", "仕入れて",
               "お茶屋", "茶舗", "小料理屋", "料理屋", "ピザ", "テイクアウト", "キッチンカー", "販売"),
    "accommodation": ("宿泊業・旅館", "旅館", "宿泊", "ホテル", "民宿", "ゲストハウス", "ペンション", "宿", "温泉旅館", "民泊"),
    "entertainment": ("娯楽業", "娯楽", "カラオケ", "ゲームセンター", "ボウリング", "映画館", "パチンコ", "ゴルフ場",
                      "スポーツジム", "フィットネス", "釣り堀", "遊園地", "ネットカフェ", "ダンス", "ゴルフ", "ゴルフ練習場",
                      "ボウリング場", "ビリヤード", "麻雀"),
    "rubber": ("ゴム製品製造", "ゴム", "ゴム製品"),
    "software": ("ソフトウェア・IT", "ソフトウェア", "情報処理", "システム開発", "アプリ開発", "アプリ作", "アプリを作",
                 "アプリの開発", "システムを作", "ソフトを作", "受託開発", "it企業", "ソフト開発",
                 "web制作", "ホームページ制作", "プログラム", "プログラマー", "it関係", "itの会社", "データ処理"),
    "service": ("サービス業", "サービス", "美容", "美容室", "美容院", "理容", "理髪", "床屋", "散髪", "整体", "接骨院",
                "整骨院", "鍼灸", "マッサージ", "エステ", "ネイル", "クリーニング", "教室", "塾", "学習塾", "英会話",
                "介護", "デイサービス", "士業", "税理士", "行政書士", "社労士", "司法書士", "設計事務所", "不動産",
                "写真館", "写真", "自動車整備", "車の整備", "整備", "整備工場", "板金", "修理", "葬儀", "保険代理店", "清掃", "ビルメンテナンス",
                "派遣", "コンサル", "デザイン事務所", "広告", "ペット", "トリミング", "保育", "動物病院", "着付け",
                "レンタル", "車検", "鍵", "便利屋"),
    "other": ("その他", "農業", "漁業", "林業", "農家", "畜産", "養殖", "果樹", "酪農", "お茶農家", "いちご農家", "米農家"),
}, fuzzy=True)
THEME = Options("theme", {
    "it_tools": ("ITツールの活用", "itツール", "会計ソフト", "クラウド", "顧客管理", "販売管理", "posレジ", "rpa",
                 "インボイス", "業務のデジタル化", "レジ", "予約", "予約の管理", "請求書", "勤怠管理", "点呼", "会計", "経理", "帳簿", "請求書", "在庫管理", "在庫", "勤怠",
                 "給与計算", "エクセル", "excel", "パソコン", "予約システム", "予約管理", "受発注", "生産管理", "見積",
                 "タブレット", "アプリ", "ペーパーレス", "電子化", "業務効率", "効率化", "事務作業", "シフト", "名簿",
                 "顧客台帳", "データ管理", "itツールの導入", "システム導入", "ソフト"),
    "d2c_ec": ("ネット販売・EC", "ec", "d2c", "ネットショップ", "通販", "ネット販売", "ecサイト", "ネットで売",
               "オンラインショップ", "ネット通販", "楽天", "amazon", "アマゾン", "base", "shopify", "ヤフーショッピング",
               "お取り寄せ", "全国に売", "ネット注文", "直販", "産直", "ふるさと納税", "オンライン販売", "ネットで販売",
               "自社サイトで販売", "通信販売"),
    "sns": ("SNSでの発信・集客", "sns", "インスタ", "instagram", "インスタグラム", "line公式", "公式line", "集客", "発信",
            "フェイスブック", "facebook", "ツイッター", "twitter", "x(旧twitter)", "tiktok", "ティックトック",
            "youtube", "ユーチューブ", "ホームページ", "hp", "ブログ", "口コミ", "グーグルマップ", "googleマップ",
            "mep", "meo", "宣伝", "広告", "pr", "情報発信", "知ってもらいたい", "お客さんを増や", "客を増や", "客足",
            "新規客", "リピーター", "ウェブサイト", "チラシ"),
    "cashless": ("キャッシュレス化", "キャッシュレス", "電子マネー", "qr決済", "カード決済", "paypay", "ペイペイ",
                 "クレジットカード", "クレカ", "スマホ決済", "バーコード決済", "電子決済", "現金以外", "交通系ic", "決済",
                 "楽天ペイ", "dバリュー", "d払い", "auペイ", "キャッシュレス決済"),
    "dx_other": ("その他デジタル化・DX", "dx", "その他", "iot", "ai", "人工知能", "チャットgpt", "chatgpt", "生成ai",
                 "デジタル化", "it化", "セキュリティ", "テレワーク", "リモートワーク", "ウェブ会議", "web会議", "zoom",
                 "ロボット", "センサー", "ドローン", "デジタル全般", "何から", "全般"),
}, residual=("dx_other",))
THEME_CLAUSE = "001 4(1)オ・別紙1（講習会テーマ①〜⑤と同じ）"


def _org(inbound: Inbound, slots: Slots) -> Taken | None:
    if inbound.kind is Kind.TEXT:  # 「法人化を勧められた」 speaks of becoming one, not of being one
        inbound = replace(inbound, text=re.sub(r"(法人|会社)(化|成り|なり|にする|にしよう|にしたい)", "", inbound.text))
    taken = ORG.taken(inbound, "org_type")
    if taken is None:
        return None
    key = taken.values["org_type"]
    if key == "excluded_corporation":
        return replace(taken, say=(Text(texts.EXCLUDED_ORG),), end="excluded_org")
    return replace(taken, say=(Text(texts.ORG_REVIEW),)) if key == "other" else taken


def _location(inbound: Inbound, slots: Slots) -> Taken | None:
    key = LOCATION.pick(inbound)
    if key == "outside":
        return Taken({"municipality": None, "in_kumamoto": False}, (Text(texts.OUTSIDE),), end="outside")
    if key == "kumamoto_city":
        return Taken({"municipality": "熊本市", "in_kumamoto": True}, score=0.9, label="熊本市")
    place = locate(inbound.text) if inbound.kind is Kind.TEXT else None
    guessed = place is None and inbound.kind is Kind.TEXT and (place := locate(inbound.text, guess=True)) is not None
    if place is None:
        return None
    municipality, inside = place
    if not inside:
        return Taken({"municipality": None, "in_kumamoto": False}, (Text(texts.OUTSIDE),), end="outside",
                     label="熊本県外")
    if municipality is None:
        return Taken({"in_kumamoto": True}, (Text(texts.ASK_MUNICIPALITY),))
    return Taken({"municipality": municipality, "in_kumamoto": True}, label=municipality, score=0.7 if guessed else 0.9)


def employee_buckets(industry: str) -> tuple[Choice, ...]:
    """Choices cut at the thresholds that matter for this industry (004)."""
    row = eligibility.INDUSTRIES[industry]
    return (Choice("いない（0人）", "ps:emp:0-0"), Choice(f"1〜{row.small_max}人", f"ps:emp:1-{row.small_max}"),
            Choice(f"{row.small_max + 1}〜{row.employees_max}人", f"ps:emp:{row.small_max + 1}-{row.employees_max}"),
            Choice(f"{row.employees_max + 1}人以上", f"ps:emp:{row.employees_max + 1}-"))


def _bucket(data: str) -> tuple[int, int | None] | None:
    """A tapped bucket 'ps:emp:6-50' → (6, 50); a forged or stale one → None (read as unreadable, never raised)."""
    lo, sep, hi = data.removeprefix("ps:emp:").partition("-")
    if not sep or not lo.isdigit() or not (hi.isdigit() or hi == "") or (hi and int(hi) < int(lo)):
        return None
    return int(lo), int(hi) if hi else None


def _employees(inbound: Inbound, slots: Slots) -> Taken | None:
    if inbound.kind is Kind.POSTBACK:
        bucket = _bucket(inbound.data) if inbound.data.startswith("ps:emp:") else None
        if bucket is None:
            return None
        lo, hi = bucket
        values: dict[str, Any] = {"employees": lo if lo == hi else None, "employees_range": [lo, hi]}
    elif inbound.kind is Kind.TEXT and unknown(inbound.text):
        return None
    else:
        count = parse_headcount(standard(inbound.text)) if inbound.kind is Kind.TEXT else None
        if count is None and inbound.kind is Kind.TEXT and polarity(inbound.text) is False:
            count = 0  # 「おらん」「雇っていません」: nobody employed
        if count is None:
            return None
        values = {"employees": count, "employees_range": [count, count]}
    return _size_checked(values, slots, label=f"{values['employees']}人" if values["employees"] is not None else "")


def _size_checked(values: dict[str, Any], slots: Slots, label: str = "") -> Taken:
    if "industry" in slots and size_of({**slots, **values}).outcome == "not_eligible":
        return Taken(values, (Text(texts.LARGE),), end="large")  # e.g. a sole proprietor: no capital to ask
    return Taken(values, label=label)


def size_of(slots: Slots, capital: int | None = None) -> eligibility.Decision:
    """The size decision from what we have: a range decides as its ends do (buckets follow the thresholds)."""
    lo, hi = slots.get("employees_range") or [None, None]
    capital = slots.get("capital_yen") if capital is None else capital
    count = hi if hi is not None else lo
    decision = eligibility.decide_size(slots["industry"], count, capital,
                                       sole_proprietor=slots.get("org_type") == "sole_proprietor",
                                       cooperative=slots.get("org_type") == "cooperative",
                                       capital_over=slots.get("capital_over"))
    values = decision.values | {"employees": slots.get("employees"), "employees_range": [lo, hi]}
    return eligibility.Decision(decision.rule, decision.outcome, decision.clause, values)


def _needs_capital(slots: Slots) -> bool:
    return ("employees_range" in slots and slots.get("org_type") not in ("sole_proprietor", "cooperative")
            and size_of(slots).values["size_class"] == "unknown")


def _capital(inbound: Inbound, slots: Slots) -> Taken | None:
    row = eligibility.INDUSTRIES[slots["industry"]]
    if inbound.kind is Kind.POSTBACK and inbound.data in ("ps:cap:le", "ps:cap:gt"):
        amount = row.capital_max if inbound.data == "ps:cap:le" else row.capital_max + 1
        values: dict[str, Any] = {"capital_yen": None, "capital_over": inbound.data == "ps:cap:gt"}
    else:
        typed = _stated_amount(inbound.text) if inbound.kind is Kind.TEXT else None
        if typed is None or typed < 1000:  # 「3」 alone is not an amount of capital
            return None
        amount = typed
        values = {"capital_yen": typed, "capital_over": typed > row.capital_max}
    if size_of(slots, amount).outcome == "not_eligible":
        return Taken(values, (Text(texts.LARGE),), end="large")
    return Taken(values, label=f"{amount:,}円")


def _stated_amount(text: str) -> int | None:
    """The amount the owner means: amounts they deny are passed over (「１０万円じゃなくて１００万円です」,
    「1000万もなかです。500万です」)."""
    std = standard(text)
    parts = [p for p in re.split(r"((?:じゃなくて|ではなくて|ではなく|じゃなく|もない|もなく|じゃない|ではない)[、,。]?)", std) if p]
    denial = re.compile(r"^(じゃなくて|ではなくて|ではなく|じゃなく|もない|もなく|じゃない|ではない)[、,。]?$")
    kept = [p for i, p in enumerate(parts) if not denial.match(p)
            and not (i + 1 < len(parts) and denial.match(parts[i + 1]))]
    for part in reversed(kept or parts):
        amount = parse_yen(part)
        if amount is not None:
            return amount
    return None


def _capital_question(slots: Slots) -> tuple[Choices, ...]:
    cap = eligibility.INDUSTRIES[slots["industry"]].capital_max
    label = f"{cap // 100_000_000}億円" if cap % 100_000_000 == 0 else f"{cap // 10_000}万円"
    return (Choices(texts.ASK_CAPITAL, (Choice(f"{label}以下", "ps:cap:le"), Choice(f"{label}を超える", "ps:cap:gt"),
                                        Choice("わからない", LATER))),)


KAI_NAME = re.compile(r"([一-龥ぁ-んァ-ヶー]{1,12}?(?:商工会議所|商工会))")


def kai_name(typed: str) -> str:
    """The 商工会 as its official name where a municipality is named in it: 「菊陽商工会」 → 菊陽町商工会."""
    suffix = "商工会議所" if typed.endswith("商工会議所") else "商工会"
    place = locate(typed.removesuffix(suffix))
    if place and place[0] and suffix == "商工会":
        return f"{place[0]}{suffix}" if place[0] != "熊本市" else typed
    return typed


# Membership that has ended (「前は入っとったばってん、今は辞めとる」「三年前にやめました」).
_LEFT = re.compile(r"(辞め|やめ|退会|抜け)(た|まし|とる|てる|ている|ていま|とります)|"
                   r"(今|いま|現在)は[^、。]{0,8}(入って|加入して|はいって)?(い|お)?(ない|ません|なか)")
_NOT_MEMBER = re.compile(r"未加入|非会員|未入会|みかにゅう|ひかいいん")
_CHAMBER = re.compile(r"会議所|会義所|かいぎしょ|カイギショ")
_CHAMBER_DENIED = re.compile(r"(会議所|会義所|かいぎしょ)(には|に|は|も)?[^、。]{0,4}(入って|加入して)?(い|お)?(ない|ません|なか)|"
                             r"(会議所|会義所|かいぎしょ)(じゃ|では)(な|なか)")


def _chamber(std: str, text: str) -> str | None:
    """A 商工会議所 (a city's chamber of commerce, not a town's 商工会): named by its city, as 「八代の会議所」
    or 「くまもとしょうこうかいぎしょ」 — 「熊本市」 → 熊本商工会議所."""
    if not _CHAMBER.search(std) or _CHAMBER_DENIED.search(std):
        return None
    if (own := re.search(r"(本渡|牛深)(商工)?(会議所|会義所)", std)) is not None:  # chambers named after a former city
        return f"{own.group(1)}商工会議所"
    place = locate(text)
    if not place or not place[0]:
        return None
    return f"{place[0].removesuffix('市').removesuffix('町')}商工会議所"


def _kai(inbound: Inbound, slots: Slots) -> Taken | None:
    if inbound.kind is Kind.POSTBACK and inbound.data in ("ps:kai:none", "ps:kai:unknown"):
        return Taken({"shokokai": None, "shokokai_status": inbound.data.removeprefix("ps:kai:")})
    text = text_of(inbound, max_chars=200)
    if text is None:
        return None
    if unknown(text):
        return Taken({"shokokai": None, "shokokai_status": "unknown"})
    std = standard(text)
    if _LEFT.search(std) and not re.search(r"(今|いま|現在)[^、。]{0,6}(入って|加入して)(いま|い|お)?(す|る)", std):
        return Taken({"shokokai": None, "shokokai_status": "none"}, score=0.9, label="加入していない")  # 「三年前にやめました」
    if _NOT_MEMBER.search(std):  # 「未加入」「非会員です」: a word that says it all
        return Taken({"shokokai": None, "shokokai_status": "none"}, score=0.9, label="加入していない")
    chamber = _chamber(std, text)
    if chamber is not None:
        return Taken({"shokokai": chamber, "shokokai_status": "member"}, score=0.9, label=chamber)
    named = KAI_NAME.search(std)
    denied = polarity(text) is False and not (named and not re.search(
        r"(入って|加入して|入会して|はいって)(い|お)?(ない|ません|なか)|未加入|辞め|やめ", std[named.end():named.end() + 14]))
    if denied:  # (0.9: 「商工会に入っていないと対象外ですか？」 is read as a question first)
        return Taken({"shokokai": None, "shokokai_status": "none"}, score=0.9, label="加入していない")
    if named and len(named.group(1)) > len("商工会"):
        name = kai_name(re.sub(r"^(うちは|私は|わたしは|自分は|はい|ええ|地元の|近くの|、|,)+", "", named.group(1)))
        return Taken({"shokokai": name, "shokokai_status": "member"}, label=name)
    place = locate(text)
    if place and place[0]:
        return Taken({"shokokai": f"{place[0]}商工会", "shokokai_status": "member"}, score=0.7,
                     label=f"{place[0]}商工会")
    if polarity(text) is True and any(w in std for w in ("入って", "加入", "会員", "はい", "ええ", "入会")):
        return Taken({"shokokai": None, "shokokai_status": "member"}, label="加入している（名前は未確認）")
    return None


def _problem(inbound: Inbound, slots: Slots) -> Taken | None:
    text = text_of(inbound, max_chars=2000)
    if text is None:
        return None
    if len(standard(text)) < 5:
        return Taken({}, (Text(texts.PROBLEM_SHORT),))
    excluded = screen(text)
    tries = int(slots.get("screened", 0))
    inferred = _theme_of(text, slots)
    if excluded is not None and tries == 0:
        return Taken({"screened": 1, "screened_kind": excluded.key},
                     (Text(texts.SCREENED.format(why=excluded.why, instead=excluded.instead)),))
    if excluded is not None:  # asked again in the same terms: never dropped, a coordinator decides
        return Taken({"problem": text, "request_scope_review": True, "screened_kind": excluded.key} | inferred,
                     (Text(texts.SCREENED_KEPT),))
    return Taken({"problem": text} | inferred)


def _theme_of(text: str, slots: Slots) -> dict[str, Any]:
    """The theme a problem names plainly (one theme, a sure reading) saves the theme question."""
    if "theme" in slots:
        return {}
    return inferred_theme(text)


def _theme(inbound: Inbound, slots: Slots) -> Taken | None:
    """A tap or an option named outright; else the theme the owner's aim points to (dialogs/prescreen/themes.py),
    unless they deny or say they already have the option they named (「キャッシュレスはもう入れとる、帳簿のほう」)."""
    taken = THEME.taken(inbound, "theme")
    if inbound.kind is not Kind.TEXT or (taken is not None and taken.score >= 1.0):
        return taken
    aim = theme_of(inbound.text)
    if aim is not None and (taken is None or aim != taken.values["theme"]):
        return Taken({"theme": aim}, score=0.9, label=THEME.items[aim][0])
    return taken


def inferred_theme(text: str) -> dict[str, Any]:
    """A problem that names exactly one theme, surely, settles it; one that names two (「ネットショップは動き出したけど
    インスタの投稿が分からない」) leaves the question to the owner."""
    clear = clear_theme(text)
    if clear is not None:
        return {"theme": clear, "theme_inferred": True}
    if len(THEME.keys_in(text)) != 1 or (theme_of(text) not in (None, next(iter(THEME.keys_in(text))))):
        return {}
    found = THEME.found_in(text)
    return {"theme": found.key, "theme_inferred": True} if found and found.score >= SURE else {}


MAKE = ("作って", "作る", "作り", "つくって", "つくる", "つくり", "製造", "加工", "刷って", "醸造", "焼いて", "やいて", "造って",
        "造り", "織って", "織り", "こしらえ", "製作")
SELL = ("売って", "売る", "売り", "うって", "うる", "販売", "はんばい")
SHOP = ("店", "みせ", "店頭", "直売")
WHOLESALE = ("卸", "おろし")
_REQUESTED = re.compile(r"(作って|つくって|作り|造って)(ほしい|欲しい|もらい|もらえ|ください|下さい|いただ|頂)")


def trade_by_verbs(text: str) -> str | None:
    """No trade word: what the owner *does* — making and selling in their own shop is 小売 (製造小売), making for
    others (卸しています) is 製造, selling is 小売."""
    std = _REQUESTED.sub("", standard(text))  # 「ネットショップ作ってほしい」 asks someone else to make it
    make, sell = any(w in std for w in MAKE), any(w in std for w in SELL)
    if make and (any(w in std for w in WHOLESALE) or not any(w in std for w in SHOP)):
        return "manufacturing"
    if make and sell:
        return "retail"
    if make:
        return "manufacturing"
    return "retail" if sell else None


_SUPPLIERS = re.compile(r"(卸売市場|卸市場|中央市場|卸から|卸業者から|卸屋から|問屋から|問屋さんから)")
_TO_TRADE = ("卸", "おろし", "納めて", "納めと", "納品", "おさめて")


def trade_by_activity(text: str) -> str | None:
    """What the owner does for other businesses decides over the words around it: making and delivering to shops
    (「味噌ば造って、スーパーやら道の駅に卸しよる」「家具を作って工務店に納めています」) is 製造; wholesaling without
    making (「食品の卸。飲食店に食材を卸してる」) is 卸売 — the shops named are the customers, not the trade."""
    std = _SUPPLIERS.sub("", _REQUESTED.sub("", standard(text)))
    if not any(w in std for w in _TO_TRADE):
        return None
    return "manufacturing" if any(w in std for w in MAKE) else ("wholesale" if "卸" in std or "おろし" in std else None)


def _industry(inbound: Inbound, slots: Slots) -> Taken | None:
    activity = trade_by_activity(inbound.text) if inbound.kind is Kind.TEXT else None
    taken = (Taken({"industry": activity}, score=0.9, label=INDUSTRY.items[activity][0]) if activity
             else INDUSTRY.taken(inbound, "industry"))
    if taken is None and inbound.kind is Kind.TEXT:
        key = trade_by_verbs(inbound.text)
        taken = Taken({"industry": key}, score=0.9, label=INDUSTRY.items[key][0]) if key else None
    if taken is None:
        return None
    text = text_of(inbound, max_chars=200)
    described = text is not None and len(bare(text)) > len(taken.label) + 3 and "business" not in slots
    return replace(taken, values=taken.values | ({"business": text} if described else {}))





SLOTS = (
    Slot("location", "所在地", lambda s: (Choices(texts.ASK_LOCATION, LOCATION.choices()),), _location,
         lambda s: "in_kumamoto" not in s or (bool(s["in_kumamoto"]) and not s.get("municipality")
                                              and not s.get("location_unknown")),
         skip=skip(municipality=None, in_kumamoto=True, location_unknown=True)),
    Slot("org_type", "事業の形態", lambda s: (ORG.question(texts.ASK_ORG),), _org, lambda s: "org_type" not in s,
         skip=skip(org_type="other", org_unknown=True)),
    Slot("industry", "業種・規模", lambda s: (INDUSTRY.question(texts.ASK_INDUSTRY),), _industry,
         lambda s: "industry" not in s, skip=skip(industry="other", industry_unknown=True)),
    Slot("employees", "業種・規模", lambda s: (Choices(texts.ASK_EMPLOYEES, employee_buckets(s["industry"])),),
         _employees, lambda s: "employees_range" not in s,
         skip=skip(employees=None, employees_range=[None, None], employees_unknown=True)),
    Slot("capital", "業種・規模", _capital_question, _capital,
         lambda s: "capital_over" not in s and _needs_capital(s),
         skip=skip(capital_yen=None, capital_over=None, capital_unknown=True)),
    Slot("shokokai", "商工会・商工会議所",
         lambda s: (Choices(texts.ASK_KAI, (Choice("加入していない", "ps:kai:none"), Choice("わからない", "ps:kai:unknown"))),),
         _kai, lambda s: "shokokai_status" not in s, skip=skip(shokokai=None, shokokai_status="unknown")),
    Slot("problem", "ご相談内容", lambda s: (Text(texts.ASK_PROBLEM),), _problem, lambda s: "problem" not in s,
         free=True, skip=skip(problem="（担当者がお聞きします）", problem_unknown=True)),
    Slot("theme", "テーマ", lambda s: (THEME.question(texts.ASK_THEME),), _theme,
         lambda s: "theme" not in s, skip=skip(theme="dx_other", theme_unknown=True)),
)
