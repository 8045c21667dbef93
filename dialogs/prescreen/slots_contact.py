"""Slots after the problem: expert preference, past usage, the business situation, consent and contact."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from dialogs import eligibility, program
from dialogs.model import Choice, Choices, Inbound, Kind, Reply, Text
from dialogs.parsing import KANA_DIGITS, kana_digits, parse_email, parse_phone, parse_usage
from dialogs.prescreen import texts
from dialogs.prescreen.form import LATER, LATER_LABEL, Options, Slot, Slots, Taken, later, skip, text_of, yes_no
from dialogs.understand.signals import polarity, unknown
from dialogs.understand.text import standard
from dialogs.understand.trend import trend

YES_NO_EXPERT = Options("exp", {"none": ("決まっていない", "おまかせ", "お任せ", "特にない", "未定", "まだ", "いない",
                                         "ない", "窓口に任せ", "紹介してほしい", "選んでほしい"),
                                "named": ("決まっている", "決めている", "お願いしたい人", "指名", "希望の専門家")})
RELATION = Options("rel", {
    "employee": ("自社の社員・役員", "社員", "役員", "身内", "うちの", "従業員", "家族", "息子", "娘", "親戚", "うちの人",
                 "自社の"),
    "advisory": ("顧問契約がある", "顧問", "顧問料", "顧問先", "契約している", "顧問税理士", "顧問契約", "契約中", "いつもお願いしている",
                 "取引がある", "付き合いがある"),
    "solicited": ("先方から勧められた", "勧められた", "売り込み", "営業された", "声をかけられた", "向こうから", "営業に来た",
                  "勧誘", "すすめられた", "誘われた", "売り込まれた", "紹介したいと言われた"),
    "none": ("特に関係はない", "関係ない", "知り合い", "紹介された", "なし", "特になし", "無関係", "関係はない",
             "セミナーで知った", "ネットで見た", "知人の紹介", "評判", "友人"),
})
USAGE = Options("use", {"none": ("利用していない", "初めて", "はじめて", "初回", "使っていない", "今回が初めて", "まだ",
                                 "ない", "ありません"),
                        "used": ("利用した", "使った", "利用しました", "使いました", "受けた", "来てもらった", "2回目",
                                 "二回目", "去年も", "前にも")})
SITUATION = Options("sit", {"good": ("好調", "順調", "良い", "いい", "よい", "上向き", "伸びている", "増えている", "黒字",
                                     "忙しい", "絶好調", "まずまず好調", "ぼちぼちいい"),
                            "flat": ("横ばい", "変わらない", "まあまあ", "普通", "ぼちぼち", "そこそこ", "例年並み",
                                     "可もなく不可もなく", "変化なし", "ふつう", "安定", "並み", "去年並み", "例年通り",
                                     "トントン", "とんとん", "変わりない", "横這い"),
                            "hard": ("厳しい", "苦しい", "悪い", "よくない", "良くない", "芳しくない", "思わしくない",
                                     "いまいち", "イマイチ", "さっぱり", "落ち込んで", "悪化", "減っている", "赤字", "落ちている", "売上が下がって",
                                     "大変", "きつい", "しんどい", "下がっている", "減少", "低迷", "不調", "客が減"),})
CONSENT = Options("consent", {"yes": ("同意する", "同意します", "同意", "承諾", "了承", "いいです", "ok", "構いません",
                                      "大丈夫", "了解"),
                              "no": ("同意しない", "同意しません", "嫌です", "やめておく", "拒否", "お断り", "だめ", "遠慮",
                                     "見送り", "控えます")})
MODE = Options("mode", {"visit": ("訪問", "来てほしい", "対面", "来てもらいたい", "店に来て", "会って", "直接", "現地",
                                  "来社", "来店", "お店で", "事務所で", "来て"),
                        "online": ("オンライン", "zoom", "ウェブ会議", "リモート", "web会議", "ビデオ通話", "テレビ電話",
                                   "画面越し", "teams", "google meet", "ネットで", "ライン通話", "line通話"),
                        "either": ("どちらでも", "どちらでもよい", "おまかせ", "お任せ", "どっちでも", "どちらでもいい",
                                   "こだわらない", "どっちでもよい", "両方", "決めていない", "特にない", "特になし",
                                   "こだわりはない", "こだわりない", "希望はない", "どっちでもいい", "どれでも")})
ARRANGED = Options("arr", {"yes": ("もう決めている", "決めた", "調整済み", "約束している", "決まっている"),
                           "no": ("まだ決めていない", "決めていない", "まだ", "これから", "未定", "調整していない")})
RELATION_WORDS = {"employee": "御社に所属している", "advisory": "御社と顧問契約（またはそれに近い関係）にある",
                  "solicited": "ご自分を派遣するよう働きかけてきた"}
LATER_CHOICE = Choice(LATER_LABEL, LATER)


Take = Callable[[Inbound, Slots], Taken | None]
Ask = Callable[[Slots], tuple[Reply, ...]]


def _pick(options: Options, slot: str) -> Take:
    return lambda i, s: options.taken(i, slot)


# 001 4(1)ク②'s grounds as owners describe them: belonging to the business or its group (所属・関連企業), a standing
# contract, or the expert having asked to be sent; and a relation that has ended or is denied.
_BELONGS = re.compile(r"(取締役|監査役|役員|社員|従業員|職員|所属|専務|常務|理事|グループ会社|関連会社|子会社|親会社|うちの会社の|"
                      r"弊社の|当社の|身内|息子|娘|親戚|家族)")
_CONTRACT = re.compile(r"(顧問|契約|月に\d+回来|毎月来て|定期的に来|年間契約|委託)")
_ASKED_FOR = re.compile(r"(向こうから|先方から|いきなり|突然|営業|売り込|勧誘|勧め|すすめ|誘わ|声をかけ|持ちかけ)|"
                        r"(申し込んで|申請して|名前を書いて|書いてください|頼んで|出して)(と|って|くれと|くれって)?"
                        r"(言われ|言って|言いよ|言ってき|頼まれ|言わ)")
_ENDED = re.compile(r"(だった|でした|やった|していた|してた)(けど|が|けれど)|終わ|切れ|解約|やめた|辞めた|以前は|前は|昔は|元")
_DENIED = re.compile(r"(顧問|契約|取引|関係|社員|役員)[^、。]{0,6}(ない|なか|ありません|ございません|じゃな|ではな|じゃなか)|"
                     r"(会ったこと|面識)[^、。]{0,4}(ない|なか|ありません)")


def _relation_of(text: str) -> str | None:
    """The relation in the owner's words, or None (then the options' words decide)."""
    std = standard(text)
    if _ASKED_FOR.search(std) and not _DENIED.search(std):
        return "solicited"
    if _BELONGS.search(std) and not _DENIED.search(std) and not _ENDED.search(std):
        return "employee"
    if _CONTRACT.search(std) and not _DENIED.search(std):
        return "none" if _ENDED.search(std) else "advisory"  # 「前は顧問だったけど、去年で契約は終わってる」
    if _DENIED.search(std):
        return "none"
    return None


def _relation(inbound: Inbound, slots: Slots) -> Taken | None:
    if inbound.kind is Kind.TEXT and unknown(inbound.text):
        return None
    key = _relation_of(inbound.text) if inbound.kind is Kind.TEXT else None
    taken = (Taken({"expert_relation": key}, score=0.9, label=RELATION.items[key][0]) if key
             else RELATION.taken(inbound, "expert_relation"))
    if taken is None and inbound.kind is Kind.TEXT and polarity(inbound.text) is False:
        taken = Taken({"expert_relation": "none"}, score=0.9, label=RELATION.items["none"][0])
    if taken is None:
        return None
    key = taken.values["expert_relation"]
    say = (Text(texts.EXPERT_RULE.format(relation=RELATION_WORDS[key])),) if key in RELATION_WORDS else ()
    return Taken(taken.values, say, score=taken.score, label=taken.label)


def _arranged(inbound: Inbound, slots: Slots) -> Taken | None:
    taken = yes_no(inbound, ARRANGED, "yes", "no", "expert_arranged")
    if taken is None:
        return None
    arranged = taken.values["expert_arranged"] == "yes"
    say = (Text(texts.EXPERT_ARRANGED_RULE),) if arranged else ()
    return Taken({"expert_arranged": arranged}, say, score=taken.score, label=taken.label)


def _expert(inbound: Inbound, slots: Slots) -> Taken | None:
    taken = yes_no(inbound, YES_NO_EXPERT, "named", "none", "expert")
    if taken is None:
        return None
    text = text_of(inbound, max_chars=100)
    name = _named_in(text) if text and taken.values["expert"] == "named" else None
    return Taken(taken.values | ({"expert_name": name} if name else {}), score=taken.score, label=taken.label)


def _named_in(text: str) -> str | None:
    """A name given with the answer: 「〇〇さんにお願いしたい」 → 〇〇さん."""
    std = standard(text)
    for honorific in ("先生", "さん", "氏", "様"):
        at = std.find(honorific)
        if at > 0:
            start = max(std.rfind(c, 0, at) for c in "、,。はのでにがを") + 1
            name = std[start:at + len(honorific)]
            if 1 < len(name) <= 20:
                return name
    return None


def _usage(inbound: Inbound, slots: Slots) -> Taken | None:
    taken = yes_no(inbound, USAGE, "used", "none", "usage")
    if taken is None:
        return None
    visits, hours = parse_usage(standard(inbound.text)) if inbound.kind is Kind.TEXT else (None, None)
    if taken.values["usage"] == "used" and (visits is not None or hours is not None):
        values, say = _usage_values(inbound, visits, hours)
        return Taken({"usage": "used"} | values, say, score=taken.score, label=taken.label)
    return taken


def _usage_values(inbound: Inbound, visits: int | None, hours: float | None
                  ) -> tuple[dict[str, Any], tuple[Reply, ...]]:
    """The caps and their wording are the program year's (001 4(1)ク①; program/rN.yaml), as the shell gave them."""
    year = program.of_facts(inbound.facts)
    decision = eligibility.decide_past_usage(visits, hours, year[0].caps if year else program.FALLBACK_CAPS)
    caps = year[0].caps_text() if year else program.caps_text(program.FALLBACK_CAPS)
    say = (Text(caps + texts.USAGE_CAP_TAIL),) if decision.outcome != "eligible" else ()
    return {"past_visits": visits, "past_hours": hours}, say


def _usage_amount(inbound: Inbound, slots: Slots) -> Taken | None:
    visits, hours = parse_usage(standard(inbound.text)) if inbound.kind is Kind.TEXT else (None, None)
    if visits is None and hours is None and later(inbound):
        return Taken({"past_visits": None, "past_hours": None, "usage_unknown": True})
    if visits is None and hours is None:
        return None
    values, say = _usage_values(inbound, visits, hours)
    return Taken(values, say)


def _free_text(slot: str, *, allow_later: bool, max_chars: int = 300) -> Take:
    def take(inbound: Inbound, slots: Slots) -> Taken | None:
        if allow_later and later(inbound):
            return Taken({slot: None, f"{slot}_later": True}, (Text(texts.LATER_NOTED),))
        text = text_of(inbound, max_chars=max_chars)
        return None if text is None else Taken({slot: text})
    return take


# The phone number typed with the name (「丸山信夫 090-3811-2045」): its digits, dashes and brackets, and the words
# that label it, are not part of the name.
_PHONE_RUN = re.compile(r"(\+81|[0０〇])[0-9０-９〇一二三四五六七八九零\s\-‐‑–—―−－ー()（）]{8,}")
_CONTACT_WORDS = re.compile(r"(電話番号|電話|でんわ|携帯|けいたい|tel|ｔｅｌ|メールアドレス|メール|アドレス|e-mail|mail)(は|が|:|：)?",
                            re.IGNORECASE)


def _representative(inbound: Inbound, slots: Slots) -> Taken | None:
    text = text_of(inbound, max_chars=300)
    if text is None:
        return None
    phone, name = (None, text) if "phone" in slots else _name_and_phone(text)
    if phone is None:
        return None if len(name) > 60 or not name else Taken({"representative": name})
    email = parse_email(text)
    values: dict[str, Any] = {"phone": phone} | ({"email": email} if email else {})
    if name and len(name) <= 60 and re.search(r"[一-龥ぁ-んァ-ヶA-Za-z]", name) and not re.search(r"[0-9０-９]", name):
        values["representative"] = name  # else only the number is taken, and the name asked again
    return Taken(values)


_SPOKEN_DIGITS = re.compile(f"(?:{'|'.join(kana for kana, _ in KANA_DIGITS)}|[0-9０-９ー-])+")


def _name_and_phone(text: str) -> tuple[str | None, str]:
    """The phone number in the answer, and the name: what comes before the number up to the words that label it
    and the end of its sentence (「院長の田代 博之です 電話は院の番号で、096-…」), or what is left after it."""
    span = _PHONE_RUN.search(text)
    if span is not None and (phone := parse_phone(span.group())) is not None:
        before, after = text[: span.start()], text[span.end():]
    else:  # kana digits (「いちのせ ふみこ ぜろきゅうろくなな…」): the shortest tail of words that is a number
        words = text.split()
        tail = next((i for i in range(1, len(words)) if all(_SPOKEN_DIGITS.fullmatch(w) for w in words[i:])
                     and len(kana_digits(" ".join(words[i:])).replace(" ", "")) >= 6), None)
        if tail is None:
            return None, text
        phone, before, after = parse_phone(" ".join(words[tail:])), " ".join(words[:tail]), ""
        if phone is None:  # a number that is not one (a digit too few): the name alone, and the phone asked
            return None, before
    label = _CONTACT_WORDS.search(before)
    before = before[: label.start()] if label else before
    source = before if before.strip(" 、,。.:：/／") else _CONTACT_WORDS.sub(" ", after.replace(parse_email(after) or "\0", " "))
    first = next((p for p in re.split(r"(?<=です)\s|[。\n]", source) if p.strip(" 、,。.:：/／")), "")
    return phone, re.sub(r"\s+", " ", first.strip(" 、,。.:：/／")).strip()


def _situation(inbound: Inbound, slots: Slots) -> Taken | None:
    if later(inbound):
        return Taken({"situation": None, "situation_later": True}, (Text(texts.LATER_NOTED),))
    text = text_of(inbound, max_chars=300)
    way = trend(text) if text else None
    if way in ("good", "flat", "hard"):  # read from how the owner describes it; their words are kept beside it
        label = SITUATION.items[way][0]
        detail = text if text and len(standard(text)) > len(label) + 4 else None
        return Taken({"situation": label} | ({"situation_detail": detail} if detail else {}), score=0.9, label=label)
    if way == "mixed" and text:  # both ways at once: the owner's description is the answer
        return Taken({"situation": text}, score=0.9)
    found = SITUATION.found(inbound)
    if found is not None:
        text = text_of(inbound, max_chars=300)
        detail = text if text and len(standard(text)) > len(found.word) + 6 else None
        label = SITUATION.items[found.key][0]
        return Taken({"situation": label} | ({"situation_detail": detail} if detail else {}), score=found.score,
                     label=label)
    text = text_of(inbound, max_chars=300)
    return None if text is None or len(standard(text)) < 4 else Taken({"situation": text}, score=0.9)


def _consent(inbound: Inbound, slots: Slots) -> Taken | None:
    taken = yes_no(inbound, CONSENT, "yes", "no", "consent")
    if taken is None:
        return None
    if taken.values["consent"] == "no":
        return Taken({"consent": False}, (Text(texts.NO_CONSENT),), end="no_consent", score=taken.score,
                     label=taken.label)
    return Taken({"consent": True}, score=taken.score, label=taken.label)


def _phone(inbound: Inbound, slots: Slots) -> Taken | None:
    if inbound.kind is not Kind.TEXT:
        return None
    text = standard(inbound.text)
    email = parse_email(_email_part(text)) if "@" in text else None
    phone = parse_phone(text.split("@")[0] if email is None else text.replace(_email_part(text), ""))
    if phone is None:
        return None
    return Taken({"phone": phone} | ({"email": email} if email else {}))


def _email_part(text: str) -> str:
    words = text.replace("、", " ").replace(",", " ").replace("メール", " ").replace(":", " ").split()
    return next((w for w in words if "@" in w), text)


def _email(inbound: Inbound, slots: Slots) -> Taken | None:
    if inbound.kind is Kind.POSTBACK and inbound.data == "ps:email:none":
        return Taken({"email": None})
    if inbound.kind is not Kind.TEXT:
        return None
    email = parse_email(_email_part(standard(inbound.text)))
    if email is not None:
        return Taken({"email": email})
    if polarity(inbound.text) is False or later(inbound):
        return Taken({"email": None}, score=0.9, label="なし")
    return None


def _ask(text: str, *choices: Choice) -> Ask:
    return lambda s: (Choices(text, choices),) if choices else (Text(text),)



SLOTS = (
    Slot("expert", "専門家のご希望", lambda s: (YES_NO_EXPERT.question(texts.ASK_EXPERT),), _expert,
         lambda s: "expert" not in s, skip=skip(expert="none")),
    Slot("expert_name", "専門家のご希望", _ask(texts.ASK_EXPERT_NAME),
         _free_text("expert_name", allow_later=False, max_chars=100),
         lambda s: s.get("expert") == "named" and "expert_name" not in s, free=True,
         skip=skip(expert_name=None, expert_name_unknown=True)),
    Slot("expert_relation", "専門家のご希望", lambda s: (RELATION.question(texts.ASK_EXPERT_RELATION),), _relation,
         lambda s: s.get("expert") == "named" and "expert_relation" not in s,
         skip=skip(expert_relation="unknown")),
    Slot("expert_arranged", "専門家のご希望", lambda s: (ARRANGED.question(texts.ASK_EXPERT_ARRANGED),), _arranged,
         lambda s: s.get("expert") == "named" and "expert_arranged" not in s,
         skip=skip(expert_arranged=None)),
    Slot("usage", "利用状況", lambda s: (USAGE.question(texts.ASK_USAGE),), _usage, lambda s: "usage" not in s,
         skip=skip(usage="unknown", past_visits=None, past_hours=None, usage_unknown=True)),
    Slot("usage_amount", "利用状況", _ask(texts.ASK_USAGE_AMOUNT, Choice("わからない", LATER)),
         _usage_amount, lambda s: s.get("usage") == "used" and "past_visits" not in s,
         skip=skip(past_visits=None, past_hours=None, usage_unknown=True)),
    Slot("business", "事業の内容", _ask(texts.ASK_BUSINESS, LATER_CHOICE),
         _free_text("business", allow_later=True), lambda s: "business" not in s, free=True,
         skip=skip(business=None, business_later=True)),
    Slot("situation", "事業の内容", lambda s: (SITUATION.question(texts.ASK_SITUATION, LATER_CHOICE),), _situation,
         lambda s: "situation" not in s, free=True, skip=skip(situation=None, situation_later=True)),
    Slot("business_name", "連絡先", _ask(texts.ASK_BUSINESS_NAME),
         _free_text("business_name", allow_later=False, max_chars=100), lambda s: "business_name" not in s, free=True,
         skip=skip(business_name=None, business_name_unknown=True)),
    Slot("representative", "連絡先", _ask(texts.ASK_REPRESENTATIVE), _representative,
         lambda s: "representative" not in s, free=True,
         skip=skip(representative=None, representative_unknown=True)),
    Slot("phone", "連絡先", _ask(texts.ASK_PHONE), _phone, lambda s: "phone" not in s,
         skip=skip(phone=None, phone_unknown=True)),
    # The e-mail address is taken with the phone number (one question less); asked on its own only by a coordinator.
    Slot("email", "連絡先", _ask(texts.ASK_EMAIL, Choice("なし", "ps:email:none")), _email,
         lambda s: "email" not in s and "phone" not in s, skip=skip(email=None)),
    Slot("mode", "相談方法", lambda s: (MODE.question(texts.ASK_MODE),), _pick(MODE, "mode"),
         lambda s: "mode" not in s, skip=skip(mode="either"), default=skip(mode="either", mode_default=True)),
)
CONSENT_SLOT = Slot("consent", "連絡先", lambda s: (CONSENT.question(texts.ASK_CONSENT),), _consent,
                    lambda s: "consent" not in s)
