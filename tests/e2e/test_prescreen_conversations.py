"""Pre-screening conversations end to end: signed LINE webhooks in, the real SDK out to the fake LINE server
(which fails the test on any platform-limit violation), a real database, the case read back."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dialogs import texts as menu_texts
from dialogs.prescreen import texts
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.owner import Owner
from tests.e2e.processes import REPO, env_for
from tests.fakes.line_server import FakeLine
from tests.kb import ANSWERS as KB
from tests.simulation import pending


@pytest.fixture
def bot(sqlite_url: str, fake_line: FakeLine):
    with LiveBot(make_settings(sqlite_url, fake_line.url)) as live:  # type: ignore[attr-defined]
        yield live


@pytest.fixture
def owner(bot: LiveBot, fake_line: FakeLine, request: pytest.FixtureRequest) -> Owner:
    o = Owner(bot, fake_line, f"U{request.node.name[:40]}")
    o.follow()
    return o


def answer(o: Owner, answers: dict[str, str], *, until: str, typing: bool = True) -> None:
    """Answer whatever the bot asks (by slot) until it asks `until`; taps the label where `typing` is False."""
    for _ in range(30):
        slot = pending(o.heard[-1] if o.heard else [])
        if slot == until:
            return
        assert slot in answers, f"asked {slot!r}: {o.last[:80]!r}"
        value = answers[slot]
        o.tap(value) if not typing and value in o.offered else o.say(value)
    raise AssertionError("too many questions")


BUSINESS = {"location": "菊陽町です", "org_type": "株式会社です", "industry": "製造業です", "employees": "25人",
            "consent": "同意します", "shokokai": "商工会には入っていません", "theme": "ITツールの活用",
            "reading": "はい"}
TAPPED = {"location": "菊陽町", "org_type": "会社", "industry": "製造業", "employees": "25人", "consent": "同意する",
          "shokokai": "加入していない", "theme": "ITツールの活用", "reading": "はい"}
AFTER = {"theme": "ITツールの活用", "expert": "特に決まっていません", "usage": "利用していない",
         "business": "和菓子の製造と店頭販売", "situation": "横ばいです", "reading": "はい"}
AFTER_TAPPED = {"theme": "ITツールの活用", "expert": "決まっていない", "usage": "利用していない",
                "business": "和菓子の製造と店頭販売", "situation": "横ばい", "reading": "はい"}
CONTACT = {"business_name": "菊陽菓子舗", "representative": "熊本 花子", "phone": "０９６－２３２－１２３４",
           "email": "なし", "mode": "オンラインで", "reading": "はい"}


def to_problem(o: Owner, *, typing: bool = True, industry: str = "製造業", heads: str = "25人") -> None:
    """From the menu to the problem question: 菊陽町, company, the industry, a headcount, consent, no 商工会."""
    assert texts.START in (o.say("相談したいです") if typing else o.tap(menu_texts.LABEL_CONSULT))[0]
    answers = (BUSINESS if typing else TAPPED) | {"industry": industry if not typing else f"{industry}です",
                                                   "employees": heads}
    answer(o, answers, until="problem", typing=typing)
    assert texts.ASK_PROBLEM in o.last


def after_problem(o: Owner, *, typing: bool = True) -> None:
    """Expert, usage, business, situation, contact, mode; ends at the confirmation."""
    answer(o, AFTER if typing else AFTER_TAPPED, until="business_name", typing=typing)
    contact(o, typing=typing)


def contact(o: Owner, *, typing: bool = True) -> None:
    answer(o, CONTACT | ({} if typing else {"email": "なし", "mode": "オンライン"}), until="confirm", typing=typing)
    assert texts.CONFIRM_PROMPT in o.last


def submit(o: Owner) -> dict:
    o.tap("送信する")
    assert "受付番号は KD-" in o.last and "{" not in o.last
    [case] = o.cases()
    assert case["reference"] in o.last
    return case


def test_eligible_manufacturer_by_typing(owner: Owner) -> None:
    to_problem(owner)
    owner.say("在庫と受注を紙で管理していて、クラウドの管理システムを入れたい")
    after_problem(owner)
    assert "どちらでも" in " ".join(owner.heard[-1])  # 相談方法 is not asked on the way: the card says how to change it
    owner.tap("修正する")
    owner.tap("相談方法")
    assert pending(owner.heard[-1]) == "mode"
    owner.say("オンラインで")
    assert texts.CONFIRM_PROMPT in owner.last
    case = submit(owner)
    assert case | {"created_at": None, "reference": None, "decisions": None} == case | {
        "created_at": None, "reference": None, "decisions": None,
        "status": "new", "kind": "application", "outcome": "eligible", "size_class": "medium",
        "industry": "manufacturing", "org_type": "company", "theme": "it_tools", "employees": 25, "capital_yen": None,
        "past_visits": None, "past_hours": None, "flags": [], "business_name": "菊陽菓子舗", "municipality": "菊陽町",
        "mode": "online"}
    rules = {d["rule"]: d for d in case["decisions"]}
    assert rules["size_class"]["clause"].startswith("004 中小企業の範囲①")
    assert rules["size_class"]["values"]["employees"] == 25 and rules["org_type"]["clause"].startswith("001")


def test_small_retailer_by_tapping(owner: Owner) -> None:
    to_problem(owner, typing=False, industry="小売業", heads="3人")
    owner.say("お店の商品をネットでも売りたいが、始め方がわからない")
    after_problem(owner, typing=False)
    case = submit(owner)
    assert (case["outcome"], case["size_class"], case["industry"], case["employees"]) == ("eligible", "small", "retail", 3)


def test_employee_buckets_tap_to_a_size_without_a_number(owner: Owner) -> None:
    owner.say("相談したい")
    owner.tap("同意する")
    owner.say("八代市")
    owner.tap("個人事業主")
    owner.tap("小売業")
    assert list(owner.offered) == ["いない（0人）", "1〜5人", "6〜50人", "51人以上"]
    owner.tap("6〜50人")
    assert texts.ASK_KAI[:20] in owner.last  # no capital question: the headcount decided it


def test_medical_corporation_is_told_it_is_not_covered(owner: Owner) -> None:
    owner.say("相談したい")
    owner.say("同意します")
    owner.say("熊本市です")
    said = owner.say("医療法人です")
    assert texts.EXCLUDED_ORG in said and menu_texts.MENU_PROMPT in said
    assert owner.cases() == []


def test_outside_kumamoto_is_pointed_to_their_support_centre(owner: Owner) -> None:
    owner.tap(menu_texts.LABEL_CONSULT)
    owner.tap("同意する")
    said = owner.say("福岡県久留米市です")
    assert texts.OUTSIDE in said and "よろず支援拠点" in owner.last
    assert owner.cases() == []


def test_large_company_decided_by_capital(owner: Owner) -> None:
    owner.say("相談したい")
    owner.say("同意します")
    owner.say("熊本市")
    owner.say("会社")
    owner.say("卸売業")
    assert "資本金" in owner.say("従業員は百五十人です")[0]  # over 100: capital decides (004 ②)
    said = owner.say("資本金は２億円です")
    assert texts.LARGE in said and owner.cases() == []


def test_website_production_request_rephrased_into_an_ec_consultation(owner: Owner) -> None:
    to_problem(owner)
    said = owner.say("ホームページを作ってほしいです")
    assert "対象外です（実施要領 4(1)ク②）" in said[0] and texts.ASK_EXPERT not in owner.last
    owner.say("自社の商品をネットショップで売るための進め方を相談したい")
    assert texts.ASK_EXPERT in owner.last
    after_problem(owner)
    case = submit(owner)
    assert case["outcome"] == "eligible" and "request_scope" not in case["flags"]


def test_insisting_on_an_excluded_request_is_kept_for_a_coordinator(owner: Owner) -> None:
    to_problem(owner)
    owner.say("チラシを作ってほしい")
    said = owner.say("やっぱりチラシを作ってほしいです")
    assert texts.SCREENED_KEPT in said
    after_problem(owner)
    case = submit(owner)
    assert case["outcome"] == "needs_review" and "request_scope" in case["flags"]


def test_advisory_contract_expert_is_flagged_as_a_conflict(owner: Owner) -> None:
    to_problem(owner, typing=False)
    owner.say("会計ソフトをクラウドに切り替えたい")
    owner.tap("決まっている")
    owner.say("山田税理士事務所の山田さん")
    said = owner.say("顧問契約をしています")
    assert "顧問契約" in said[0] and "4(1)ク②" in said[0]
    owner.tap("まだ決めていない")
    owner.tap("利用していない")
    owner.tap("後で担当者に伝える")
    owner.tap("後で担当者に伝える")
    contact(owner, typing=False)
    case = submit(owner)
    assert case["outcome"] == "needs_review" and {"conflict", "missing_fields"} <= set(case["flags"])
    assert any(d["rule"] == "expert_conflict" and d["outcome"] == "needs_review" for d in case["decisions"])


def test_fifteen_hours_already_used_is_flagged(owner: Owner) -> None:
    to_problem(owner)
    owner.say("POSレジをインボイスに対応させたい")
    owner.say("決まっていません")
    owner.say("利用しました")
    said = owner.say("５回で１５時間です")
    assert texts.USAGE_CAP_TAIL in " ".join(said) and "5回まで" in " ".join(said)
    owner.say("和菓子の製造")
    owner.say("厳しい")
    owner.say("はい、同意します")
    contact(owner)
    case = submit(owner)
    assert (case["past_visits"], case["past_hours"], case["outcome"]) == (5, 15.0, "needs_review")
    assert "cap_reached" in case["flags"]


def test_consent_refused_stores_nothing_personal(owner: Owner, bot: LiveBot) -> None:
    owner.say("相談したい")
    answer(owner, BUSINESS, until="consent")
    said = owner.say("同意しません")
    assert texts.NO_CONSENT in said and "096-223-5568" in said[0]
    assert owner.cases() == []
    with bot.engine.connect() as conn:
        state = conn.exec_driver_sql(f"SELECT state FROM conversation WHERE key = 'line:{owner.user}'").scalar_one()
    state = state if isinstance(state, dict) else json.loads(state)
    assert state == {"node": "menu", "slots": {}}


def test_a_question_mid_flow_is_answered_then_the_question_asked_again(owner: Owner) -> None:
    owner.say("相談したい")
    owner.say("同意します")
    owner.say("合志市")
    said = owner.say("オンラインでもいいですか？")
    assert said[0].startswith(KB["online"]) and "実施要領 4(1)エ" in said[0]
    assert texts.ASK_ORG in said[1]
    said = owner.say("明日の天気はどうですか？")
    assert texts.NO_ANSWER in said[0] and texts.ASK_ORG in said[1]
    owner.sticker()
    assert texts.NOT_TEXT in owner.heard[-1][0] and texts.ASK_ORG in owner.last


def test_cancel_and_restart(owner: Owner) -> None:
    owner.say("相談したい")
    owner.say("同意します")
    owner.say("山鹿市")
    said = owner.say("やめます")
    assert said == [texts.LEAVE_CANCEL]  # answers would be lost: asked first
    said = owner.tap("やめる")
    assert said[0] == menu_texts.CANCELLED and menu_texts.MENU_PROMPT in said
    owner.tap(menu_texts.LABEL_CONSULT)
    assert texts.ASK_CONSENT in owner.last  # a fresh start, not the old answers: consent first again
    owner.tap("同意する")
    assert texts.ASK_LOCATION in owner.last
    owner.say("山鹿市")
    assert owner.say("最初から") == [texts.LEAVE_RESTART]
    said = owner.tap("最初から")
    assert said[0] == texts.RESTARTED and texts.ASK_LOCATION in said[1]  # the consent given still holds
    owner.say("山鹿市")
    assert texts.ASK_ORG in owner.say("予約のキャンセルを減らしたい")[-1]  # an answer with a command word in it


def test_resume_after_a_pause_of_days(owner: Owner) -> None:
    owner.say("相談したい")
    owner.say("同意します")
    owner.say("天草市")
    owner.later(days=3)
    said = owner.say("こんにちは")
    assert said == [texts.RESUME] and set(owner.offered) == {"続きから", "最初から"}
    said = owner.tap("続きから")
    assert said[0] == texts.RESUMED and texts.ASK_ORG in said[1]


def test_fix_an_answer_at_the_confirmation(owner: Owner) -> None:
    to_problem(owner)
    owner.say("受発注をFAXからシステムに変えたい")
    after_problem(owner)
    owner.tap("修正する")
    owner.tap("相談方法")
    owner.tap("訪問")
    assert texts.CONFIRM_PROMPT in owner.last
    assert submit(owner)["mode"] == "visit"


def test_cases_list_json_is_the_stable_interface(owner: Owner, bot: LiveBot) -> None:
    to_problem(owner)
    owner.say("キャッシュレス決済を導入したいがどれがよいかわからない")
    after_problem(owner)
    reference = submit(owner)["reference"]
    run = subprocess.run([sys.executable, "-m", "bot", "cases", "list", "--json"], capture_output=True, text=True,
                         env=env_for(bot.settings), cwd=REPO, timeout=60)
    assert run.returncode == 0, run.stderr
    [case] = json.loads(run.stdout)
    required = {"reference", "status", "kind", "outcome", "size_class", "industry", "org_type", "theme", "employees",
                "capital_yen", "past_visits", "past_hours", "flags", "business_name", "created_at"}
    assert required <= set(case) and case["reference"] == reference
    assert (case["employees"], case["theme"], case["business_name"]) == (25, "cashless", "菊陽菓子舗")  # from the problem
