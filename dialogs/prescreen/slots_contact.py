"""Slots after the problem: expert preference, past usage, the business situation, consent and contact."""

from __future__ import annotations

from collections.abc import Callable

from dialogs import eligibility
from dialogs.model import Choice, Choices, Inbound, Kind, Reply, Text
from dialogs.parsing import parse_email, parse_phone, parse_usage
from dialogs.prescreen import texts
from dialogs.prescreen.form import LATER, LATER_LABEL, Options, Slot, Slots, Taken, later, text_of

YES_NO_EXPERT = Options("exp", {"none": ("決まっていない", "いない", "いません", "ない", "特にない", "おまかせ"),
                                "named": ("決まっている", "いる", "います", "ある", "はい")})
RELATION = Options("rel", {
    "employee": ("自社の社員・役員", "社員", "役員", "身内", "うちの"),
    "advisory": ("顧問契約がある", "顧問", "契約している"),
    "solicited": ("先方から勧められた", "勧められた", "売り込み", "営業された", "声をかけられた"),
    "none": ("特に関係はない", "関係ない", "知り合い", "紹介された", "なし"),
})
USAGE = Options("use", {"none": ("利用していない", "していない", "いいえ", "初めて", "はじめて", "ない"),
                        "used": ("利用した", "した", "はい", "使った", "あります", "ある")})
SITUATION = Options("sit", {"good": ("好調", "順調", "良い"), "flat": ("横ばい", "変わらない", "まあまあ", "普通"),
                            "hard": ("厳しい", "苦しい", "悪い", "減っている")})
CONSENT = Options("consent", {"yes": ("同意する", "同意します", "はい", "いいです", "ok"),
                              "no": ("同意しない", "同意しません", "いいえ", "嫌です", "やめておく")})
MODE = Options("mode", {"visit": ("訪問", "来てほしい", "対面"), "online": ("オンライン", "zoom", "ウェブ会議", "リモート"),
                        "either": ("どちらでも", "どちらでもよい", "おまかせ")})
RELATION_WORDS = {"employee": "御社に所属している", "advisory": "御社と顧問契約（またはそれに近い関係）にある",
                  "solicited": "ご自分を派遣するよう働きかけてきた"}
LATER_CHOICE = Choice(LATER_LABEL, LATER)


Take = Callable[[Inbound, Slots], Taken | None]
Ask = Callable[[Slots], tuple[Reply, ...]]


def _pick(options: Options, slot: str) -> Take:
    return lambda i, s: (lambda k: Taken({slot: k}) if k else None)(options.pick(i))


def _relation(inbound: Inbound, slots: Slots) -> Taken | None:
    key = RELATION.pick(inbound)
    if key is None:
        return None
    say = (Text(texts.EXPERT_RULE.format(relation=RELATION_WORDS[key])),) if key in RELATION_WORDS else ()
    return Taken({"expert_relation": key}, say)


def _usage_amount(inbound: Inbound, slots: Slots) -> Taken | None:
    if later(inbound):
        return Taken({"past_visits": None, "past_hours": None, "usage_unknown": True})
    visits, hours = parse_usage(inbound.text) if inbound.kind is Kind.TEXT else (None, None)
    if visits is None and hours is None:
        return None
    decision = eligibility.decide_past_usage(visits, hours)
    say = (Text(texts.USAGE_CAP),) if decision.outcome != "eligible" else ()
    return Taken({"past_visits": visits, "past_hours": hours}, say)


def _free_text(slot: str, *, allow_later: bool) -> Take:
    def take(inbound: Inbound, slots: Slots) -> Taken | None:
        if allow_later and later(inbound):
            return Taken({slot: None, f"{slot}_later": True}, (Text(texts.LATER_NOTED),))
        text = text_of(inbound, max_chars=300)
        return None if text is None else Taken({slot: text})
    return take


def _situation(inbound: Inbound, slots: Slots) -> Taken | None:
    if later(inbound):
        return Taken({"situation": None, "situation_later": True}, (Text(texts.LATER_NOTED),))
    key = SITUATION.pick(inbound)
    if key is not None:
        return Taken({"situation": SITUATION.items[key][0]})
    text = text_of(inbound, max_chars=300)
    return None if text is None else Taken({"situation": text})


def _consent(inbound: Inbound, slots: Slots) -> Taken | None:
    key = CONSENT.pick(inbound)
    if key == "no":
        return Taken({"consent": False}, (Text(texts.NO_CONSENT),), end="no_consent")
    return Taken({"consent": True}) if key == "yes" else None


def _validated(slot: str, parse: Callable[[str], str | None]) -> Take:
    return lambda i, s: (lambda v: Taken({slot: v}) if v else None)(parse(i.text) if i.kind is Kind.TEXT else None)


def _email(inbound: Inbound, slots: Slots) -> Taken | None:
    if inbound.kind is Kind.POSTBACK and inbound.data == "ps:email:none":
        return Taken({"email": None})
    if inbound.kind is Kind.TEXT and inbound.text.strip() in ("なし", "ない", "ありません", "持っていない"):
        return Taken({"email": None})
    email = parse_email(inbound.text) if inbound.kind is Kind.TEXT else None
    return None if email is None else Taken({"email": email})


def _ask(text: str, *choices: Choice) -> Ask:
    return lambda s: (Choices(text, choices),) if choices else (Text(text),)


SLOTS = (
    Slot("expert", "専門家のご希望", lambda s: (YES_NO_EXPERT.question(texts.ASK_EXPERT),),
         _pick(YES_NO_EXPERT, "expert"), lambda s: "expert" not in s),
    Slot("expert_name", "専門家のご希望", _ask(texts.ASK_EXPERT_NAME),
         _free_text("expert_name", allow_later=False),
         lambda s: s.get("expert") == "named" and "expert_name" not in s),
    Slot("expert_relation", "専門家のご希望", lambda s: (RELATION.question(texts.ASK_EXPERT_RELATION),), _relation,
         lambda s: s.get("expert") == "named" and "expert_relation" not in s),
    Slot("usage", "利用状況", lambda s: (USAGE.question(texts.ASK_USAGE),), _pick(USAGE, "usage"),
         lambda s: "usage" not in s),
    Slot("usage_amount", "利用状況", _ask(texts.ASK_USAGE_AMOUNT, Choice("わからない", LATER)),
         _usage_amount, lambda s: s.get("usage") == "used" and "past_visits" not in s),
    Slot("business", "事業の内容", _ask(texts.ASK_BUSINESS, LATER_CHOICE),
         _free_text("business", allow_later=True), lambda s: "business" not in s),
    Slot("situation", "事業の内容", lambda s: (SITUATION.question(texts.ASK_SITUATION, LATER_CHOICE),), _situation,
         lambda s: "situation" not in s),
    Slot("consent", "連絡先", lambda s: (CONSENT.question(texts.ASK_CONSENT),), _consent, lambda s: "consent" not in s),
    Slot("business_name", "連絡先", _ask(texts.ASK_BUSINESS_NAME),
         _free_text("business_name", allow_later=False), lambda s: "business_name" not in s),
    Slot("representative", "連絡先", _ask(texts.ASK_REPRESENTATIVE),
         _free_text("representative", allow_later=False), lambda s: "representative" not in s),
    Slot("phone", "連絡先", _ask(texts.ASK_PHONE), _validated("phone", parse_phone),
         lambda s: "phone" not in s),
    Slot("email", "連絡先", _ask(texts.ASK_EMAIL, Choice("なし", "ps:email:none")), _email,
         lambda s: "email" not in s),
    Slot("mode", "相談方法", lambda s: (MODE.question(texts.ASK_MODE),), _pick(MODE, "mode"),
         lambda s: "mode" not in s),
)
